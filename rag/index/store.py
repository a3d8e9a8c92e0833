"""The index: chunks and a document registry in Chroma, behind one small interface.

Chroma has no transactions, so the registry is the commit point. A document's
chunks are written first (invisible: readers only see chunks of documents the
registry names), then one registry record per source is upserted, which
switches readers from the old version to the new in a single write; the old
chunks are deleted last. A crash at any point leaves either the old or the new
version visible, never both or neither; leftover chunks are garbage that the
next ingest reuses or removes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings

from rag.core.errors import IndexMismatch, RagError
from rag.core.types import Chunk
from rag.index.lexical_store import LexicalStore, Lexicon
from rag.index.registry import DocumentRecord, source_key, text_or_none
from rag.index.sentence_vectors import SENTENCE_VECTORS_KEY

SCHEMA_VERSION = 1
T = TypeVar("T")
_DUMMY_VECTOR = [0.0]  # registry records carry no meaningful embedding


@dataclass
class ChunkRow:
    """One stored chunk as a search reads it."""

    id: str
    text: str
    metadata: dict[str, Any]
    similarity: float = 0.0  # cosine to the query vector, where one was given


class IndexStore:
    """Chunks with embeddings, plus the registry of live documents."""

    def __init__(
        self,
        client: ClientAPI,
        prefix: str,
        model: str,
        dimension: int | None,
        lexical: LexicalStore,
        local_path: str | None = None,
    ) -> None:
        self.client = client
        self.model = model
        self.lexical = lexical  # the BM25 files of this collection (rag.index.lexical_store)
        self._local_path = local_path  # the directory of a local index (None: a server)
        self.chunks = client.get_or_create_collection(
            f"{prefix}-chunks",
            metadata={"embedding_model": model, "schema": SCHEMA_VERSION},
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=None,
        )
        self.registry = client.get_or_create_collection(
            f"{prefix}-documents", metadata={"schema": SCHEMA_VERSION}, embedding_function=None
        )
        self._check_model(dimension)

    def _check_model(self, dimension: int | None) -> None:
        meta = self.chunks.metadata or {}
        if meta.get("schema") != SCHEMA_VERSION:
            raise IndexMismatch(
                f"The index was written by an incompatible version (schema {meta.get('schema')}). "
                "Point RAG_INDEX_DIR at a new directory and ingest again."
            )
        stored_model, stored_dim = meta.get("embedding_model"), meta.get("dimension")
        if stored_model != self.model or (dimension and stored_dim and stored_dim != dimension):
            raise IndexMismatch(
                f"The index was built with embedding model {stored_model!r} "
                f"(dimension {stored_dim}), but {self.model!r} is configured. Set "
                "RAG_EMBEDDING_BACKEND back, or use a new RAG_INDEX_DIR / RAG_COLLECTION "
                "and ingest again."
            )

    def record_dimension(self, dimension: int) -> None:
        meta = dict(self.chunks.metadata or {})
        if meta.get("dimension") not in (None, dimension):
            raise IndexMismatch(
                f"Embeddings of dimension {dimension} cannot go into an index of dimension "
                f"{meta['dimension']}. Use a new RAG_INDEX_DIR and ingest again."
            )
        if meta.get("dimension") is None:
            meta["dimension"] = dimension
            self.chunks.modify(metadata=meta)

    # --- reading ---------------------------------------------------------------
    def read(self, read: Callable[[], T], attempts: int = 6, first_wait_s: float = 0.05) -> T:
        """``read()``, retried while another process writes the same local index.

        Chroma's local directory is unsafe for a reader while another process writes:
        a read fails with "Error finding id", and this process's Chroma system stays
        broken until it is opened afresh. So each retry opens it afresh (every client
        of this directory in the process then uses the new one), waiting 0.05, 0.1, ...
        0.8 s (about 1.5 s in all) before saying the index is busy.
        """
        for attempt in range(attempts):
            try:
                return read()
            except RagError:
                raise
            except Exception as exc:  # chromadb.errors.InternalError and kin, from the Rust core
                if attempt == attempts - 1:
                    raise RagError(
                        "The index could not be read while another process writes to it "
                        f"({type(exc).__name__}: {' '.join(str(exc).split())[:100]}). Try "
                        "again when that ingest has finished."
                    ) from None
                time.sleep(first_wait_s * 2**attempt)
                self._reopen()
        raise AssertionError("unreachable")

    def _reopen(self) -> None:
        path = self._local_path
        if path is None:  # a Chroma server: nothing cached here to refresh
            return
        SharedSystemClient.clear_system_cache()  # the next client starts a fresh system
        self.client = chromadb.PersistentClient(
            path=path, settings=ChromaSettings(anonymized_telemetry=False)
        )
        self.chunks = self.client.get_collection(self.chunks.name)
        self.registry = self.client.get_collection(self.registry.name)

    def documents(self, with_text: bool = False) -> list[DocumentRecord]:
        include: list[Any] = ["metadatas", "documents"] if with_text else ["metadatas"]
        got = self.read(lambda: self.registry.get(include=include))
        texts = got.get("documents") or [None] * len(got["ids"])
        records = [
            DocumentRecord.from_chroma(dict(m), t)
            for m, t in zip(got["metadatas"] or [], texts, strict=True)
        ]
        return sorted(records, key=lambda r: r.source)

    def document(self, source: str, with_text: bool = False) -> DocumentRecord | None:
        include: list[Any] = ["metadatas", "documents"] if with_text else ["metadatas"]
        got = self.registry.get(ids=[source_key(source)], include=include)
        if not got["ids"]:
            return None
        text = got["documents"][0] if got.get("documents") else None
        return DocumentRecord.from_chroma(dict(got["metadatas"][0]), text)

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

    def nearest(
        self, vector: Sequence[float], n: int, where: dict[str, Any] | None = None
    ) -> list[ChunkRow]:
        """The ``n`` chunks nearest ``vector`` by Chroma's HNSW index (cosine), nearest first."""
        n = min(n, self.chunks.count())
        if n <= 0:
            return []
        got = self.read(
            lambda: self.chunks.query(
                query_embeddings=[np.asarray(vector, dtype=np.float32)],
                n_results=n,
                where=where,
                include=["documents", "metadatas", "distances"],
            )
        )
        return [
            ChunkRow(cid, str(text), dict(meta or {}), 1.0 - float(distance))
            for cid, text, meta, distance in zip(
                got["ids"][0],
                (got["documents"] or [[]])[0],
                (got["metadatas"] or [[]])[0],
                (got["distances"] or [[]])[0],
                strict=True,
            )
        ]

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
            query = np.asarray(vector, dtype=np.float32)
            norms = np.linalg.norm(stored, axis=1) * max(float(np.linalg.norm(query)), 1e-12)
            for row, cosine in zip(rows, (stored @ query) / np.maximum(norms, 1e-12), strict=True):
                row.similarity = float(cosine)
        return rows

    def chunk_texts(self, document_id: str) -> tuple[list[str], list[str]]:
        """A document's chunk ids and texts (what its lexical index rows are made of)."""
        got = self.read(
            lambda: self.chunks.get(where={"document_id": document_id}, include=["documents"])
        )
        return list(got["ids"]), [str(t) for t in got["documents"] or []]

    def lexicon(self, records: Sequence[DocumentRecord]) -> Lexicon:
        """The BM25 index of exactly these (live) documents, built if nobody has yet."""
        return self.lexical.open(records, self.chunk_texts)

    def index_lexicon(self) -> None:
        """Build the BM25 index of the registry as it now stands and drop what no state
        uses any more (under the write lock, after a commit)."""
        records = self.documents()
        self.lexicon(records)
        self.lexical.prune(records)

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

    def live_filter(self, where: dict[str, Any] | None = None) -> dict[str, Any]:
        """A Chroma ``where`` that admits only committed documents' chunks."""
        live = sorted({r.document_id for r in self.documents()})
        clause: dict[str, Any] = {"document_id": {"$in": live or ["-none-"]}}
        return {"$and": [clause, where]} if where else clause

    # --- writing ---------------------------------------------------------------
    def add_chunks(self, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]]) -> None:
        step = self.client.get_max_batch_size()
        for i in range(0, len(chunks), step):
            part = chunks[i : i + step]
            self.chunks.upsert(
                ids=[c.id for c in part],
                embeddings=np.asarray(embeddings[i : i + step], dtype=np.float32),
                documents=[c.text for c in part],
                metadatas=[c.metadata for c in part],  # type: ignore[misc]
            )

    def update_chunk_metadata(self, chunks: Sequence[Chunk]) -> None:
        if chunks:
            self.chunks.update(ids=[c.id for c in chunks], metadatas=[c.metadata for c in chunks])  # type: ignore[misc]

    def commit(self, *records: DocumentRecord) -> None:
        """Make each record the live version of its source, all in one write (one upsert:
        a per-document write cost about 10 ms, almost half the pipeline's overhead)."""
        latest = {source_key(r.source): r for r in records}  # a source queued twice: the last
        if not latest:
            return
        self.registry.upsert(
            ids=list(latest),
            embeddings=[_DUMMY_VECTOR] * len(latest),
            documents=[r.text for r in latest.values()],
            metadatas=[r.metadata() for r in latest.values()],
        )

    def remove(self, source: str) -> DocumentRecord | None:
        record = self.document(source)
        if record is None:
            return None
        self.registry.delete(ids=[source_key(source)])  # invisible from here on
        self.delete_unreferenced(record.document_id)
        return record

    def delete_unreferenced(self, document_id: str) -> None:
        if not any(r.document_id == document_id for r in self.documents()):
            self.chunks.delete(where={"document_id": document_id})

    def delete_stale_chunks(self, document_id: str, keep: set[str]) -> int:
        """Delete the chunks of ``document_id`` not in ``keep`` (left by a re-chunk)."""
        got = self.chunks.get(where={"document_id": document_id}, include=[])
        stale = [cid for cid in got["ids"] if cid not in keep]
        if stale:
            self.chunks.delete(ids=stale)
        return len(stale)

    def delete_orphans(self) -> int:
        """Delete the chunks of no live document; only safe under the write lock."""
        orphans = self.orphan_chunk_ids()
        for start in range(0, len(orphans), 1000):
            self.chunks.delete(ids=orphans[start : start + 1000])
        return len(orphans)

    def orphan_chunk_ids(self) -> list[str]:
        """Chunks of no live document: left by a crash or an interrupted replace."""
        live = {r.document_id for r in self.documents()}
        got = self.all_chunks(["metadatas"])
        return [
            cid
            for cid, meta in zip(got["ids"], got["metadatas"] or [], strict=True)
            if meta.get("document_id") not in live
        ]
