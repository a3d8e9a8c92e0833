"""Hybrid retrieval: BM25 and vector search fused by reciprocal rank.

Filters by force (and any stored metadata), keeps one passage per paragraph so
a long paragraph's overlapping windows cannot crowd out the rest, and stops at
a token budget. Each result carries its ids, scores and provenance.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from rag.index.registry import DocumentRecord
from rag.index.sentence_vectors import SENTENCE_VECTORS_KEY
from rag.index.store import IndexStore
from rag.retrieve.lexical import BM25Index

RRF_K = 60  # the constant from Cormack et al.; damps the weight of top ranks
CANDIDATES = 40  # per retriever, before fusion
_ROWS_CACHE = 256  # filters whose rows are kept per snapshot (one per force, usually)


@dataclass
class Passage:
    """A retrieved chunk with its provenance and scores."""

    chunk_id: str
    text: str
    metadata: dict[str, Any]
    score: float = 0.0  # fused (RRF)
    similarity: float = 0.0  # cosine similarity to the question
    lexical: float = 0.0  # BM25
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def document_id(self) -> str:
        return str(self.metadata["document_id"])

    @property
    def force(self) -> str | None:
        return self.metadata.get("force")

    @property
    def paragraph(self) -> int | None:
        value = self.metadata.get("paragraph_start")
        return int(value) if value is not None else None

    @property
    def tokens(self) -> int:
        return int(self.metadata.get("tokens", 0))

    def to_document(self) -> Document:
        meta = {
            **self.metadata,
            "score": self.score,
            "similarity": self.similarity,
            "lexical": self.lexical,
        }
        return Document(id=self.chunk_id, page_content=self.text, metadata=meta)


def _read_live(store: IndexStore) -> tuple[list[DocumentRecord], Any]:
    """The registry, then every chunk: a chunk is written before its document is
    registered, so each registered document's chunks are all in the second read."""
    records = store.documents()
    return records, store.all_chunks(["documents", "metadatas", "embeddings"])


class Snapshot:
    """The live chunks in memory: texts, metadata, embeddings and a BM25 index."""

    def __init__(self, store: IndexStore) -> None:
        records, got = store.read(lambda: _read_live(store))
        live = {r.document_id for r in records}
        # paragraph offsets (and sections) and page starts per document, to cite the exact
        # paragraph, section and page of a sentence
        self.paragraphs = {
            r.document_id: [(p.number, p.start, p.end, p.section) for p in r.paragraphs]
            for r in records
        }
        self.pages = {r.document_id: r.pages for r in records if r.pages}
        self.inspectors = {r.force: r.inspector for r in records if r.force}
        keep = [i for i, m in enumerate(got["metadatas"] or []) if m.get("document_id") in live]
        self.ids: list[str] = [got["ids"][i] for i in keep]
        self.texts: list[str] = [(got["documents"] or [])[i] for i in keep]
        self.metadatas: list[dict[str, Any]] = [dict((got["metadatas"] or [])[i]) for i in keep]
        # packed sentence vectors, kept apart: metadata is logged and shown, these are not
        self.sentence_vectors: list[str | None] = [
            m.pop(SENTENCE_VECTORS_KEY, None) for m in self.metadatas
        ]
        vectors = got.get("embeddings")
        dim = len(vectors[0]) if vectors is not None and len(vectors) else 1
        self.vectors = (
            np.asarray([vectors[i] for i in keep], dtype=np.float32)
            if keep and vectors is not None
            else np.zeros((0, dim), dtype=np.float32)
        )
        self.bm25 = BM25Index(self.texts)
        self.forces = sorted({str(m["force"]) for m in self.metadatas if m.get("force")})
        self._rows: dict[tuple[tuple[str, Any], ...], np.ndarray] = {}
        self._documents: dict[str, str] = {}
        self._document_rows: dict[str, list[int]] | None = None

    def document_text(self, document_id: str) -> str:
        """A document's indexed text (its chunks joined in order): what it says at all."""
        text = self._documents.get(document_id)
        if text is None:
            if self._document_rows is None:  # one pass, not a filter scan per document
                by_document: dict[str, list[int]] = {}
                for i, meta in enumerate(self.metadatas):
                    by_document.setdefault(str(meta.get("document_id")), []).append(i)
                self._document_rows = by_document
            order = sorted(
                self._document_rows.get(document_id, []),
                key=lambda i: self.metadatas[i].get("char_start", 0),
            )
            text = "\n".join(self.texts[i] for i in order)
            if len(self._documents) >= _ROWS_CACHE:
                self._documents.clear()
            self._documents[document_id] = text
        return text

    def __len__(self) -> int:
        return len(self.ids)

    def passage(
        self, i: int, score: float = 0.0, similarity: float = 0.0, lexical: float = 0.0
    ) -> Passage:
        """Chunk ``i`` as a passage, with its document's paragraphs and sentence vectors."""
        meta = self.metadatas[i]
        extras = {
            "paragraphs": self.paragraphs.get(str(meta.get("document_id")), []),
            "pages": self.pages.get(str(meta.get("document_id")), []),
            SENTENCE_VECTORS_KEY: self.sentence_vectors[i],
        }
        return Passage(self.ids[i], self.texts[i], meta, score, similarity, lexical, extras)

    def rows(self, where: dict[str, Any] | None) -> np.ndarray | None:
        """Indices of the chunks whose metadata equals every ``where`` item (None: all).
        Searching within them costs what the filter leaves, not what the index holds."""
        if not where:
            return None
        key = tuple(sorted(where.items(), key=lambda item: item[0]))
        cached = self._rows.get(key)
        if cached is None:  # a scan of every chunk's metadata: once per filter and snapshot
            cached = np.flatnonzero(
                [all(m.get(k) == v for k, v in where.items()) for m in self.metadatas]
            )
            if len(self._rows) >= _ROWS_CACHE:
                self._rows.clear()
            self._rows[key] = cached
        return cached


