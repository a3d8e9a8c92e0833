"""LangChain retrievers: over the hybrid search (passages), for LangChain users composing
their own chains, and over the evidence sentences, for the answer chain (importing
LangChain's retriever machinery costs more than an offline answer, so the offline path
does not load this module)."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from rag.retrieve.gather import Evidence, Retrieval
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


EVIDENCE_KEY = "evidence"  # each evidence Document's metadata: the whole Evidence it is from


class EvidenceRetriever(BaseRetriever):
    """LangChain retriever of sentence-level evidence (what the answer chain shows a model):
    the scored sentences of :meth:`Retrieval.gather`, best first, one Document each, with
    the sentence's place (chunk, offsets, force, paragraph, score). Each Document's
    metadata also holds the whole Evidence under ``"evidence"``, for steps that need more
    than sentences (the offline engine). ``force`` and ``history`` are keyword arguments
    of ``invoke``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retrieval: Retrieval
    k: int = 24

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        evidence = self.retrieval.gather(query, kwargs.get("force"), kwargs.get("history"))
        return [
            Document(
                page_content=sentence.text,
                metadata={
                    "chunk_id": sentence.passage.chunk_id,
                    "start": sentence.start,
                    "end": sentence.end,
                    "force": sentence.passage.force,
                    "paragraph": sentence.passage.paragraph,
                    "score": round(sentence.score, 5),
                    EVIDENCE_KEY: evidence,
                },
            )
            for sentence in evidence.sentences[: self.k]
        ]


def evidence_of(documents: list[Document]) -> Evidence | None:
    """The Evidence an :class:`EvidenceRetriever`'s documents came from (None if none)."""
    found = documents[0].metadata.get(EVIDENCE_KEY) if documents else None
    return found if isinstance(found, Evidence) else None
