"""Hybrid retrieval against a real on-disk Chroma index built from the corpus."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_tests.integration_tests import RetrieversIntegrationTests

from rag.core.settings import Settings
from rag.index.store import IndexStore
from rag.index.terms import terms
from rag.ingest.pipeline import ingest_paths
from rag.ingest.removal import remove_sources
from rag.retrieve.retriever import HybridRetriever
from rag.retrieve.search import RRF_K, HybridSearcher, Passage
from tests.support import FICTIONAL
from tests.support.indexes import Index, build_index

CAMBRIDGESHIRE = "Cambridgeshire Constabulary"
QUERIES = [
    "How does the force manage the risk of corruption among its staff?",
    "response times to emergency calls",
    "protecting vulnerable people and domestic abuse",
    "savings and finances",
]


def document_text(store: IndexStore, passage: Passage) -> str:
    record = store.document(str(passage.metadata["source"]), with_text=True)
    assert record is not None
    return record.text


# --- filters ----------------------------------------------------------------------------


def test_index_holds_every_force(shared: Index) -> None:
    forces = shared.searcher.snapshot.forces
    assert CAMBRIDGESHIRE in forces
    assert len(forces) == 1 + len(list(FICTIONAL.glob("*.txt")))


def test_force_filter_returns_only_that_force(shared: Index) -> None:
    for force in shared.searcher.snapshot.forces:
        for query in QUERIES[:2]:
            got = shared.searcher.search(query, k=8, force=force)
            assert got, (force, query)
            assert {p.force for p in got} == {force}
            assert {p.metadata["force"] for p in got} == {force}
    unfiltered = shared.searcher.search(QUERIES[0], k=8)
    assert len({p.force for p in unfiltered}) > 1  # the filter, not the query, did it


def test_where_filter_and_force_filter_agree(shared: Index) -> None:
    by_force = shared.searcher.search(QUERIES[1], k=5, force="Wessex Constabulary")
    by_where = shared.searcher.search(QUERIES[1], k=5, where={"force": "Wessex Constabulary"})
    assert [p.chunk_id for p in by_force] == [p.chunk_id for p in by_where]
    first = shared.searcher.search(QUERIES[1], k=10, where={"paragraph_start": 1})
    assert first and all(p.paragraph == 1 for p in first)


def test_unknown_force_or_empty_query_finds_nothing(shared: Index) -> None:
    assert shared.searcher.search(QUERIES[0], force="Kent Police") == []
    assert shared.searcher.search("   ", k=5) == []


# --- relevance -------------------------------------------------------------------------


def test_integrity_question_finds_staff_corruption_paragraph(shared: Index) -> None:
    got = shared.searcher.search(
        "How well does Cambridgeshire understand risks to its integrity and corruption?",
        k=6,
        force=CAMBRIDGESHIRE,
    )
    top3 = got[:3]
    hits = [p for p in top3 if "staff corruption" in p.text]
    assert hits, [p.text[:80] for p in top3]
    # the hit's provenance points at the paragraph that really holds the phrase
    hit = hits[0]
    text = document_text(shared.store, hit)
    offset = text.index("staff corruption")
    assert int(hit.metadata["char_start"]) <= offset < int(hit.metadata["char_end"])
    (number,) = [n for n, s, e, *_page in hit.extras["paragraphs"] if s <= offset < e]
    assert int(hit.metadata["paragraph_start"]) <= number <= int(hit.metadata["paragraph_end"])


# --- what each result carries -----------------------------------------------------------


def test_results_carry_ids_scores_and_exact_provenance(
    shared: Index, embeddings: Embeddings
) -> None:
    stored = set(shared.store.chunks.get(include=[])["ids"])
    for query in QUERIES:
        got = shared.searcher.search(query, k=6)
        assert len(got) == 6
        query_vector = np.asarray(embeddings.embed_query(query))
        scores = [p.score for p in got]
        assert scores == sorted(scores, reverse=True)
        for p in got:
            assert p.chunk_id in stored
            # a fused score is a sum of at most two reciprocal ranks
            assert 0 < p.score <= 2 / (RRF_K + 1)
            # the cosine similarity is the real one between question and passage
            passage_vector = np.asarray(embeddings.embed_documents([p.text])[0])
            assert p.similarity == pytest.approx(float(passage_vector @ query_vector), abs=1e-4)
            # a lexical score exactly when the passage shares a content term with the query
            assert (p.lexical > 0) == bool(set(terms(query)) & set(terms(p.text)))
            meta = p.metadata
            assert str(meta["source"]).startswith("corpus/")
            record = shared.store.document(str(meta["source"]), with_text=True)
            assert record is not None
            assert p.document_id == record.document_id
            assert p.force == record.force
            start, end = int(meta["char_start"]), int(meta["char_end"])
            assert p.text == record.text[start:end]
            assert [x[:3] for x in p.extras["paragraphs"]] == [
                (q.number, q.start, q.end) for q in record.paragraphs
            ]
            first, last = int(meta["paragraph_start"]), int(meta["paragraph_end"])
            assert p.paragraph == first <= last
            spans = {q.number: (q.start, q.end) for q in record.paragraphs}
            assert spans[first][0] < end and spans[last][1] > start  # paragraphs overlap chunk


def test_passage_to_document(shared: Index) -> None:
    (p,) = shared.searcher.search(QUERIES[2], k=1)
    doc = p.to_document()
    assert isinstance(doc, Document)
    assert doc.id == p.chunk_id
    assert doc.page_content == p.text
    assert doc.metadata["score"] == p.score
    assert doc.metadata["similarity"] == p.similarity
    assert doc.metadata["lexical"] == p.lexical
    assert doc.metadata["source"] == p.metadata["source"]


def test_query_vector_is_used_instead_of_embedding(shared: Index, embeddings: Embeddings) -> None:
    vector = embeddings.embed_query(QUERIES[3])
    own = shared.searcher.search(QUERIES[3], k=5)
    given = shared.searcher.search(QUERIES[3], k=5, query_vector=vector)
    assert [p.chunk_id for p in own] == [p.chunk_id for p in given]
    # a different vector changes the vector side of the ranking
    other = shared.searcher.search(QUERIES[3], k=5, query_vector=embeddings.embed_query(QUERIES[2]))
    assert [p.similarity for p in other] != [p.similarity for p in own]


# --- token budget -----------------------------------------------------------------------


@pytest.mark.parametrize("budget", [60, 150, 300])
def test_token_budget_is_respected(shared: Index, budget: int) -> None:
    for query in QUERIES:
        full = shared.searcher.search(query, k=20)
        got = shared.searcher.search(query, k=20, token_budget=budget)
        assert got, query
        spent = sum(int(p.metadata["tokens"]) for p in got)
        assert spent <= budget or len(got) == 1
        # the budget cuts the same ranking short, and only when the next one would not fit
        assert [p.chunk_id for p in got] == [p.chunk_id for p in full[: len(got)]]
        if len(got) < len(full):
            assert spent + full[len(got)].tokens > budget


def test_first_passage_is_kept_even_over_budget(shared: Index) -> None:
    got = shared.searcher.search(QUERIES[0], k=5, token_budget=1)
    assert len(got) == 1
    assert got[0].tokens > 1


def test_k_zero_returns_nothing(shared: Index) -> None:
    assert shared.searcher.search(QUERIES[0], k=0) == []


# --- diversity (small chunks: long paragraphs become several windows) -------------------


def test_one_window_per_paragraph(settings: Settings, corpus: Path, embeddings: Embeddings) -> None:
    small = settings.model_copy(update={"chunk_tokens": 40, "chunk_overlap": 15})
    index = build_index(small, corpus, embeddings)

    def key(meta: dict[str, Any]) -> tuple[str, int]:
        return str(meta["document_id"]), int(meta["paragraph_start"])

    in_force = index.store.chunks.get(where={"force": CAMBRIDGESHIRE}, include=["metadatas"])
    in_force = in_force["metadatas"]
    windows = Counter(key(m) for m in in_force)
    assert max(windows.values()) >= 2, "precondition: some paragraph has several windows"
    assert len(in_force) <= 40, "precondition: every window of the force is a candidate"

    for query in QUERIES:
        got = index.searcher.search(query, k=1000, force=CAMBRIDGESHIRE)
        keys = [key(p.metadata) for p in got]
        assert len(keys) == len(set(keys))
        # every paragraph of the force is still represented, once
        assert set(keys) == set(windows)

    for query in QUERIES:
        got = index.searcher.search(query, k=15)
        keys = [key(p.metadata) for p in got]
        assert len(got) == 15 and len(keys) == len(set(keys))


# --- refresh ----------------------------------------------------------------------------

NEW_DOCUMENT = """HMI Jane Doe's assessment of Ruritania Constabulary – Transcript

