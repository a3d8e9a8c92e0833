"""The document reader: a stored document as its reader needs it. A PDF page by page;
every paragraph numbered as citations number it, under its section's headings; and a
cited quote highlighted where it stands. Pure functions of a registry record, so the
Library page only draws what they return."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rag.answer.citations import locate
from rag.core.types import Citation, page_at
from rag.index.registry import DocumentRecord

Kind = Literal["page", "section", "paragraph"]
FOCUS_KEY = "reader_focus"  # session state: the citation an answer's reader link opened


@dataclass(frozen=True)
class Focus:
    """A citation to show in the reader: its document's version and the quote's place."""

    source: str
    document_id: str
    quote: str
    start: int | None = None  # the quote's offset in the document's text
    paragraph: int | None = None

    @classmethod
    def of(cls, citation: Citation) -> Focus:
        return cls(
            citation.source,
            citation.document_id,
            citation.quote,
            citation.char_start,
            citation.paragraph,
        )


@dataclass(frozen=True)
class Line:
    """One thing the reader shows: a page's start, a section's headings, or a paragraph
    (``number`` as citations number it; ``span``: the highlighted quote inside ``text``)."""

    kind: Kind
    text: str
    number: int | None = None
    span: tuple[int, int] | None = None


def pages(record: DocumentRecord) -> list[int]:
    """The document's pages, in order (none for a file without pages)."""
    return sorted({int(page) for _, page in record.pages})


def quote_span(record: DocumentRecord, focus: Focus) -> tuple[int, int] | None:
    """Where the focused quote stands in the document's text; None when this is not the
    cited version or the quote cannot be found in it."""
    if focus.document_id != record.document_id:
        return None
    if focus.start is not None:
        window = record.text[focus.start : focus.start + 2 * len(focus.quote) + 64]
        found = locate(focus.quote, window)
        if found:
            return focus.start + found[0], focus.start + found[1]
    for p in record.paragraphs:  # an LLM citation placed by its paragraph only
        if focus.paragraph in (None, p.number):
            found = locate(focus.quote, record.text[p.start : p.end])
            if found:
                return p.start + found[0], p.start + found[1]
    return None


def focus_page(record: DocumentRecord, focus: Focus | None) -> int | None:
    """The page the focused quote starts on (None: no pages, or no quote found)."""
    span = quote_span(record, focus) if focus else None
    return page_at(record.pages, span[0]) if span and record.pages else None


def reader_lines(
    record: DocumentRecord, focus: Focus | None = None, page: int | None = None
) -> list[Line]:
    """What the reader shows of ``record`` (only ``page`` when given): each page's start,
    each change of section (its path, outermost first), every paragraph, the quote of
    ``focus`` highlighted in the paragraphs it covers."""
    span = quote_span(record, focus) if focus else None
    lines: list[Line] = []
    shown_page: int | None = None
    section: str | None = None
    for p in record.paragraphs:
        first = page_at(record.pages, p.start)
        last = page_at(record.pages, max(p.start, p.end - 1))
        if page is not None and not (
            first is not None and last is not None and first <= page <= last
        ):
            continue
        if first is not None and first != shown_page:
            lines.append(Line("page", f"Page {first}", first))
            shown_page = first
        if p.section and p.section != section:
            lines.append(Line("section", p.section.replace(" > ", " › ")))
        section = p.section
        mark = None
        if span and span[0] < p.end and p.start < span[1]:
            mark = (max(span[0], p.start) - p.start, min(span[1], p.end) - p.start)
        lines.append(Line("paragraph", record.text[p.start : p.end], p.number, mark))
    return lines
