"""A PDF's table of contents is navigation: never a table row, never a quotable sentence;
a list item whose bullet the layout sets apart stays one line (rag.documents.contents)."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from rag.documents.contents import contents_lines
from rag.documents.loading import read_document
from rag.documents.structure import parse_document
from tests.support import ROOT

PARTS = ["Investigating crime", "Protecting vulnerable people", "Responding to the public"]


def _contents_pdf(path: Path, leaders: bool) -> Path:
    pdf = FPDF(format="A4")
    pdf.set_margins(25, 20, 25)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 20)
    pdf.cell(0, 12, "Contents", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    for number, part in enumerate(PARTS, start=2):
        if leaders:  # "Investigating crime ........ 2"
            pdf.cell(140, 7, f"{part} " + "." * 30)
            pdf.cell(0, 7, str(number), new_x="LMARGIN", new_y="NEXT", align="R")
        else:  # a bullet in a cell of its own, as a list drawn in two columns
            pdf.cell(8, 7, "-")
            pdf.cell(0, 7, part, new_x="LMARGIN", new_y="NEXT")
    for part in PARTS:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 20)
        pdf.cell(0, 12, part, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 6, f"The inspectors wrote about {part.lower()} at some length here.")
    pdf.output(str(path))
    return path


def _texts(path: Path) -> list[str]:
    doc = parse_document(read_document(path, 10_000_000), path.name)
    return [doc.text[p.start : p.end] for p in doc.paragraphs]


def test_contents_with_leaders_and_page_numbers_is_dropped(tmp_path: Path) -> None:
    texts = _texts(_contents_pdf(tmp_path / "leaders-fictional.pdf", leaders=True))
    assert "Contents" not in texts
    assert not any("...." in t or t.endswith(": 2") for t in texts), texts
    assert texts[:2] == [
        "Investigating crime",
        "The inspectors wrote about investigating crime at some length here.",
    ]


def test_contents_bullets_in_their_own_cell_make_no_table_rows(tmp_path: Path) -> None:
    texts = _texts(_contents_pdf(tmp_path / "bullets-fictional.pdf", leaders=False))
    assert not any(t.startswith(("-:", "- ")) for t in texts), texts
    assert [t for t in texts if t in PARTS] == PARTS  # each heading once: its own part's


def test_a_list_item_with_its_bullet_apart_is_one_line_not_a_row(tmp_path: Path) -> None:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, "Inspectors found that the force:")
    for item in ("answers most calls quickly;", "records crime accurately."):
        pdf.cell(8, 7, "-")
        pdf.cell(0, 7, item, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "list-fictional.pdf"
    pdf.output(str(path))
    texts = _texts(path)
    assert "- answers most calls quickly;" in texts and "- records crime accurately." in texts


def test_a_few_lines_repeating_headings_are_not_a_contents_list() -> None:
    texts = ["Summary", "Investigating crime", "Text.", "Investigating crime"]
    assert contents_lines(texts, [1, 1, 1, 2], [None, None, None, 20.0]) == set()


def test_the_long_report_keeps_no_contents_line() -> None:
    path = ROOT / "evals" / "corpus" / "wyvernshire-constabulary-peel-report-fictional.pdf"
    texts = _texts(path)
    assert "Contents" not in texts
    assert not any(t.startswith(("•", "• ")) and len(t) < 60 for t in texts[:30]), texts[:30]
    assert "Leadership and force management: Adequate" in texts  # the table is still read
