"""Plain data types shared by loading, chunking and storage."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    """A numbered paragraph: ``text[start:end]`` of its document's stored text."""

    number: int
    start: int
    end: int


@dataclass
class ParsedDocument:
    """A cleaned document. ``text`` is exactly what citations point into."""

    source: str
    text: str
    document_id: str  # sha256 of ``text``: the document's identity
    paragraphs: list[Paragraph]
    force: str | None = None
    inspector: str | None = None
    title: str | None = None
    doc_type: str | None = None  # "transcript", "report", ...


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage: ``document.text[start:end]``."""

    id: str
    document_id: str
    index: int
    text: str
    start: int
    end: int
    paragraph_start: int | None
    paragraph_end: int | None
    token_count: int
    metadata: dict[str, str | int] = field(default_factory=dict)
