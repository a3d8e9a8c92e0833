"""Where a citation points, for the document reader under each answer: the paragraphs
the quote touches, with the quote's span in them."""

from __future__ import annotations

import streamlit as st

from rag.answer.citations import locate
from rag.core.types import Citation
from rag.index.registry import DocumentRecord
from rag.index.store import IndexStore


class _NotHeld(LookupError):
    """The index does not hold the cited version (raised, so the miss is not cached)."""


@st.cache_resource(max_entries=32, show_spinner=False)
def _cached_document(
    _store: IndexStore, where: str, source: str, document_id: str
) -> DocumentRecord:
    """The cited version of a document in the index whose chunk collection is ``where``.
    A document id is its content's hash, so the text under it never changes and may be
    kept; a miss is never kept (the document may be added again)."""
    record = _store.document(source, with_text=True)
    if record is None or record.document_id != document_id:
        raise _NotHeld(source)
    return record


def _cited_document(store: IndexStore, citation: Citation) -> DocumentRecord | None:
    where = str(store.chunks.id)  # the collection: one index's record never serves another
    try:
        return _cached_document(store, where, citation.source, citation.document_id)
    except _NotHeld:
        return None


def source_context(store: IndexStore, citation: Citation) -> tuple[str, tuple[int, int] | None]:
    """The paragraphs a citation points into, and the quote's span in them (None if the
    quote cannot be found, e.g. the document was replaced since the answer)."""
    record = _cited_document(store, citation)
    if record is None:
        return citation.quote, None
    offset = citation.char_start
    if offset is None:  # an LLM citation located by paragraph only
        spans = [(p.start, p.end) for p in record.paragraphs if p.number == citation.paragraph]
    else:  # every paragraph the quote touches
        # the quote's end in the document (its spacing or quote marks may differ)
        window = record.text[offset : offset + 2 * len(citation.quote) + 64]
        found = locate(citation.quote, window)
        last = offset + (found[1] if found else max(len(citation.quote), 1))
        touched = [p for p in record.paragraphs if p.start < last and offset < p.end]
        spans = [(p.start, p.end) for p in touched]
    if not spans:
        return citation.quote, None
    text = record.text[spans[0][0] : spans[-1][1]]
    return text, locate(citation.quote, text)
