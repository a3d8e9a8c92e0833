"""`rag doctor`: check an index and repair what can be repaired without losing a document.

Checks: the index opens; its embedding model and dimension match the settings; the
document and chunk counts; orphan chunks (chunks of no registered document: left by an
interrupted ingest, pending work the next ingest reuses or removes); registered
documents whose chunks are missing (half-written) or duplicated; whether a writer holds
the lock. ``repair`` (under the write lock) deletes orphans and removes broken registry
entries with their chunks, so the next ``rag ingest`` adds those files again.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from filelock import FileLock, Timeout

from rag.core.errors import IndexBusy, RagError
from rag.core.settings import Settings
from rag.documents.chunking import chunker_signature
from rag.index.embeddings import embedding_identity
from rag.index.locking import lock_path, write_lock
from rag.index.opening import open_store
from rag.index.sentence_vectors import SENTENCE_VECTORS_KEY
from rag.index.store import IndexStore

LockState = Literal["free", "held", "not used (Chroma server)"]


@dataclass
class Problem:
    """One thing wrong with the index, and whether ``--repair`` can fix it."""

    kind: str  # orphan_chunks incomplete_document duplicate_chunks dimension busy cannot_open
    detail: str
    repairable: bool
    repaired: bool = False
    sources: list[str] = field(default_factory=list)  # files to ingest again after a repair


@dataclass
class DoctorReport:
    index: str
    lock: LockState
    model: str | None = None
    dimension: int | None = None
    documents: int = 0
    chunks: int = 0
    live_chunks: int = 0
    orphan_chunks: int = 0
    # live chunks stored without sentence vectors (an older version, or the OpenAI
    # embedding backend): not a fault, their sentences are embedded at question time
    chunks_without_sentence_vectors: int = 0
    # PDFs read by a version before pages and sections (running headers in their text):
    # not a fault, their citations name no page; `rag ingest` on them reads them anew
    documents_without_pages: list[str] = field(default_factory=list)
    # documents chunked by another version of the reader or other chunk settings (a web
    # page read before its sections, say): not a fault; `rag ingest` on them reads them anew
    documents_read_differently: list[str] = field(default_factory=list)
    # whether the BM25 files of the registry as it stands are built: not a fault when not
    # (an ingest stopped after its commit, a new machine, an older index): the first
    # question builds them, and --repair does at once
    lexical_index_built: bool | None = None
    registry_stamped: bool | None = None  # no: readers read every record (rag.index.registry_copy)
    problems: list[Problem] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return all(p.repaired for p in self.problems)

    @property
    def exit_code(self) -> int:
        return 0 if self.healthy else 1

    @property
    def reingest(self) -> list[str]:
        return sorted({s for p in self.problems if p.repaired for s in p.sources})

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["healthy"] = self.healthy
        out["reingest"] = self.reingest
        return out


def lock_state(settings: Settings) -> LockState:
    """Whether another process is writing to the local index right now."""
    if settings.chroma_url:
        return "not used (Chroma server)"
    path = lock_path(settings)
    if not path.parent.exists():
        return "free"
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return "held"
    lock.release()
    return "free"


def examine(
    store: IndexStore,
    report: DoctorReport,
    expected_dimension: int | None,
    chunker: str | None = None,
) -> None:
    """Fill ``report`` with the counts and problems of ``store`` (reads only); ``chunker``:
    the chunker signature the settings give now."""
    records = store.documents()
    got = store.all_chunks(["metadatas"])  # in pages: one get fails at 100,000 chunks
    report.model = store.model
    report.dimension = (store.chunks.metadata or {}).get("dimension")
    report.documents, report.chunks = len(records), len(got["ids"])
    by_document: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for meta in got["metadatas"] or []:
        by_document[str(meta.get("document_id"))].append(dict(meta))
    live = {r.document_id for r in records}
    report.live_chunks = sum(len(by_document[d]) for d in live)
    report.chunks_without_sentence_vectors = sum(
        SENTENCE_VECTORS_KEY not in m for d in live for m in by_document[d]
    )
    report.orphan_chunks = report.chunks - report.live_chunks
    report.documents_without_pages = sorted(
        r.source for r in records if r.source.lower().endswith(".pdf") and not r.pages
    )
    if chunker:
        report.documents_read_differently = sorted(
            r.source for r in records if r.chunker != chunker
        )
    if report.orphan_chunks and report.lock != "held":  # else: the running ingest's work
        report.problems.append(
            Problem(
                "orphan_chunks",
                f"{report.orphan_chunks} chunk(s) belong to no registered document (pending "
                "work of an interrupted ingest; never shown in answers)",
                repairable=True,
            )
        )
    for record in records:
        stored = by_document[record.document_id]
        ranks = Counter(m.get("chunk_index") for m in stored)
        if len(stored) < record.chunks:
            report.problems.append(
                Problem(
                    "incomplete_document",
                    f"{record.source}: {len(stored)} of its {record.chunks} chunks are stored",
                    repairable=True,
                    sources=[record.source],
                )
            )
        elif len(stored) > record.chunks or any(n > 1 for n in ranks.values()):
            report.problems.append(
                Problem(
                    "duplicate_chunks",
                    f"{record.source}: {len(stored)} chunks stored, {record.chunks} expected",
                    repairable=True,
                    sources=[record.source],
                )
            )
    report.lexical_index_built = store.lexical.is_built(records)
    report.registry_stamped = store.stamped()
    if expected_dimension and report.dimension not in (None, expected_dimension):
        report.problems.append(
            Problem(
                "dimension",
                f"the index holds {report.dimension}-d vectors but the model gives "
                f"{expected_dimension}-d: use a new RAG_INDEX_DIR and ingest again",
                repairable=False,
            )
        )


def repair(store: IndexStore, report: DoctorReport) -> None:
    """Delete orphan chunks; remove broken documents (registry entry first, then chunks)."""
    for problem in report.problems:
        if not problem.repairable:
            continue
        if problem.kind == "orphan_chunks":
            store.delete_orphans()
        else:
            for source in problem.sources:
                store.remove(source)  # invisible at once; `rag ingest` adds it again
        problem.repaired = True
    ready = report.lexical_index_built and report.registry_stamped
    if any(p.repaired for p in report.problems) or not ready:
        store.index_lexicon()  # for the registry as the repairs leave it (stamped first)
        report.lexical_index_built = report.registry_stamped = True


def run_doctor(settings: Settings, fix: bool = False) -> DoctorReport:
    """Check the index (and with ``fix`` repair it); never raises for a broken index."""
    model, dimension = embedding_identity(settings)
    chunker = chunker_signature(settings.chunk_tokens, settings.chunk_overlap, settings.encoding)
    report = DoctorReport(index=str(settings.chroma_url or settings.index_dir), lock="free")
    report.lock = lock_state(settings)
    if not settings.chroma_url and not (settings.index_dir / "chroma.sqlite3").exists():
        detail = f"no index at {settings.index_dir}: check RAG_INDEX_DIR, or run `rag ingest PATH`"
        report.problems.append(Problem("cannot_open", detail, repairable=False))
        return report
    try:
        if fix:
            with write_lock(settings):
                store = open_store(settings, model, dimension)
                examine(store, report, dimension, chunker)
                repair(store, report)
        else:
            examine(open_store(settings, model, dimension), report, dimension, chunker)
    except IndexBusy as exc:
        report.problems.append(Problem("busy", str(exc), repairable=False))
    except RagError as exc:
        report.problems.append(Problem("cannot_open", str(exc), repairable=False))
    return report
