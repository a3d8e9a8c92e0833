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

import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings

from rag.core.errors import IndexMismatch, RagError
from rag.core.types import Chunk
from rag.index.chunk_reads import ChunkReads
from rag.index.lexical_store import LexicalStore, Lexicon
from rag.index.registry import DocumentRecord, source_key
from rag.index.registry_copy import RegistryCopies
from rag.index.registry_reads import HEAD_ID, RegistryReads

SCHEMA_VERSION = 1
T = TypeVar("T")
_DUMMY_VECTOR = [0.0]  # registry records carry no meaningful embedding
_REOPENING = threading.Lock()  # the registry's head record (never a source key: those start "src-")


class IndexStore(ChunkReads, RegistryReads):
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
        self.copies = RegistryCopies(lexical.folder / "registry")  # beside them, as local
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

    def warm_up(self) -> None:
        """Start Chroma loading a local collection in the background: its first read loads
        the whole vector segment (0.65 s and 210 MB at 100,000 chunks, mostly outside the
        GIL), so it overlaps with the answer stack's imports. Not a daemon thread: exiting
        while Chroma's core loads would abort the process. A server loads on its side."""
        if self._local_path is None:
            return

        def load() -> None:
            with contextlib.suppress(Exception):  # any failure recurs, with its message, later
                self.chunks.get(ids=[HEAD_ID], include=[])

        threading.Thread(target=load, name="chroma-load").start()

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
            except ValueError as exc:  # Chroma refused the request itself (a bad filter)
                raise RagError(f"The index refused the search: {exc}") from None
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
        with _REOPENING:  # one thread at a time (the background load may fail alongside)
            SharedSystemClient.clear_system_cache()  # the next client starts a fresh system
            client = chromadb.PersistentClient(
                path=path, settings=ChromaSettings(anonymized_telemetry=False)
            )
            chunks = client.get_collection(self.chunks.name)
            registry = client.get_collection(self.registry.name)
            self.client, self.chunks, self.registry = client, chunks, registry

    def lexicon(self, records: Sequence[DocumentRecord]) -> Lexicon:
        """The BM25 index of exactly these (live) documents, built if nobody has yet."""
        return self.lexical.open(records, self.texts_of_documents)

    def index_lexicon(self) -> None:
        """Build the BM25 index and the registry copy of the registry as it now stands, and
        drop what no state uses any more (under the write lock, after a commit)."""
        if self._stamp() is None:  # an index from before the head stamp
            self.restamp()
        records = self.live_documents()
        self.lexicon(records)
        self.lexical.prune(records)
        self.copies.prune()

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
        a per-document write cost about 10 ms, almost half the pipeline's overhead), with
        a new head stamp in that same write."""
        latest = {source_key(r.source): r for r in records}  # a source queued twice: the last
        if not latest:
            return
        self.registry.upsert(
            ids=[*latest, HEAD_ID],
            embeddings=[_DUMMY_VECTOR] * (len(latest) + 1),
            documents=[*(r.text for r in latest.values()), ""],
            metadatas=[*(r.metadata() for r in latest.values()), _new_stamp()],
        )

    def restamp(self) -> None:
        """A new head stamp: after a change to the registry not made by :meth:`commit`."""
        self.registry.upsert(
            ids=[HEAD_ID], embeddings=[_DUMMY_VECTOR], documents=[""], metadatas=[_new_stamp()]
        )

    def remove(self, source: str) -> DocumentRecord | None:
        record = self.document(source)
        if record is None:
            return None
        self.registry.delete(ids=[source_key(source)])  # invisible from here on
        self.restamp()  # lost in a crash: readers' copies then fail on the ids
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


def _new_stamp() -> dict[str, Any]:
    return {"stamp": uuid.uuid4().hex}
