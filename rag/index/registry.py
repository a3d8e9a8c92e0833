"""The document registry's records: one per live source, the index's commit point (see
``rag.index.store``)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

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
    paragraphs: list[Paragraph]
    text: str = ""
    pages: list[tuple[int, int]] = field(default_factory=list)  # (offset, page): PDFs only

    def metadata(self) -> dict[str, Any]:
        meta = asdict(self)
        meta.pop("text")
        # a paragraph without a section is stored as before: [number, start, end]
        rows = [
            [p.number, p.start, p.end, *([p.section] if p.section else [])] for p in self.paragraphs
        ]
        meta["paragraphs"] = json.dumps(rows)
        meta["pages"] = json.dumps([list(p) for p in self.pages])  # always: upserts merge
        return {k: v for k, v in meta.items() if v is not None}

    @classmethod
    def from_chroma(cls, meta: dict[str, Any], text: str | None) -> DocumentRecord:
        paragraphs = [Paragraph(*p) for p in json.loads(str(meta.get("paragraphs", "[]")))]
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
        )


def text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def source_key(source: str) -> str:
    return "src-" + hashlib.sha256(source.encode()).hexdigest()[:40]
