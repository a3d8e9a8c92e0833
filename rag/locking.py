"""One writer per index: a second writer is told the index is busy instead of hanging.

Two processes writing one Chroma directory can block for minutes on SQLite's
busy timeout or corrupt the HNSW files, so writers take a file lock first.
A Chroma server serialises writes itself, so no lock is taken for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from filelock import FileLock, Timeout

from rag.errors import IndexBusy
from rag.settings import Settings


@contextmanager
def write_lock(settings: Settings) -> Iterator[None]:
    if settings.chroma_url:
        yield
        return
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(settings.index_dir / ".write.lock"))
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
