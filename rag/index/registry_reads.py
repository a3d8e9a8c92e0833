"""Reading the document registry: every live record, from this machine's copy when the
head stamp and the ids say it is current (``rag.index.registry_copy``), else in pages.

A mixin of ``rag.index.store.IndexStore``, which owns the collections, ``read`` (the retry
while another process writes) and the write side of the commit protocol.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any

from chromadb.api.models.Collection import Collection

from rag.index.registry import CHUNK_IDS, DocumentRecord, source_key
from rag.index.registry_copy import RegistryCopies

HEAD_ID = "head"  # the registry's head record (never a source key: those start "src-")


class RegistryReads:
    """The registry collection's reads (``self.registry``, through ``self.read``)."""

    registry: Collection
    read: Callable[..., Any]
    copies: RegistryCopies

    def documents(self, with_text: bool = False) -> list[DocumentRecord]:
        """Every live document, read from the registry itself (what writers and the
        doctor need; a reader starts faster with :meth:`live_documents`)."""
        return self._records(self._ids(), with_text)[1]

    def live_documents(self) -> list[DocumentRecord]:
        """Every live document, from this machine's copy of the registry when the head
        stamp and the ids say it is current, else read and copied (``registry_copy``)."""
        stamp = self._stamp()  # before the ids: a copy is never older than its stamp
        ids = self._ids()
        saved = self.copies.load(stamp, ids) if stamp else None
        if saved is not None:
            with contextlib.suppress(KeyError, TypeError, ValueError):  # a foreign file
                return _parsed(saved)
        ids, records = self._records(ids, with_text=False)
        if stamp:
            # without the chunk ids: every reader loads the copy, only a BM25 build needs them
            self.copies.save(stamp, ids, [_without_chunk_ids(r.metadata()) for r in records])
        return records

    def document(self, source: str, with_text: bool = False) -> DocumentRecord | None:
        _, records = self._records([source_key(source)], with_text)
        return records[0] if records else None

    def stamped(self) -> bool:
        """Whether the registry has a head stamp (an index from before it has none until
        its next write, or ``rag doctor --repair``)."""
        return self._stamp() is not None

    def _stamp(self) -> str | None:
        got = self.read(lambda: self.registry.get(ids=[HEAD_ID], include=["metadatas"]))
        return str(got["metadatas"][0].get("stamp")) if got["ids"] else None

    def _ids(self) -> list[str]:
        got = self.read(lambda: self.registry.get(include=[]))
        return [i for i in got["ids"] if i != HEAD_ID]

    def _records(
        self, ids: list[str], with_text: bool, page: int = 500
    ) -> tuple[list[str], list[DocumentRecord]]:
        """(ids found, their records by source): a page of ids at a time, as one large
        read costs Chroma's core memory it keeps; a record removed meanwhile is not found."""
        include: list[Any] = ["metadatas", "documents"] if with_text else ["metadatas"]
        found: list[str] = []
        records: list[DocumentRecord] = []
        for start in range(0, len(ids), page):
            part = ids[start : start + page]
            got = self.read(lambda part=part: self.registry.get(ids=part, include=include))
            texts = got.get("documents") or [None] * len(got["ids"])
            found += got["ids"]
            records += [
                DocumentRecord.from_chroma(dict(m), t)
                for m, t in zip(got["metadatas"] or [], texts, strict=True)
            ]
        return found, sorted(records, key=lambda r: r.source)


def _without_chunk_ids(meta: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in meta.items() if k != CHUNK_IDS}


def _parsed(metadatas: Sequence[dict[str, Any]]) -> list[DocumentRecord]:
    return sorted((DocumentRecord.from_chroma(m, None) for m in metadatas), key=lambda r: r.source)
