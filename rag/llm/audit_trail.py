"""A LangChain callback handler that keeps the last prompt sent to a chat model and the
reply it gave, for the audit log (the engine passes one in each answer's config)."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import BaseMessage
from langchain_core.outputs import LLMResult


class AuditTrail(BaseCallbackHandler):
    """``prompt``: the last chat prompt as text ("## system ..."); ``raw``: its reply."""

    def __init__(self) -> None:
        self.prompt: str | None = None
        self.raw: str | None = None

    def on_chat_model_start(
        self, serialized: dict[str, Any], messages: list[list[BaseMessage]], **kwargs: Any
    ) -> None:
        self.prompt = "\n\n".join(
            f"## {'user' if m.type == 'human' else m.type}\n{m.content}" for m in messages[0]
        )
        self.raw = None

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        generations = response.generations
        if generations and generations[0]:
            self.raw = generations[0][0].text
