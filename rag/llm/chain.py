"""The answer chain: a LangChain Runnable from a question to a checked Answer.

Input ``{"question": str, "force": str | None, "history": list}`` (and, optionally,
``"evidence"``: what ``Retrieval.gather`` already found for that question, so the engine
searches once). Output: the :class:`~rag.core.types.Answer`. The steps:

1. the retriever (:class:`~rag.retrieve.retriever.EvidenceRetriever`, a BaseRetriever)
   finds the evidence, and the offline engine's answer to it is drafted (from the
   force's stated grades when a grade is asked, as offline);
2. a follow-up is rewritten by the model (``prompts/condense.md``) when it keeps to the
   conversation's words, and searched again;
3. the evidence becomes numbered sentences (``rag.llm.exhibits``), the shipped
   ChatPromptTemplate (``prompts/answer.md``) is filled, the chat model answers within
   the answer's one deadline (:class:`DeadlineModel`);
4. parsing and verification (:class:`CheckedAnswer`) keep each sentence its cited
   evidence supports, or give the offline answer with a notice;
5. any model failure (``LLMError``) gives the offline engine's answer through
   ``.with_fallbacks``, with a notice naming the cause.

``invoke``, ``batch``, ``stream`` and the async forms work, and callbacks in the config
reach the retriever and the chat model. ``stream`` yields the answer's text as it
arrives (``str`` deltas, a preview with the model's own evidence ids), then the checked
Answer as its last item.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.prompt_values import PromptValue
from langchain_core.runnables import (
    Runnable,
    RunnableConfig,
    RunnableLambda,
    RunnablePassthrough,
)

from rag.answer.grade_patterns import GradeGroup
from rag.answer.offline import offline_result
from rag.core.errors import LLMError
from rag.core.settings import Settings
from rag.core.types import CANNOT_ANSWER, Answer, Citation
from rag.llm.condense import condense_question
from rag.llm.deadline import Deadline
from rag.llm.exhibits import answer_items, evidence_lines
from rag.llm.model_calls import Completion, complete
from rag.llm.prompting import build_prompt, fence_safe, history_block, shipped_prompt
from rag.llm.streaming import in_thread, stream_completion
from rag.llm.verify import Attempt, verified_answer
from rag.retrieve.evidence import Sentence
from rag.retrieve.gather import Evidence, Retrieval
from rag.retrieve.retriever import EvidenceRetriever, evidence_of

UNANSWERED_RULE = f" If the evidence does not answer, reply exactly: {CANNOT_ANSWER}"


class DeadlineModel(Runnable[PromptValue, Completion | str]):
    """The chat model called within one answer's deadline: retried on 429, 5xx and refused
    connections while it has time, its failures raised as LLMError. ``invoke`` gives the
    Completion; ``stream`` the answer's text deltas, then the Completion."""

    def __init__(self, model: BaseChatModel, deadline: Deadline) -> None:
        self.model, self.deadline = model, deadline

    def invoke(
        self, input: PromptValue, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Completion:
        return complete(self.model, input.to_messages(), self.deadline, config)

    def stream(
        self, input: PromptValue, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[Completion | str]:
        return stream_completion(self.model, input.to_messages(), self.deadline, config)

    def transform(
        self, input: Iterator[PromptValue], config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[Completion | str]:
        for value in input:  # a prompt value arrives whole
            yield from self.stream(value, config)

    async def astream(
        self, input: PromptValue, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[Completion | str]:
        async for item in in_thread(lambda: self.stream(input, config)):
            yield item

    async def atransform(
        self,
        input: AsyncIterator[PromptValue],
        config: RunnableConfig | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[Completion | str]:
        async for value in input:
            async for item in self.astream(value, config):
                yield item


class CheckedAnswer(Runnable[dict[str, Any], Answer | str]):
    """Parsing and verification: the chain's state with the model's ``reply`` becomes the
    checked Answer; streamed, the reply's text deltas pass through first."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def invoke(
        self, input: dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> Answer:
        return self.answer(input, input.get("reply"))

    def answer(self, state: dict[str, Any], reply: Completion | None) -> Answer:
        offline: Answer = state["offline"]
        if reply is None:  # no evidence to show: the model was not asked
            return offline
        attempt = Attempt(
            question=state["shown"]["question"],
            asked=state["question"],  # the user's own words, not a rewrite by the model
            items=state["shown"]["items"],
            prompt=state["shown"]["prompt"],
            completion=reply,
            encoding=self.settings.encoding,
            started=state["started"],
        )

        def fallback(notice: str, changes: dict[str, object]) -> Answer:
            return offline.model_copy(update={"notice": notice, **changes})

        return verified_answer(attempt, offline, fallback)

    def transform(
        self,
        input: Iterator[dict[str, Any]],
        config: RunnableConfig | None = None,
        **kwargs: Any,
    ) -> Iterator[Answer | str]:
        state: dict[str, Any] = {}
        for chunk in input:
            yield from self._take(chunk, state)
        yield self.answer(state, state.get("reply"))

    def stream(
        self, input: dict[str, Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[Answer | str]:
        return self.transform(iter([input]), config)

    async def atransform(
        self,
        input: AsyncIterator[dict[str, Any]],
        config: RunnableConfig | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[Answer | str]:
        state: dict[str, Any] = {}
        async for chunk in input:  # the state, then the reply's deltas as they arrive
            for delta in self._take(chunk, state):
                yield delta
        yield self.answer(state, state.get("reply"))

    @staticmethod
    def _take(chunk: dict[str, Any], state: dict[str, Any]) -> list[str]:
        """Keep a chunk's state in ``state``; its answer text, if it is a reply delta."""
        deltas = []
        for key, value in chunk.items():
            if key == "reply" and isinstance(value, str):
                deltas.append(value)
            else:
                state[key] = value  # the Completion (or None) ends up under "reply"
        return deltas


def answer_prompt(
    question: str,
    history: Sequence[dict[str, str]],
    evidence: Evidence,
    offline_quotes: Sequence[Citation],
    settings: Settings,
    graded: Sequence[Sentence] = (),
) -> dict[str, Any]:
    """What the model is shown: the evidence ``items`` (as many as fit the window), the
    prompt's ``values`` and its rendered text (``prompt``, for the audit log). ``graded``:
    the sentences stating the grades asked, which the offline quotes may come from."""
    items = answer_items(
        evidence.sentences, offline_quotes, evidence.per_force, settings.encoding, graded
    )
    values = {
        "question": fence_safe(question),
        "history": history_block(history),
        # the way out only where the engine found no answer (prompts/answer.md says why)
        "unanswered": "" if offline_quotes else UNANSWERED_RULE,
    }
    _, prompt, kept = build_prompt("answer", values, evidence_lines(items), settings)
    items = items[:kept]
    values["evidence"] = "\n".join(evidence_lines(items))
    return {"question": question, "items": items, "prompt": prompt, "values": values}


def answer_chain(
    retrieval: Retrieval,
    settings: Settings,
    model: BaseChatModel,
    stated_grades: Callable[[Evidence], Sequence[GradeGroup]] | None = None,
) -> Runnable[dict[str, Any], Answer]:
    """The chain over ``retrieval``'s index, answering with ``model`` (see the module).
    ``stated_grades``: the stated grades a question asks about (``Engine.asked_grades``),
    which the offline engine answers from as in offline mode."""
    retriever = EvidenceRetriever(retrieval=retrieval)
    template = shipped_prompt("answer")

    def grades(state: dict[str, Any]) -> list[GradeGroup]:
        return list(stated_grades(state["evidence"])) if stated_grades else []

    def start(request: dict[str, Any]) -> dict[str, Any]:
        deadline = Deadline(settings.llm_timeout_s, settings.llm_max_retries)
        return {**request, "deadline": deadline, "started": time.perf_counter()}

    def search(question: str, force: str | None, history: Any, config: RunnableConfig) -> Evidence:
        docs = retriever.invoke(question, config, force=force, history=history)
        return evidence_of(docs) or retrieval.gather(question, force, history)

    def retrieve(state: dict[str, Any], config: RunnableConfig) -> Evidence:
        given = state.get("evidence")
        if isinstance(given, Evidence):
            return given
        return search(state["question"], state.get("force"), state.get("history"), config)

    def offline(state: dict[str, Any]) -> Answer:
        return offline_result(
            state["question"],
            state["evidence"],
            settings.offline_min_score,
            state["started"],
            state["grades"],
        )

    def shown(state: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        question, evidence = state["question"], state["evidence"]
        history = list(state.get("history") or [])
        if history and not evidence.refusal:
            standalone = condense_question(
                model, question, history, settings, state["deadline"], config
            )
            if standalone != question:
                evidence = search(standalone, evidence.force, None, config)
                question = standalone
        quotes = state["offline"].citations if not state["offline"].abstained else []
        graded = [s for group in state["grades"] for s in group.sentences]
        return answer_prompt(question, history, evidence, quotes, settings, graded)

    def ask(state: dict[str, Any]) -> Runnable[Any, Any]:
        if not state["shown"]["items"]:
            return RunnableLambda(lambda _: None, name="not_asked")
        values = state["shown"]["values"]
        return (
            RunnableLambda(lambda _: values, name="prompt_values")
            | template
            | DeadlineModel(model, state["deadline"])
        )

    def fallback(request: dict[str, Any], config: RunnableConfig) -> Answer:
        started = time.perf_counter()
        error = request.get("error")
        given = request.get("evidence")
        evidence = given if isinstance(given, Evidence) else None
        if evidence is None:
            question, force = request["question"], request.get("force")
            evidence = search(question, force, request.get("history"), config)
        answer = offline_result(
            request["question"],
            evidence,
            settings.offline_min_score,
            started,
            grades({"evidence": evidence}),
        )
        return answer.model_copy(update={"notice": f"{error} Showing the offline answer."})

    chain = (
        RunnableLambda(start, name="start")
        | RunnablePassthrough.assign(evidence=RunnableLambda(retrieve, name="retrieve"))
        | RunnablePassthrough.assign(grades=RunnableLambda(grades, name="stated_grades"))
        | RunnablePassthrough.assign(offline=RunnableLambda(offline, name="offline_engine"))
        | RunnablePassthrough.assign(shown=RunnableLambda(shown, name="evidence_ids"))
        | RunnablePassthrough.assign(reply=RunnableLambda(ask, name="chat_model"))
        | CheckedAnswer(settings)
    )
    offline_engine = RunnableLambda(fallback, name="offline_fallback")
    return chain.with_fallbacks(
        [offline_engine], exceptions_to_handle=(LLMError,), exception_key="error"
    ).with_config(run_name="rag_answer")  # type: ignore[return-value]
