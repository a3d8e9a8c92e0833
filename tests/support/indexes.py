"""A real on-disk index of a corpus, with its store and searcher (for retrieval tests)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from langchain_core.embeddings import Embeddings

from rag.core.settings import Settings
from rag.index.embeddings import DIMENSION, MODEL_NAME
from rag.index.opening import open_store
from rag.index.store import IndexStore
from rag.ingest.pipeline import ingest_paths
from rag.retrieve.search import HybridSearcher


@dataclass
class Index:
    settings: Settings
    store: IndexStore
    searcher: HybridSearcher


def build_index(settings: Settings, corpus: Path, embeddings: Embeddings) -> Index:
    report = ingest_paths([corpus], settings, embeddings=embeddings)
    assert report.exit_code == 0, report.documents
    store = open_store(settings, MODEL_NAME, DIMENSION)
    return Index(settings, store, HybridSearcher(store, embeddings))
