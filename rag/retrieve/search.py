"""Hybrid retrieval: BM25 and vector search fused by reciprocal rank.

Nothing of the library is held in memory but its registry (documents, forces) and a
memory-mapped BM25 index: the vector candidates come from Chroma (``rag.retrieve.dense``:
its HNSW index, or an exact scan of a small selection), the lexical ones from
``rag.index.lexical_store``, and only the candidates' texts, vectors and sentence vectors
are fetched.

Filters by force (and any stored metadata), keeps one passage per paragraph so
a long paragraph's overlapping windows cannot crowd out the rest, and stops at
a token budget. Each result carries its ids, scores and provenance.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from rag.index.bm25 import best_rows
from rag.index.chunk_reads import ChunkRow
from rag.index.sentence_vectors import SENTENCE_VECTORS_KEY
from rag.index.store import IndexStore
from rag.retrieve.dense import nearest_chunks

RRF_K = 60  # the constant from Cormack et al.; damps the weight of top ranks
CANDIDATES = 40  # per retriever, before fusion


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


class Snapshot:
    """One registry state: its documents, forces and BM25 index. The chunks' texts and
    vectors stay in Chroma and are fetched for a query's candidates only."""

    def __init__(self, store: IndexStore) -> None:
        records = store.live_documents()
        self.records = records
        self.live = {r.document_id for r in records}
        self._by_id = {r.document_id: r for r in records}
        self.inspectors = {r.force: r.inspector for r in records if r.force}
        self.forces = sorted({r.force for r in records if r.force})
        self.chunk_count = sum(r.chunks for r in records)
        self.lexicon = store.lexicon(records)
        self._store = store
        self._documents: dict[str, str] = {}
        self._paragraphs: dict[str, list[tuple[int, int, int, str | None]]] = {}
        self._selections: dict[str, set[str]] = {}
        self._live_chunks: frozenset[str] | None = None

    def __len__(self) -> int:
        return self.chunk_count

    def document_ids(self, filters: dict[str, Any]) -> set[str] | None:
        """The live documents whose registry fields (``_FILTERABLE``) equal every filter
        (None: no filter); ``{"force": None}``: those naming no force (national reports)."""
        if not filters:
            return None
        key = json.dumps(filters, sort_keys=True, default=str)  # values may be unhashable
        found = self._selections.get(key)
        if found is None:  # a scan of every record: once per filter (a force, a document)
            found = {
                r.document_id
                for r in self.records
                if all(getattr(r, name) == value for name, value in filters.items())
            }
            if len(self._selections) >= _SELECTIONS:
                self._selections.clear()
            self._selections[key] = found
        return found

    @property
    def live_chunks(self) -> frozenset[str]:
        """The ids of every live chunk (those the BM25 rows name), made when first asked."""
        if self._live_chunks is None:
            self._live_chunks = frozenset(self.lexicon.ids)
        return self._live_chunks

    def document_text(self, document_id: str) -> str:
        """A document's indexed text (its chunks joined in order): what it says at all."""
        text = self._documents.get(document_id)
        if text is None:
            text = "\n".join(r.text for r in self.chunks({document_id}))
            if len(self._documents) >= _TEXT_CACHE:
                self._documents.clear()
            self._documents[document_id] = text
        return text

    def passage(self, row: ChunkRow, score: float = 0.0, lexical: float = 0.0) -> Passage:
        """A stored chunk as a passage, with its document's paragraphs and sentence vectors."""
        meta = dict(row.metadata)
        document_id = str(meta.get("document_id"))
        record = self._by_id.get(document_id)
        extras = {
            # to cite the exact paragraph, section and page of a sentence
            "paragraphs": self.paragraphs(document_id),
            "pages": record.pages if record else [],
            # kept apart: metadata is logged and shown, the packed vectors are not
            SENTENCE_VECTORS_KEY: meta.pop(SENTENCE_VECTORS_KEY, None),
        }
        return Passage(row.id, row.text, meta, score, row.similarity, lexical, extras)

    def paragraphs(self, document_id: str) -> list[tuple[int, int, int, str | None]]:
        """A document's paragraphs: (number, start, end, section), read when first cited."""
        found = self._paragraphs.get(document_id)
        if found is None:
            record = self._by_id.get(document_id)
            found = (
                [(p.number, p.start, p.end, p.section) for p in record.paragraphs] if record else []
            )
            self._paragraphs[document_id] = found
        return found

    def chunks(self, document_ids: set[str]) -> list[ChunkRow]:
        """Every stored chunk of these live documents, in document order."""
        if not document_ids:
            return []
        rows = self._store.chunk_rows(where={"document_id": {"$in": sorted(document_ids)}})
        rows = [r for r in rows if r.metadata.get("document_id") in self.live]
        return sorted(rows, key=lambda r: (r.metadata["document_id"], r.metadata["char_start"]))


