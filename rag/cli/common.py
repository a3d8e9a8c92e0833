"""What every `rag` command shares: the Typer app, the settings, the engine and the
options used by more than one command. The commands import the heavy stages inside
themselves, so `rag --help` and a mistyped option answer at once."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from rag.core.settings import Settings, get_settings

if TYPE_CHECKING:
    from rag.engine.engine import Engine

app = typer.Typer(
    help="Ask questions of police inspection findings, with checkable citations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


def settings() -> Settings:
    return get_settings()


class ModeChoice(StrEnum):
    auto = "auto"
    offline = "offline"
    llm = "llm"


ModeOpt = Annotated[
    ModeChoice | None, typer.Option("--mode", help="auto, offline or llm (default: RAG_MODE).")
]


def engine(warm: bool = True) -> Engine:
    """The engine on the configured index. ``warm=False`` for a command that never embeds
    (`rag grades`): a model still loading in the background when the process exits
    aborts it."""
    from rag.index.embeddings import OfflineEmbeddings, make_embeddings

    embeddings = make_embeddings(settings())
    if warm and isinstance(embeddings, OfflineEmbeddings):
        embeddings.warm_up()  # the model loads while the index stack imports and opens
    from rag.index.opening import open_read_store

    store = open_read_store(settings())
    if warm:
        store.warm_up()  # and Chroma loads the index while the answer stack imports
    from rag.engine.engine import Engine

    return Engine(settings(), embeddings=embeddings, store=store)
