"""A PEEL-style PDF (tests/support/pdf_report.py): pages, sections, tables, running
headers and footers, hyphenated words and paragraphs run on over a page break."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rag.core.types import ParsedDocument, innermost, page_at
from rag.documents.blocks import Block
from rag.documents.chunking import chunk_document
from rag.documents.loading import read_document
from rag.documents.structure import parse_document
from rag.documents.tables import table_lines
from tests.support.pdf_report import GRADES, HEADER, Fact, build_report

MAX_BYTES = 50 * 1024 * 1024


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Fact]]:
    return build_report(tmp_path_factory.mktemp("pdf") / "fenbridge-peel-fictional.pdf")


@pytest.fixture(scope="module")
def doc(report: tuple[Path, list[Fact]]) -> ParsedDocument:
    blocks = read_document(report[0], MAX_BYTES)
    assert isinstance(blocks, list) and all(isinstance(b, Block) for b in blocks)
    return parse_document(blocks, report[0].name)


def test_no_running_header_footer_or_page_number_in_any_chunk(doc: ParsedDocument) -> None:
    chunks = chunk_document(doc, max_tokens=200, overlap=30)
    assert len(chunks) > 5
    for chunk in chunks:
        assert "PEEL 2025-27" not in chunk.text and HEADER not in chunk.text
        assert not re.search(r"\bPage \d+ of \d+\b", chunk.text), chunk.text


def test_title_and_force_read_from_the_first_page(doc: ParsedDocument) -> None:
    assert doc.title == "An inspection of Fenbridge Police"
    assert doc.force == "Fenbridge Police"


def test_every_fact_on_its_page_under_its_heading(
    doc: ParsedDocument, report: tuple[Path, list[Fact]]
) -> None:
    for fact in report[1]:
        offset = doc.text.index(fact.sentence)
        assert page_at(doc.pages, offset) == fact.page, fact
        paragraph = next(p for p in doc.paragraphs if p.start <= offset < p.end)
        assert innermost(paragraph.section) == re.sub(r"^\d+\.\s+", "", fact.section)


def test_a_paragraph_run_on_over_a_page_break_stays_one(doc: ParsedDocument) -> None:
    start = doc.text.index("Only 9 percent of burglaries")
    paragraph = next(p for p in doc.paragraphs if p.start <= start < p.end)
    first, last = page_at(doc.pages, paragraph.start), page_at(doc.pages, paragraph.end - 1)
    assert (first, last) == (1, 2)


def test_word_hyphenated_over_a_line_break_is_whole(doc: ParsedDocument) -> None:
    assert "the force's arrangements for the management" in doc.text
    assert "arrang-" not in doc.text


def test_graded_table_reads_one_line_per_row(doc: ParsedDocument) -> None:
    texts = [doc.text[p.start : p.end] for p in doc.paragraphs]
    for area, grade in GRADES:
        assert f"{area}: {grade}" in texts
    assert "Officers: 1,204" in texts and "Workforce: Full-time equivalent" in texts
    assert not any("Investigating crime Inadequate" in t for t in texts)


def test_headings_are_paragraphs_of_their_own(doc: ParsedDocument) -> None:
    texts = [doc.text[p.start : p.end] for p in doc.paragraphs]
    assert "2. Protecting vulnerable people" in texts


def test_other_tables_name_their_columns() -> None:
    rows = [["Workforce", "Full-time", "Headcount"], ["Officers", "1,204", "1,310"]]
    assert table_lines(rows, header=True) == [
        "Workforce: Full-time; Headcount",
        "Officers: Full-time 1,204; Headcount 1,310",
    ]
    assert table_lines([["Area", "Grade"], ["Investigating crime", "Inadequate"]], True) == [
        "Investigating crime: Inadequate"
    ]


def test_a_grade_column_beside_a_previous_one_is_the_grade() -> None:
    rows = [["Area", "Grade", "Previous grade"], ["Preventing crime", "Good", "Adequate"]]
    assert table_lines(rows, header=True) == ["Preventing crime: Good. Previous grade: Adequate."]


def test_a_table_comparing_grades_states_no_grade() -> None:
    # which grade is the force's now, the row does not say: never "Preventing crime: Good."
    for heads in (["Area", "2021/22 grade", "2023/25 grade"], ["Area", "Previous", "Current"]):
        lines = table_lines([heads, ["Preventing crime", "Good", "Adequate"]], header=True)
        assert lines[1] == f"Preventing crime: {heads[1]} Good; {heads[2]} Adequate"


def test_a_judgement_table_with_more_columns_reads_its_grade_as_a_sentence() -> None:
    rows = [
        ["Area of policing", "Grade", "What the inspectors found", "Lead"],
        ["Preventing crime", "Good", "Burglary fell by 11 per cent last year.", "ACC Reid"],
        ["Investigating crime", "Requires improvement", "27 of 96 files had no review", "DCC"],
    ]
    assert table_lines(rows, header=True) == [
        # a cell that is a sentence reads alone; a value keeps its column's name
        "Preventing crime: Good. Burglary fell by 11 per cent last year. Lead: ACC Reid.",
        "Investigating crime: Requires improvement. 27 of 96 files had no review. Lead: DCC.",
    ]


def test_plain_text_has_no_pages_or_sections() -> None:
    doc = parse_document("A report\n\nSome text here about the force.", "x.txt")
    assert doc.pages == [] and all(p.section is None for p in doc.paragraphs)
