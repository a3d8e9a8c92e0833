"""Evaluation metrics, records, comparisons, floors and datasets: known inputs give known
scores (hand-computed in the comments). The per-metric functions of rag.evaluation.metrics that
answers use are tested in test_citations_metrics.py; this file covers briefing coverage
and everything built on top."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rag.core.errors import ConfigError
from rag.core.types import Answer, Citation, Usage
from rag.documents.loading import read_text
from rag.evaluation import metrics
from rag.evaluation.data import (
    DEFAULT_BRIEFINGS,
    DEFAULT_CORPUS,
    DEFAULT_DATASET,
    KINDS,
    BadDataset,
    EvalCase,
    check_against_corpus,
    corpus_files,
    load_briefings,
    load_cases,
)
from rag.evaluation.gate import Bound, Floors, check_floors, load_floors
from rag.evaluation.records import (
    BriefingRecord,
    CaseRecord,
    CaseResult,
    EvalRun,
    RunMeta,
    summarise,
    tag_metrics,
)
from rag.evaluation.report import BadRunFile, compare_runs, load_run, markdown_report

EVIDENCE = "The force has a backlog of 1,200 digital devices waiting to be examined"

# --- briefing coverage ------------------------------------------------------------------


def test_finding_covered_by_a_citation_or_the_text() -> None:
    cited = ["The force has a backlog of 1,200 digital devices waiting to be examined."]
    assert metrics.finding_covered(EVIDENCE, cited)
    assert metrics.finding_covered(EVIDENCE, [], f"Concern: “{EVIDENCE.upper()}” [3]")
    assert not metrics.finding_covered(EVIDENCE, ["The budget is balanced in every year."])
    assert not metrics.finding_covered(EVIDENCE, [], "")


def test_briefing_coverage() -> None:
    evidence = [EVIDENCE, "All of its officers and staff hold up-to-date vetting.", "x y z w"]
    quotes = ["all of its officers and staff hold up-to-date vetting"]
    text = f"… {EVIDENCE} …"
    # evidence 0 via the text, 1 via a quote, 2 nowhere
    assert metrics.briefing_coverage(evidence, quotes, text) == pytest.approx(2 / 3)
    assert metrics.briefing_coverage(evidence, [], "") == 0.0
    assert metrics.briefing_coverage([], quotes, text) is None


# --- one case's record --------------------------------------------------------------------

GOLD = "The force answers 999 calls within 14 minutes in urban areas."


def _case(**changes: object) -> EvalCase:
    base = {
        "id": "t-1",
        "question": "How quickly does it answer emergencies?",
        "reference_answer": "Within 14 minutes in urban areas.",
        "key_facts": ["14 minutes", "urban"],
        "gold_passages": [{"source": "a.txt", "quote": GOLD}],
        "tags": ["theme:demand", "kind:number"],
    }
    return EvalCase.model_validate({**base, **changes})


def _answer(text: str, quotes: list[str], abstained: bool = False, **extra: object) -> Answer:
    citations = [
        Citation(n=i, document_id="d", source="a.txt", force="F", paragraph=1, quote=q)
        for i, q in enumerate(quotes, start=1)
    ]
    return Answer(
        question="q",
        answer=text,
        abstained=abstained,
        mode="offline",
        citations=citations,
        **extra,  # type: ignore[arg-type]
    )


def test_record_scores_an_answer() -> None:
    answer = _answer(
        "“The force answers 999 calls within 14 minutes in urban areas.” [1]",
        [GOLD, "Rural response is slower than it should be."],
        latency_ms=12.5,
        usage=Usage(prompt_tokens=100, completion_tokens=20),
    )
    passages = ["Rural response is slower.", f"Intro. {GOLD} More."]
    record = CaseResult(_case(), answer, passages).record()
    assert record.passed
    assert record.key_fact_recall == 1.0
    assert record.citation_precision == 0.5  # one of two quotes supports the gold
    assert record.citation_recall == 1.0
    assert record.gold_ranks == [2]
    assert (record.recall_at_1, record.recall_at_5, record.mrr) == (0.0, 1.0, 0.5)
    assert record.latency_ms == 12.5 and record.llm_tokens == 120
    assert record.answer_tokens > 10  # real tiktoken count of the answer text


def test_record_pass_rules() -> None:
    half = _answer("Within 14 minutes.", [])  # 1 of 2 key facts: exactly the bar
    assert CaseResult(_case(), half, []).record().passed
    none = _answer("Quickly.", [])
    assert not CaseResult(_case(), none, []).record().passed
    declined = _answer("The documents do not say.", [], abstained=True)
    assert not CaseResult(_case(), declined, []).record().passed
    unanswerable = _case(answerable=False, gold_passages=[], key_facts=[])
    record = CaseResult(unanswerable, declined, []).record()
    assert record.passed and record.key_fact_recall is None and record.citation_recall is None
    assert not CaseResult(unanswerable, half, []).record().passed


# --- summaries ----------------------------------------------------------------------------


def _record(case_id: str, passed: bool, answerable: bool = True, **scores: object) -> CaseRecord:
    return CaseRecord(
        id=case_id,
        question=f"question {case_id}",
        answerable=answerable,
        answer=f"answer {case_id}",
        abstained=scores.pop("abstained", False),  # type: ignore[arg-type]
        passed=passed,
        tags=scores.pop("tags", []),  # type: ignore[arg-type]
        **scores,  # type: ignore[arg-type]
    )


RECORDS = [
    _record(
        "a",
        True,
        key_fact_recall=1.0,
        recall_at_5=1.0,
        latency_ms=10,
        answer_tokens=30,
        tags=["kind:fact"],
    ),
    _record(
        "b",
        False,
        key_fact_recall=0.0,
        recall_at_5=0.5,
        latency_ms=30,
        answer_tokens=10,
        tags=["kind:fact"],
    ),
    _record(
        "c",
        True,
        answerable=False,
        abstained=True,
        latency_ms=20,
        answer_tokens=5,
        tags=["kind:unanswerable"],
    ),
    _record(
        "d",
        False,
        key_fact_recall=None,
        abstained=True,
        latency_ms=40,
        answer_tokens=5,
        tags=["kind:number"],
    ),
]


def test_summarise_known_figures() -> None:
    briefings = [
        BriefingRecord(force="A", coverage=0.5, findings=[], covered=[], paragraph=""),
        BriefingRecord(force="B", coverage=1.0, findings=[], covered=[], paragraph=""),
    ]
    summary = summarise(RECORDS, briefings)
    assert summary["accuracy"] == 0.5  # a and c of four
    assert summary["answer_accuracy"] == pytest.approx(0.3333)  # a of a, b, d
    assert summary["key_fact_recall"] == 0.5  # mean of 1.0 and 0.0; d has none
    assert summary["recall_at_5"] == 0.75
    # abstained: c (unanswerable), d (answerable): precision 1/2, recall 1/1
    assert summary["abstention_precision"] == 0.5
    assert summary["abstention_recall"] == 1.0
    assert summary["abstention_accuracy"] == 0.75
    assert summary["briefing_coverage"] == 0.75
    assert summary["latency_p50_ms"] == 20.0  # nearest rank 2 of 10, 20, 30, 40
    assert summary["latency_p95_ms"] == 40.0
    assert summary["tokens_per_answer"] == 12.5
    assert summary["faithfulness"] is None and summary["relevance"] is None
    assert summary["model_answer_share"] == 0.0 and summary["unsupported_per_answer"] == 0.0


def test_model_answer_share_and_unsupported_sentences() -> None:
    """LLM mode: how many answers the model gave (not the offline fallback), and how many of
    its sentences the support check removed."""
    by_model = _answer("Within 14 minutes [1].", [GOLD]).model_copy(
        update={"mode": "llm", "unsupported_sentences": 2}
    )
    fallback = _answer("Within 14 minutes.", [], notice="the model failed")
    records = [CaseResult(_case(), a, []).record() for a in (by_model, fallback)]
    pairs = [(r.answered_by, r.unsupported_sentences) for r in records]
    assert pairs == [("llm", 2), ("offline", 0)]
    summary = summarise(records)
    assert summary["model_answer_share"] == 0.5 and summary["unsupported_per_answer"] == 1.0


def test_tag_metrics() -> None:
    tags = tag_metrics(RECORDS)
    assert list(tags) == ["kind:fact", "kind:number", "kind:unanswerable"]
    assert tags["kind:fact"]["cases"] == 2.0
    assert tags["kind:fact"]["accuracy"] == 0.5
    assert tags["kind:fact"]["recall_at_5"] == 0.75
    assert tags["kind:unanswerable"]["accuracy"] == 1.0
    assert tags["kind:unanswerable"]["key_fact_recall"] is None


# --- comparing runs ---------------------------------------------------------------------


def _run(records: list[CaseRecord], sha: str = "same", **figures: float | None) -> EvalRun:
    meta = RunMeta(
        started_at="2026-01-01T00:00:00+00:00", mode="offline", dataset="d", dataset_sha256=sha
    )
    return EvalRun(meta=meta, metrics={**summarise(records), **figures}, cases=records)


def test_compare_runs_case_by_case() -> None:
    a = _run([_record("x", True), _record("y", False), _record("z", True), _record("old", True)])
    b_records = [_record("x", False), _record("y", True), _record("z", True), _record("new", True)]
    b_records[2].answer = "a different answer"
    b = _run(b_records)
    diff = compare_runs(a, b)
    assert [(c.id, c.change) for c in diff.cases] == [
        ("x", "broken"),
        ("y", "fixed"),
        ("z", "answer changed"),
        ("old", "only in A"),
        ("new", "only in B"),
    ]
    broken = diff.broken[0]
    assert (broken.question, broken.passed_a, broken.passed_b) == ("question x", True, False)
    assert diff.same_dataset
    assert not compare_runs(a, _run(b_records, sha="other")).same_dataset


def test_compare_runs_metric_direction() -> None:
    a = _run([_record("x", True)], latency_p95_ms=100.0, accuracy=0.5, faithfulness=0.5)
    b = _run([_record("x", True)], latency_p95_ms=50.0, accuracy=0.25)
    deltas = {d.name: d for d in compare_runs(a, b).metrics}
    assert deltas["latency_p95_ms"].delta == -50.0 and deltas["latency_p95_ms"].better is True
    assert deltas["accuracy"].delta == -0.25 and deltas["accuracy"].better is False
    # in one run only: no delta, no verdict; in neither: not listed
    assert (deltas["faithfulness"].delta, deltas["faithfulness"].better) == (None, None)
    assert "token_f1" not in deltas


def test_report_lists_failures_with_reasons() -> None:
    records = [
        _record("ok", True),
        _record("miss", False, key_fact_recall=0.0),
        _record("silent", False, abstained=True),
        _record("made-up", False, answerable=False),
    ]
    report = markdown_report(_run(records))
    assert "## Failed cases (3 of 4)" in report
    assert "| miss |  | missing key facts (recall 0.00) |" in report
    assert "declined an answerable question" in report
    assert "answered an unanswerable question" in report
    assert "not judged (no LLM configured)" in report


# --- loading runs -------------------------------------------------------------------------


def test_load_run_round_trip_and_errors(tmp_path: Path) -> None:
    run = _run([_record("x", True)])
    (tmp_path / "results.json").write_text(run.model_dump_json(), encoding="utf-8")
    assert load_run(tmp_path) == run
    with pytest.raises(BadRunFile, match="No evaluation run at"):
        load_run(tmp_path / "nowhere")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(BadRunFile, match=r"Cannot read evaluation run .*bad\.json"):
        load_run(bad)
    bad.write_text(json.dumps({"meta": {"version": 99}}), encoding="utf-8")
    with pytest.raises(BadRunFile, match="version 99"):
        load_run(bad)


# --- floors -------------------------------------------------------------------------------


def test_check_floors_min_max_and_missing() -> None:
    run = _run([_record("x", True)], latency_p95_ms=300.0)
    floors = Floors(
        floors={
            "accuracy": Bound(min=0.9, why="w"),  # 1.0: passes
            "latency_p95_ms": Bound(max=200, why="w"),  # 300: fails
            "faithfulness": Bound(min=0.1, why="w"),  # None: fails, never passes by absence
        }
    )
    failures = {f.metric: f for f in check_floors(run, floors)}
    assert set(failures) == {"latency_p95_ms", "faithfulness"}
    assert failures["latency_p95_ms"].bound == "<= 200.0"
    assert failures["faithfulness"].value is None


def test_load_floors_errors(tmp_path: Path) -> None:
    path = tmp_path / "floors.json"
    path.write_text(json.dumps({"floors": {"accuracy": {"min": 1, "max": 2, "why": "w"}}}))
    with pytest.raises(ConfigError, match="exactly one of min and max"):
        load_floors(path)
    path.write_text(json.dumps({"floors": {"speed": {"min": 1, "why": "w"}}}))
    with pytest.raises(ConfigError, match="unknown metrics: speed"):
        load_floors(path)
    with pytest.raises(ConfigError, match="Cannot read floors file"):
        load_floors(tmp_path / "missing.json")


# --- datasets -----------------------------------------------------------------------------


def _jsonl(path: Path, *rows: dict[str, object]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_load_cases_names_the_file_and_line(tmp_path: Path) -> None:
    good = {"id": "a", "question": "q?", "key_facts": ["k"]}
    with pytest.raises(BadDataset, match=r"missing\.jsonl does not exist"):
        load_cases(tmp_path / "missing.jsonl")
    path = _jsonl(tmp_path / "d.jsonl", good, good)
    with pytest.raises(BadDataset, match=r"d\.jsonl:2 \(a\): id already used on line 1"):
        load_cases(path)
    path.write_text(json.dumps(good) + "\n{broken\n", encoding="utf-8")
    with pytest.raises(BadDataset, match=r"d\.jsonl:2: not a valid EvalCase"):
        load_cases(path)
    bad = {
        "id": "b",
        "question": "q",
        "answerable": False,
        "gold_passages": [{"source": "s.txt", "quote": "words"}],
    }
    with pytest.raises(BadDataset, match="unanswerable case cannot have gold"):
        load_cases(_jsonl(path, bad))
    with pytest.raises(BadDataset, match="unknown tag kind:opinion"):
        load_cases(_jsonl(path, {**good, "tags": ["kind:opinion"]}))
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(BadDataset, match="has no cases"):
        load_cases(tmp_path / "empty.jsonl")


def test_check_against_corpus_catches_drift(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("The force’s budget is balanced this year.", encoding="utf-8")
    ok = EvalCase(
        id="a",
        question="q",
        key_facts=["k"],
        gold_passages=[{"source": "a.txt", "quote": "the force's budget is balanced"}],
    )
    check_against_corpus(tmp_path / "d.jsonl", [ok], [], [corpus], 10**6)  # normalised match
    drifted = EvalCase.model_validate(
        {**ok.model_dump(), "gold_passages": [{"source": "a.txt", "quote": "in deficit"}]}
    )
    with pytest.raises(BadDataset, match="gold quote not found in a.txt"):
        check_against_corpus(tmp_path / "d.jsonl", [drifted], [], [corpus], 10**6)
    elsewhere = EvalCase.model_validate(
        {**ok.model_dump(), "gold_passages": [{"source": "b.txt", "quote": "x"}]}
    )
    with pytest.raises(BadDataset, match="cites b.txt, which is not in the evaluation corpus"):
        check_against_corpus(tmp_path / "d.jsonl", [elsewhere], [], [corpus], 10**6)
    with pytest.raises(BadDataset, match="does not exist"):
        check_against_corpus(tmp_path / "d.jsonl", [ok], [], [tmp_path / "nope"], 10**6)


def _file_text(path: Path) -> str:
    if path.suffix.lower() == ".pdf":  # the text the project's PDF reader extracts
        return read_text(path, 10_000_000)
    if path.suffix.lower() == ".md":  # the file, and its tables as read: one line per row
        return path.read_text(encoding="utf-8") + "\n\n" + read_text(path, 10_000_000)
    return path.read_text(encoding="utf-8")


def test_shipped_datasets_meet_the_issue() -> None:
    cases = load_cases(DEFAULT_DATASET)
    briefings = load_briefings(DEFAULT_BRIEFINGS)
    files = corpus_files(DEFAULT_CORPUS)
    # the quotes are exact (byte for byte) substrings of their source files (a PDF's:
    # of the text the PDF reader extracts: one line per table row, headers dropped)
    texts = {name: _file_text(path) for name, path in files.items()}
    for case in cases:
        for gold in case.gold_passages:
            assert gold.quote in texts[gold.source], (case.id, gold.quote)
        themes = [t for t in case.tags if t.startswith("theme:")]
        assert len(themes) == 1 and case.kind in KINDS, case.id
        assert (case.kind == "follow-up") == bool(case.history), case.id
        assert (case.kind == "unanswerable") == (not case.answerable), case.id
        assert case.answerable == bool(case.gold_passages) == bool(case.key_facts), case.id
    kinds = {k: sum(c.kind == k for c in cases) for k in KINDS}
    assert all(kinds[k] >= 5 for k in KINDS), kinds
    # issue 13: at least 220 cases over 12 documents in 4 genres, 70 unanswerable of which
    # 40 are topical traps, and a held-out split that tuning never looks at
    assert len(cases) >= 220 and kinds["unanswerable"] >= 70
    assert sum("trap:topical" in c.tags for c in cases) >= 40
    for case in cases:
        splits = [t for t in case.tags if t.startswith("split:")]
        genres = [t for t in case.tags if t.startswith("genre:")]
        assert splits in (["split:dev"], ["split:held-out"]) and len(genres) == 1, case.id
        assert "trap:topical" not in case.tags or not case.answerable, case.id
    # the held-out cases were written by another hand and never read by the tuner
    held_out = [c for c in cases if "split:held-out" in c.tags]
    assert len(held_out) >= 25 and sum(not c.answerable for c in held_out) >= 10
    assert len({t for c in cases for t in c.tags if t.startswith("genre:")}) >= 4
    cited = {g.source for c in cases for g in c.gold_passages}
    assert len(cited) >= 12, cited
    fictional = [p for p in files.values() if "fictional" in p.name]
    assert len(fictional) >= 12
    for path in fictional:
        # a marker line near the end (an HTML page closes its tags after it)
        tail = _file_text(path).rstrip()[-400:]
        assert re.search(
            r"\[FICTIONAL: this (?:transcript|document) is invented for testing and describes "
            r"no real police force\.\]",
            tail,
        ), path.name
    assert {b.force for b in briefings} >= {
        "Cambridgeshire Constabulary",
        "Wessex Constabulary",
        "Borsetshire Constabulary",
        "Loamshire Police",
        "Midsomer Constabulary",
        "Barsetshire Police",
        "Glebeshire Constabulary",
    }
    for briefing in briefings:
        assert 4 <= len(briefing.required_findings) <= 7
        for finding in briefing.required_findings:
            assert any(finding.evidence in text for text in texts.values()), finding.evidence
