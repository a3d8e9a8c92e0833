"""`rag doctor`: each problem is made on a real Chroma index, detected, and repaired
(or reported as beyond repair with exit 1)."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings
from typer.testing import CliRunner

from rag.cli.main import app
from rag.core.settings import Settings, get_settings, load_settings
from rag.documents.chunking import chunk_document
from rag.documents.structure import parse_document
from rag.index.doctor import run_doctor
from rag.index.embeddings import DIMENSION, MODEL_NAME
from rag.index.locking import write_lock
from rag.index.opening import open_store
from rag.index.registry import source_key
from rag.index.store import IndexStore
from rag.ingest.pipeline import chunk_metadata, ingest_paths
from tests.support import FICTIONAL, SHIPPED, corpus_size

runner = CliRunner()


def store_of(settings: Settings) -> IndexStore:
    return open_store(settings, MODEL_NAME, DIMENSION)


def snapshot(settings: Settings) -> tuple[list[tuple[str, str, int]], list[str]]:
    """(source, document_id, chunks) of every document, and every chunk id."""
    store = store_of(settings)
    docs = [(r.source, r.document_id, r.chunks) for r in store.documents()]
    return docs, sorted(store.chunks.get(include=[])["ids"])


@pytest.fixture(scope="module")
def template_index(tmp_path_factory: pytest.TempPathFactory, embeddings: Embeddings) -> Path:
    """The corpus ingested once; each test works on its own copy."""
    folder = tmp_path_factory.mktemp("doctor-template")
    corpus = folder / "corpus"
    corpus.mkdir()
    for path in [SHIPPED, *sorted(FICTIONAL.glob("*.txt"))]:
        shutil.copy(path, corpus / path.name)
    settings = load_settings(index_dir=folder / "index", _env_file=None)
    here = Path.cwd()
    os.chdir(folder)  # sources named "corpus/<file>", as in each test's own folder
    try:
        report = ingest_paths([Path("corpus")], settings, embeddings=embeddings)
    finally:
        os.chdir(here)
    assert {d.status for d in report.documents} == {"added"}
    return folder / "index"


@pytest.fixture
def indexed(settings: Settings, corpus: Path, template_index: Path) -> Settings:
    shutil.copytree(template_index, settings.index_dir)
    return settings


def kinds(settings: Settings, fix: bool = False) -> list[tuple[str, bool, bool]]:
    report = run_doctor(settings, fix=fix)
    return [(p.kind, p.repairable, p.repaired) for p in report.problems]


def test_a_clean_index_is_healthy_with_exact_counts(indexed: Settings) -> None:
    report = run_doctor(indexed)
    docs, chunk_ids = snapshot(indexed)
    assert report.healthy and report.exit_code == 0 and report.problems == []
    assert report.documents == len(docs) == corpus_size()
    assert report.chunks == report.live_chunks == len(chunk_ids) == sum(d[2] for d in docs)
    assert (report.model, report.dimension, report.lock) == (MODEL_NAME, DIMENSION, "free")
    assert report.chunks_without_sentence_vectors == 0


def test_chunks_without_sentence_vectors_are_counted_not_a_fault(indexed: Settings) -> None:
    """An index written before sentence vectors were stored: healthy, with a note."""
    from rag.index.sentence_vectors import SENTENCE_VECTORS_KEY

    store = store_of(indexed)
    ids = store.chunks.get(include=[])["ids"][:3]
    store.chunks.update(ids=ids, metadatas=[{SENTENCE_VECTORS_KEY: None}] * 3)
    report = run_doctor(indexed)
    assert report.healthy and report.chunks_without_sentence_vectors == 3
    assert report.to_json()["chunks_without_sentence_vectors"] == 3


def test_pdf_read_before_pages_is_noted_not_a_fault(
    settings: Settings, embeddings: Embeddings
) -> None:
    """A PDF registered by a version that kept no pages: named, healthy; a new ingest
    reads it anew (the chunker signature changed) and the note goes."""
    from tests.support.pdf_report import build_report

    path, _ = build_report(settings.index_dir.parent / "report-fictional.pdf")
    ingest_paths([path], settings, embeddings=embeddings)
    assert run_doctor(settings).documents_without_pages == []
    store = store_of(settings)
    (record,) = store.documents()
    # as an older version left it: no "pages" key at all
    store.registry.update(ids=[source_key(record.source)], metadatas=[{"pages": None}])
    store.registry.update(ids=[source_key(record.source)], metadatas=[{"chunker": "v3:old"}])
    report = run_doctor(settings)
    assert report.healthy and report.documents_without_pages == [record.source]
    again = ingest_paths([path], settings, embeddings=embeddings)
    assert [d.status for d in again.documents] == ["updated"]
    assert run_doctor(settings).documents_without_pages == []


def test_a_web_page_read_by_an_older_version_is_noted_and_read_anew(
    settings: Settings, embeddings: Embeddings
) -> None:
    """A web page registered by a version before its sections (another chunker
    signature): named, healthy, said plainly by the CLI; a new ingest reads it anew and
    its chunks gain their sections."""
    path = settings.index_dir.parent / "hollowmere-police-peel-report-fictional.html"
    shutil.copy(FICTIONAL / path.name, path)
    ingest_paths([path], settings, embeddings=embeddings)
    assert run_doctor(settings).documents_read_differently == []
    store = store_of(settings)
    (record,) = store.documents()
    store.registry.update(ids=[source_key(record.source)], metadatas=[{"chunker": "v4:old"}])
    report = run_doctor(settings)
    assert report.healthy and report.documents_read_differently == [record.source]
    assert report.documents_without_pages == []  # that note is for PDFs only
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RAG_INDEX_DIR", str(settings.index_dir))
        get_settings.cache_clear()
        result = runner.invoke(app, ["doctor"])
    get_settings.cache_clear()
    assert result.exit_code == 0 and "read by another version" in result.stdout
    again = ingest_paths([path], settings, embeddings=embeddings)
    assert [d.status for d in again.documents] == ["updated"]
    assert run_doctor(settings).documents_read_differently == []
    sections = [m.get("section") for m in store_of(settings).chunks.get()["metadatas"]]
    assert sections and all(sections)


def test_orphan_chunks_are_found_and_deleted_documents_untouched(
    indexed: Settings, embeddings: Embeddings
) -> None:
    before = snapshot(indexed)
    doc = parse_document("An uncommitted finding about custody suites.\n\nAnother one.", "x.txt")
    chunks = [replace(c, metadata=chunk_metadata(doc, c)) for c in chunk_document(doc, 200, 30)]
    store_of(indexed).add_chunks(chunks, embeddings.embed_documents([c.text for c in chunks]))
    report = run_doctor(indexed)
    assert report.orphan_chunks == len(chunks) and report.exit_code == 1
    assert kinds(indexed) == [("orphan_chunks", True, False)]
    assert kinds(indexed, fix=True) == [("orphan_chunks", True, True)]
    assert snapshot(indexed) == before and run_doctor(indexed).problems == []


def test_half_written_document_is_removed_then_reingested(
    indexed: Settings, corpus: Path, embeddings: Embeddings
) -> None:
    before = snapshot(indexed)
    store = store_of(indexed)
    victim = store.documents()[0]
    ids = store.chunks.get(where={"document_id": victim.document_id}, include=[])["ids"]
    store.chunks.delete(ids=ids[:2])  # as if its chunks were lost after the commit
    report = run_doctor(indexed)
    (problem,) = report.problems
    assert problem.kind == "incomplete_document" and problem.sources == [victim.source]
    assert f"{len(ids) - 2} of its {len(ids)} chunks" in problem.detail
    fixed = run_doctor(indexed, fix=True)
    assert fixed.exit_code == 0 and fixed.reingest == [victim.source]
    assert victim.source not in {r.source for r in store_of(indexed).documents()}
    assert run_doctor(indexed).problems == []
    again = ingest_paths([corpus], indexed, embeddings=embeddings)
    assert [d.status for d in again.documents if d.status != "unchanged"] == ["added"]
    assert snapshot(indexed) == before


def test_duplicate_chunks_are_found_and_repaired(
    indexed: Settings, corpus: Path, embeddings: Embeddings
) -> None:
    before = snapshot(indexed)
    store = store_of(indexed)
    victim = store.documents()[1]
    got = store.chunks.get(
        where={"document_id": victim.document_id}, include=["documents", "metadatas", "embeddings"]
    )
    store.chunks.add(  # the same passage again under another id
        ids=["dup-" + got["ids"][0]],
        documents=[got["documents"][0]],
        metadatas=[got["metadatas"][0]],
        embeddings=[got["embeddings"][0]],
    )
    assert kinds(indexed) == [("duplicate_chunks", True, False)]
    assert run_doctor(indexed, fix=True).reingest == [victim.source]
    ingest_paths([corpus], indexed, embeddings=embeddings)
    assert snapshot(indexed) == before and run_doctor(indexed).healthy


def test_changing_the_chunk_size_leaves_no_stale_chunks(
    indexed: Settings, corpus: Path, embeddings: Embeddings
) -> None:
    """Regression: a re-chunked document (same text) kept its old chunks beside the new."""
    smaller = indexed.model_copy(update={"chunk_tokens": 40, "chunk_overlap": 5})
    report = ingest_paths([corpus], smaller, embeddings=embeddings)
    assert {d.status for d in report.documents} == {"updated"}
    docs, chunk_ids = snapshot(smaller)
    assert len(chunk_ids) == sum(d[2] for d in docs) and run_doctor(smaller).problems == []


def test_dimension_mismatch_cannot_be_repaired(indexed: Settings) -> None:
    store = store_of(indexed)
    store.chunks.modify(metadata={**(store.chunks.metadata or {}), "dimension": 512})
    report = run_doctor(indexed, fix=True)
    (problem,) = report.problems
    assert problem.kind == "cannot_open" and not problem.repaired and report.exit_code == 1
    assert "dimension 512" in problem.detail and "RAG_INDEX_DIR" in problem.detail


def test_another_embedding_model_is_reported_not_repaired(indexed: Settings) -> None:
    other = indexed.model_copy(update={"embedding_backend": "openai"})
    report = run_doctor(other, fix=True)
    assert [p.kind for p in report.problems] == ["cannot_open"]
    assert "RAG_EMBEDDING_BACKEND" in report.problems[0].detail and report.exit_code == 1


def test_lock_held_by_a_writer(indexed: Settings, embeddings: Embeddings) -> None:
    doc = parse_document("Work in progress of a running ingest.", "wip.txt")
    chunks = [replace(c, metadata=chunk_metadata(doc, c)) for c in chunk_document(doc, 200, 30)]
    store_of(indexed).add_chunks(chunks, embeddings.embed_documents([c.text for c in chunks]))
    quick = indexed.model_copy(update={"lock_timeout_s": 0.2})
    with write_lock(indexed):
        looking = run_doctor(quick)
        assert looking.lock == "held" and looking.orphan_chunks == 1
        assert looking.problems == []  # the running ingest's own pending work
        repairing = run_doctor(quick, fix=True)
        assert [p.kind for p in repairing.problems] == ["busy"] and repairing.exit_code == 1
        assert "is busy" in repairing.problems[0].detail
    assert run_doctor(indexed).lock == "free"


def test_no_index_is_reported_and_nothing_is_created(settings: Settings) -> None:
    report = run_doctor(settings)
    assert [p.kind for p in report.problems] == ["cannot_open"] and report.exit_code == 1
    assert "RAG_INDEX_DIR" in report.problems[0].detail
    assert not (settings.index_dir / "chroma.sqlite3").exists()


@pytest.fixture
def cli_index(indexed: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("RAG_INDEX_DIR", str(indexed.index_dir))
    get_settings.cache_clear()
    yield indexed
    get_settings.cache_clear()


def test_cli_doctor_exit_codes_and_json(cli_index: Settings) -> None:
    result = runner.invoke(app, ["doctor", "--json"])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert (
        payload["healthy"] and payload["documents"] == corpus_size() and payload["problems"] == []
    )
    store = store_of(cli_index)
    victim = store.documents()[0]
    store.chunks.delete(where={"document_id": victim.document_id})
    plain = runner.invoke(app, ["doctor"])
    assert plain.exit_code == 1 and "incomplete_document" in plain.stdout
    assert "rag doctor --repair" in plain.stdout and "Traceback" not in plain.output
    fixed = runner.invoke(app, ["doctor", "--repair"])
    assert fixed.exit_code == 0 and f"ingest again: {victim.source}" in fixed.stdout
    assert runner.invoke(app, ["doctor", "--bogus"]).exit_code == 2
