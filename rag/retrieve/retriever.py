"""The LangChain retriever over the hybrid search, for LangChain users composing their
own chains (importing LangChain's retriever machinery costs more than an offline
answer, so the engine's own path does not load it)."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from rag.retrieve.search import HybridSearcher


class HybridRetriever(BaseRetriever):
    """LangChain retriever over :class:`HybridSearcher`."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: HybridSearcher
    k: int = 6
    force: str | None = None
    token_budget: int | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        passages = self.searcher.search(
            query,
            k=int(kwargs.get("k", self.k)),
            force=kwargs.get("force", self.force),
            token_budget=kwargs.get("token_budget", self.token_budget),
        )
        return [p.to_document() for p in passages]