def _chroma_where(filters: dict[str, Any]) -> dict[str, Any] | None:
    clauses = [{key: v} for key, v in filters.items()]
    return None if not clauses else clauses[0] if len(clauses) == 1 else {"$and": clauses}


_FILTERABLE = {"force", "document_id", "source", "doc_type", "title", "inspector"}
_TEXT_CACHE = 256  # documents whose whole text is kept (a question reads a few)
_BATCH = 12  # rows read at a time along the fused order
_SELECTIONS = 512  # filters whose documents are kept (mostly one per force)


@dataclass
class QueryScores:
    """A query's vector and its BM25 scores over one snapshot's rows: computed once, they
    serve every force of a cross-force question."""

    snapshot: Snapshot
    vector: list[float]
    lexical: np.ndarray


class HybridSearcher:
    """Fused lexical + vector search over a store's live chunks: the vector half by Chroma's
    own index (local or on a `chroma run` server), the lexical half by the BM25 files."""

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
        """Read the registry again (after ingest or remove)."""
        with self._lock:
            self._snapshot = None

    def scores(self, query: str, query_vector: list[float] | None = None) -> QueryScores:
        """The query's vector and BM25 scores on the current snapshot, for
        ``search(scores=...)``: that same snapshot even if another session refreshes."""
        snap = self.snapshot
        vector = query_vector if query_vector is not None else self.embeddings.embed_query(query)
        return QueryScores(snap, list(vector), snap.lexicon.bm25.scores(query))

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
        if not query.strip() or k <= 0:
            return []
        if scores is None:
            if not len(self.snapshot):
                return []
            scores = self.scores(query, query_vector)
        snap = scores.snapshot
        filters = {**(where or {}), **({"force": force} if force else {})}
        by_document = {key: v for key, v in filters.items() if key in _FILTERABLE}
        by_chunk = {key: v for key, v in filters.items() if key not in _FILTERABLE}
        documents = snap.document_ids(by_document)
        if documents is not None and not documents:
            return []
        lexicon = snap.lexicon
        mask = lexicon.mask(documents)
        among = lexicon.ids if mask is None else [lexicon.ids[i] for i in np.flatnonzero(mask)]
        selected = documents is not None
        if by_chunk:  # metadata the registry does not hold: the chunks that match it, by id
            matching = self.store.matching_ids(_chroma_where(by_chunk))
            among, selected = [cid for cid in among if cid in matching], True
        dense = nearest_chunks(
            self.store, scores.vector, CANDIDATES, among, selected, snap.live_chunks
        )
        local = scores.lexical if mask is None else np.where(mask, scores.lexical, 0.0)
        # the BM25 rows know their document, not a chunk's other metadata: with a chunk
        # filter, more candidates are read and those that fail it dropped
        wanted = CANDIDATES * (4 if by_chunk else 1)
        by_lexical = [(lexicon.ids[i], float(local[i])) for i in best_rows(local, wanted)]
        if by_chunk:
            by_lexical = [(cid, score) for cid, score in by_lexical if cid in matching]
        by_lexical = by_lexical[:CANDIDATES]
        rows: dict[str, ChunkRow] = {}
        fused: dict[str, float] = {}
        for rank, cid in enumerate(dense):
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
        lexical = dict(by_lexical)
        for rank, (cid, _) in enumerate(by_lexical):
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
        wanted_documents = snap.live if documents is None else documents
        results: list[Passage] = []
        seen: set[tuple[str, int]] = set()
        spent = 0
        order = sorted(fused, key=lambda c: -fused[c])
        # rows are read along the fused order, a batch at a time: a chunk's metadata holds
        # its packed sentence vectors (about 20 KB), and k passages need a dozen rows of 80
        batch = max(2 * k, _BATCH)
        for start in range(0, len(order), batch):
            unread = [cid for cid in order[start : start + batch] if cid not in rows]
            rows.update((r.id, r) for r in self.store.chunk_rows(unread, vector=scores.vector))
            for position, cid in enumerate(order[start : start + batch], start):
                row = rows.get(cid)
                if row is None or row.metadata.get("document_id") not in wanted_documents:
                    continue  # deleted since this snapshot, or of a document not live in it
                meta = row.metadata
                key = (
                    str(meta.get("document_id")),
                    int(meta.get("paragraph_start", -position - 1)),
                )
                if key in seen:  # diversity: one window per paragraph
                    continue
                tokens = int(meta.get("tokens", 0))
                if token_budget is not None and results and spent + tokens > token_budget:
                    return results
                seen.add(key)
                spent += tokens
                results.append(snap.passage(row, fused[cid], lexical.get(cid, 0.0)))
                if len(results) >= k:
                    return results
        return results
