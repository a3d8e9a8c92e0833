"""The vector half of the search: the chunks nearest a question's vector, from Chroma.

Chroma's HNSW query is fast and complete unfiltered (2-9 ms at 100,000 chunks). Filtered
to a selection (a force, a document, the national reports) it is neither, as measured
with chromadb 1.5.9 at 100,000 chunks: 57-84 ms, and for about 5-20% of questions on a
small selection fewer results than asked, often none, which would leave an answer with
its lexical half only. So the selection decides:

- no selection: Chroma's query, unfiltered;
- at most ``EXACT_LIMIT`` chunks: exact cosine over their stored vectors, read by id
  (about 1 ms for 11 chunks, 12 ms for 500): complete by construction;
- more: Chroma's query filtered by those ids, then the exact scan if it came back short.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rag.index.chunk_reads import ChunkRow
from rag.index.store import IndexStore

EXACT_LIMIT = 1_000  # chunks: a force of the eval corpus has tens, a large force thousands
SLACK = 10  # extra nearest chunks asked of Chroma, for those of documents not live here


@dataclass
class Nearest:
    """The nearest chunks' ids, nearest first, and the rows already read with them (Chroma's
    query returns its rows; the exact scan reads vectors only)."""

    ids: list[str]
    rows: dict[str, ChunkRow]


def nearest_chunks(
    store: IndexStore,
    vector: Sequence[float],
    n: int,
    among: Sequence[str],
    selected: bool,
    chunk_where: dict[str, Any] | None,
    admit: Callable[[ChunkRow], bool],
) -> Nearest:
    """The ``n`` chunks nearest ``vector`` among the chunk ids ``among`` (the live chunks
    of the ``selected`` documents, else of all) that pass ``chunk_where`` (metadata the
    registry does not hold). ``admit`` drops a row of a document this reader does not see
    as live (being ingested or removed meanwhile)."""
    if selected and len(among) <= EXACT_LIMIT:
        return _exact(store, vector, n, among, chunk_where)
    # Chroma filters by ids faster than by an equal value (20 ms against 63-84 ms for a
    # force of 2,300 chunks in 100,000)
    ids = among if selected else None
    rows = [r for r in store.nearest(vector, n + SLACK, chunk_where, ids) if admit(r)][:n]
    expected = n if chunk_where else min(n, len(among))
    if (selected or chunk_where) and len(rows) < expected:  # the filtered search came back short
        return _exact(store, vector, n, among, chunk_where)
    return Nearest([r.id for r in rows], {r.id: r for r in rows})


def _exact(
    store: IndexStore,
    vector: Sequence[float],
    n: int,
    selection: Sequence[str],
    chunk_where: dict[str, Any] | None,
) -> Nearest:
    best = store.nearest_among(selection, vector, n, chunk_where)
    return Nearest([cid for cid, _ in best], {})
