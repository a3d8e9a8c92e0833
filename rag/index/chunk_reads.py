"""Reading chunks back from Chroma: by id, by document, and nearest a query vector.

A mixin of ``rag.index.store.IndexStore`` (which owns the collections and ``read``, the
retry while another process writes), kept apart so that the store's write path and its
commit protocol read on their own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from chromadb.api.models.Collection import Collection

from rag.index.registry import DocumentRecord, source_key, text_or_none
from rag.index.sentence_vectors import SENTENCE_VECTORS_KEY

T = TypeVar("T")
EXACT_PAGE = 1_000  # stored vectors read at a time by ``nearest_among``
TEXTS_PAGE = 1_000  # chunk texts read by id at a time
FETCHERS = 8  # documents fetched at once when they must be fetched one by one


@dataclass
class ChunkRow:
    """One stored chunk as a search reads it."""

    id: str
    text: str
    metadata: dict[str, Any]
    similarity: float = 0.0  # cosine to the query vector, where one was given


class ChunkReads:
    """The chunk collection's reads (``self.chunks``, through ``self.read``)."""

    chunks: Collection
    read: Callable[..., Any]
    _records: Callable[..., tuple[list[str], list[DocumentRecord]]]
    _local_path: str | None

    def all_chunks(self, include: list[Any], page: int = 5_000) -> dict[str, list[Any]]:
        """Every chunk record, read a page at a time: one ``get`` of a large collection
        fails inside Chroma ("too many SQL variables", seen at 100,000 chunks)."""
        out: dict[str, list[Any]] = {"ids": [], **{name: [] for name in include}}
        offset = 0
        while True:
            got = self.chunks.get(include=include, limit=page, offset=offset)
            out["ids"].extend(got["ids"])
            for name in include:
                values = got.get(name)
                out[name].extend(list(values) if values is not None else [None] * len(got["ids"]))
            if len(got["ids"]) < page:
                return out
            offset += page

    def nearest_ids(
        self,
        vector: Sequence[float],
        n: int,
        where: dict[str, Any] | None = None,
        ids: Sequence[str] | None = None,
    ) -> list[tuple[str, float]]:
        """The ``n`` chunks nearest ``vector`` by Chroma's HNSW index as (id, cosine), nearest
        first, of those ``ids`` and ``where`` admit. Unfiltered, this is Chroma's fast path;
        filtered, its graph search can return fewer than asked, even none (see
        ``rag.retrieve.dense``), so callers check the count. Ids and distances only: a
        chunk's metadata is large (its packed sentence vectors)."""
        if n <= 0:
            return []
        got = self.read(
            lambda: self.chunks.query(
                query_embeddings=[np.asarray(vector, dtype=np.float32)],
                n_results=n,
                where=where,
                ids=list(ids) if ids is not None else None,
                include=["distances"],
            )
        )
        distances = (got["distances"] or [[]])[0]
        return [(cid, 1.0 - float(d)) for cid, d in zip(got["ids"][0], distances, strict=True)]

    def nearest_among(
        self, ids: Sequence[str], vector: Sequence[float], n: int
    ) -> list[tuple[str, float]]:
        """The ``n`` chunks of ``ids`` nearest ``vector`` as (id, cosine),
        nearest first: exact, over their stored vectors read a page at a time. Never
        misses a chunk, so it serves a small selection (a force, a document) and any
        selection Chroma's filtered search came back short on."""
        query = _unit(vector)
        best_ids: list[str] = []
        best = np.zeros(0, dtype=np.float32)
        for start in range(0, len(ids), EXACT_PAGE):
            part = list(ids[start : start + EXACT_PAGE])
            got = self.read(lambda part=part: self.chunks.get(ids=part, include=["embeddings"]))
            if not got["ids"]:
                continue
            stored = np.asarray(got["embeddings"], dtype=np.float32)
            norms = np.maximum(np.linalg.norm(stored, axis=1), 1e-12)
            best_ids += list(got["ids"])
            best = np.concatenate([best, (stored @ query) / norms])
            if len(best) > n:  # keep the running best: memory stays one page
                keep = np.argsort(-best, kind="stable")[:n]
                best_ids, best = [best_ids[i] for i in keep], best[keep]
        order = np.argsort(-best, kind="stable")[:n]
        return [(best_ids[i], float(best[i])) for i in order]

    def chunk_rows(
        self,
        ids: Sequence[str] | None = None,
        where: dict[str, Any] | None = None,
        vector: Sequence[float] | None = None,
    ) -> list[ChunkRow]:
        """Chunks by id or ``where``; given ``vector``, each with its cosine similarity to it."""
        include: list[Any] = ["documents", "metadatas"] + (["embeddings"] if vector else [])
        got = self.read(
            lambda: self.chunks.get(
                ids=list(ids) if ids is not None else None, where=where, include=include
            )
        )
        rows = [
            ChunkRow(cid, str(text), dict(meta or {}))
            for cid, text, meta in zip(
                got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True
            )
        ]
        if vector is not None and rows:
            stored = np.asarray(got["embeddings"], dtype=np.float32)
            norms = np.maximum(np.linalg.norm(stored, axis=1), 1e-12)
            for row, cosine in zip(rows, (stored @ _unit(vector)) / norms, strict=True):
                row.similarity = float(cosine)
        return rows

    def matching_ids(self, where: dict[str, Any] | None) -> set[str]:
        """The ids of the chunks whose metadata ``where`` admits."""
        return set(self.read(lambda: self.chunks.get(where=where, include=[]))["ids"])

    def chunk_texts(self, document_id: str) -> tuple[list[str], list[str]]:
        """A document's chunk ids and texts (what its lexical index rows are made of)."""
        got = self.read(
            lambda: self.chunks.get(where={"document_id": document_id}, include=["documents"])
        )
        return list(got["ids"]), [str(t) for t in got["documents"] or []]

    def texts_of_documents(
        self, records: Sequence[DocumentRecord]
    ) -> dict[str, tuple[list[str], list[str]]]:
        """Each record's chunk ids and texts, in order, by document id. Many: by the chunk
        ids its registry record lists, a thousand a request (a new machine on a Chroma server
        fetches every document: one request per document took 204 s at 100,000 chunks).
        A record from before those lists, or whose stored version is not this one (another
        chunker, another count), and a few records, are fetched by document."""
        out: dict[str, tuple[list[str], list[str]]] = {}
        if len(records) > FETCHERS * 4:  # else a few requests by document are quicker
            mine = {(r.document_id, r.chunker, r.chunks) for r in records}
            _, stored = self._records([source_key(r.source) for r in records], with_text=False)
            listed = [
                r for r in stored if r.chunk_ids and (r.document_id, r.chunker, r.chunks) in mine
            ]
            texts: dict[str, str] = {}
            every = [cid for r in listed for cid in r.chunk_ids]
            for start in range(0, len(every), TEXTS_PAGE):
                part = every[start : start + TEXTS_PAGE]
                got = self.read(lambda part=part: self.chunks.get(ids=part, include=["documents"]))
                texts.update(zip(got["ids"], map(str, got["documents"] or []), strict=True))
            for r in listed:
                if len(r.chunk_ids) == r.chunks and all(c in texts for c in r.chunk_ids):
                    out[r.document_id] = (r.chunk_ids, [texts[c] for c in r.chunk_ids])
        rest = [r.document_id for r in records if r.document_id not in out]
        # several requests at once only to a server: a local index's client is reopened
        # when a read fails, which threads must not do at once
        workers = FETCHERS if self._local_path is None else 1
        with ThreadPoolExecutor(max_workers=workers) as pool:
            out.update(zip(rest, pool.map(self.chunk_texts, rest), strict=True))
        return out

    def existing_chunk_ids(self, ids: Sequence[str], having: str | None = None) -> set[str]:
        """The ids of ``ids`` that are stored (and, given ``having``, hold that metadata key)."""
        if not ids:
            return set()
        if having is None:
            return set(self.chunks.get(ids=list(ids), include=[])["ids"])
        got = self.chunks.get(ids=list(ids), include=["metadatas"])
        return {
            cid
            for cid, meta in zip(got["ids"], got["metadatas"] or [], strict=True)
            if meta and having in meta
        }

    def embeddings_by_text(self, document_id: str) -> dict[str, tuple[list[float], str | None]]:
        """A document's stored vectors (and packed sentence vectors, if any) by passage
        text, to reuse when it is edited."""
        got = self.chunks.get(
            where={"document_id": document_id}, include=["documents", "embeddings", "metadatas"]
        )
        vectors = got.get("embeddings")
        if vectors is None:
            return {}
        metas = got["metadatas"] or [{}] * len(vectors)
        return {
            t: (list(map(float, v)), text_or_none((m or {}).get(SENTENCE_VECTORS_KEY)))
            for t, v, m in zip(got["documents"] or [], vectors, metas, strict=True)
        }


def _unit(vector: Sequence[float]) -> np.ndarray:
    query = np.asarray(vector, dtype=np.float32)
    return query / max(float(np.linalg.norm(query)), 1e-12)
