"""The CI gate: the offline engine on the reference set (the shipped transcript and six
fictional ones) and the briefing set, in a temporary index, must stay within the bounds
in evals/floors.json (measured figures minus a small margin; the file says why each).
This is the one gate; `rag eval --check` applies the same floors."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.answer.citations import normalise
from rag.core.settings import load_settings
from rag.documents.loading import read_text
from rag.evaluation.charts import CHART_FILES
from rag.evaluation.data import DEFAULT_CORPUS, DEFAULT_DATASET, corpus_files, load_cases
from rag.evaluation.gate import DEFAULT_FLOORS, check_floors, load_floors
from rag.evaluation.records import METRICS, EvalRun
from rag.evaluation.report import load_run, write_report
from rag.evaluation.suite import run_suite
from tests.support import ROOT

BASELINE = ROOT / "evals" / "baseline" / "offline"
TIME_LIMIT_S = 120  # the issue: the offline reference run in under 2 minutes


@pytest.fixture(scope="module")
def offline_run(tmp_path_factory: pytest.TempPathFactory) -> EvalRun:
    home = tmp_path_factory.mktemp("eval-home")
    user_index = home / "user-index"
    settings = load_settings(index_dir=user_index, _env_file=None)
    assert not settings.llm_configured
    run = run_suite(settings, mode="offline")
    assert not user_index.exists(), "the evaluation must never touch the user's index"
    return run


@pytest.mark.slow
def test_offline_run_is_within_every_floor(offline_run: EvalRun) -> None:
    failures = check_floors(offline_run, load_floors())
    assert not failures, "\n".join(
        f"{f.metric} = {f.value} needs {f.bound} ({f.why})" for f in failures
    )


@pytest.mark.slow
def test_offline_run_covers_the_reference_set_in_time(offline_run: EvalRun) -> None:
    meta = offline_run.meta
    assert meta.mode == "offline" and meta.judge_model is None
    assert meta.cases == len(offline_run.cases) >= 80
    assert meta.unanswerable >= 15
    assert len(offline_run.briefings) >= 12  # issue 15: at least 12 forces, several genres
    assert meta.elapsed_s < TIME_LIMIT_S
    # every LLM-free metric has a figure; judged ones are absent without an LLM
    missing = [n for n in METRICS if offline_run.metrics.get(n) is None]
    assert missing == ["faithfulness", "relevance"]


@pytest.mark.slow
def test_every_citation_is_verbatim_in_the_corpus(offline_run: EvalRun) -> None:
    # as the documents were read at ingest (an HTML page's text, not its markup)
    texts = [normalise(read_text(p, 10_000_000)) for p in corpus_files(DEFAULT_CORPUS).values()]
    quotes = [q for case in offline_run.cases for q in case.citations]
    assert quotes
    for quote in quotes:
        assert any(normalise(quote) in text for text in texts), quote


@pytest.mark.slow
def test_report_round_trips(offline_run: EvalRun, tmp_path: Path) -> None:
    paths = write_report(offline_run, tmp_path, baseline=load_run(BASELINE))
    assert {p.name for p in paths} == {"results.json", "report.md", *CHART_FILES}
    for chart in CHART_FILES:
        assert (tmp_path / chart).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert load_run(tmp_path) == offline_run
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    for name in METRICS:
        assert f"| {name} |" in report
    assert f"## Failed cases ({len(offline_run.failures())} of {offline_run.meta.cases})" in report


def test_committed_baseline_is_current_and_floors_come_from_it() -> None:
    baseline = load_run(BASELINE)
    import hashlib

    assert (
        baseline.meta.dataset_sha256 == hashlib.sha256(DEFAULT_DATASET.read_bytes()).hexdigest()
    ), "the dataset changed: re-run `rag eval --mode offline --out evals/baseline/offline`"
    assert baseline.meta.mode == "offline"
    floors = load_floors(DEFAULT_FLOORS)
    assert not check_floors(baseline, floors)
    for name, bound in floors.floors.items():
        assert bound.why.startswith("measured"), name
        if bound.min is not None:  # a floor sits a little under the measured figure
            measured = baseline.metrics[name]
            assert measured is not None and measured - 0.05 <= bound.min <= measured, name


def test_the_evals_folder_links_to_the_shipped_data() -> None:
    # a copy in evals/ would be edited while the gate reads the package's file (it was:
    # evals/floors.json became a file in stop 31, and the gate kept stop 31's floors)
    shipped = DEFAULT_FLOORS.parent
    for name in ("datasets", "corpus", "baseline", "floors.json"):
        link = ROOT / "evals" / name
        assert link.is_symlink() and link.resolve() == (shipped / name).resolve(), name


@pytest.mark.slow
def test_every_correct_answer_cites_the_page_its_quote_is_on(offline_run: EvalRun) -> None:
    """A PDF gold passage says the page it is printed on: a correct answer citing it
    (a quote holding it, or held in it, compared normalised) names that page."""
    golds = {c.id: [g for g in c.gold_passages if g.page] for c in load_cases(DEFAULT_DATASET)}
    checked, wrong = 0, []
    for record in offline_run.cases:
        if not record.passed:
            continue
        assert len(record.cited_pages) == len(record.citations)
        for quote, page in zip(record.citations, record.cited_pages, strict=True):
            for gold in golds[record.id]:
                cited, printed = normalise(quote), normalise(gold.quote)
                if cited in printed or printed in cited:
                    checked += 1
                    if page != gold.page:
                        wrong.append(f"{record.id}: page {page}, printed on {gold.page}")
    assert checked >= 10, checked  # the long PDF report's correct answers are checked
    assert not wrong, wrong
