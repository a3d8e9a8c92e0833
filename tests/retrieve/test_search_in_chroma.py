"""The search runs in Chroma and in memory-mapped BM25 files, never on a copy of the library.

Vector candidates come from Chroma's own index, lexical ones from the BM25 files of
the registry state a reader sees; those files are kept in step with ingest with the
registry's crash guarantees, and any reader (or `rag doctor --repair`) rebuilds them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from rag.core.settings import Settings
from rag.engine.engine import Engine
from rag.index.doctor import run_doctor
from rag.index.lexical_store import generation
from rag.index.opening import lexical_folder
from rag.index.store import IndexStore
from rag.ingest.pipeline import ingest_paths
from rag.ingest.removal import remove_sources
from rag.retrieve.search import CANDIDATES
from tests.support import FICTIONAL, SHIPPED

QUESTION = "How does the force manage its vetting backlog and integrity?"


def engine_for(settings: Settings, embeddings: Embeddings) -> Engine:
    return Engine(settings, embeddings=embeddings)


def found(engine: Engine, query: str, force: str | None = None) -> list[str]:
    return [p.chunk_id for p in engine.searcher.search(query, k=6, force=force)]


def test_ingest_builds_the_bm25_files_of_the_new_registry_state(
    settings: Settings, corpus: Path, embeddings: Embeddings
) -> None:
    ingest_paths([corpus], settings, embeddings=embeddings)
    engine = engine_for(settings, embeddings)
    records = engine.store.documents()
    folder = lexical_folder(settings) / "bm25" / generation(records)
    rows = json.loads((folder / "rows.json").read_text())
    assert len(rows["ids"]) == sum(r.chunks for r in records)
    assert set(rows["ids"]) == set(engine.store.chunks.get(include=[])["ids"])
    assert engine.searcher.snapshot.lexicon.generation == generation(records)


def test_a_reader_rebuilds_missing_files_from_chroma_with_the_same_results(
    settings: Settings, corpus: Path, embeddings: Embeddings
) -> None:
    ingest_paths([corpus], settings, embeddings=embeddings)
    before = found(engine_for(settings, embeddings), QUESTION)
    shutil.rmtree(lexical_folder(settings))  # another machine, or an index older than them
    after = engine_for(settings, embeddings)
    assert found(after, QUESTION) == before
    assert (lexical_folder(settings) / "terms").is_dir()  # and kept for the next rebuild


def test_a_crash_after_the_registry_commit_leaves_a_state_any_reader_completes(
    settings: Settings, corpus: Path, embeddings: Embeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_paths([corpus], settings, embeddings=embeddings)
    late = corpus.parent / "late"
    late.mkdir()
    wessex = FICTIONAL / "wessex-constabulary-fictional.txt"
    text = wessex.read_text(encoding="utf-8").replace("Wessex", "Ruritania")
    (late / "ruritania.txt").write_text(text, encoding="utf-8")

    def crash(self: IndexStore) -> None:
        raise KeyboardInterrupt  # killed between the registry write and the BM25 build

    monkeypatch.setattr(IndexStore, "index_lexicon", crash)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths([late], settings, embeddings=embeddings)
    monkeypatch.undo()

    engine = engine_for(settings, embeddings)
    records = engine.store.documents()
    assert "Ruritania Constabulary" in engine.forces  # committed: the registry says so
    # the reader built the files of exactly this state, so its lexical half knows the force
    assert engine.searcher.snapshot.lexicon.generation == generation(records)
    got = engine.searcher.search("Ruritania", k=3, force="Ruritania Constabulary")
    assert got and all(p.force == "Ruritania Constabulary" for p in got)
    assert got[0].lexical > 0


def test_rows_are_only_those_of_committed_documents(
    settings: Settings, corpus: Path, embeddings: Embeddings
) -> None:
    ingest_paths([corpus], settings, embeddings=embeddings)
    engine = engine_for(settings, embeddings)
    store = engine.store
    # terms of a document that was never committed (an ingest killed before its commit)
    store.lexical.write_terms("not-committed", "any", ["ghost-1"], ["vetting backlog ghost"])
    shutil.rmtree(lexical_folder(settings) / "bm25")
    lexicon = store.lexicon(store.documents())
    assert "ghost-1" not in lexicon.ids and "not-committed" not in lexicon.documents


def test_a_torn_terms_file_is_fetched_again(
    settings: Settings, corpus: Path, embeddings: Embeddings
) -> None:
    ingest_paths([corpus], settings, embeddings=embeddings)
    before = found(engine_for(settings, embeddings), QUESTION)
    folder = lexical_folder(settings)
    for path in (folder / "terms").glob("*.json"):
        path.write_text(path.read_text()[:40])  # cut short by a crash or a full disk
    shutil.rmtree(folder / "bm25")
    assert found(engine_for(settings, embeddings), QUESTION) == before


def test_doctor_notes_unbuilt_files_and_repair_builds_them(
    settings: Settings, corpus: Path, embeddings: Embeddings
) -> None:
    ingest_paths([corpus], settings, embeddings=embeddings)
    assert run_doctor(settings).lexical_index_built is True
    shutil.rmtree(lexical_folder(settings) / "bm25")
    report = run_doctor(settings)  # not a fault: the next question builds them
    assert report.healthy and report.lexical_index_built is False
    assert run_doctor(settings, fix=True).lexical_index_built is True
    assert run_doctor(settings).lexical_index_built is True


def test_a_search_fetches_its_candidates_only(
    settings: Settings, corpus: Path, embeddings: Embeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_paths([corpus, SHIPPED], settings, embeddings=embeddings)
    engine = engine_for(settings, embeddings)
    fetched: list[int] = []
    real = IndexStore.chunk_rows

    def counting(self: IndexStore, ids=None, where=None, vector=None):  # type: ignore[no-untyped-def]
        rows = real(self, ids, where, vector)
        fetched.append(len(rows))
        return rows

    monkeypatch.setattr(IndexStore, "chunk_rows", counting)
    engine.searcher.search(QUESTION, k=6)
    assert sum(fetched) <= CANDIDATES  # the lexical candidates Chroma's query did not return
    assert not hasattr(engine.searcher.snapshot, "vectors")  # no copy of the library


def test_removed_documents_leave_every_search(
    settings: Settings, corpus: Path, embeddings: Embeddings
) -> None:
    ingest_paths([corpus], settings, embeddings=embeddings)
    engine = engine_for(settings, embeddings)
    assert found(engine, "Wessex", force="Wessex Constabulary")
    wessex = [r.source for r in engine.store.documents() if r.force == "Wessex Constabulary"]
    remove_sources(wessex, settings)
    # even before this reader refreshes, the chunks are gone from Chroma and from its results
    assert found(engine, "Wessex", force="Wessex Constabulary") == []
    engine.searcher.refresh()
    assert "Wessex Constabulary" not in engine.forces
