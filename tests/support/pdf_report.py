"""A fictional PEEL-style PDF report, built with fpdf2 (a test-only dependency).

It has what long reports have and the PDF reader must survive: a running header
and a "Page N of M" footer on every page, numbered bold headings, a graded-
judgement table, another table, words hyphenated across line breaks and
paragraphs that run on over a page break. ``FACTS`` says where each fact sits.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

HEADER = "PEEL 2025-27: Police effectiveness, efficiency and legitimacy - Fenbridge Police"
TITLE = "An inspection of Fenbridge Police"
GRADES = [
    ("Investigating crime", "Inadequate"),
    ("Protecting vulnerable people", "Requires improvement"),
    ("Responding to the public", "Adequate"),
    ("Developing a positive workplace", "Good"),
]
_WORDS = [
    "the",
    "force",
    "officers",
    "staff",
    "supervisors",
    "victims",
    "cases",
    "investigations",
    "were",
    "reviewed",
    "and",
    "inspectors",
    "found",
    "that",
    "records",
    "showed",
    "progress",
    "was",
    "slow",
    "in",
    "some",
    "areas",
    "while",
    "others",
    "improved",
    "steadily",
    "during",
    "the",
    "period",
    "under",
    "review",
]


@dataclass(frozen=True)
class Fact:
    """A sentence the report states, the page it starts on and its heading."""

    sentence: str
    page: int
    section: str


class _Report(FPDF):
    def header(self) -> None:
        self.set_font("Helvetica", "I", 8)
        self.cell(0, 6, HEADER, new_x="LMARGIN", new_y="NEXT", align="C")
        self.ln(6)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")


class ReportWriter:
    """Writes lines one by one (so a hyphen can be forced at a line's end)."""

    def __init__(self) -> None:
        self.pdf = _Report(format="A4")
        self.pdf.alias_nb_pages()
        self.pdf.set_auto_page_break(True, margin=20)
        self.pdf.add_page()
        self.section = ""
        self.facts: list[Fact] = []

    @property
    def page(self) -> int:
        return self.pdf.page_no()

    def heading(self, text: str, size: int = 14) -> None:
        self.pdf.ln(4)
        self.pdf.set_font("Helvetica", "B", size)
        self.pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(2)
        self.section = text

    def paragraph(self, text: str, hyphenate: str | None = None) -> None:
        """A body paragraph, wrapped here; ``hyphenate`` is split across a line end."""
        self.pdf.set_font("Helvetica", "", 11)
        width = self.pdf.epw
        lines: list[str] = []
        line = ""
        for word in text.split():
            if hyphenate and word.startswith(hyphenate) and line:
                head = word[: len(word) // 2]
                lines.append(f"{line} {head}-")
                line = word[len(word) // 2 :]
                continue
            candidate = f"{line} {word}".strip()
            if self.pdf.get_string_width(candidate) > width and line:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
        for one in lines:
            self.pdf.cell(0, 5.5, one, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(4)

    def fact(self, sentence: str, filler: int = 0, rng: random.Random | None = None) -> None:
        """A paragraph holding ``sentence`` (after ``filler`` words of padding)."""
        self.facts.append(Fact(sentence, self.page, self.section))
        self.paragraph(sentence + (" " + filler_text(rng, filler) if filler else ""))

    def table(self, rows: list[tuple[str, str]], header: tuple[str, str]) -> None:
        self.pdf.set_font("Helvetica", "", 10)
        with self.pdf.table(col_widths=(60, 40), width=120, align="LEFT") as table:
            for row in [header, *rows]:
                cells = table.row()
                for value in row:
                    cells.cell(value)
        self.pdf.ln(4)

    def save(self, path: Path) -> Path:
        self.pdf.output(str(path))
        return path


def filler_text(rng: random.Random | None, words: int) -> str:
    rng = rng or random.Random(7)
    sentences, current = [], []
    for _ in range(words):
        current.append(rng.choice(_WORDS))
        if len(current) >= 14:
            sentences.append(" ".join(current).capitalize() + ".")
            current = []
    if current:
        sentences.append(" ".join(current).capitalize() + ".")
    return " ".join(sentences)


def build_report(path: Path, filler_pages: int = 0) -> tuple[Path, list[Fact]]:
    """The fictional report, ``filler_pages`` extra pages of prose at its end."""
    rng = random.Random(17)
    out = ReportWriter()
    out.heading(TITLE, size=18)
    out.paragraph("[FICTIONAL: generated for tests; describes no real police force.]")
    out.heading("Summary of judgements")
    out.table(GRADES, header=("Area of policing", "Grade"))
    out.table(
        [("Officers", "1,204"), ("Staff", "812")], header=("Workforce", "Full-time equivalent")
    )
    out.heading("1. Investigating crime")
    out.fact("The force does not supervise its investigations well enough.", 60, rng)
    out.paragraph(
        "Inspectors found that the force's arrangements for the management of "
        "investigations were ineffective, and that victims were not kept informed.",
        hyphenate="arrangements",
    )
    # long enough to run on over the page break
    out.fact("Only 9 percent of burglaries led to a charge or summons.", 520, rng)
    out.heading("2. Protecting vulnerable people")
    out.fact("The force has a backlog of 340 domestic abuse cases awaiting review.", 40, rng)
    out.paragraph(filler_text(rng, 300))
    out.heading("3. Developing a positive workplace")
    out.fact("Staff told inspectors that wellbeing support had improved markedly.", 80, rng)
    for page in range(filler_pages):
        out.heading(f"{4 + page}. Further findings {page + 1}")
        for _ in range(3):
            out.paragraph(filler_text(rng, 150))
    return out.save(path), out.facts
