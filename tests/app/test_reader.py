"""The document reader (rag.app.reader): a PDF page by page, paragraphs under their
sections, a cited quote highlighted where it stands; a web page by its sections."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.app.reader import Focus, focus_page, pages, quote_span, reader_lines
from rag.core.types import Citation, page_at
from rag.documents.loading import read_document
from rag.documents.structure import parse_document
from rag.index.registry import DocumentRecord
from tests.support import FICTIONAL

PDF = FICTIONAL / "wyvernshire-constabulary-peel-report-fictional.pdf"
HTML = FICTIONAL / "hollowmere-police-peel-report-fictional.html"
QUOTE = "It answered 71.4 per cent of emergency calls within 10 seconds."


def record_of(path: Path) -> DocumentRecord:
    doc = parse_document(read_document(path, 10_000_000), path.name)
    return DocumentRecord(
        doc.source, doc.document_id, doc.force, doc.inspector, doc.title, doc.doc_type,
        0, "", "", doc.paragraphs, doc.text, doc.pages,
    )  # fmt: skip


@pytest.fixture(scope="module")
def pdf() -> DocumentRecord:
    return record_of(PDF)


def focus_on(record: DocumentRecord, quote: str, **change: object) -> Focus:
    start = record.text.index(quote)
    paragraph = next(p.number for p in record.paragraphs if p.start <= start < p.end)
    citation = Citation(
        n=1, document_id=record.document_id, source=record.source, quote=quote,
        paragraph=paragraph, char_start=start,
    )  # fmt: skip
    return Focus.of(citation.model_copy(update=change))


def test_a_pdf_reads_page_by_page_with_its_sections(pdf: DocumentRecord) -> None:
    # every printed page but the contents page, which holds nothing but navigation
    assert pages(pdf) == [1, *range(3, 33)]
    lines = reader_lines(pdf, page=9)
    assert lines[0].kind == "page" and lines[0].text == "Page 9"
    assert {line.kind for line in lines} == {"page", "section", "paragraph"}
    for line in lines:
        if line.kind == "paragraph":
            start = pdf.text.index(line.text)
            ends = page_at(pdf.pages, start), page_at(pdf.pages, start + len(line.text) - 1)
            assert ends[0] <= 9 <= ends[1]  # every paragraph shown touches the page
    sections = [line.text for line in lines if line.kind == "section"]
    assert sections and all(" › " in s for s in sections)  # the path, outermost first
    assert not any(line.span for line in lines)  # nothing cited, nothing highlighted


def test_the_cited_quote_is_highlighted_on_its_page(pdf: DocumentRecord) -> None:
    focus = focus_on(pdf, QUOTE)
    page = focus_page(pdf, focus)
    assert page == page_at(pdf.pages, pdf.text.index(QUOTE))
    marked = [line for line in reader_lines(pdf, focus, page) if line.span]
    assert len(marked) == 1
    start, end = marked[0].span or (0, 0)
    assert marked[0].text[start:end] == QUOTE.rstrip(".")  # the words, as highlighted
    assert not any(line.span for line in reader_lines(pdf, focus, page + 1))


def test_a_citation_placed_by_paragraph_only_is_found_there(pdf: DocumentRecord) -> None:
    focus = focus_on(pdf, QUOTE, char_start=None)
    span = quote_span(pdf, focus)
    assert span and pdf.text[span[0] : span[1]] == QUOTE.rstrip(".")


def test_another_version_of_the_document_highlights_nothing(pdf: DocumentRecord) -> None:
    focus = focus_on(pdf, QUOTE, document_id="0" * 64)
    assert quote_span(pdf, focus) is None and focus_page(pdf, focus) is None
    assert not any(line.span for line in reader_lines(pdf, focus))


def test_a_web_page_reads_by_sections_without_pages() -> None:
    page = record_of(HTML)
    assert pages(page) == []
    quote = "In June 2025, 410 devices were waiting for examination"
    lines = reader_lines(page, focus_on(page, quote))
    assert not any(line.kind == "page" for line in lines)
    marked = next(i for i, line in enumerate(lines) if line.span)
    heading = next(line.text for line in reversed(lines[:marked]) if line.kind == "section")
    assert heading.endswith("› Investigating crime")
    numbers = [line.number for line in lines if line.kind == "paragraph"]
    assert numbers == [p.number for p in page.paragraphs]  # numbered as citations number them
