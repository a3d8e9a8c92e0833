"""The Briefing page's tables and downloads, from a briefing built by hand: the findings
CSV names where each finding is, the table is inert (st.table renders Markdown), and the
grades come out as the Compare page's grades view takes them."""

from __future__ import annotations

import io

import pandas as pd

from rag.app.briefing_page import findings_csv, findings_table, grades_of
from rag.app.grades_view import grades_csv
from rag.core.types import Briefing, Citation, Finding, StatedGradeRef


def briefing() -> Briefing:
    cited = [
        Citation(n=1, document_id="d", source="r.pdf", force="X Police", page=9,
                 section="Area for improvement 1", quote="The force should record [it](http://x)."),
        Citation(n=2, document_id="d", source="r.pdf", force="X Police", page=3,
                 section="Our judgements", quote="Investigating crime: Inadequate"),
    ]  # fmt: skip
    return Briefing(
        force="X Police",
        paragraph="The report found that the force should record it [1].",
        findings=[
            Finding(
                text="The force should record [it](http://x).",
                citations=[1],
                kind="improvement",
                theme="fairness",
                label="Area for improvement 1",
            ),
            Finding(
                text="Its 96 PCSOs patrol.", citations=[1], kind="context", theme="neighbourhood"
            ),
        ],  # fmt: skip
        grades=[StatedGradeRef(area="investigating crime", grade="inadequate", citations=[2])],
        citations=cited,
    )


def test_findings_csv_has_every_finding_with_its_page_and_section() -> None:
    rows = pd.read_csv(io.StringIO(findings_csv(briefing())))
    assert list(rows["kind"]) == ["improvement", "context"]
    assert rows["label"][0] == "Area for improvement 1" and rows["theme"][1] == "neighbourhood"
    assert "page 9, Area for improvement 1" in rows["source"][0]


def test_findings_table_is_inert_and_filtered_by_kind() -> None:
    table = findings_table(briefing(), {"improvement"})
    assert list(table["Kind"]) == ["Area for improvement 1"]
    assert "](http" not in table["Finding"][0]  # no link can form


def test_grades_of_feeds_the_shared_grades_view() -> None:
    csv = pd.read_csv(io.StringIO(grades_csv(grades_of(briefing()))))
    assert list(csv["grade"]) == ["inadequate"]
    assert csv["quote"][0] == "Investigating crime: Inadequate"
