"""The answering engine on ONE real index (the shipped Cambridgeshire transcript plus the
fictional evals/corpus transcripts): offline answers, abstention, force filters, follow-ups,
the audit log and the JSON contract; offline briefings and comparisons; and LLM mode through
the real openai client against the FAKE OpenAI-compatible server (tests/fake_openai_server.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from rag.answer.briefing import offline_briefing
from rag.answer.citations import quote_in_passage
from rag.core.errors import RagError
from rag.core.settings import Settings
from rag.core.types import CANNOT_ANSWER, Answer, Citation
from rag.engine.compare import NOT_COVERED, compare
from rag.engine.engine import Engine
from rag.index.embeddings import OfflineEmbeddings
from rag.ingest.pipeline import ingest_paths
from tests.support import ROOT
from tests.support.contracts import ANSWER_KEYS, CITATION_KEYS, OPTIONAL_ANSWER_KEYS
from tests.support.fake_openai_server import FakeOpenAIServer, FakeReply

SHIPPED = ROOT / "data" / "cambridgeshire-constabulary-hmi-assessment-transcript.txt"
FICTIONAL = sorted((ROOT / "evals" / "corpus").glob("*.txt"))

CAMBS = "Cambridgeshire Constabulary"
WESSEX = "Wessex Constabulary"  # fictional
MIDSOMER = "Midsomer Constabulary"  # fictional
INTEGRITY_Q = "What did the inspector say about integrity and corruption at Cambridgeshire?"
STAFF_CORRUPTION = "including staff corruption"  # paragraph 10 of the shipped transcript
FABRICATED = "The force has abolished its counter-corruption unit entirely."


# --- one index for the module -------------------------------------------------------------


@pytest.fixture(scope="module")
def base_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # Built with explicit values so no .env or OPENAI_* variable leaks in.
    index_dir = tmp_path_factory.mktemp("answering") / "index"
    return Settings(
        _env_file=None,
        OPENAI_API_KEY=None,
        OPENAI_BASE_URL=None,
        index_dir=index_dir,
        chroma_url=None,
        embedding_backend="offline",
        mode="offline",
    )


@pytest.fixture(scope="module")
def engine(base_settings: Settings, embeddings: OfflineEmbeddings) -> Engine:
    report = ingest_paths([SHIPPED, *FICTIONAL], base_settings, embeddings=embeddings)
    assert {d.status for d in report.documents} == {"added"}
    assert len(report.documents) == 1 + len(FICTIONAL)
    return Engine(base_settings, embeddings=embeddings)


@pytest.fixture(scope="module")
def doc_texts(engine: Engine) -> dict[str, str]:
    """Source -> the stored document text."""
    return {r.source: r.text for r in engine.store.documents(with_text=True)}


def assert_verbatim(engine: Engine, citation: Citation) -> None:
    """The quote sits at char_start of the stored document text."""
    record = engine.store.document(citation.source, with_text=True)
    assert record is not None
    assert citation.char_start is not None
    start = citation.char_start
    assert record.text[start : start + len(citation.quote)] == citation.quote
    assert quote_in_passage(citation.quote, record.text)
    assert citation.verified


# --- offline answers ----------------------------------------------------------------------


def test_integrity_answer_cites_the_staff_corruption_paragraph(engine: Engine) -> None:
    answer = engine.ask(INTEGRITY_Q, mode="offline")
    assert not answer.abstained and answer.mode == "offline"
    assert answer.citations
    for citation in answer.citations:
        assert_verbatim(engine, citation)
        assert f"[{citation.n}]" in answer.answer
    staff = [c for c in answer.citations if STAFF_CORRUPTION in c.quote]
    assert staff, [c.quote for c in answer.citations]
    assert staff[0].force == CAMBS and staff[0].paragraph == 10
    assert staff[0].source.endswith(SHIPPED.name)


@pytest.mark.parametrize(
    ("question", "force"),
    [
        ("How does Cambridgeshire Constabulary protect vulnerable people?", None),
        ("Is Wessex Constabulary good at managing its finances?", None),
        ("How long does Midsomer Constabulary take to examine digital devices?", None),
        ("What did the inspector say about stop and search?", WESSEX),
        ("Which forces have concerns about integrity or corruption?", None),
    ],
)
def test_every_citation_is_in_the_document_text(
    engine: Engine, doc_texts: dict[str, str], question: str, force: str | None
) -> None:
    answer = engine.ask(question, force=force, mode="offline")
    assert not answer.abstained and answer.citations
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for citation in answer.citations:
        assert quote_in_passage(citation.quote, doc_texts[citation.source])
        assert_verbatim(engine, citation)


@pytest.mark.parametrize(
    ("question", "force"),
    [
        ("How many police community support officers does Cambridgeshire employ?", None),
        ("What did Kent Police say about stop and search?", None),
        ("What did the inspector say about integrity?", "Kent Police"),
    ],
)
def test_unanswerable_questions_abstain(engine: Engine, question: str, force: str | None) -> None:
    answer = engine.ask(question, force=force, mode="offline")
    assert answer.abstained
    assert answer.answer.startswith(CANNOT_ANSWER)
    assert answer.citations == []


def test_unindexed_force_is_named_in_the_refusal(engine: Engine) -> None:
    answer = engine.ask("What did Kent Police say about stop and search?", mode="offline")
    assert "Kent Police" in answer.answer
    filtered = engine.ask("integrity", force="Kent Police", mode="offline")
    assert "Kent Police" in filtered.answer


def test_cross_force_question_cites_several_forces(engine: Engine) -> None:
    answer = engine.ask("Which forces have concerns about integrity or corruption?")
    assert not answer.abstained
    forces = {c.force for c in answer.citations}
    assert len(forces) >= 2 and CAMBS in forces
    for citation in answer.citations:
        assert f"{citation.force}:" in answer.answer


def test_a_grade_asked_across_forces_is_each_forces_stated_grade(engine: Engine) -> None:
    # retrieval alone finds some forces' grade sentences; every force's stated grades answer
    answer = engine.ask("Which forces were graded inadequate at protecting vulnerable people?")
    assert {c.force for c in answer.citations} == {"Borsetshire Constabulary"}
    assert "inadequate at protecting vulnerable people" in answer.citations[0].quote
    for citation in answer.citations:
        assert_verbatim(engine, citation)
    named = engine.ask("Compare Wessex and Glebeshire on grades for protecting the vulnerable")
    assert {c.force for c in named.citations} == {WESSEX, "Glebeshire Constabulary"}
    assert all("protecting vulnerable people" in c.quote for c in named.citations)
    # no force given the grade asked: no other sentence about the area answers instead
    assert engine.ask("Which forces were graded outstanding at investigating crime?").abstained
    silent = engine.ask("Compare Wessex and Midsomer on grades for protecting the vulnerable")
    assert {c.force for c in silent.citations} == {WESSEX}  # Midsomer's documents state none
    assert f"{MIDSOMER}: no grade for this area was found in its documents." in silent.answer


@pytest.mark.parametrize("force", [CAMBS, WESSEX, MIDSOMER])
def test_force_filter_is_respected(engine: Engine, force: str) -> None:
    answer = engine.ask("How good is the force at tackling crime?", force=force)
    assert not answer.abstained and answer.citations
    assert {c.force for c in answer.citations} == {force}
    evidence = engine.gather("How good is the force at tackling crime?", force)
    assert evidence.passages and {p.force for p in evidence.passages} == {force}


HISTORY = [
    {"role": "user", "content": "What did the inspector say about Wessex Constabulary's finances?"},
    {"role": "assistant", "content": "Wessex Constabulary has a strong track record [1]."},
]


def test_follow_up_stays_on_the_force_of_the_history(engine: Engine) -> None:
    answer = engine.ask("And what about their integrity?", history=HISTORY, mode="offline")
    assert not answer.abstained and answer.citations
    assert {c.force for c in answer.citations} == {WESSEX}
    assert answer.question == "And what about their integrity?"


def test_a_follow_up_naming_no_force_stays_on_the_force_of_the_history(engine: Engine) -> None:
    # no pronoun and no "and ...": in a conversation, a question naming no force (and not
    # asking across forces or nationally) is still about the force of before
    evidence = engine.gather("How are officers vetted?", None, HISTORY)
    assert evidence.passages and {p.force for p in evidence.passages} == {WESSEX}
    assert engine.gather("How are officers vetted?", None, None).passages  # and alone: any


def test_follow_up_leans_on_the_force_the_last_answer_was_about(engine: Engine) -> None:
    history = [
        {"role": "user", "content": "Which force plans its finances outstandingly?"},
        {"role": "assistant", "content": "Wessex Constabulary: “The force plans well.” [1]"},
    ]
    answer = engine.ask("And what about their integrity?", history=history, mode="offline")
    assert {c.force for c in answer.citations} == {WESSEX}


CAMBRIDGESHIRE_TURN = [
    {"role": "user", "content": "What did the inspector say about integrity in Cambridgeshire?"},
    {"role": "assistant", "content": "Cambridgeshire Constabulary: “…” [1]"},
]


def test_a_follow_up_naming_an_unindexed_force_is_not_answered_from_the_last(
    engine: Engine,
) -> None:
    answer = engine.ask(
        "What about integrity at Kent Police?", history=CAMBRIDGESHIRE_TURN, mode="offline"
    )
    assert answer.abstained and "Kent Police" in answer.answer and not answer.citations


def test_a_cross_force_follow_up_is_not_pinned_to_the_last_force(engine: Engine) -> None:
    evidence = engine.gather("How do the other forces compare on it?", None, CAMBRIDGESHIRE_TURN)
    assert evidence.per_force
    assert len({p.force for p in evidence.passages}) > 1


def test_a_follow_up_keeps_every_force_of_the_last_question(engine: Engine) -> None:
    history = [
        {"role": "user", "content": f"Compare {WESSEX} and Loamshire Police on vetting"},
        {"role": "assistant", "content": "…"},
        {"role": "user", "content": "How many horses does it own?"},
        {"role": "assistant", "content": "The documents do not say."},
    ]
    evidence = engine.gather("And what about their neighbourhood policing?", None, history)
    assert evidence.per_force
    assert {p.force for p in evidence.passages} == {WESSEX, "Loamshire Police"}


def test_follow_up_answers_the_new_topic(engine: Engine) -> None:
    answer = engine.ask("And what about their integrity?", history=HISTORY, mode="offline")
    assert any("corruption" in c.quote or "integrity" in c.quote for c in answer.citations)


def test_audit_log_records_question_passages_and_result(engine: Engine) -> None:
    question = "What did the inspector say about Midsomer Constabulary's 101 calls?"
    answer = engine.ask(question, mode="offline")
    event = engine.audit.recent(1)[0]
    assert event["kind"] == "ask" and event["question"] == question
    assert event["mode"] == "offline"
    passages = json.loads(event["passages"])
    assert passages and {"chunk_id", "source", "force", "paragraph", "score"} <= set(passages[0])
    result = json.loads(event["result"])
    assert result["answer"] == answer.answer
    assert result["citations"] == [c.model_dump(mode="json") for c in answer.citations]
    assert event["latency_ms"] == answer.latency_ms


def test_answer_json_contract(engine: Engine) -> None:
    payload = engine.ask(INTEGRITY_Q).to_json()
    assert ANSWER_KEYS <= set(payload) <= ANSWER_KEYS | OPTIONAL_ANSWER_KEYS
    assert payload["mode"] == "offline" and payload["abstained"] is False
    assert set(payload["usage"]) == {"prompt_tokens", "completion_tokens"}
    assert isinstance(payload["latency_ms"], float) and payload["dropped_citations"] == 0
    assert payload["citations"]
    for citation in payload["citations"]:
        assert set(citation) == CITATION_KEYS
        assert citation["verified"] is True
    json.dumps(payload)  # serialisable as is


# --- briefings and comparisons -------------------------------------------------------------


def test_offline_briefing_cambridgeshire(engine: Engine, doc_texts: dict[str, str]) -> None:
    briefing = engine.brief(CAMBS, mode="offline")
    markers = re.findall(r"\[(\d+)\]", briefing.paragraph)
    assert 4 <= len(markers) <= 6
    numbers = {c.n for c in briefing.citations}
    assert {int(m) for m in markers} <= numbers
    assert briefing.grade is None  # the transcript states no overall grade
    for citation in briefing.citations:
        assert citation.force == CAMBS
        assert quote_in_passage(citation.quote, doc_texts[citation.source])
        assert_verbatim(engine, citation)
    for finding in briefing.strengths + briefing.improvements + briefing.concerns:
        assert finding.citations and set(finding.citations) <= numbers
    assert briefing.strengths and briefing.concerns


def test_offline_briefing_wessex_states_its_grade(engine: Engine) -> None:
    briefing = engine.brief(WESSEX, mode="offline")
    assert briefing.grade == "good"
    assert all(c.force == WESSEX for c in briefing.citations)


def test_offline_briefing_unknown_force(engine: Engine) -> None:
    briefing = offline_briefing("Nowhere Police", engine.force_passages("Nowhere Police"))
    assert briefing.citations == [] and "Nowhere Police" in briefing.paragraph
    with pytest.raises(RagError, match="No documents on 'Nowhere Police'"):
        engine.brief("Nowhere Police", mode="offline")


def test_compare_numbers_markers_uniquely_across_rows(engine: Engine) -> None:
    forces = [CAMBS, WESSEX, MIDSOMER]
    table = compare(engine, "integrity and corruption", forces)
    assert [r.force for r in table.rows] == forces
    numbers = [c.n for row in table.rows for c in row.citations]
    assert numbers == list(range(1, len(numbers) + 1))
    for row in table.rows:
        assert row.covered and row.citations
        assert {c.force for c in row.citations} == {row.force}
        assert {int(n) for n in re.findall(r"\[(\d+)\]", row.summary)} == {
            c.n for c in row.citations
        }
        for citation in row.citations:
            assert_verbatim(engine, citation)
    assert set(table.to_json()) == {"theme", "rows"}


def test_compare_theme_a_force_is_silent_on(engine: Engine) -> None:
    # Midsomer's transcript never mentions county lines; Wessex's does (paragraph 6).
    table = compare(engine, "county lines", [WESSEX, MIDSOMER])
    wessex, midsomer = table.rows
    assert wessex.covered and wessex.citations
    assert any("county lines" in c.quote for c in wessex.citations)
    assert not midsomer.covered and midsomer.citations == []
    assert midsomer.summary == NOT_COVERED


def test_compare_organised_crime_not_covered_by_midsomer(engine: Engine) -> None:
    (row,) = compare(engine, "organised crime and county lines", [MIDSOMER]).rows
    assert not row.covered and row.citations == []


# --- LLM mode: the real openai client against the FAKE server -----------------------------


@pytest.fixture
def llm(
    base_settings: Settings, embeddings: OfflineEmbeddings, engine: Engine
) -> Iterator[tuple[FakeOpenAIServer, Engine]]:
    with FakeOpenAIServer() as server:
        settings = base_settings.model_copy(
            update={
                "openai_base_url": server.base_url,  # already ends in /v1
                "chat_model": "fake-chat",
                "llm_timeout_s": 2.0,
                "llm_max_retries": 0,
                "mode": "llm",
            }
        )
        yield server, Engine(settings, embeddings=embeddings)


def reply_json(answer: str) -> str:
    return json.dumps({"answer": answer})


def evidence_sent(server: FakeOpenAIServer, request: int = 0) -> dict[str, str]:
    """Evidence id -> sentence, as the model saw them in the prompt."""
    user = server.chat_requests[request]["messages"][-1]["content"]
    inside = user.split("<evidence>\n", 1)[1].split("\n</evidence>", 1)[0]
    return {m[0]: m[1] for m in re.findall(r"^(E\d+)(?: \([^)]*\))?: (.*)$", inside, re.M)}


def assert_offline_fallback(answer: Answer, offline: Answer) -> None:
    assert answer.mode == "offline" and answer.notice
    assert answer.answer == offline.answer
    assert [c.quote for c in answer.citations] == [c.quote for c in offline.citations]


@pytest.mark.server
def test_llm_unknown_evidence_falls_back_then_a_cited_sentence_is_the_quote(
    llm: tuple[FakeOpenAIServer, Engine],
) -> None:
    server, engine = llm
    offline = engine.ask(INTEGRITY_Q, force=CAMBS, mode="offline")
    # a claim no shown line supports, cited to an id never shown
    server.script(reply_json("Integrity checks rose by 12 per cent [E9]."))
    first = engine.ask(INTEGRITY_Q, force=CAMBS, mode="llm")
    assert_offline_fallback(first, offline)
    assert first.dropped_citations == 1 and first.unsupported_sentences == 1
    assert "could not be checked" in (first.notice or "")

    shown = evidence_sent(server)
    assert "E1" in shown and "E9" not in shown
    scripted = reply_json(f"The inspector said: {shown['E1']} [E1]")
    server.script(scripted)
    second = engine.ask(INTEGRITY_Q, force=CAMBS, mode="llm")
    assert second.mode == "llm" and not second.abstained and second.notice is None
    (citation,) = second.citations
    assert citation.n == 1 and citation.verified and citation.force == CAMBS
    assert citation.quote == shown["E1"] and second.dropped_citations == 0  # the whole sentence
    assert_verbatim(engine, citation)
    assert second.usage.completion_tokens > 0  # the fake server's usage block
    event = engine.audit.recent(1)[0]
    assert event["mode"] == "llm" and event["raw_reply"] == scripted
    assert f"E1 ({CAMBS}): " in (event["prompt"] or "")


@pytest.mark.server
def test_llm_claim_its_evidence_does_not_hold_falls_back(
    llm: tuple[FakeOpenAIServer, Engine],
) -> None:
    server, engine = llm
    offline = engine.ask(INTEGRITY_Q, force=CAMBS, mode="offline")
    server.script(reply_json(f"{FABRICATED} [E1]."))
    answer = engine.ask(INTEGRITY_Q, force=CAMBS, mode="llm")
    assert_offline_fallback(answer, offline)
    assert answer.unsupported_sentences == 1
    assert FABRICATED not in answer.answer


@pytest.mark.server
def test_llm_cannot_answer_abstains(llm: tuple[FakeOpenAIServer, Engine]) -> None:
    server, engine = llm
    server.script(CANNOT_ANSWER)
    question = "What is the chief constable's salary?"  # the offline engine abstains too
    answer = engine.ask(question, force=CAMBS, mode="llm")
    assert answer.abstained and answer.mode == "llm"
    assert answer.answer == CANNOT_ANSWER and answer.citations == []
    assert answer.notice is None


@pytest.mark.server
def test_llm_server_error_falls_back_with_a_notice(llm: tuple[FakeOpenAIServer, Engine]) -> None:
    server, engine = llm
    offline = engine.ask(INTEGRITY_Q, force=CAMBS, mode="offline")
    server.script(*[FakeReply(status=500, headers={"retry-after-ms": "10"})] * 3)
    answer = engine.ask(INTEGRITY_Q, force=CAMBS, mode="llm")
    assert_offline_fallback(answer, offline)
    notice = answer.notice or ""
    assert "500" in notice and "offline answer" in notice
    assert len(server.chat_requests) == 1  # llm_max_retries=0
    assert not answer.abstained and answer.citations


@pytest.mark.server
def test_llm_one_supported_one_unsupported_sentence(llm: tuple[FakeOpenAIServer, Engine]) -> None:
    server, engine = llm
    server.script(reply_json("Placeholder."))
    engine.ask(INTEGRITY_Q, force=CAMBS, mode="llm")
    good = evidence_sent(server)["E1"]
    server.script(reply_json(f"{good} [E1]. {FABRICATED} [E2]."))
    answer = engine.ask(INTEGRITY_Q, force=CAMBS, mode="llm")
    assert answer.mode == "llm" and not answer.abstained and answer.notice is None
    (citation,) = answer.citations
    assert citation.n == 1 and citation.quote == good
    assert answer.dropped_citations == 1 and answer.unsupported_sentences == 1
    assert answer.answer == f"{good.rstrip('.')} [1]."
    assert FABRICATED not in answer.answer and "[2]" not in answer.answer
    assert_verbatim(engine, citation)


@pytest.mark.server
def test_llm_is_shown_the_stated_grade_the_offline_engine_answers_from(
    llm: tuple[FakeOpenAIServer, Engine],
) -> None:
    server, engine = llm
    question = "Which forces were graded inadequate at protecting vulnerable people?"
    offline = engine.ask(question, mode="offline")
    (quote,) = [c.quote for c in offline.citations]
    server.script(reply_json(f"Borsetshire Constabulary: {quote} [E1]"))
    answer = engine.ask(question, mode="llm")
    assert evidence_sent(server)["E1"] == quote  # a judgement read from all its documents
    assert answer.mode == "llm" and [c.quote for c in answer.citations] == [quote]
    assert_verbatim(engine, answer.citations[0])


def test_a_follow_up_whose_history_holds_a_question_too_long_is_refused(engine: Engine) -> None:
    history = [
        {"role": "user", "content": "What about" + " " * 5_000 + "vetting?"},
        {"role": "assistant", "content": "Wessex Constabulary: “The force vets well.” [1]"},
    ]
    with pytest.raises(RagError, match="earlier question in the history.*RAG_MAX_QUESTION_CHARS"):
        engine.ask("And their integrity?", history=history, mode="offline")
