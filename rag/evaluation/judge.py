"""Metrics judged by a language model: faithfulness and relevance (as in RAGAS).

Used by ``rag eval`` only when a model is configured (OPENAI_API_KEY or
OPENAI_BASE_URL). The judge is RAG_JUDGE_MODEL, else RAG_CHAT_MODEL, and every
report names it. Prompts: ``prompts/judge_faithfulness.md`` and
``prompts/judge_relevance.md``. The model scores 1-5; the score is mapped to
0..1. A reply that cannot be read gives no score and says why (it is never
counted as 0 or 1); a service failure raises :class:`LLMError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import openai
from langchain_core.language_models import BaseChatModel
from pydantic import BaseModel

from rag.core.errors import LLMError
from rag.core.settings import Settings
from rag.llm.model_calls import make_chat_model
from rag.llm.parse import load_json_object
from rag.llm.prompting import shipped_prompt

SCALE = (1, 5)
_MAX_PASSAGES = 8


class Verdict(BaseModel):
    score: float | None  # 0..1, None when the reply could not be read
    reason: str = ""
    problem: str | None = None


def judge_model_name(settings: Settings) -> str:
    return settings.judge_model or settings.chat_model


def _escape(text: str) -> str:
    """Values go inside <passages>/<question>/<answer> fences: none may close one."""
    return text.replace("<", "&lt;")


def read_verdict(raw: str) -> Verdict:
    """A judge's JSON reply ({"score": 1-5, "reason": ...}) as a 0..1 score."""
    found, _ = load_json_object(raw)
    low, high = SCALE
    score: Any = found.get("score") if found else None
    if isinstance(score, str):
        try:
            score = float(score.strip())
        except ValueError:
            score = None
    if isinstance(score, bool) or not isinstance(score, int | float) or not (low <= score <= high):
        shown = " ".join(raw.split())[:80]
        return Verdict(
            score=None, problem=f"malformed judge reply (no score {low}-{high}): {shown!r}"
        )
    return Verdict(
        score=round((float(score) - low) / (high - low), 4),
        reason=str(found.get("reason", "")) if found else "",
    )


class Judge:
    """An LLM judge; one chat model (and HTTP client) reused for every case."""

    def __init__(self, settings: Settings, model: BaseChatModel | None = None) -> None:
        self.name = judge_model_name(settings)
        self.model = model or make_chat_model(
            settings.model_copy(update={"chat_model": self.name}), json_mode=True
        )

    def _ask(self, prompt: str, values: dict[str, str]) -> Verdict:
        messages = shipped_prompt(prompt).format_messages(**values)
        try:
            reply = self.model.invoke(messages)
        except openai.APIError as exc:
            raise LLMError(
                f"Judge model {self.name} failed ({type(exc).__name__}: "
                f"{' '.join(str(exc).split())[:160]}); check RAG_JUDGE_MODEL and "
                "OPENAI_BASE_URL, or run `rag eval --no-judge`."
            ) from exc
        content = reply.content if isinstance(reply.content, str) else str(reply.content)
        return read_verdict(content)

    def faithfulness(self, question: str, answer: str, passages: Sequence[str]) -> Verdict:
        """Are the answer's claims supported by the passages retrieval gave?"""
        context = "\n".join(
            f'<source id="S{i}">\n{_escape(p.strip())}\n</source>'
            for i, p in enumerate(passages[:_MAX_PASSAGES], start=1)
        )
        values = {"question": _escape(question), "answer": _escape(answer), "passages": context}
        return self._ask("judge_faithfulness", values)

    def relevance(self, question: str, answer: str) -> Verdict:
        """Does the answer address the question?"""
        values = {"question": _escape(question), "answer": _escape(answer)}
        return self._ask("judge_relevance", values)
