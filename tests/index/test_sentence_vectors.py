"""Sentence vectors stored at ingest (late chunking): packing, pooling from the chunk's own
pass, storage and reuse in a real Chroma index, and an offline answer that embeds nothing
at question time."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag.core.settings import Settings
from rag.engine.engine import Engine
from rag.index.embeddings import OfflineEmbeddings
from rag.index.sentence_vectors import (
    SENTENCE_VECTORS_KEY,
    pack,
    pool_spans,
    quotable_spans,
    unpack,
)
from rag.ingest.pipeline import Ingester, ingest_paths
from rag.retrieve.search import Passage
from tests.support import SHIPPED

TEXT = (
    "I am concerned about the force's ability to identify, monitor and understand risks "
    "to the integrity of the organisation. This is limited by the capacity and capability "
    "in the relevant units, which are shared with Hertfordshire and Bedfordshire. Thank you."
)


class SentenceCounting(OfflineEmbeddings):
    """The real model, counting texts embedded one by one (the question-time path) and
    chunks embedded with their sentences (the ingest path)."""

    def __init__(self) -> None:
        super().__init__()
        self.documents = 0
        self.with_sentences = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.documents += len(texts)
        return super().embed_documents(texts)

    def embed_with_sentences(self, texts, spans):  # type: ignore[no-untyped-def]
        self.with_sentences += len(texts)
        return super().embed_with_sentences(texts, spans)


def test_pack_round_trip_keeps_spans_and_directions() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(3, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    spans = [(0, 40), (41, 90), (91, 300)]
    back = unpack(pack(spans, vectors))
    assert list(back) == spans
    for span, vector in zip(spans, vectors, strict=True):
        assert float(back[span] @ vector) > 0.999  # int8 per-vector scale loses almost nothing
    assert unpack(pack([], np.zeros((0, 384), dtype=np.float32))) == {}


@pytest.mark.parametrize("blob", ["", "not base64!", "AAAA", pack([(0, 1)], np.ones((1, 4)))[:-8]])
def test_a_damaged_value_reads_as_no_vectors(blob: str) -> None:
    assert unpack(blob) == {}


def test_pooled_spans_come_from_the_chunk_pass(embeddings: OfflineEmbeddings) -> None:
    spans = quotable_spans(TEXT)
    assert [TEXT[s:e] for s, e in spans][-1].startswith(
        "This is limited"
    )  # "Thank you." is too short
    vectors, pooled = embeddings.embed_with_sentences([TEXT], [spans])
    assert np.allclose(vectors[0], embeddings.embed_documents([TEXT])[0], atol=1e-5)
    kept, matrix = pooled[0]
    assert kept == spans and matrix.shape == (2, 384)
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)
    alone = np.asarray(embeddings.embed_documents([TEXT[s:e] for s, e in spans]))
    in_context = (matrix * alone).sum(axis=1)
    # each sentence read in its passage stays close to the sentence alone, and closer to
    # itself than to the other sentence
    assert (in_context > 0.6).all()
    assert in_context[0] > float(matrix[0] @ alone[1])


def test_a_span_past_the_model_limit_is_left_out() -> None:
    hidden = np.ones((4, 8), dtype=np.float32)
    offsets = [(0, 0), (0, 5), (6, 10), (0, 0)]  # [CLS] two tokens [SEP]: text cut at 10
    kept, matrix = pool_spans(hidden, offsets, [1, 0, 0, 1], [(0, 10), (11, 40)])
    assert kept == [(0, 10)] and matrix.shape == (1, 8) and matrix.dtype == np.float32
    # a sentence cut part way (its first word is in, the rest is past the limit)
    kept, _ = pool_spans(hidden, offsets, [1, 0, 0, 1], [(0, 5), (6, 30)])
    assert kept == [(0, 5)]


def test_ingest_stores_sentence_vectors_and_answers_embed_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    model = SentenceCounting()
    ingest_paths([SHIPPED], settings, embeddings=model)
    assert model.documents == 0 and model.with_sentences > 0  # one pass gives both
    engine = Engine(settings, embeddings=model)
    metas = engine.store.chunks.get(include=["metadatas"])["metadatas"]
    assert all(SENTENCE_VECTORS_KEY in m for m in metas)

    answer = engine.ask("What did the inspector say about integrity?", mode="offline")
    assert not answer.abstained and "integrity" in answer.answer
    assert model.documents == 1  # the question only (embed_query); no sentence embedded
    # passages keep them out of their metadata (which is logged and shown)
    passages = engine.searcher.search("integrity and vetting", k=20)
    assert passages and all(SENTENCE_VECTORS_KEY not in p.metadata for p in passages)
    assert all(p.extras[SENTENCE_VECTORS_KEY] for p in passages)


def test_sentences_without_stored_vectors_are_embedded_at_question_time(
    settings: Settings,
) -> None:
    """A chunk stored without them (another backend, an older index) still answers."""
    model = SentenceCounting()
    ingest_paths([SHIPPED], settings, embeddings=model)
    engine = Engine(settings, embeddings=model)
    ids = engine.store.chunks.get(include=[])["ids"]
    # a None value removes the key from a stored chunk
    engine.store.chunks.update(ids=ids, metadatas=[{SENTENCE_VECTORS_KEY: None}] * len(ids))  # type: ignore[list-item]
    engine.searcher.refresh()
    metas = engine.store.chunks.get(include=["metadatas"])["metadatas"]
    assert all(SENTENCE_VECTORS_KEY not in m for m in metas)
    answer = engine.ask("What did the inspector say about integrity?", mode="offline")
    assert not answer.abstained and "integrity" in answer.answer
    assert model.documents > 1


def test_an_older_index_gains_sentence_vectors_and_edits_reuse_them(
    settings: Settings, tmp_path: Path
) -> None:
    source = tmp_path / "report.txt"
    source.write_text(SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")
    model = SentenceCounting()
    ingest_paths([source], settings, embeddings=model)
    store = Ingester(settings, model).store
    ids = store.chunks.get(include=[])["ids"]
    # as an index written before sentence vectors: the key removed from every chunk
    store.chunks.update(ids=ids, metadatas=[{SENTENCE_VECTORS_KEY: None}] * len(ids))
    assert store.existing_chunk_ids(ids, SENTENCE_VECTORS_KEY) == set()
    ingester = Ingester(settings, model)
    before = model.with_sentences
    ingester.ingest_text(
        source.read_text(encoding="utf-8") + "\n\nA new closing line.", "report.txt"
    )
    ingester.flush()
    metas = store.chunks.get(include=["metadatas"])["metadatas"]
    assert all(SENTENCE_VECTORS_KEY in m for m in metas)
    assert model.with_sentences - before >= len(ids) - 1  # re-embedded: nothing to reuse

    # an edit now reuses the stored vectors of every unchanged passage
    before = model.with_sentences
    ingester.ingest_text(source.read_text(encoding="utf-8") + "\n\nAnother ending.", "report.txt")
    ingester.flush()
    assert model.with_sentences - before <= 2


def test_a_source_queued_twice_commits_its_last_version(settings: Settings) -> None:
    ingester = Ingester(settings, OfflineEmbeddings())
    first = ingester.ingest_text(
        "Force: Kent Police\n\nThe first version of the findings.", "k.txt"
    )
    ingester.ingest_text("Force: Kent Police\n\nThe second version of the findings.", "k.txt")
    ingester.flush()
    (record,) = ingester.store.documents(with_text=True)
    assert "second version" in record.text
    assert first.status == "rejected" and "same name" in str(first.error)
    assert ingester.store.orphan_chunk_ids() == []  # the first version was never written


def test_passage_extras_carry_the_blob(settings: Settings, embeddings: OfflineEmbeddings) -> None:
    ingest_paths([SHIPPED], settings, embeddings=embeddings)
    passages: list[Passage] = Engine(settings, embeddings=embeddings).searcher.search(
        "integrity", 3
    )
    assert passages and all(unpack(p.extras[SENTENCE_VECTORS_KEY]) for p in passages)


def test_an_editors_note_in_brackets_is_never_evidence() -> None:
    text = (
        "[FICTIONAL: this transcript is invented for testing and describes no real force.] "
        "The force has a well-resourced counter-corruption unit. [Recording paused for "
        "two minutes.] It told us [in a letter] that it would recruit two more investigators."
    )
    quoted = [text[s:e] for s, e in quotable_spans(text)]
    assert quoted == [  # a note inside a sentence stays: it is part of what was said
        "The force has a well-resourced counter-corruption unit.",
        "It told us [in a letter] that it would recruit two more investigators.",
    ]
