"""One writer per index: a second writer is told the index is busy instead of hanging.

Two processes writing one Chroma directory can block for minutes on SQLite's
busy timeout or corrupt the HNSW files, so writers take a file lock first.
A Chroma server serialises writes itself, so no lock is taken for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from rag.errors import IndexBusy
from rag.settings import Settings


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
