"""Entry points shared by the CLI and the app: open the index for reading."""

from __future__ import annotations

from rag.core.settings import Settings
from rag.index.embeddings import embedding_identity
from rag.index.store import IndexStore, open_store


def open_read_store(settings: Settings) -> IndexStore:
    """The index for reading: no model is loaded, but a model mismatch is still refused."""
    model, dimension = embedding_identity(settings)
    return open_store(settings, model, dimension)
