"""The model's briefing on a force, by the answer's protocol: it is shown the sentences the
offline briefing picked (verdict, strengths, areas for improvement, concerns) as numbered
evidence, cites them by id, and keeps only the sentences and findings its cited evidence
supports. Its paragraph must have the offline paragraph's shape (4 to 6 cited sentences,
at most 150 words, none over 40: ``rag.answer.deletion.shape_problems``). The grades and
the complete findings list are read from the documents, never from the model. The
offline briefing (with a notice) when the model fails, nothing it wrote survives, or
what survives is not a briefing paragraph."""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.language_models import BaseChatModel

from rag.answer.deletion import shape_problems
from rag.core.errors import LLMError
from rag.core.settings import Settings
from rag.core.types import CANNOT_ANSWER, Briefing, Finding
from rag.llm.deadline import Deadline
from rag.llm.exhibits import Item, cited_items, evidence_lines
from rag.llm.model_calls import complete
from rag.llm.parse import parse_reply
from rag.llm.prompting import build_prompt, fence_safe
from rag.llm.support import check_support
from rag.llm.verify import Checked, check_answer, claim_of, ids_in, sentences_of
from rag.retrieve.search import Passage

# Evidence shown: the offline paragraph's sentences first (its citations are numbered
# first), then the next findings, so the prompt stays small for a local model.
BRIEF_ITEMS = 12


def llm_briefing(
    model: BaseChatModel,
    force: str,
    passages: list[Passage],
    offline: Briefing,
    settings: Settings,
) -> Briefing:
    """The briefing ``model`` writes from the offline briefing's evidence; ``offline`` if
    it fails."""
    items = cited_items(offline.citations[:BRIEF_ITEMS], passages)
    if not items:
        return offline  # nothing to brief from: the model is not asked
    values = {"force": fence_safe(force), "cannot_answer": CANNOT_ANSWER}
    deadline = Deadline(settings.llm_timeout_s, settings.llm_max_retries)
    try:
        messages, _, kept = build_prompt("brief", values, evidence_lines(items), settings)
        raw = complete(model, messages, deadline).raw
    except LLMError as exc:
        return offline.model_copy(update={"notice": f"{exc} Showing the offline briefing."})
    items = items[:kept]
    parsed = parse_reply(raw)
    checked = check_answer(parsed["answer"], items)
    if not checked.citations:
        return offline.model_copy(
            update={
                "notice": "The model's briefing could not be checked against the documents "
                f"({len(checked.removed)} sentence(s) removed), so the offline briefing is shown.",
                "dropped_citations": checked.dropped,
            }
        )
    problems = shape_problems(sentences_of(checked.text), len(offline.sentences))
    if problems:
        return offline.model_copy(
            update={
                "notice": "The model's briefing was not a briefing paragraph "
                f"({'; '.join(problems)}), so the offline briefing is shown.",
                "dropped_citations": checked.dropped,
            }
        )
    by_number = {int(item.id[1:]): item for item in items}

    def findings(found: Sequence[Finding]) -> list[Finding]:
        return [f for f in (supported(f, by_number, checked) for f in found) if f is not None]

    strengths = findings(parsed["strengths"])  # before the grades: they number citations too
    improvements = findings(parsed["improvements"])
    concerns = findings(parsed["concerns"])
    citations = checked.citations
    renumbered: dict[int, int] = {}  # the documents' grades and findings, cited after

    def cite(n: int) -> int:
        if n not in renumbered:
            cited = next(c for c in offline.citations if c.n == n)
            citations.append(cited.model_copy(update={"n": len(citations) + 1}))
            renumbered[n] = len(citations)
        return renumbered[n]

    grades = [
        r.model_copy(update={"citations": [cite(n) for n in r.citations]}) for r in offline.grades
    ]
    every = [
        f.model_copy(update={"citations": [cite(n) for n in f.citations]}) for f in offline.findings
    ]
    return Briefing(
        force=force,
        paragraph=checked.text,
        grade=offline.grade,
        grades=grades,
        findings=every,
        strengths=strengths,
        improvements=improvements,
        concerns=concerns,
        citations=citations,
        mode="llm",
        dropped_citations=checked.dropped,
    )


def supported(finding: Finding, by_number: dict[int, Item], checked: Checked) -> Finding | None:
    """The finding with its evidence as [n] citations, if that evidence supports it."""
    numbers = list(dict.fromkeys([*finding.citations, *ids_in(finding.text)]))
    shown = [by_number[n] for n in numbers if n in by_number]
    text = claim_of(finding.text)
    if not shown or not check_support(text, [item.support for item in shown]).supported:
        return None
    return Finding(text=text, citations=[checked.number(item) for item in shown])
