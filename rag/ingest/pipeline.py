"""Ingestion: files -> cleaned documents -> chunks -> embeddings -> the index.

Each file is handled on its own: a rejected file gets one line saying why and
the rest of the batch goes on. Unchanged content embeds nothing; chunks left
by an interrupted run are reused instead of embedded again.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from langchain_core.embeddings import Embeddings

from rag.core.errors import RagError, RejectedInput
from rag.core.settings import Settings
from rag.core.types import Chunk, ParsedDocument, page_at
from rag.documents.blocks import Block
from rag.documents.chunking import chunk_document, chunker_signature
from rag.documents.loading import SUPPORTED_SUFFIXES, read_document
from rag.documents.structure import parse_document
from rag.index.embeddings import embedding_identity, make_embeddings
from rag.index.locking import RunMarker, write_lock
from rag.index.opening import open_store
from rag.index.registry import DocumentRecord
from rag.index.sentence_vectors import SENTENCE_VECTORS_KEY, pack, quotable_spans
from rag.index.store import IndexStore
from rag.ingest.discovery import IngestReport, IngestResult, Progress, Status, discover, source_name


def chunk_metadata(doc: ParsedDocument, chunk: Chunk) -> dict[str, str | int]:
    meta: dict[str, str | int | None] = {
        "document_id": doc.document_id,
        "source": doc.source,
        "force": doc.force,
        "inspector": doc.inspector,
        "title": doc.title,
        "doc_type": doc.doc_type,
        "chunk_index": chunk.index,
        "char_start": chunk.start,
        "char_end": chunk.end,
        "tokens": chunk.token_count,
        "paragraph_start": chunk.paragraph_start,
        "paragraph_end": chunk.paragraph_end,
        "page_start": page_at(doc.pages, chunk.start),
        "page_end": page_at(doc.pages, chunk.end - 1),
        "section": next(
            (p.section for p in doc.paragraphs if p.number == chunk.paragraph_start), None
        ),
    }
    return {k: v for k, v in meta.items() if v is not None}  # Chroma stores no None


@dataclass
class _Pending:
    """A parsed, chunked document waiting for its embeddings before it is committed."""

    doc: ParsedDocument
    chunks: list[Chunk]
    current: DocumentRecord | None
    result: IngestResult


class Ingester:
    """Ingests documents into one store with one embedding model.

    Documents are queued and embedded together, many documents to a batch,
    sorted by length: per-document batches waste most of the model's time on
    padding. Each document is committed once all its chunks are stored.
    """

    def __init__(self, settings: Settings, embeddings: Embeddings | None = None) -> None:
        self.settings = settings
        self.embeddings = embeddings or make_embeddings(settings)
        model, dimension = embedding_identity(settings)
        self.store: IndexStore = open_store(settings, model, dimension)
        self.chunker = chunker_signature(
            settings.chunk_tokens, settings.chunk_overlap, settings.encoding
        )
        self.embedded = 0
        self.failed_flushes = 0
        # chunks queued before embedding: the more are length-sorted together, the less the
        # batches pad (on 5,228 chunks: 5.7% padding tokens at 512, 1.9% at 2,048)
        self.flush_at = 64 * settings.embed_batch_size
        self._pending: list[_Pending] = []
        # the registry, read once per run (under the write lock nobody else changes it)
        self._records = {r.source: r for r in self.store.documents()}
        self._known = {r.document_id: r.source for r in self._records.values()}

    def ingest_text(
        self, raw: str | list[Block], source: str, force_name: str | None = None
    ) -> IngestResult:
        """Queue one document; its result is final once :meth:`flush` has run."""
        doc = parse_document(raw, source, force_override=force_name)
        current = self._records.get(source)
        if current and (current.document_id, current.chunker, current.force) == (
            doc.document_id,
            self.chunker,
            doc.force,
        ):
            return _result(doc, "unchanged", current.chunks)
        other = self._known.get(doc.document_id)
        if other and other != source and current is None:
            return _result(doc, "unchanged", 0, note=f"same content as {other}")

        chunks = chunk_document(
            doc, self.settings.chunk_tokens, self.settings.chunk_overlap, self.settings.encoding
        )
        chunks = [replace(c, metadata=chunk_metadata(doc, c)) for c in chunks]
        result = _result(doc, "updated" if current else "added", len(chunks))
        for earlier in [p for p in self._pending if p.doc.source == source]:
            # the same source name twice in one run (two paths, or an upload batch): the
            # later file wins, and the earlier one's chunks are never written (no orphans)
            self._pending.remove(earlier)
            self._known.pop(earlier.doc.document_id, None)
            earlier.result.status = "rejected"
            earlier.result.error = "another file of the same name came later in this run"
        self._pending.append(_Pending(doc, chunks, current, result))
        self._known[doc.document_id] = source
        if sum(len(p.chunks) for p in self._pending) >= self.flush_at:
            self.flush()
        return result

    def flush(self) -> None:
        """Embed and store the queued documents' new chunks, then commit each document."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        try:
            self._store_chunks(pending)
        except RagError as exc:
            self.failed_flushes += 1  # some of their chunks may be stored: orphans now
            for item in pending:  # nothing of these was committed: the old versions stay
                item.result.status, item.result.error = "rejected", f"{exc}; ingest it again"
            return
        for item in pending:  # the lexical rows of each document, ready before it goes live
            chunks = item.chunks
            self.store.lexical.write_terms(
                item.doc.document_id, self.chunker, [c.id for c in chunks], [c.text for c in chunks]
            )
        records = [self._record(item) for item in pending]
        self.store.commit(*records)
        self._records.update((r.source, r) for r in records)
        for item in pending:
            self._clean_up(item)

    def _store_chunks(self, pending: Sequence[_Pending]) -> None:
        chunks = [c for item in pending for c in item.chunks]
        # a stored chunk is complete once it has sentence vectors (when the model gives them)
        stored = self.store.existing_chunk_ids(
            [c.id for c in chunks], SENTENCE_VECTORS_KEY if self._pools else None
        )
        self.store.update_chunk_metadata([c for c in chunks if c.id in stored])
        reusable: dict[str, tuple[list[float], str | None]] = {}
        for item in pending:  # a passage unchanged since the previous version keeps its vector
            if item.current:
                reusable.update(self.store.embeddings_by_text(item.current.document_id))
        if self._pools:
            reusable = {t: r for t, r in reusable.items() if r[1] is not None}
        missing = [c for c in chunks if c.id not in stored]
        todo = [c for c in missing if c.text not in reusable]
        fresh = dict(zip((c.text for c in todo), self._embed([c.text for c in todo]), strict=True))
        if missing:
            ready = [fresh[c.text] if c.text in fresh else reusable[c.text] for c in missing]
            self.store.record_dimension(len(ready[0][0]))
            with_sentences = [
                replace(c, metadata={**c.metadata, SENTENCE_VECTORS_KEY: blob})
                if blob is not None
                else c
                for c, (_, blob) in zip(missing, ready, strict=True)
            ]
            self.store.add_chunks(with_sentences, [vector for vector, _ in ready])
        self.embedded += len(todo)

    @property
    def _pools(self) -> bool:
        """Whether the model gives sentence vectors with each chunk's (the offline one)."""
        return hasattr(self.embeddings, "embed_with_sentences")

    def _embed(self, texts: list[str]) -> list[tuple[list[float], str | None]]:
        """(vector, packed sentence vectors or None) per text."""
        if not texts:
            return []
        try:
            if self._pools:
                spans = [quotable_spans(t) for t in texts]
                vectors, pooled = self.embeddings.embed_with_sentences(texts, spans)  # type: ignore[attr-defined]
                return [(v, pack(*p)) for v, p in zip(vectors, pooled, strict=True)]
            return [(v, None) for v in self.embeddings.embed_documents(texts)]
        except RagError:
            raise
        except Exception as exc:  # the OpenAI backend: network, quota, bad key
            raise RagError(f"embedding failed ({type(exc).__name__}: {exc})") from None

    def _record(self, item: _Pending) -> DocumentRecord:
        doc = item.doc
        return DocumentRecord(
            source=doc.source,
            document_id=doc.document_id,
            force=doc.force,
            inspector=doc.inspector,
            title=doc.title,
            doc_type=doc.doc_type,
            chunks=len(item.chunks),
            ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
            chunker=self.chunker,
            paragraphs=doc.paragraphs,
            text=doc.text,
            pages=doc.pages,
            chunk_ids=[c.id for c in item.chunks],
        )

    def _clean_up(self, item: _Pending) -> None:
        """Delete what the committed version no longer uses."""
        if item.current and item.current.document_id != item.doc.document_id:
            self.store.delete_unreferenced(item.current.document_id)
        elif item.current:  # same text, new chunk boundaries (another chunker setting)
            self.store.delete_stale_chunks(item.doc.document_id, {c.id for c in item.chunks})

    def ingest_file(
        self, path: Path, source: str | None = None, force_name: str | None = None
    ) -> IngestResult:
        name = source or source_name(path)
        try:
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise RejectedInput(
                    f"unsupported file type {path.suffix or '(none)'}; "
                    f"use one of {', '.join(sorted(SUPPORTED_SUFFIXES))}"
                )
            raw = read_document(path, max_bytes=int(self.settings.max_file_mb * 1024 * 1024))
            return self.ingest_text(raw, name, force_name)
        except RejectedInput as exc:
            return IngestResult(name, "rejected", error=str(exc))
        except RagError:
            raise  # the index itself failed: stop the run
        except Exception as exc:  # a file no rule foresaw must not stop the rest of the batch
            detail = " ".join(str(exc).split())[:120]
            return IngestResult(
                name,
                "rejected",
                error=f"cannot be read ({type(exc).__name__}: {detail}); "
                "check the file, or report it with RAG_DEBUG=1 output",
            )


def _result(
    doc: ParsedDocument, status: Status, chunks: int, note: str | None = None
) -> IngestResult:
    return IngestResult(
        doc.source, status, doc.document_id, doc.force, doc.inspector, chunks, note=note
    )


def ingest_paths(
    paths: Sequence[Path],
    settings: Settings,
    force_name: str | None = None,
    progress: Progress | None = None,
    embeddings: Embeddings | None = None,
    names: Mapping[Path, str] | None = None,
) -> IngestReport:
    """Ingest files and folders; never raises for a bad file, only for a bad index.

    ``names`` gives the source name of a file where its path is not it (app uploads).
    """
    started = time.perf_counter()
    files, results = discover(paths, settings.max_files, skip=settings.index_dir)
    with write_lock(settings):
        ingester = Ingester(settings, embeddings)
        marker = RunMarker(settings)
        for done, path in enumerate(files, start=1):
            name = (names or {}).get(path)
            results.append(ingester.ingest_file(path, source=name, force_name=force_name))
            if progress:
                progress(done, len(files), results[-1].source)
        ingester.flush()
        ingester.store.index_lexicon()
        marker.finish(ingester.store, failed=bool(ingester.failed_flushes))
    return IngestReport(results, ingester.embedded, time.perf_counter() - started)
