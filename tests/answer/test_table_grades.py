"""A report's judgement table says what it grades: every row is read, and a sentence
grading something the table does not (a finding, often set as a heading) is no grade."""

from __future__ import annotations

import pytest

from rag.answer.grades import area_key, passage_grades, read_grades
from rag.core.types import innermost
from rag.documents.loading import read_document
from rag.documents.structure import parse_document
from rag.documents.tables import is_grade
from rag.retrieve.search import Passage
from tests.support import FICTIONAL

REPORTS = [
    "wyvernshire-constabulary-peel-report-fictional.pdf",
    "hollowmere-police-peel-report-fictional.html",
]
TABLE = """Fenmoor Police: PEEL inspection

Our judgements:

Investigating crime: Adequate

Protecting vulnerable people: Good

Building, supporting and protecting the workforce: Requires improvement

Fenmoor Police is adequate at investigating crime.

The force is good at using civil orders to manage the risk posed by sex offenders.

The force is good at investigating burglaries quickly.

Overall, I have graded the force as adequate."""


@pytest.mark.parametrize("name", REPORTS)
def test_every_row_of_a_long_reports_judgement_table_is_read(name: str) -> None:
    path = FICTIONAL / name
    doc = parse_document(read_document(path, 10_000_000), name)
    rows = [
        doc.text[p.start : p.end]
        for p in doc.paragraphs
        if innermost(p.section) == "Our judgements" and ": " in doc.text[p.start : p.end]
    ]
    rows = [r for r in rows if is_grade(r.rsplit(": ", 1)[1])]
    assert len(rows) == 8, rows
    read = {(area_key(g.area), g.grade) for g in read_grades(doc.text, doc.force) if g.table}
    for row in rows:
        area, grade = row.rsplit(": ", 1)
        assert (area_key(area), grade.casefold()) in read, row


def grades_of(text: str) -> set[tuple[str, str]]:
    return {(g.area, g.grade) for g in read_grades(text, "Fenmoor Police")}


def test_a_finding_the_table_does_not_grade_is_no_grade() -> None:
    assert grades_of(TABLE) == {
        ("investigating crime", "adequate"),
        ("protecting vulnerable people", "good"),
        ("building, supporting and protecting the workforce", "requires improvement"),
        ("overall", "adequate"),
    }


def test_without_a_table_the_same_sentences_grade() -> None:
    prose = TABLE.split("\n\n", 5)[-1]  # the sentences after the table
    assert ("using civil orders to manage the risk posed by sex offenders", "good") in grades_of(
        prose
    )


def test_passages_are_checked_against_their_own_documents_table() -> None:
    head, tail = TABLE.split("\n\nFenmoor Police is adequate")
    tail = "Fenmoor Police is adequate" + tail
    meta = {"force": "Fenmoor Police", "document_id": "report"}
    passages = [Passage("a", head, {**meta, "char_start": 0}), Passage("b", tail, dict(meta))]
    other = Passage(
        "c", "The force is good at using civil orders.", {**meta, "document_id": "news"}
    )
    found = {
        (g.area, g.grade, s.passage.document_id) for s, g in passage_grades([*passages, other])
    }
    assert (
        "using civil orders to manage the risk posed by sex offenders",
        "good",
        "report",
    ) not in found
    assert ("investigating crime", "adequate", "report") in found
    assert ("using civil orders", "good", "news") in found  # that document has no table
