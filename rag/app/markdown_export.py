"""Answers, briefings and comparisons as Markdown files to download and share.

Every piece of text from a document or a model is made inert (see
:mod:`rag.core.safe_text`), so opening the file in any Markdown viewer fetches
nothing and runs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.core.safe_text import inert_markdown as inert
from rag.core.types import Answer, Briefing, Citation, Comparison, Finding, place


def sources(citations: Sequence[Citation]) -> str:
    """A numbered source list: force, document, paragraph and the verbatim quote."""
    lines = [f"{c.n}\\. {inert(place(c))}  \n   > {inert(c.quote)}" for c in citations]
    return "\n".join(lines) if lines else "_No sources._"


def answer_markdown(answer: Answer) -> str:
    notes = []
    if answer.notice:
        notes.append(f"> **Note:** {inert(answer.notice)}")
    if answer.partial:
        notes.append("> **Partial:** the model's reply broke off; this answer is incomplete.")
    parts = [
        f"# {inert(answer.question)}",
        *notes,
        inert(answer.answer),
        "## Sources",
        sources(answer.citations),
        f"_Answered by the {_mode_name(answer.mode)}._",
    ]
    return "\n\n".join(parts) + "\n"


def markers(numbers: Sequence[int]) -> str:
    """[1][3] as Markdown that shows the brackets rather than making link references."""
    return "".join(rf"\[{n}\]" for n in numbers)


def _findings(title: str, items: Sequence[Finding]) -> str:
    if not items:
        return f"## {title}\n\n_None found in the documents._"
    rows = "\n".join(f"- {inert(f.text)} {markers(f.citations)}{_about(f)}" for f in items)
    return f"## {title}\n\n{rows}"


def _about(finding: Finding) -> str:
    """ " _(Area for improvement 2, fairness)_": the block and theme of a finding."""
    about = ", ".join(t for t in (finding.label, finding.theme) if t)
    return f" _({inert(about)})_" if about else ""


def briefing_markdown(briefing: Briefing) -> str:
    parts = [f"# Briefing: {inert(briefing.force)}"]
    if briefing.notice:
        parts.append(f"> **Note:** {inert(briefing.notice)}")
    parts += [
        inert(briefing.paragraph),
        f"**Grade stated:** {inert(briefing.grade) if briefing.grade else 'none'}",
        _grades(briefing),
        *(_findings(title, items) for title, items in briefing.sections()),
        "## Sources",
        sources(briefing.citations),
        f"_Written by the {_mode_name(briefing.mode)}._",
    ]
    return "\n\n".join(parts) + "\n"


def _grades(briefing: Briefing) -> str:
    if not briefing.grades:
        return "## Grades stated\n\n_None stated in the documents._"
    rows = "\n".join(
        f"| {inert(g.area)} | {inert(g.grade)} | {markers(g.citations)} |" for g in briefing.grades
    )
    return f"## Grades stated\n\n| Area | Grade | Sources |\n|---|---|---|\n{rows}"


def comparison_markdown(table: Comparison) -> str:
    parts = [f"# Comparison: {inert(table.theme)}"]
    for row in table.rows:
        parts.append(f"## {inert(row.force)}\n\n{inert(row.summary)}")
        if row.citations:
            parts.append(sources(row.citations))
    return "\n\n".join(parts) + "\n"


def _mode_name(mode: str) -> str:
    return "language model, its citations checked" if mode == "llm" else "offline engine"
