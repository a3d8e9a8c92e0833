"""What every session shares, through ``st.cache_resource``: the settings, the engine
(embedding model, index snapshot, chat client) and the lock that serialises index
writes from the app. Per-user data lives only in ``st.session_state``."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

from rag.core.errors import RagError
from rag.core.safe_text import inert_markdown
from rag.core.settings import Settings, get_settings
from rag.engine.engine import Engine
from rag.ingest.discovery import IngestReport
from rag.ingest.pipeline import ingest_paths

log = logging.getLogger("rag.app")


@st.cache_resource(show_spinner=False)
def _engine(key: str, _settings: Settings) -> Engine:
    """One engine per distinct configuration (``key``), shared by every session. The model
    and the index snapshot load here, once, so the first question is as quick as any."""
    shared = Engine(_settings)
    if len(shared.searcher.snapshot):
        shared.gather("How well does the force understand demand and plan its finances?")
    return shared


@st.cache_resource(show_spinner=False)
def write_lock() -> threading.Lock:
    """Index writes from the app's sessions go one at a time (the file lock guards
    against other processes)."""
    return threading.Lock()


def settings() -> Settings:
    return get_settings()


def engine() -> Engine:
    current = settings()
    return _engine(current.model_dump_json(), current)


@contextmanager
def friendly(action: str) -> Iterator[None]:
    """Show a failure as one clear message, never a traceback (that goes to the log)."""
    try:
        yield
    except RagError as exc:
        st.error(inert_markdown(f"{action} failed: {exc}"), icon=":material/error:")
        st.stop()
    except Exception:
        log.exception("%s failed", action)
        st.error(
            f"{action} failed because of an unexpected error. The details are in the "
            "server's log; please report them.",
            icon=":material/error:",
        )
        st.stop()


def ingest_files(
    paths: list[Path], names: dict[Path, str] | None = None, label: str = "Ingesting"
) -> IngestReport:
    """Ingest with a progress bar, then let every session see the new documents."""
    shared = engine()
    with progress_bar(label) as update, write_lock():
        report = ingest_paths(
            paths, settings(), progress=update, embeddings=shared.embeddings, names=names
        )
    shared.searcher.refresh()
    return report


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int, str], None]]:
    """A progress bar for the ``progress(done, total, item)`` callbacks of long work,
    removed when the work ends."""
    bar = st.progress(0.0, text=label)

    def update(done: int, total: int, item: str) -> None:
        bar.progress(done / max(total, 1), text=f"{label}: {done}/{total} {item}")

    try:
        yield update
    finally:
        bar.empty()


def seed_names(data: Path) -> dict[Path, str] | None:
    """Source names for the documents of a data folder outside the working directory:
    ``<folder name>/<path inside it>``, so citations never show a server's absolute paths.
    None inside it (names are then relative to the working directory, as on the CLI)."""
    if data.resolve().is_relative_to(Path.cwd().resolve()):
        return None
    names = {}
    for root, _, files in os.walk(data, followlinks=False):  # as ingest walks: no link loops
        for name in files:
            path = Path(root, name)
            names[path] = f"{data.name}/{path.relative_to(data).as_posix()}"
    return names


@st.cache_resource(show_spinner=False)
def _first_start(key: str) -> tuple[threading.Lock, dict[str, bool]]:
    """Per configuration: a lock that sessions arriving during seeding wait on, and
    whether this process has already seeded the index."""
    return threading.Lock(), {"done": False}


def ensure_index() -> None:
    """On the app's first start with an empty index, build it from the shipped documents.
    Only once per process: a user who then removes every document gets an empty index.
    A session that arrives while another is seeding waits for it."""
    current = settings()
    seeding, started = _first_start(current.model_dump_json())
    shared = engine()
    with seeding:
        if started["done"]:
            return
        data = current.data_dir
        if not len(shared.searcher.snapshot) and data.is_dir():
            with st.status(f"First start: building the index from {data}/ …", expanded=True) as s:
                report = ingest_files(
                    [data], seed_names(data), label="Embedding the shipped documents"
                )
                added = sum(d.status in ("added", "updated") for d in report.documents)
                s.update(
                    label=f"Index built: {added} document(s), {report.embedded_chunks} passages.",
                    state="complete",
                    expanded=False,
                )
        started["done"] = True  # a failed seeding raised above: the next run tries again
