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
A copy is written to a temporary file and renamed, so a reader sees a whole copy or none.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

KEEP_COPIES = 3  # the latest stamps; older copies are dropped under the write lock


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
        if not isinstance(body, dict) or sorted(body.get("ids", [])) != sorted(ids):
            return None
        return list(body.get("records", []))

    def save(self, stamp: str, ids: Sequence[str], records: Sequence[dict[str, Any]]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(stamp)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"ids": list(ids), "records": list(records)}), "utf-8")
        os.replace(temporary, path)

    def prune(self) -> None:
        """Keep the copies of the latest stamps (a running reader has already read its own)."""
        copies = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
        for old in copies[:-KEEP_COPIES]:
            old.unlink(missing_ok=True)
