"""The grades set: stated grades in varied phrasings, and ungraded sentences that must
yield none. Scores the reader (:mod:`rag.answer.grades`): recall of the stated grades
and the grades it invents.

Each line of ``shipped/datasets/grades.jsonl``: ``id``, ``phrasing`` (how the grade is
worded: judge, rated, subject, headline, performance, grade noun, overall, label, table,
list; ``ungraded`` for a sentence that states none), ``force`` (the document's force, or
null), ``text`` (as a document would hold it; newlines allowed) and ``grades`` (each
``area`` as the reader words it and ``grade``). Forces are fictional.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field, field_validator

from rag.answer.grades import GRADES, area_key, read_grades
from rag.documents.structure import clean_text
from rag.evaluation.data import SHIPPED, BadDataset, _read_jsonl

DEFAULT_GRADES = SHIPPED / "datasets" / "grades.jsonl"


class ExpectedGrade(BaseModel):
    area: str = Field(min_length=1)
    grade: str

    @field_validator("grade")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in GRADES:
            raise ValueError(f"not a grade: {value!r} (one of {', '.join(GRADES)})")
        return value


class GradeCase(BaseModel):
    id: str = Field(min_length=1)
    phrasing: str = Field(min_length=1)
    force: str | None = None
    text: str = Field(min_length=1)
    grades: list[ExpectedGrade] = Field(default_factory=list)


@dataclass
class GradeScore:
    """Figures of one run over the set."""

    expected: int = 0  # grades stated in the graded cases
    found: int = 0  # of those, read with the right area and grade
    ungraded: int = 0  # cases stating no grade
    invented: int = 0  # grades read that no case states (on any case)
    by_phrasing: Counter[str] = field(default_factory=Counter)  # phrasing -> cases
    missed: list[str] = field(default_factory=list)  # "id: area = grade"
    inventions: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    def summary(self) -> str:
        return (
            f"grades found {self.found} of {self.expected} (recall {self.recall:.3f}) in "
            f"{len(self.by_phrasing) - ('ungraded' in self.by_phrasing)} phrasings; "
            f"invented {self.invented} (on {self.ungraded} ungraded sentences and the graded ones)"
        )


def load_grade_cases(path: Path = DEFAULT_GRADES) -> list[GradeCase]:
    rows = _read_jsonl(path, GradeCase)
    seen: set[str] = set()
    for number, case in rows:
        if case.id in seen:
            raise BadDataset(f"{path}:{number} ({case.id}): id already used.")
        seen.add(case.id)
    return [case for _, case in rows]


def score_grades(cases: Sequence[GradeCase]) -> GradeScore:
    """Read every case's text as ingest would hold it and compare with what it states."""
    score = GradeScore()
    for case in cases:
        score.by_phrasing[case.phrasing] += 1
        wanted = {(area_key(g.area), g.grade) for g in case.grades}
        read = {(area_key(g.area), g.grade) for g in read_grades(clean_text(case.text), case.force)}
        score.expected += len(wanted)
        score.found += len(wanted & read)
        score.ungraded += not wanted
        score.invented += len(read - wanted)
        score.missed += [f"{case.id}: {a} = {g}" for a, g in sorted(wanted - read)]
        score.inventions += [f"{case.id}: {a} = {g}" for a, g in sorted(read - wanted)]
    return score
