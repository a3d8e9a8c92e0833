"""This machine's copy of the registry, so that a reader starts without reading every record.

Chroma reads records with their metadata slowly (about 0.25 ms a record: 1.9 s for
7,700 documents, and its core keeps some 200 MB after one large read), and a reader
needs every record at start (the forces, the BM25 generation, the citations' paragraphs).

So every registry write also stamps a head record (see ``rag.index.store``): a commit
upserts it in the same write as the records it makes live; a removal deletes the record,
then re-stamps. A reader reads the stamp, then the registry's ids (no metadata: cheap),
and uses the copy saved under that stamp when it names the same ids; otherwise it reads
the registry and saves a copy for the next reader. The stamp catches a re-ingest of a
source (its id does not change); the ids catch a removal whose re-stamp a crash lost.
A copy is written to a temporary file and renamed, so a reader sees a whole copy or none;
one that cannot be written (a read-only or full disk) is skipped.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

KEEP_COPIES = 3  # the latest stamps; older copies are dropped whenever one is saved


class RegistryCopies:
    """Copies of the registry's records, one file per head stamp."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, stamp: str) -> Path:
        return self.folder / f"{stamp}.json"

    def load(self, stamp: str, ids: Sequence[str]) -> list[dict[str, Any]] | None:
        """The records' metadata saved under ``stamp``, if they are of exactly ``ids``."""
        try:
            body = json.loads(self._path(stamp).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # none yet, or unreadable: the caller reads the registry
        if not isinstance(body, dict):
            return None
        saved, records = body.get("ids"), body.get("records")
        if not isinstance(saved, list) or not isinstance(records, list):
            return None
        if len(records) != len(saved) or sorted(saved) != sorted(ids):
            return None
        return records

    def save(self, stamp: str, ids: Sequence[str], records: Sequence[dict[str, Any]]) -> None:
        """Save a copy, whole or not at all; a copy that cannot be written is skipped (it
        is a cache: the next reader reads the registry again). Older copies are dropped."""
        text = json.dumps({"ids": list(ids), "records": list(records)})
        temporary: str | None = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".copy-", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, self._path(stamp))
            temporary = None
        except OSError:
            pass  # read-only or full: readers go on reading the registry
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
        self.prune()

    def prune(self) -> None:
        """Keep the copies of the latest stamps (a running reader has already read its own;
        another may remove a file meanwhile)."""
        dated: list[tuple[float, Path]] = []
        for path in self.folder.glob("*.json"):
            with contextlib.suppress(OSError):
                dated.append((path.stat().st_mtime, path))
        for _, old in sorted(dated)[:-KEEP_COPIES]:
            with contextlib.suppress(OSError):
                old.unlink(missing_ok=True)
