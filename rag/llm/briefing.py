"""The model's briefing on a force, by the answer's protocol: it is shown the sentences the
offline briefing picked (verdict, strengths, areas for improvement, concerns) as numbered
evidence, cites them by id, and keeps only the sentences and findings its cited evidence
supports. The grades are read from the documents, never from the model. The offline
briefing (with a notice) when the model fails or nothing it wrote survives."""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.language_models import BaseChatModel

from rag.core.errors import LLMError
from rag.core.settings import Settings
from rag.core.types import CANNOT_ANSWER, Briefing, Finding
from rag.llm.deadline import Deadline
from rag.llm.exhibits import Item, cited_items, evidence_lines
from rag.llm.model_calls import complete
from rag.llm.parse import parse_reply
from rag.llm.prompting import build_prompt, fence_safe
from rag.llm.support import check_support
from rag.llm.verify import Checked, check_answer, claim_of, ids_in
from rag.retrieve.search import Passage


def llm_briefing(
    model: BaseChatModel,
    force: str,
    passages: list[Passage],
    offline: Briefing,
    settings: Settings,
) -> Briefing:
    """The briefing ``model`` writes from the offline briefing's evidence; ``offline`` if
    it fails."""
    items = cited_items(offline.citations, passages)
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
    by_number = {int(item.id[1:]): item for item in items}

    def findings(found: Sequence[Finding]) -> list[Finding]:
        return [f for f in (supported(f, by_number, checked) for f in found) if f is not None]

    strengths = findings(parsed["strengths"])  # before the grades: they number citations too
    improvements = findings(parsed["improvements"])
    concerns = findings(parsed["concerns"])
    citations = checked.citations
    grades = []  # the documents' grades, their citations after the model's
    for ref in offline.grades:
        numbers = []
        for n in ref.citations:
            cited = next(c for c in offline.citations if c.n == n)
            citations.append(cited.model_copy(update={"n": len(citations) + 1}))
            numbers.append(len(citations))
        grades.append(ref.model_copy(update={"citations": numbers}))
    return Briefing(
        force=force,
        paragraph=checked.text,
        grade=offline.grade,
        grades=grades,
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
