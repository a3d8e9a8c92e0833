"""LLM mode: the model writes the answer, the code checks every citation.

It takes a chat model and a retrieval function (a follow-up rewritten by the model is
searched again), never the engine that calls it.

Only citations whose quote is found in the passage they name survive; their
markers are renumbered, and a sentence whose every marker failed is removed.
An answer left with no verified citation, or a model that fails, falls back
to the offline answer and says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from langchain_core.language_models import BaseChatModel

from rag.answer.citations import normalise, renumbered, rewrite_markers, verified_citations
from rag.core.errors import LLMError
from rag.core.settings import Settings
from rag.core.types import CANNOT_ANSWER, Answer, Usage
from rag.llm.answers import answer_with_llm, condense_question, stream_answer
from rag.llm.deadline import answer_deadline
from rag.llm.types import LLMReply
from rag.retrieve.followup import History
from rag.retrieve.gather import Evidence
from rag.retrieve.search import Passage

# question, force -> what retrieval found (``Retrieval.gather``)
Retrieve = Callable[[str, str | None], Evidence]

EXCERPT_SENTENCES = 8  # sentences shown to the model (gold-quote recall 0.90 on the reference set)


def to_answer(question: str, reply: LLMReply, started: float) -> Answer:
    kept = verified_citations(reply.citations, reply.labels)
    text, order = rewrite_markers(reply.answer, kept)
    citations = renumbered(kept, order)
    abstained = normalise(reply.answer).startswith(normalise(CANNOT_ANSWER))
    return Answer(
        question=question,
        answer=CANNOT_ANSWER if abstained else text,
        abstained=abstained,
        mode="llm",
        citations=[] if abstained else citations,
        dropped_citations=len(reply.citations) - (0 if abstained else len(citations)),
        usage=Usage(**reply.usage),
        latency_ms=round((time.perf_counter() - started) * 1000, 2),
        partial=reply.partial,
    )


def prompt_passages(evidence: Evidence, limit: int = EXCERPT_SENTENCES) -> list[Passage]:
    """Passages cut to the ``limit`` best-scoring sentences, grouped by passage (in the
    order of their best sentence); citations are still checked against the whole passage.
    Not used by ``llm_answer`` yet: benchmarks/bench_llm_cost.py measures what it saves,
    and it needs a check with a real model before it changes what the model sees."""
    best = evidence.sentences[:limit]
    if not best:
        return list(evidence.passages)
    spans: dict[str, list[tuple[int, int]]] = {}
    passages: dict[str, Passage] = {}
    for sentence in best:
        passages.setdefault(sentence.passage.chunk_id, sentence.passage)
        spans.setdefault(sentence.passage.chunk_id, []).append((sentence.start, sentence.end))
    return [replace(p, extras={**p.extras, "excerpt": spans[cid]}) for cid, p in passages.items()]


def with_fallback(offline: Answer, notice: str, **changes: object) -> Answer:
    return offline.model_copy(update={"notice": notice, **changes})


def streamed_with(
    on_text: Callable[[str], None], streaming_model: BaseChatModel
) -> Callable[..., LLMReply]:
    """An ``ask`` for :func:`llm_answer` that streams the answer's text to ``on_text``,
    through ``streaming_model`` (a model made with ``streaming=True``)."""

    def ask(
        _model: BaseChatModel,
        question: str,
        passages: list[Passage],
        settings: Settings,
        history: list[dict[str, str]] | None = None,
    ) -> LLMReply:
        stream = stream_answer(streaming_model, question, passages, settings, history)
        for delta in stream:
            on_text(delta)
        return stream.reply

    return ask


def llm_answer(
    model: BaseChatModel,
    retrieve: Retrieve,
    settings: Settings,
    question: str,
    evidence: Evidence,
    offline: Answer,
    history: History | None,
    started: float,
    ask: Callable[..., LLMReply] = answer_with_llm,
) -> tuple[Answer, str | None, str | None]:
    """(answer, prompt, raw reply) for the audit log."""
    try:  # one deadline for the rewrite of a follow-up, the answer and every retry
        with answer_deadline(settings.llm_timeout_s, settings.llm_max_retries):
            standalone = (
                condense_question(model, question, list(history or []), settings)
                if history
                else question
            )
            passages = evidence.passages
            if standalone != question:
                passages = retrieve(standalone, evidence.force).passages
            reply = ask(model, standalone, passages, settings, list(history or []))
    except LLMError as exc:
        return with_fallback(offline, f"{exc} Showing the offline answer."), None, None
    return checked_answer(question, reply, offline, started), reply.prompt, reply.raw


def checked_answer(question: str, reply: LLMReply, offline: Answer, started: float) -> Answer:
    """The model's reply as an Answer with verified citations, or the offline answer (with
    a notice) when none of its citations survive. Also for a streamed reply (the app)."""
    answer = to_answer(question, reply, started)
    if not answer.abstained and not answer.citations:
        notice = (
            "The model's answer could not be checked against the documents "
            f"({answer.dropped_citations} citation(s) failed), so the offline answer is shown."
        )
        answer = with_fallback(
            offline, notice, dropped_citations=answer.dropped_citations, usage=answer.usage
        )
    return answer
