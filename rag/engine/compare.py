"""Compare forces on a theme: what each force's documents say, cited, or "not covered",
with the grade they state for the theme where they state one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rag.answer.citations import citation_for, shifted_markers
from rag.answer.grades import grade_for_theme
from rag.core.errors import RagError
from rag.core.types import Citation, Comparison, ComparisonRow, StatedGradeRef
from rag.engine.grades import force_grades

if TYPE_CHECKING:
    from rag.engine.engine import Engine

NOT_COVERED = "Not covered: the documents on this force do not address the theme."


def chosen_forces(engine: Engine, names: Sequence[str]) -> list[str]:
    """Indexed forces from the user's spellings; RagError naming any that are not indexed."""
    resolved = [engine.resolve_force(n.strip()) or n.strip() for n in names if n.strip()]
    unknown = [f for f in resolved if f not in engine.forces]
    if unknown:
        raise RagError(f"No documents on {', '.join(unknown)} are indexed; see `rag list`.")
    return list(dict.fromkeys(resolved))


def compare(
    engine: Engine, theme: str, forces: Sequence[str] | None = None, mode: str | None = None
) -> Comparison:
    """One row per force: the answer to the theme scoped to that force, renumbered so the
    [n] markers are unique across the whole table."""
    engine.require_documents()
    rows: list[ComparisonRow] = []
    offset = 0
    for force in forces or engine.forces:
        answer = engine.ask(theme, force=force, mode=mode)
        stated = grade_for_theme(theme, force_grades(engine, force))
        if answer.abstained and stated is None:
            rows.append(ComparisonRow(force=force, summary=NOT_COVERED, covered=False))
            continue
        citations: list[Citation] = []
        summary = ""
        if not answer.abstained:
            summary = shifted_markers(answer.answer.removeprefix(f"{force}: "), offset)
            citations = [c.model_copy(update={"n": c.n + offset}) for c in answer.citations]
        grade = None
        if stated is not None:
            numbers = []
            for sentence in stated.sentences:
                cited = citation_for(sentence, offset + len(citations) + 1)
                same = next(
                    (
                        c.n
                        for c in citations
                        if (c.document_id, c.char_start) == (cited.document_id, cited.char_start)
                    ),
                    None,
                )
                if same is None:
                    citations.append(cited)
                    same = cited.n
                numbers.append(same)
            grade = StatedGradeRef(area=stated.area, grade=stated.grade, citations=sorted(numbers))
            if not summary:
                refs = "".join(f" [{n}]" for n in numbers)
                summary = f"Grade stated for {stated.area}: {stated.grade}.{refs}"
        rows.append(
            ComparisonRow(
                force=force, summary=summary, covered=True, citations=citations, grade=grade
            )
        )
        offset += len(citations)
    return Comparison(theme=theme, rows=rows)
