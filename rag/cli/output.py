"""How the `rag` command talks to people: one-line errors with exit codes, JSON on
stdout, progress on stderr, citations. No traceback reaches a user."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from rag.core.errors import ConfigError, RagError
from rag.core.safe_text import terminal_safe
from rag.core.types import Citation, spot

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)  # a message is one line

F = TypeVar("F", bound=Callable[..., Any])


def show(text: str, one_line: bool = False) -> str:
    """Text from a file, document or model, safe to print: Rich markup escaped, control
    and invisible characters (ANSI escapes, bidi overrides) shown as escapes."""
    return escape(terminal_safe(text, one_line))


def friendly_errors(func: F) -> F:
    """Turn every failure into one line on stderr and an exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except ConfigError as exc:
            err.print(f"error: {show(str(exc))}")
            raise typer.Exit(2) from None
        except RagError as exc:
            err.print(f"error: {show(str(exc))}")
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print("interrupted; nothing half-written is visible, run the command again")
            raise typer.Exit(130) from None
        except Exception as exc:  # last resort: a bug, still no traceback for users
            if os.environ.get("RAG_DEBUG"):
                raise
            err.print(
                f"internal error: {show(type(exc).__name__)}: {show(str(exc))} "
                "(set RAG_DEBUG=1 for details)"
            )
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def emit_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


@contextmanager
def progress_bar(label: str, enabled: bool = True) -> Iterator[Callable[[int, int, str], None]]:
    """A progress bar on stderr; its callback takes (done, total, current item)."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[item]}"),
    )
    with Progress(*columns, console=err, transient=True, disable=not enabled) as bar:
        task = bar.add_task(label, total=None, item="")

        def update(done: int, total: int, item: str) -> None:
            bar.update(task, completed=done, total=total, item=show(item[-50:], one_line=True))

        yield update


def print_citations(citations: list[Citation]) -> None:
    for c in citations:
        where = show(spot(c) or "paragraph ?", one_line=True)
        out.print(f"  [{c.n}] {show(c.force or '-')}, {show(c.source, one_line=True)}, {where}")
        out.print(f"      “{show(c.quote)}”")
