"""``rag.build_answer_chain``: the LangChain answer chain over the configured index."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rag.core.settings import Settings, get_settings
from rag.core.types import Answer
from rag.engine.engine import Engine

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.runnables import Runnable


def build_answer_chain(
    settings: Settings | None = None, chat_model: BaseChatModel | None = None
) -> Runnable[dict[str, Any], Answer]:
    """A Runnable from ``{"question": str, "force": str | None, "history": list}`` to the
    checked :class:`~rag.core.types.Answer` (``rag.llm.chain`` describes its steps).

    ``settings`` default to the environment's (``RAG_*``, ``OPENAI_*``, ``.env``);
    ``chat_model`` to the model they name (``make_chat_model``). Any LangChain chat model
    works. ``invoke``, ``batch``, ``stream`` (text deltas, then the Answer) and the async
    forms work; callbacks in the config reach the retriever and the model. Answers made
    through it are not written to the audit log (``Engine.ask`` logs them)."""
    return Engine(settings or get_settings(), chat_model=chat_model).answer_chain()
