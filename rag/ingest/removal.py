"""Removing documents from the index: every chunk of each goes, under the write lock, and
a run killed between a registry delete and its chunks' is completed by the next reader."""

from __future__ import annotations

from collections.abc import Sequence

from rag.core.errors import RagError
from rag.core.settings import Settings
from rag.index.embeddings import embedding_identity
from rag.index.locking import RunMarker, write_lock
from rag.index.opening import open_store
from rag.index.registry import DocumentRecord


def remove_sources(sources: Sequence[str], settings: Settings) -> list[DocumentRecord | RagError]:
    """Remove documents by source name or document id; all of each one's chunks go."""
    model, dimension = embedding_identity(settings)
    out: list[DocumentRecord | RagError] = []
    with write_lock(settings):
        store = open_store(settings, model, dimension)
        marker = RunMarker(settings)  # killed between a registry delete and its chunks'
        records = store.documents()
        for wanted in sources:
            match = [r for r in records if wanted in (r.source, r.document_id)] or [
                r for r in records if len(wanted) >= 8 and r.document_id.startswith(wanted)
            ]
            if not match:
                out.append(RagError(f"{wanted}: no such document; see `rag list`"))
            for record in match:
                store.remove(record.source)
                out.append(record)
        store.index_lexicon()
        marker.finish(store)
    return out