Ruritania Constabulary is good at keeping people safe. Its officers run a zymurgical \
licensing scheme that inspects every brewery in the county twice a year.

The force manages its finances well and has saved £1.1 million over two years.
"""


def test_refresh_picks_up_a_new_document(
    settings: Settings, corpus: Path, embeddings: Embeddings, tmp_path: Path
) -> None:
    index = build_index(settings, corpus, embeddings)
    query = "zymurgical brewery licensing scheme"
    before = index.searcher.search(query, k=3)
    assert before and all(p.force != "Ruritania Constabulary" for p in before)

    extra = tmp_path / "extra" / "ruritania.txt"
    extra.parent.mkdir()
    extra.write_text(NEW_DOCUMENT, encoding="utf-8")
    report = ingest_paths([extra], settings, embeddings=embeddings)
    assert [d.status for d in report.documents] == ["added"]

    # the snapshot is held in memory until refreshed
    assert "Ruritania Constabulary" not in index.searcher.snapshot.forces
    stale = index.searcher.search(query, k=3)
    assert [p.chunk_id for p in stale] == [p.chunk_id for p in before]

    index.searcher.refresh()
    assert "Ruritania Constabulary" in index.searcher.snapshot.forces
    fresh = index.searcher.search(query, k=3)
    assert fresh[0].force == "Ruritania Constabulary"
    assert "zymurgical" in fresh[0].text
    assert fresh[0].metadata["source"] == "extra/ruritania.txt"

    # and a removed document disappears on the next refresh
    remove_sources(["extra/ruritania.txt"], settings)
    index.searcher.refresh()
    assert all(p.force != "Ruritania Constabulary" for p in index.searcher.search(query, k=3))


# --- LangChain retriever ------------------------------------------------------------------


def test_retriever_passes_filters_and_budget(shared: Index) -> None:
    retriever = HybridRetriever(searcher=shared.searcher, k=4, force=CAMBRIDGESHIRE)
    docs = retriever.invoke(QUERIES[0])
    assert len(docs) == 4
    assert {d.metadata["force"] for d in docs} == {CAMBRIDGESHIRE}
    expected = shared.searcher.search(QUERIES[0], k=4, force=CAMBRIDGESHIRE)
    assert [d.id for d in docs] == [p.chunk_id for p in expected]
    # invoke-time arguments override the constructor's
    other = retriever.invoke(QUERIES[0], force="Wessex Constabulary", k=2)
    assert len(other) == 2 and {d.metadata["force"] for d in other} == {"Wessex Constabulary"}
    budgeted = retriever.invoke(QUERIES[0], token_budget=1)
    assert len(budgeted) == 1


# The suite's async test needs the asyncio mark (pytest-asyncio runs in strict mode here) and
# overriding it is forbidden, so the class is marked; its sync tests then warn: silenced.
@pytest.mark.asyncio
@pytest.mark.filterwarnings("ignore:.*marked with '@pytest.mark.asyncio' but it is not an async")
class TestHybridRetrieverStandard(RetrieversIntegrationTests):
    """LangChain's standard retriever contract, on the shared real index."""

    searcher: HybridSearcher

    @pytest.fixture(autouse=True, scope="class")
    def _index(self, request: pytest.FixtureRequest, shared: Index) -> None:
        request.cls.searcher = shared.searcher

    @property
    def retriever_constructor(self) -> type[HybridRetriever]:
        return HybridRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"searcher": self.searcher, "k": 4}

    @property
    def retriever_query_example(self) -> str:
        return "How does the force tackle corruption and protect its integrity?"

    def test_constructor_k_is_the_default(self, retriever: HybridRetriever) -> None:
        assert len(retriever.invoke(self.retriever_query_example)) == 4


def test_cross_force_scores_stay_on_their_snapshot_when_another_session_refreshes(
    settings: Settings, embeddings: Embeddings
) -> None:
    """One scoring pass serves every force of a cross-force question; an ingest by another
    session (refresh) meanwhile must not mix its row numbers with the new snapshot's (a
    review finding: IndexError, or passages of the wrong chunks)."""
    from rag.engine.engine import Engine
    from tests.support import SHIPPED

    ingest_paths([SHIPPED], settings, embeddings=embeddings)
    engine = Engine(settings, embeddings=embeddings)
    question = "What did the inspector say about integrity?"
    scores = engine.searcher.scores(question)
    before = len(engine.searcher.snapshot)
    ingest_paths(sorted(FICTIONAL.glob("*.txt")), settings, embeddings=embeddings)
    engine.searcher.refresh()
    assert len(engine.searcher.snapshot) > before
    for force in [*engine.forces, None]:
        got = engine.searcher.search(question, 3, force, scores=scores)
        assert all(p.force == "Cambridgeshire Constabulary" for p in got)  # the old snapshot's
    fresh = engine.searcher.search(question, 3, "Wessex Constabulary")
    assert fresh and all(p.force == "Wessex Constabulary" for p in fresh)
