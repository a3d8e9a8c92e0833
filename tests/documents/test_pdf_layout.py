"""Layouts a plain top-to-bottom reading gets wrong (rag.documents.pdf_rows), on PDFs
built with fpdf2: two columns of text, and a table cell that wraps onto a second line."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF
from fpdf.fonts import FontFace

from rag.documents.loading import read_document
from rag.documents.structure import parse_document

LEFT = (
    "The force has improved how it answers emergency calls. Inspectors listened to sixty "
    "calls and found that call handlers assessed the risk to callers well in most of them. "
    "But the force does not always identify repeat victims, so some vulnerable callers wait "
    "longer than they should for officers to arrive."
)
RIGHT = (
    "Neighbourhood teams know their communities well and work with partners to solve local "
    "problems. Reports of anti-social behaviour fell by twelve per cent in the year. "
    "Officers use problem-solving plans that follow the national model, and supervisors "
    "review them every month."
)
RUN_ON = (
    "Supervisors reviewed most investigations within a week of their allocation, and the "
    "inspectors found that the reviews set clear actions for the officers who"
)
JUSTIFIED = (  # at 80 mm, fpdf2 stretches the first line's gaps past pdfminer's margin
    "The force has improved how it answers emergency calls. Inspectors listened to sixty "
    "calls and found that call handlers assessed the risk to callers well in most of them."
)
RUN_ON_END = "carried out the work, which the force checks each quarter."


def paragraphs(path: Path) -> list[str]:
    doc = parse_document(read_document(path, 10_000_000), path.name)
    return [doc.text[p.start : p.end] for p in doc.paragraphs]


@pytest.mark.parametrize("align", ["L", "J"])
def test_two_columns_read_down_the_left_then_the_right(tmp_path: Path, align: str) -> None:
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "Responding to the public", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    top = pdf.get_y()
    pdf.set_xy(20, top)
    pdf.multi_cell(80, 5, LEFT, align=align)
    pdf.ln(4)
    pdf.set_x(20)
    pdf.multi_cell(80, 5, RUN_ON, align=align)  # a sentence run on into the next column
    pdf.set_xy(110, top)
    pdf.multi_cell(80, 5, RUN_ON_END + " " + RIGHT, align=align)
    pdf.set_y(top + 80)
    pdf.multi_cell(0, 5, "A closing paragraph across the whole page, below both columns.")
    path = tmp_path / f"columns-{align}-fictional.pdf"
    pdf.output(str(path))
    assert paragraphs(path) == [
        "Responding to the public",
        LEFT,
        f"{RUN_ON} {RUN_ON_END} {RIGHT}",
        "A closing paragraph across the whole page, below both columns.",
    ]


def test_a_wrapped_table_cell_stays_in_its_row_and_tables_keep_apart(tmp_path: Path) -> None:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 6, "We make graded judgements as follows:")
    bold = FontFace(emphasis="BOLD")
    with pdf.table(width=90, col_widths=(60, 30), line_height=6, headings_style=bold) as table:
        table.row(("Area of policing", "Grade"))
        table.row(("Building, supporting and protecting the workforce", "Good"))
        table.row(("Investigating crime", "Inadequate"))
    pdf.ln(4)
    with pdf.table(width=120, col_widths=(50, 30, 40), line_height=6, headings_style=bold) as table:
        table.row(("Measure", "Figure", "Period"))
        table.row(("Emergency calls received", "187,300", "Year to 31 December 2024"))
    path = tmp_path / "wrapped-fictional.pdf"
    pdf.output(str(path))
    assert paragraphs(path) == [
        "We make graded judgements as follows:",
        "Building, supporting and protecting the workforce: Good",
        "Investigating crime: Inadequate",
        "Measure: Figure; Period",
        "Emergency calls received: Figure 187,300; Period Year to 31 December 2024",
    ]


def test_a_cell_wrapped_at_the_top_of_its_row_stays_in_it(tmp_path: Path) -> None:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 6, "Progress since our last inspection:")
    bold = FontFace(emphasis="BOLD")
    with pdf.table(
        width=150, col_widths=(50, 100), line_height=6, headings_style=bold, v_align="TOP"
    ) as table:
        table.row(("Finding", "Progress"))
        table.row(("Supervision of investigations needs to improve", "Partly met."))
        table.row(("Vetting", "Complete."))
    pdf.ln(6)
    pdf.multi_cell(0, 6, "A paragraph after the table, across the page, is text of its own.")
    path = tmp_path / "top-fictional.pdf"
    pdf.output(str(path))
    assert paragraphs(path) == [
        "Progress since our last inspection:",
        "Finding: Progress",
        "Supervision of investigations needs to improve: Partly met.",
        "Vetting: Complete.",
        "A paragraph after the table, across the page, is text of its own.",
    ]


def test_a_justified_paragraph_is_text_not_a_table(tmp_path: Path) -> None:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(80, 5, JUSTIFIED, align="J")
    path = tmp_path / "justified-fictional.pdf"
    pdf.output(str(path))
    assert paragraphs(path) == [JUSTIFIED]
