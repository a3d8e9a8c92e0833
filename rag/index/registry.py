"""The document registry's records: one per live source, the index's commit point (see
``rag.index.store``)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any, overload

from rag.core.types import Paragraph


@dataclass
class DocumentRecord:
    """One live document, as the registry stores it."""

    source: str
    document_id: str
    force: str | None
    inspector: str | None
    title: str | None
    doc_type: str | None
    chunks: int
    ingested_at: str
    chunker: str
    paragraphs: Sequence[Paragraph]
    text: str = ""
    pages: list[tuple[int, int]] = field(default_factory=list)  # (offset, page): PDFs only
    # its chunks' ids, in order: what a new machine fetches to build its BM25 files (empty
    # in a record from before them, or in this machine's registry copy, which omits them)
    chunk_ids: list[str] = field(default_factory=list)

    def metadata(self) -> dict[str, Any]:
        meta = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _NOT_META}
        meta["paragraphs"] = (
            self.paragraphs.stored
            if isinstance(self.paragraphs, StoredParagraphs)
            else json.dumps([_stored_form(p) for p in self.paragraphs])
        )
        meta["pages"] = json.dumps([list(p) for p in self.pages])  # always: upserts merge
        if self.chunk_ids:  # else an upsert keeps those stored (same document, same chunks)
            meta[CHUNK_IDS] = json.dumps(self.chunk_ids)
        return {k: v for k, v in meta.items() if v is not None}

    @classmethod
    def from_chroma(cls, meta: dict[str, Any], text: str | None) -> DocumentRecord:
        paragraphs = StoredParagraphs(str(meta.get("paragraphs", "[]")))
        return cls(
            source=str(meta["source"]),
            document_id=str(meta["document_id"]),
            force=text_or_none(meta.get("force")),
            inspector=text_or_none(meta.get("inspector")),
            title=text_or_none(meta.get("title")),
            doc_type=text_or_none(meta.get("doc_type")),
            chunks=int(meta.get("chunks", 0)),
            ingested_at=str(meta.get("ingested_at", "")),
            chunker=str(meta.get("chunker", "")),
            paragraphs=paragraphs,
            text=text or "",
            pages=[(int(o), int(p)) for o, p in json.loads(str(meta.get("pages", "[]")))],
            chunk_ids=[str(i) for i in json.loads(str(meta.get(CHUNK_IDS, "[]")))],
        )


CHUNK_IDS = "chunk_ids"
_NOT_META = {"text", "paragraphs", "pages", CHUNK_IDS}  # the text is the record's document


def _stored_form(p: Paragraph) -> list[Any]:
    """A paragraph without a section is stored as before: [number, start, end]."""
    return [p.number, p.start, p.end, *([p.section] if p.section else [])]


class StoredParagraphs(Sequence[Paragraph]):
    """A record's paragraphs as the registry stores them (JSON), parsed on first use: a
    reader holds every record and cites the paragraphs of a few."""

    def __init__(self, stored: str) -> None:
        self._stored = stored
        self._items: list[Paragraph] | None = None

    @property
    def stored(self) -> str:
        return self._stored

    def _parsed(self) -> list[Paragraph]:
        if self._items is None:
            self._items = [Paragraph(*p) for p in json.loads(self._stored)]
        return self._items

    @overload
    def __getitem__(self, index: int) -> Paragraph: ...
    @overload
    def __getitem__(self, index: slice) -> list[Paragraph]: ...
    def __getitem__(self, index: int | slice) -> Paragraph | list[Paragraph]:
        return self._parsed()[index]

    def __len__(self) -> int:
        return len(self._parsed())

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    def __repr__(self) -> str:
        return repr(self._parsed())


def text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def source_key(source: str) -> str:
    return "src-" + hashlib.sha256(source.encode()).hexdigest()[:40]
