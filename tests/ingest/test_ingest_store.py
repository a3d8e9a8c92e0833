"""Ingestion against a real Chroma: on disk, and through a real `chroma run` server."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from rag.core.errors import IndexMismatch
from rag.core.settings import Settings
from rag.index.opening import open_store
from rag.ingest.pipeline import Ingester, ingest_paths
from rag.ingest.removal import remove_sources


class CountingEmbeddings(Embeddings):
    """The real offline model, counting what it is asked to embed."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner, self.calls = inner, 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


@pytest.fixture(params=["local", pytest.param("server", marks=pytest.mark.server)])
def store_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    if request.param == "local":
        return settings
    url = request.getfixturevalue("chroma_server")
    # each test gets its own collections on the shared server
    return settings.model_copy(
        update={"chroma_url": url, "collection": f"t{uuid.uuid4().hex[:12]}"}
    )


def live_chunk_count(settings: Settings) -> tuple[int, int]:
    store = open_store(settings, "all-MiniLM-L6-v2-onnx-int8", 384)
    records = store.documents()
    return store.chunks.count(), sum(r.chunks for r in records)


def test_ingest_corpus_reads_forces_and_is_idempotent(
    store_settings: Settings, corpus: Path, embeddings: Embeddings
) -> None:
    counting = CountingEmbeddings(embeddings)
    first = ingest_paths([corpus], store_settings, embeddings=counting)
    statuses = {d.status for d in first.documents}
    assert statuses == {"added"}, first.documents
    forces = {d.force for d in first.documents}
    assert "Cambridgeshire Constabulary" in forces and len(forces) == len(first.documents) >= 5
    assert all(d.inspector for d in first.documents)
    assert first.embedded_chunks == counting.calls == sum(d.chunks for d in first.documents)

    again = ingest_paths([corpus], store_settings, embeddings=counting)
    assert {d.status for d in again.documents} == {"unchanged"}
    assert again.embedded_chunks == 0 and counting.calls == first.embedded_chunks
    stored, expected = live_chunk_count(store_settings)
    assert stored == expected  # no duplicates


def test_editing_one_file_reembeds_only_that_file(
    store_settings: Settings, corpus: Path, embeddings: Embeddings
) -> None:
    ingest_paths([corpus], store_settings, embeddings=embeddings)
    target = corpus / "cambridgeshire-constabulary-hmi-assessment-transcript.txt"
    target.write_text(target.read_text() + "\n\nI am pleased with the force's new call handling.\n")
    counting = CountingEmbeddings(embeddings)
    report = ingest_paths([corpus], store_settings, embeddings=counting)
    changed = [d for d in report.documents if d.status != "unchanged"]
    assert [d.status for d in changed] == ["updated"]
    # paragraph-aligned chunks: only the new paragraph is new content
    assert report.embedded_chunks == counting.calls == 1
    stored, expected = live_chunk_count(store_settings)
    assert stored == expected
    store = open_store(store_settings, "all-MiniLM-L6-v2-onnx-int8", 384)
    text = store.document(changed[0].source, with_text=True)
    assert text is not None and text.text.endswith("new call handling.")


def test_remove_deletes_every_chunk(
    store_settings: Settings, corpus: Path, embeddings: Embeddings
) -> None:
    report = ingest_paths([corpus], store_settings, embeddings=embeddings)
    gone = report.documents[0]
    results = remove_sources([gone.source], store_settings)
    assert [r.source for r in results] == [gone.source]  # type: ignore[union-attr]
    store = open_store(store_settings, "all-MiniLM-L6-v2-onnx-int8", 384)
    assert gone.source not in {r.source for r in store.documents()}
    assert store.chunks.get(where={"document_id": gone.document_id})["ids"] == []
    assert store.orphan_chunk_ids() == []


def test_interrupted_replace_is_invisible_and_resumable(
    settings: Settings, corpus: Path, embeddings: Embeddings
) -> None:
    """Chunks written before a crash (no registry commit) are invisible, then reused."""
    path = corpus / "cambridgeshire-constabulary-hmi-assessment-transcript.txt"
    ingester = Ingester(settings, CountingEmbeddings(embeddings))
    from dataclasses import replace

    from rag.documents.chunking import chunk_document
    from rag.documents.structure import parse_document
    from rag.ingest.pipeline import chunk_metadata

    doc = parse_document(path.read_text(encoding="utf-8"), "x.txt")
    chunks = [replace(c, metadata=chunk_metadata(doc, c)) for c in chunk_document(doc, 200, 30)]
    ingester.store.add_chunks(chunks, embeddings.embed_documents([c.text for c in chunks]))
    hits = ingester.store.chunks.query(
        query_embeddings=[embeddings.embed_query("integrity")],
        n_results=3,
        where=ingester.store.live_filter(),
    )
    assert hits["ids"] == [[]]  # nothing committed, nothing visible
    assert set(ingester.store.orphan_chunk_ids()) == {c.id for c in chunks}

    counting = CountingEmbeddings(embeddings)
    report = ingest_paths([path], settings, embeddings=counting)
    assert report.documents[0].status == "added" and counting.calls == 0


def test_same_content_under_two_names_is_stored_once(
    settings: Settings, corpus: Path, embeddings: Embeddings
) -> None:
    source = corpus / "cambridgeshire-constabulary-hmi-assessment-transcript.txt"
    copy = corpus / "copy of transcript.txt"
    copy.write_bytes(source.read_bytes())
    report = ingest_paths([source, copy], settings, embeddings=embeddings)
    assert [d.status for d in report.documents] == ["added", "unchanged"]
    assert report.documents[1].note and "same content" in report.documents[1].note