def _best(scores: np.ndarray, rows: np.ndarray | None, n: int) -> list[int]:
    """The indices of the ``n`` highest ``scores`` among ``rows`` (None: all), best first."""
    local = scores if rows is None else scores[rows]
    n = min(n, len(local))
    if n <= 0:
        return []
    top = np.argpartition(-local, n - 1)[:n]
    top = top[np.argsort(-local[top], kind="stable")]
    return [int(i) for i in (top if rows is None else rows[top])]


@dataclass
class QueryScores:
    """A query's cosine and BM25 scores over the chunks of one snapshot."""

    snapshot: Snapshot
    similarity: np.ndarray
    lexical: np.ndarray


class HybridSearcher:
    """Fused lexical + vector search over a store's live chunks."""

    def __init__(self, store: IndexStore, embeddings: Embeddings) -> None:
        self.store = store
        self.embeddings = embeddings
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    @property
    def snapshot(self) -> Snapshot:
        with self._lock:
            if self._snapshot is None:
                self._snapshot = Snapshot(self.store)
            return self._snapshot

    def refresh(self) -> None:
        """Drop the in-memory snapshot (after ingest or remove)."""
        with self._lock:
            self._snapshot = None

    def scores(self, query: str, query_vector: list[float] | None = None) -> QueryScores:
        """Cosine and BM25 of every chunk of the current snapshot for the query: computed
        once, they serve every force of a cross-force question (``search(scores=...)``),
        on that same snapshot even if another session refreshes it meanwhile."""
        snap = self.snapshot
        vector = np.asarray(
            query_vector if query_vector is not None else self.embeddings.embed_query(query),
            dtype=np.float32,
        )
        return QueryScores(snap, snap.vectors @ vector, snap.bm25.scores(query))

    def search(
        self,
        query: str,
        k: int = 6,
        force: str | None = None,
        where: dict[str, Any] | None = None,
        token_budget: int | None = None,
        query_vector: list[float] | None = None,
        scores: QueryScores | None = None,
    ) -> list[Passage]:
        if scores is None:
            if not len(self.snapshot) or not query.strip() or k <= 0:
                return []
            scores = self.scores(query, query_vector)
        snap, similarity, bm25 = scores.snapshot, scores.similarity, scores.lexical
        if not len(snap) or not query.strip() or k <= 0:
            return []
        filters = {**(where or {}), **({"force": force} if force else {})}
        rows = snap.rows(filters)
        if rows is not None and not len(rows):
            return []
        by_vector = _best(similarity, rows, CANDIDATES)
        by_lexical = [(i, float(bm25[i])) for i in _best(bm25, rows, CANDIDATES) if bm25[i] > 0]

        fused: dict[int, float] = {}
        for rank, i in enumerate(by_vector):
            fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + rank + 1)
        lexical = dict(by_lexical)
        for rank, (i, _) in enumerate(by_lexical):
            fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + rank + 1)

        results: list[Passage] = []
        seen: set[tuple[str, int]] = set()
        spent = 0
        for i in sorted(fused, key=lambda j: -fused[j]):
            meta = snap.metadatas[i]
            key = (str(meta.get("document_id")), int(meta.get("paragraph_start", -i)))
            if key in seen:  # diversity: one window per paragraph
                continue
            tokens = int(meta.get("tokens", 0))
            if token_budget is not None and results and spent + tokens > token_budget:
                break
            seen.add(key)
            spent += tokens
            results.append(snap.passage(i, fused[i], float(similarity[i]), lexical.get(i, 0.0)))
            if len(results) >= k:
                break
        return results
