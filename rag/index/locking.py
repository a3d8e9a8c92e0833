"""One writer per index: a second writer is told the index is busy instead of hanging.

Two processes writing one Chroma directory can block for minutes on SQLite's
busy timeout or corrupt the HNSW files, so writers take a file lock first.
A Chroma server serialises writes itself, so no lock is taken for it. While a
writer holds the lock it also leaves a marker (:class:`RunMarker`), so the next
writer knows whether the last run finished.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

from rag.core.errors import IndexBusy
from rag.core.settings import Settings

if TYPE_CHECKING:
    from rag.index.store import IndexStore

PENDING_MARKER = "ingest.pending"  # in a local index while a run writes to it


def lock_path(settings: Settings) -> Path:
    """The lock file of a local index."""
    return settings.index_dir / ".write.lock"


@contextmanager
def write_lock(settings: Settings) -> Iterator[None]:
    if settings.chroma_url:
        yield
        return
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path(settings)))
    try:
        lock.acquire(timeout=settings.lock_timeout_s)
    except Timeout:
        raise IndexBusy(
            f"The index at {settings.index_dir} is busy: another process is writing to it. "
            "Wait for it to finish, then try again."
        ) from None
    try:
        yield
    finally:
        lock.release()


class RunMarker:
    """``ingest.pending`` in a local index while a run writes to it.

    Under the write lock no other writer has work pending, so chunks of no registered
    document are what an interrupted run left. Finding them reads every chunk's metadata
    (12 s at 100,000 chunks), so only a run that finds a marker left behind (that run
    died), or whose own writes failed, looks for them. A Chroma server has no such lock:
    orphans there are left to ``rag doctor --repair``.
    """

    def __init__(self, settings: Settings) -> None:
        self.path = None if settings.chroma_url else settings.index_dir / PENDING_MARKER
        self.interrupted = self.path is not None and self.path.exists()
        if self.path is not None:
            _write_durably(self.path)

    def finish(self, store: IndexStore, failed: bool = False) -> None:
        if self.path is None:
            return
        if self.interrupted or failed:
            store.delete_orphans()
        self.path.unlink(missing_ok=True)


def _write_durably(path: Path) -> None:
    """Create ``path`` and make its existence survive a power cut (file and folder synced)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        os.fsync(handle.fileno())
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
