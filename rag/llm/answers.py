"""Answers and briefings from a chat model (OpenAI or a compatible local server).

Passages go into the prompt as numbered, fenced sources (``<source id="S1">``, see
``rag.llm.prompting``) that are data, never instructions; the model replies in JSON that
``rag.llm.parse`` reads tolerantly. Service failures become :class:`LLMError` (the caller falls back
to the offline engine); a reply that breaks off, hits the token limit or loops is
kept and marked ``partial``, and must not be cached.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage

from rag.answer.citations import RawCitation
from rag.core.errors import LLMError
from rag.core.settings import Settings
from rag.core.types import CANNOT_ANSWER
from rag.llm.deadline import Deadline, call_within
from rag.llm.model_calls import (
    PLACEHOLDER_KEY,
    cut_reason,
    invoke,
    llm_error,
    make_chat_model,
    model_deadline,
    text_of,
)
from rag.llm.parse import answer_so_far, build_reply, cut_repetition, load_json_object, parse_reply
from rag.llm.prompting import (
    build_prompt,
    fence_safe,
    fits_window,
    format_context,
    format_history,
    shipped_prompt,
)
from rag.llm.types import BriefReply, LLMReply

if TYPE_CHECKING:
    from rag.retrieve.search import Passage

__all__ = [
    "PLACEHOLDER_KEY",
    "AnswerStream",
    "BriefReply",
    "LLMReply",
    "RawCitation",
    "answer_with_llm",
    "brief_with_llm",
    "condense_question",
    "format_context",
    "make_chat_model",
    "parse_reply",
    "stream_answer",
]

_LOOP_CHECK_CHARS = 200  # while streaming, look for a loop each time this much more arrived


def _no_sources(prompt: str, kind: type[LLMReply] = LLMReply) -> LLMReply:
    problem = "no passage was retrieved or none fitted RAG_CONTEXT_WINDOW: the model was not asked"
    return kind(
        answer=CANNOT_ANSWER,
        citations=[],
        raw="",
        prompt=prompt,
        usage={"prompt_tokens": 0, "completion_tokens": 0},
        problems=[problem],
    )


def _answer_prompt(
    question: str,
    passages: list[Passage],
    settings: Settings,
    history: list[dict[str, str]] | None,
) -> tuple[list[BaseMessage], str, dict[str, Passage]]:
    values = {
        "question": fence_safe(question),
        "history": format_history(history),
        "cannot_answer": CANNOT_ANSWER,
    }
    return build_prompt("answer", values, passages, settings)


def condense_question(
    model: BaseChatModel,
    question: str,
    history: list[dict[str, str]],
    settings: Settings | None = None,
) -> str:
    """A follow-up rewritten to stand alone; unchanged when there is no history or the
    model's rewrite is empty or implausibly long."""
    if not history:
        return question
    messages = shipped_prompt("condense").format_messages(
        history=format_history(history), question=fence_safe(question)
    )
    if settings is not None and not fits_window(messages, settings):
        return question  # too long to rewrite; the answer prompt then says it is too long
    raw, _, _ = invoke(model, messages, settings)
    found, _ = load_json_object(raw)
    candidate = found.get("question", "") if found else raw
    candidate = re.sub(
        r"^(?:standalone )?question:", "", " ".join(str(candidate).split()), flags=re.IGNORECASE
    ).strip(" \"'")
    return candidate if 0 < len(candidate) <= max(300, 4 * len(question)) else question


def answer_with_llm(
    model: BaseChatModel,
    question: str,
    passages: list[Passage],
    settings: Settings,
    history: list[dict[str, str]] | None = None,
) -> LLMReply:
    """The model's answer from the passages (in rank order, as many as fit the window)."""
    messages, prompt, labels = _answer_prompt(question, passages, settings, history)
    if not labels:
        return _no_sources(prompt)
    raw, usage, finish = invoke(model, messages, settings)
    return build_reply(raw, prompt, labels, settings.encoding, usage, cut_reason(finish))


