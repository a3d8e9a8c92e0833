"""The registry's head stamp and this machine's copy of it (rag.index.registry_copy), on a
real Chroma index: a reader uses the copy only while it is the registry's current state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from rag.core.settings import Settings
from rag.core.types import Paragraph
from rag.index import chunk_reads
from rag.index.doctor import run_doctor
from rag.index.embeddings import DIMENSION, MODEL_NAME
from rag.index.opening import open_store
from rag.index.registry import CHUNK_IDS, DocumentRecord, StoredParagraphs, source_key
from rag.index.store import HEAD_ID, IndexStore
from rag.ingest.pipeline import ingest_paths
from rag.ingest.removal import remove_sources
from tests.support import corpus_size


def store_of(settings: Settings) -> IndexStore:
    return open_store(settings, MODEL_NAME, DIMENSION)


def facts(records: list[DocumentRecord]) -> list[tuple[str, str, str | None, int]]:
    return [(r.source, r.document_id, r.force, r.chunks) for r in records]


def copy_file(store: IndexStore) -> Path:
    copies = sorted(store.copies.folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
    return copies[-1]


@pytest.fixture
def indexed(settings: Settings, corpus: Path, embeddings: Embeddings) -> Settings:
    ingest_paths([corpus], settings, embeddings=embeddings)
    return settings


def test_a_reader_uses_the_copy_of_the_current_stamp(indexed: Settings) -> None:
    store = store_of(indexed)
    assert store.stamped()
    assert facts(store.live_documents()) == facts(store.documents())
    # the copy is what a reader uses: a mark made in it shows (it is never made so)
    path = copy_file(store)
    body = json.loads(path.read_text())
    body["records"][0]["title"] = "MARKED IN THE COPY"
    path.write_text(json.dumps(body))
    assert "MARKED IN THE COPY" in {r.title for r in store_of(indexed).live_documents()}


def test_a_new_version_of_a_source_makes_a_new_stamp(
    indexed: Settings, corpus: Path, embeddings: Embeddings
) -> None:
    store = store_of(indexed)
    store.live_documents()
    old = copy_file(store)
    body = json.loads(old.read_text())
    for record in body["records"]:
        record["title"] = "STALE"
    old.write_text(json.dumps(body))
    edited = sorted(corpus.glob("*.txt"))[0]
    edited.write_text(edited.read_text() + "\nI am also pleased with the new control room.\n")
    ingest_paths([edited], indexed, embeddings=embeddings)  # same source, same registry id
    records = store_of(indexed).live_documents()
    assert "STALE" not in {r.title for r in records}
    assert facts(records) == facts(store_of(indexed).documents())


def test_a_removal_whose_restamp_was_lost_is_not_read_from_the_copy(
    indexed: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = store_of(indexed)
    before = store.live_documents()
    monkeypatch.setattr(IndexStore, "restamp", lambda self: None)  # as if the crash hit here
    removed = remove_sources([before[0].source], indexed)
    assert removed
    after = store_of(indexed).live_documents()
    assert before[0].source not in {r.source for r in after}
    assert facts(after) == facts(store_of(indexed).documents())


@pytest.mark.parametrize("torn", ["", "{not json", '{"ids": ["x"], "records": []}', "[1, 2]"])
def test_a_torn_or_foreign_copy_is_read_again_from_the_registry(
    indexed: Settings, torn: str
) -> None:
    store = store_of(indexed)
    truth = facts(store.documents())
    path = copy_file(store)
    path.write_text(torn)
    assert facts(store_of(indexed).live_documents()) == truth
    assert json.loads(path.read_text())["ids"]  # and saved whole again for the next reader


def test_an_index_without_a_stamp_is_stamped_by_doctor_repair(indexed: Settings) -> None:
    store = store_of(indexed)
    store.registry.delete(ids=[HEAD_ID])  # an index written before the head stamp
    for path in store.copies.folder.glob("*.json"):
        path.unlink()
    assert not store.stamped()
    assert facts(store.live_documents()) == facts(store.documents())  # read in full
    assert not list(store.copies.folder.glob("*.json"))  # no stamp: nothing to key a copy on
    report = run_doctor(indexed)
    assert report.healthy and report.registry_stamped is False
    repaired = run_doctor(indexed, fix=True)
    assert repaired.registry_stamped is True and store_of(indexed).stamped()
    assert run_doctor(indexed).registry_stamped is True


def test_the_head_record_is_never_a_document(indexed: Settings) -> None:
    store = store_of(indexed)
    assert HEAD_ID not in {r.source for r in store.documents()}
    assert store.document(HEAD_ID) is None
    assert len(store.documents()) == len(store.live_documents()) == corpus_size()


def test_many_records_are_read_in_pages(indexed: Settings) -> None:
    store = store_of(indexed)
    ids = store._ids()
    found, records = store._records(ids, with_text=False, page=2)
    assert sorted(found) == sorted(ids) and facts(records) == facts(store.documents())


def test_stored_paragraphs_round_trip_and_compare_as_a_list() -> None:
    paragraphs = [Paragraph(0, 0, 10, None), Paragraph(1, 12, 40, "Investigating crime")]
    record = DocumentRecord(
        source="a.txt",
        document_id="d1",
        force=None,
        inspector=None,
        title="t",
        doc_type="transcript",
        chunks=2,
        ingested_at="2026-01-01T00:00:00+00:00",
        chunker="c",
        paragraphs=paragraphs,
    )
    meta = record.metadata()
    back = DocumentRecord.from_chroma(dict(meta), None)
    assert isinstance(back.paragraphs, StoredParagraphs)
    assert back.paragraphs == paragraphs and list(back.paragraphs) == paragraphs
    assert back.paragraphs[1].section == "Investigating crime" and len(back.paragraphs) == 2
    assert back.metadata() == meta  # stored again as read, without a parse
    assert back.paragraphs != paragraphs[:1]


def test_records_list_their_chunks_and_the_copy_leaves_the_lists_out(indexed: Settings) -> None:
    store = store_of(indexed)
    for record in store.documents():
        assert len(record.chunk_ids) == record.chunks
        stored = store.chunks.get(where={"document_id": record.document_id}, include=[])["ids"]
        assert sorted(record.chunk_ids) == sorted(stored)
    store.live_documents()
    body = json.loads(copy_file(store).read_text())
    assert body["records"] and all(CHUNK_IDS not in r for r in body["records"])


def test_a_new_machine_fetches_chunk_texts_by_the_listed_ids(
    indexed: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many documents to fetch (as on a new machine): by the records' chunk lists, in
    pages; a record whose list does not match its chunks is fetched by document."""
    store = store_of(indexed)
    records = store.documents()
    by_document = {r.document_id: store.chunk_texts(r.document_id) for r in records}
    monkeypatch.setattr(chunk_reads, "FETCHERS", 1)  # 7 documents count as many
    monkeypatch.setattr(chunk_reads, "TEXTS_PAGE", 5)  # pages smaller than a document
    odd = records[0]
    store.registry.update(  # a list that no longer matches: fetched by document instead
        ids=[source_key(odd.source)], metadatas=[{CHUNK_IDS: json.dumps(odd.chunk_ids[:1])}]
    )
    asked: list[str] = []
    real = IndexStore.chunk_texts

    def by_one(self: IndexStore, document_id: str) -> tuple[list[str], list[str]]:
        asked.append(document_id)
        return real(self, document_id)

    monkeypatch.setattr(IndexStore, "chunk_texts", by_one)
    got = store.texts_of_documents(records)
    assert asked == [odd.document_id]
    for document_id, (ids, texts) in got.items():
        want_ids, want_texts = by_document[document_id]
        assert dict(zip(ids, texts, strict=True)) == dict(zip(want_ids, want_texts, strict=True))
    for record in records[1:]:
        assert got[record.document_id][0] == record.chunk_ids  # in chunk order


def test_bm25_files_built_on_a_new_machine_match_the_writers(
    indexed: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chunk_reads, "FETCHERS", 1)
    writer = store_of(indexed).lexicon(store_of(indexed).live_documents())
    fresh = indexed.model_copy(update={"lexical_dir": tmp_path / "new-machine"})
    store = store_of(fresh)
    reader = store.lexicon(store.live_documents())
    assert reader.generation == writer.generation
    assert sorted(reader.ids) == sorted(writer.ids)
    question = "How does the force answer emergency calls?"
    by_writer = dict(zip(writer.ids, writer.bm25.scores(question), strict=True))
    by_reader = dict(zip(reader.ids, reader.bm25.scores(question), strict=True))
    assert by_reader == pytest.approx(by_writer)
