"""Ask questions of police inspection findings, with checkable citations.

``rag.build_answer_chain(settings=None, chat_model=None)`` gives the LangChain answer
chain over the configured index (see ``rag.engine.chain``); it is imported on first use,
so ``import rag`` stays light."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["build_answer_chain"]


def __getattr__(name: str) -> Any:
    if name == "build_answer_chain":
        from rag.engine.chain import build_answer_chain

        return build_answer_chain
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