def brief_with_llm(
    model: BaseChatModel, force: str, passages: list[Passage], settings: Settings
) -> BriefReply:
    """A one-paragraph briefing on ``force`` with its grade (if stated) and findings."""
    values = {"force": fence_safe(force), "cannot_answer": CANNOT_ANSWER}
    messages, prompt, labels = build_prompt("brief", values, passages, settings)
    if not labels:
        return cast(BriefReply, _no_sources(prompt, BriefReply))
    raw, usage, finish = invoke(model, messages, settings)
    reply = build_reply(
        raw, prompt, labels, settings.encoding, usage, cut_reason(finish), brief=True
    )
    return cast(BriefReply, reply)


def stream_answer(
    model: BaseChatModel,
    question: str,
    passages: list[Passage],
    settings: Settings,
    history: list[dict[str, str]] | None = None,
) -> AnswerStream:
    """Like :func:`answer_with_llm`, but iterate for the answer's text as it arrives."""
    messages, prompt, labels = _answer_prompt(question, passages, settings, history)
    deadline = model_deadline(model, settings)
    return AnswerStream(model, messages, prompt, labels, settings.encoding, deadline)


class AnswerStream(Iterator[str]):
    """Yields text deltas of the answer; then ``.reply`` is the whole checked LLMReply.

    The deltas are a preview: show ``reply.answer`` once done (a loop may have been cut).
    A stream that breaks after some text gives a reply marked partial; one that fails
    before any text raises LLMError.
    """

    def __init__(
        self,
        model: BaseChatModel,
        messages: list[BaseMessage],
        prompt: str,
        labels: dict[str, Passage],
        encoding: str,
        deadline: Deadline | None = None,
    ) -> None:
        self._deadline = deadline or model_deadline(model)
        self._deltas = self._run(model, messages, prompt, labels, encoding)
        self._reply: LLMReply | None = None
        self._error: LLMError | None = None

    def __next__(self) -> str:
        return next(self._deltas)

    @property
    def reply(self) -> LLMReply:
        for _ in self._deltas:  # finish the stream if the caller stopped early
            pass
        if self._reply is None:
            raise self._error or LLMError("The answer stream did not finish.")
        return self._reply

    def _run(
        self,
        model: BaseChatModel,
        messages: list[BaseMessage],
        prompt: str,
        labels: dict[str, Passage],
        encoding: str,
    ) -> Iterator[str]:
        if not labels:
            self._reply = _no_sources(prompt)
            yield self._reply.answer
            return
        raw, shown, checked, usage, finish, cut_off = "", "", 0, None, None, None
        deadline = self._deadline
        try:  # the request is made at the first chunk: retried like any call until then
            chunks, first = call_within(deadline, lambda left: _opened(model, messages, left))
        except openai.APIError as exc:
            self._error = llm_error(model, exc, deadline)
            raise self._error from exc
        try:
            for chunk in itertools.chain(first, chunks):
                raw += text_of(chunk.content)
                usage = getattr(chunk, "usage_metadata", None) or usage
                finish = chunk.response_metadata.get("finish_reason") or finish
                now = answer_so_far(raw)
                if len(now) > len(shown) and now.startswith(shown):
                    yield now[len(shown) :]
                    shown = now
                if deadline.remaining() < 0:
                    cut_off = "the answer passed RAG_LLM_TIMEOUT_S and was cut"
                    break
                if len(now) - checked >= _LOOP_CHECK_CHARS:
                    checked = len(now)
                    if cut_repetition(now) is not None:
                        break  # a loop: stop paying for it; build_reply cuts and marks it
        except (openai.OpenAIError, ValueError) as exc:  # ValueError: a garbled stream event
            self._error = llm_error(model, exc, deadline)
            if not raw:
                raise self._error from exc
            cut_off = f"the stream broke off after {len(raw)} characters ({type(exc).__name__})"
        finally:
            close = getattr(chunks, "close", None)
            if close:
                close()  # releases the HTTP connection
        self._reply = build_reply(
            raw, prompt, labels, encoding, usage, cut_off or cut_reason(finish)
        )


def _opened(
    model: BaseChatModel, messages: list[BaseMessage], timeout: float
) -> tuple[Iterator[Any], list[Any]]:
    """A stream with its first chunk read (the request is made then)."""
    chunks = iter(model.stream(messages, timeout=timeout))
    return chunks, list(itertools.islice(chunks, 1))