def test_force_name_override_updates_metadata_without_embedding(
    settings: Settings, corpus: Path, embeddings: Embeddings
) -> None:
    path = corpus / "cambridgeshire-constabulary-hmi-assessment-transcript.txt"
    ingest_paths([path], settings, embeddings=embeddings)
    counting = CountingEmbeddings(embeddings)
    report = ingest_paths([path], settings, force_name="Fenland Police", embeddings=counting)
    assert report.documents[0].status == "updated" and counting.calls == 0
    store = open_store(settings, "all-MiniLM-L6-v2-onnx-int8", 384)
    metas = store.chunks.get(include=["metadatas"])["metadatas"]
    assert {m["force"] for m in metas} == {"Fenland Police"}


def test_other_embedding_model_is_refused(
    settings: Settings, corpus: Path, embeddings: Embeddings
) -> None:
    ingest_paths([corpus], settings, embeddings=embeddings)
    with pytest.raises(IndexMismatch, match="RAG_EMBEDDING_BACKEND"):
        open_store(settings, "openai:text-embedding-3-small", None)


def test_bad_files_are_rejected_and_the_rest_ingest(
    settings: Settings, corpus: Path, embeddings: Embeddings
) -> None:
    (corpus / "empty.txt").write_text("")
    (corpus / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (corpus / "notes.docx").write_bytes(b"PK\x03\x04")
    report = ingest_paths([corpus, corpus / "missing.txt"], settings, embeddings=embeddings)
    rejected = {Path(d.source).name: d.error for d in report.documents if d.status == "rejected"}
    assert set(rejected) == {"empty.txt", "image.txt", "notes.docx", "missing.txt"}
    assert all(rejected.values())
    assert report.exit_code == 1
    assert sum(d.status == "added" for d in report.documents) >= 5


def test_only_a_run_after_an_interrupted_one_looks_for_orphans(
    settings: Settings, corpus: Path, embeddings: Embeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding orphans reads every chunk's metadata (12 s at 100,000 chunks): a run does it
    only when the previous one left its marker (it died) or when its own writes failed."""
    from dataclasses import replace

    from rag.documents.chunking import chunk_document
    from rag.documents.structure import parse_document
    from rag.index.locking import PENDING_MARKER
    from rag.index.store import IndexStore
    from rag.ingest.pipeline import chunk_metadata

    sweeps: list[int] = []
    real = IndexStore.delete_orphans
    monkeypatch.setattr(IndexStore, "delete_orphans", lambda s: sweeps.append(real(s)) or 0)
    shipped = corpus / "cambridgeshire-constabulary-hmi-assessment-transcript.txt"
    ingest_paths([shipped], settings, embeddings=embeddings)
    marker = settings.index_dir / PENDING_MARKER
    assert sweeps == [] and not marker.exists()  # a clean run: no sweep, marker gone

    # a run killed after writing chunks of a document it never committed
    doc = parse_document("Force: Kent Police\n\nAn uncommitted custody finding.", "k.txt")
    chunks = [replace(c, metadata=chunk_metadata(doc, c)) for c in chunk_document(doc, 200, 30)]
    store = Ingester(settings, embeddings).store
    store.add_chunks(chunks, embeddings.embed_documents([c.text for c in chunks]))
    marker.touch()  # what the killed run left
    ingest_paths([shipped], settings, embeddings=embeddings)
    assert sweeps == [len(chunks)] and store.orphan_chunk_ids() == []
    assert not marker.exists()
    ingest_paths([shipped], settings, embeddings=embeddings)
    assert sweeps == [len(chunks)]  # and the next clean run does not sweep again


def test_a_run_whose_writes_failed_looks_for_orphans(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rag.index.store import IndexStore

    class Failing(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            raise RuntimeError("service down")

        def embed_query(self, text: str) -> list[float]:
            raise RuntimeError("service down")

    sweeps: list[int] = []
    real = IndexStore.delete_orphans
    monkeypatch.setattr(IndexStore, "delete_orphans", lambda s: sweeps.append(real(s)) or 0)
    shipped = corpus / "cambridgeshire-constabulary-hmi-assessment-transcript.txt"
    report = ingest_paths([shipped], settings, embeddings=Failing())
    assert report.documents[0].status == "rejected" and "service down" in str(
        report.documents[0].error
    )
    assert sweeps == [0]


def test_a_remove_killed_half_way_is_cleaned_by_the_next_run(
    settings: Settings, corpus: Path, embeddings: Embeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """remove deletes the registry record (invisible from there), then the chunks: a kill
    in between leaves orphans, and its marker makes the next run sweep them."""
    from rag.index.locking import PENDING_MARKER
    from rag.index.store import IndexStore

    class Killed(BaseException):
        """Stands for SIGKILL: nothing after it runs (crash_soak.py kills for real)."""

    def killed(store: IndexStore, document_id: str) -> None:
        raise Killed

    shipped = corpus / "cambridgeshire-constabulary-hmi-assessment-transcript.txt"
    report = ingest_paths([shipped], settings, embeddings=embeddings)
    monkeypatch.setattr(IndexStore, "delete_unreferenced", killed)
    with pytest.raises(Killed):
        remove_sources([report.documents[0].source], settings)
    monkeypatch.undo()
    store = open_store(settings, "all-MiniLM-L6-v2-onnx-int8", 384)
    assert store.documents() == [] and len(store.orphan_chunk_ids()) == report.documents[0].chunks
    assert (settings.index_dir / PENDING_MARKER).exists()
    ingest_paths([], settings, embeddings=embeddings)
    assert store.orphan_chunk_ids() == []
    assert not (settings.index_dir / PENDING_MARKER).exists()
