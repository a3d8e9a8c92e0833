"""Every force's stated grades, cited: the table of `rag grades` and the app's grades view."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rag.answer.citations import citation_for
from rag.answer.grades import GradeGroup
from rag.core.types import GradeRow, GradeTable

if TYPE_CHECKING:
    from rag.engine.engine import Engine


def force_grades(engine: Engine, force: str) -> list[GradeGroup]:
    """The grades a force's documents state (the overall grade first), with the sentences
    stating each."""
    return engine.stated_grades(force)


def grade_table(engine: Engine, forces: Sequence[str] | None = None) -> GradeTable:
    """One row per force and stated grade; citations numbered across the whole table."""
    engine.require_documents()
    rows: list[GradeRow] = []
    number = 0
    for force in forces or engine.forces:
        for group in force_grades(engine, force):
            citations = []
            for sentence in group.sentences:
                number += 1
                citations.append(citation_for(sentence, number))
            rows.append(
                GradeRow(force=force, area=group.area, grade=group.grade, citations=citations)
            )
    return GradeTable(rows=rows)
