"""Calling the chat model: made from the settings, each call within the answer's
deadline (``rag.llm.deadline``), and every service failure turned into one clear
:class:`LLMError` naming the setting to check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.runnables import RunnableConfig
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from rag.core.errors import ConfigError, LLMError
from rag.core.settings import LLM_NEEDED, Settings
from rag.llm.deadline import Deadline, call_within

PLACEHOLDER_KEY = "not-needed-by-local-server"  # the openai client refuses to start without one


def make_chat_model(
    settings: Settings, streaming: bool = False, json_mode: bool = False
) -> ChatOpenAI:
    """The chat model the settings name, with bounded time, retries and reply length.

    ``json_mode`` (the judge's) asks the server for a JSON object. Answers are plain text:
    under llama.cpp's JSON grammar a small model (Qwen2.5-Coder-0.5B) wrote ids or figures
    in brackets in place of sentences ('{"answer": "[E1]"}') in 23 of 30 dev cases, and
    plain-text sentences in most; the briefing and rewrite prompts ask for JSON in words,
    read by the tolerant parser (rag.llm.parse)."""
    if not settings.llm_configured:
        raise ConfigError(LLM_NEEDED)
    body: dict[str, Any] = {}
    if urlparse(settings.openai_base_url or "https://api.openai.com").hostname != "api.openai.com":
        body["max_tokens"] = settings.answer_tokens  # llama.cpp ignores max_completion_tokens;
        # api.openai.com rejects a request that sets both.
    if json_mode:  # in the body, not model_kwargs: there LangChain calls parse(), which raises
        body["response_format"] = {"type": "json_object"}  # on a reply cut at max_tokens
    return ChatOpenAI(
        model=settings.chat_model,
        base_url=settings.openai_base_url,
        api_key=settings.openai_api_key or SecretStr(PLACEHOLDER_KEY),
        timeout=settings.llm_timeout_s,  # each call gets what is left of the answer's deadline
        max_retries=0,  # retries are rag.llm.deadline's, within that deadline
        temperature=0,
        max_tokens=settings.answer_tokens,
        extra_body=body or None,
        # only when asked: an explicit streaming=False would also turn off .stream()
        **({"streaming": True} if streaming else {}),
        stream_usage=True,
    )


def llm_error(model: BaseChatModel, exc: Exception, deadline: Deadline) -> LLMError:
    where = getattr(model, "openai_api_base", None) or "https://api.openai.com/v1"
    name = getattr(model, "model_name", None) or type(model).__name__
    retries = f" (retried up to {deadline.retries} times)"
    if isinstance(exc, openai.APITimeoutError):
        what = (
            f"timed out after {deadline.seconds:g} s (RAG_LLM_TIMEOUT_S bounds the whole "
            "answer, retries included)"
        )
    elif isinstance(exc, openai.APIConnectionError):
        what = f"could not be reached{retries}"
    elif isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        what = "refused the key: check OPENAI_API_KEY"
    elif isinstance(exc, openai.NotFoundError):
        what = "does not know this model or path: check RAG_CHAT_MODEL and OPENAI_BASE_URL"
    elif isinstance(exc, openai.APIStatusError):
        what = f"answered HTTP {exc.status_code}" + (retries if exc.status_code >= 429 else "")
    else:
        what = f"failed ({type(exc).__name__}: {' '.join(str(exc).split())[:160]})"
    return LLMError(
        f"Chat model {name} at {where} (OPENAI_BASE_URL) {what}. Check the server "
        "and settings, or set RAG_MODE=offline; the offline answer is used meanwhile."
    )


def text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(p if isinstance(p, str) else str(p.get("text", "")) for p in content or [])


@dataclass
class Completion:
    """What the model sent back: its text unchanged, the server's usage (LangChain's
    usage_metadata, if any) and why it ended early, if it did."""

    raw: str
    usage: dict[str, Any] | None = None
    cut_off: str | None = None


def complete(
    model: BaseChatModel,
    messages: list[BaseMessage],
    deadline: Deadline,
    config: RunnableConfig | None = None,
) -> Completion:
    """The model's reply within ``deadline`` (retried as it allows); failures -> LLMError."""
    try:
        message = call_within(deadline, lambda left: model.invoke(messages, config, timeout=left))
    except openai.APIError as exc:
        raise llm_error(model, exc, deadline) from exc
    finish = message.response_metadata.get("finish_reason")
    usage = getattr(message, "usage_metadata", None)
    return Completion(text_of(message.content), usage, cut_reason(finish))


def cut_reason(finish: str | None) -> str | None:
    if finish == "length":
        return "the reply reached RAG_ANSWER_TOKENS (max_tokens) and was cut"
    if finish == "content_filter":
        return "the service's content filter stopped the reply"
    return None
