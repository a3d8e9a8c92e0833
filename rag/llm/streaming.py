"""A model's reply as it arrives: the answer's text deltas, then the whole Completion.

The request is made at the first chunk, so it is retried like any call until then
(within the answer's deadline). A stream that breaks after some text, passes the
deadline or starts to loop ends early with what arrived, its ``cut_off`` saying why
(the answer is then partial and never cached); one that fails before any text raises
LLMError, so the caller can still fall back.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, TypeVar

import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.runnables import RunnableConfig

from rag.llm.deadline import Deadline, call_within
from rag.llm.model_calls import Completion, cut_reason, llm_error, text_of
from rag.llm.parse import answer_so_far, cut_repetition

_LOOP_CHECK_CHARS = 200  # look for a loop each time this much more answer text arrived
T = TypeVar("T")


def stream_completion(
    model: BaseChatModel,
    messages: list[BaseMessage],
    deadline: Deadline,
    config: RunnableConfig | None = None,
) -> Iterator[str | Completion]:
    """Deltas of the answer's text (read from JSON still arriving), then the Completion."""
    try:
        chunks, first = call_within(deadline, lambda left: _opened(model, messages, config, left))
    except openai.APIError as exc:
        raise llm_error(model, exc, deadline) from exc
    raw, shown, checked, usage, finish, cut_off = "", "", 0, None, None, None
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
                    break  # a loop: stop paying for it; the reply is cut and marked later
    except (openai.OpenAIError, ValueError) as exc:  # ValueError: a garbled stream event
        if not raw:
            raise llm_error(model, exc, deadline) from exc
        cut_off = f"the stream broke off after {len(raw)} characters ({type(exc).__name__})"
    finally:
        close = getattr(chunks, "close", None)
        if close:
            close()  # releases the HTTP connection
    yield Completion(raw, usage, cut_off or cut_reason(finish))


def _opened(
    model: BaseChatModel, messages: list[BaseMessage], config: RunnableConfig | None, left: float
) -> tuple[Iterator[Any], list[Any]]:
    """A stream with its first chunk read (the request is made then)."""
    chunks = iter(model.stream(messages, config, timeout=left))
    return chunks, list(itertools.islice(chunks, 1))


async def in_thread(make: Callable[[], Iterator[T]]) -> AsyncIterator[T]:
    """A blocking iterator run in one worker thread (one context throughout, so the
    model's callbacks and the deadline's clock behave as in a plain call), its items
    handed to the event loop as they come."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()

    def work() -> None:
        try:
            for item in make():
                loop.call_soon_threadsafe(queue.put_nowait, ("item", item))
        except BaseException as exc:  # handed to the awaiting side, raised there
            loop.call_soon_threadsafe(queue.put_nowait, ("error", exc))
        finally:
            loop.call_soon_threadsafe(queue.put_nowait, ("done", None))

    context = contextvars.copy_context()
    worker = loop.run_in_executor(None, context.run, work)
    try:
        while True:
            kind, value = await queue.get()
            if kind == "item":
                yield value
            elif kind == "error":
                raise value
            else:
                break
    finally:
        await worker
