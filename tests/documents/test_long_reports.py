"""The long fictional PEEL reports of the evaluation corpus, read as ``rag ingest`` reads
them: no running header, footer or page number inside any chunk (issue 17's target)."""

from __future__ import annotations

import re
from collections import Counter

from pypdf import PdfReader

from rag.documents.chunking import chunk_document
from rag.documents.loading import read_document
from rag.documents.structure import parse_document
from tests.support import FICTIONAL

PDF = FICTIONAL / "wyvernshire-constabulary-peel-report-fictional.pdf"


def _printed_on_most_pages() -> set[str]:
    """Lines pypdf finds on at least half the pages (digits aside): the page chrome."""
    pages = [(p.extract_text() or "").splitlines() for p in PdfReader(PDF).pages]
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({re.sub(r"\d+", "#", line.strip()) for line in lines if line.strip()})
    return {line for line, n in counts.items() if n >= len(pages) / 2}


def test_no_header_footer_or_page_number_in_any_chunk_of_the_long_pdf() -> None:
    chrome = _printed_on_most_pages()
    assert any("Wyvernshire" in line for line in chrome) and "Page #" in chrome  # found
    doc = parse_document(read_document(PDF, 10_000_000), PDF.name)
    chunks = chunk_document(doc, max_tokens=200, overlap=30)
    assert len(chunks) > 50
    patterns = [re.escape(line).replace("\\#", r"\d+") for line in chrome]
    for chunk in chunks:
        for pattern in patterns:
            assert not re.search(rf"(?<!\w){pattern}(?!\w)", chunk.text), (pattern, chunk.text)
