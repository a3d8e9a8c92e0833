"""The vector half of the search: the chunks nearest a question's vector, from Chroma.

Chroma's HNSW query is fast unfiltered (6-9 ms at 100,000 chunks). Filtered to a
selection (a force, a document, the national reports) it is slow and not complete, as
measured with chromadb 1.5.9 at 100,000 chunks: 63-106 ms with a ``where`` on the force
(20 ms with an ``ids`` filter on a force of 2,300 chunks, 77 ms on one of 11), and for 2
of 40 random vectors fewer results than asked, on small and large forces alike (none of
40 reference questions), which would leave an answer with its lexical half only. So the
selection decides:

- no selection: Chroma's query, unfiltered;
- at most ``EXACT_LIMIT`` chunks: exact cosine over their stored vectors, read by id
  (about 1 ms for 11 chunks, 12 ms for 500): complete by construction;
- more: Chroma's query filtered by those ids, then the exact scan if it came back short.
"""

from __future__ import annotations

from collections.abc import Container, Sequence

from rag.index.store import IndexStore

EXACT_LIMIT = 1_000  # chunks: a force of the eval corpus has tens, a large force thousands
SLACK = 10  # more asked of an unfiltered query, for chunks of documents not live here


def nearest_chunks(
    store: IndexStore,
    vector: Sequence[float],
    n: int,
    among: Sequence[str],
    selected: bool,
    live: Container[str],
) -> list[str]:
    """The ids of the ``n`` chunks nearest ``vector``, nearest first, among the chunk ids
    ``among``: those of the ``selected`` chunks, else every ``live`` chunk (Chroma may
    also hold chunks of a document being ingested, which are passed over)."""
    if selected and len(among) <= EXACT_LIMIT:
        return _exact(store, vector, n, among)
    if not selected:
        found = store.nearest_ids(vector, n + SLACK)
        return [cid for cid, _ in found if cid in live][:n]
    # Chroma filters by ids faster than by an equal value (20 ms against 63-84 ms for a
    # force of 2,300 chunks in 100,000)
    found = store.nearest_ids(vector, n, ids=among)
    if len(found) < min(n, len(among)):  # the filtered search came back short
        return _exact(store, vector, n, among)
    return [cid for cid, _ in found]


def _exact(store: IndexStore, vector: Sequence[float], n: int, among: Sequence[str]) -> list[str]:
    return [cid for cid, _ in store.nearest_among(among, vector, n)]
