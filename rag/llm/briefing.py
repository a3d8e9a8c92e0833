"""The model's briefing on a force, its citations checked like an answer's; the offline
briefing (with a notice) when the model fails or nothing it cites checks out."""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.language_models import BaseChatModel

from rag.answer.citations import renumbered, rewrite_markers, verified_citations
from rag.core.errors import LLMError
from rag.core.settings import Settings
from rag.core.types import Briefing, Finding
from rag.llm.answers import brief_with_llm
from rag.retrieve.search import Passage


def llm_briefing(
    model: BaseChatModel,
    force: str,
    passages: list[Passage],
    offline: Briefing,
    settings: Settings,
) -> Briefing:
    """The briefing ``model`` writes from ``passages``; ``offline`` if it fails."""
    try:
        reply = brief_with_llm(model, force, passages, settings)
    except LLMError as exc:
        return offline.model_copy(update={"notice": f"{exc} Showing the offline briefing."})
    kept = verified_citations(reply.citations, reply.labels)
    paragraph, renumber = rewrite_markers(reply.answer, kept)
    for old in kept:  # findings may cite what the paragraph does not
        renumber.setdefault(old, len(renumber) + 1)
    citations = renumbered(kept, renumber)
    if not paragraph or not citations:
        return offline.model_copy(
            update={
                "notice": "The model's briefing could not be checked against the documents, "
                "so the offline briefing is shown.",
                "dropped_citations": len(reply.citations),
            }
        )

    def checked(items: Sequence[Finding]) -> list[Finding]:
        out = []
        for item in items:
            refs = [renumber[n] for n in item.citations if n in renumber]
            if refs:
                out.append(Finding(text=item.text, citations=refs))
        return out

    # the grades are read from the documents, never from the model: their citations follow
    grades = []
    for ref in offline.grades:
        numbers = []
        for n in ref.citations:
            cited = next(c for c in offline.citations if c.n == n)
            citations.append(cited.model_copy(update={"n": len(citations) + 1}))
            numbers.append(len(citations))
        grades.append(ref.model_copy(update={"citations": numbers}))
    return Briefing(
        force=force,
        paragraph=paragraph,
        grade=reply.grade or offline.grade,
        grades=grades,
        strengths=checked(reply.strengths),
        improvements=checked(reply.improvements),
        concerns=checked(reply.concerns),
        citations=citations,
        mode="llm",
        dropped_citations=len(reply.citations) - len(citations),
    )
