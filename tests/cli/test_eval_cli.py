"""`rag eval` through typer's runner: a real (small) run, the gate's exit codes, bad input,
and `--compare` of two saved runs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.cli.main import app
from rag.core.settings import get_settings
from rag.evaluation.records import CaseRecord, EvalRun, RunMeta, summarise
from tests.support import ROOT

runner = CliRunner()


@pytest.fixture
def user_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The user's index directory: `rag eval` must never create or touch it."""
    monkeypatch.chdir(tmp_path)
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "RAG_CHROMA_URL"):
        monkeypatch.delenv(var, raising=False)
    index = tmp_path / "user-index"
    monkeypatch.setenv("RAG_INDEX_DIR", str(index))
    get_settings.cache_clear()
    yield index
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _small_dataset(tmp_path: Path) -> Path:
    lines = (ROOT / "evals" / "datasets" / "reference.jsonl").read_text(encoding="utf-8")
    chosen = [
        line
        for line in lines.splitlines()
        if json.loads(line)["id"] in {"cam-003", "cam-027", "ooc-001", "bor-006"}
    ]
    path = tmp_path / "small.jsonl"
    path.write_text("\n".join(chosen) + "\n", encoding="utf-8")
    return path


def _floors(path: Path, bound: float) -> Path:
    path.write_text(json.dumps({"floors": {"accuracy": {"min": bound, "why": "test"}}}))
    return path


@pytest.mark.slow
def test_eval_prints_the_table_writes_the_report_and_gates(
    user_index: Path, tmp_path: Path
) -> None:
    dataset = _small_dataset(tmp_path)
    code, stdout, _ = run(
        "eval",
        "--dataset",
        str(dataset),
        "--out",
        str(tmp_path / "run"),
        "--floors",
        str(_floors(tmp_path / "low.json", 0.1)),
    )
    assert code == 0, stdout
    for label in (
        "Accuracy",
        "Recall@5",
        "MRR",
        "Abstention precision",
        "Briefing coverage",
        "Latency p95",
        "Tokens per answer",
        "Faithfulness (judged)",
    ):
        assert label in stdout
    assert "4 cases, offline mode" in stdout and "Gate passed" in stdout
    assert {p.name for p in (tmp_path / "run").iterdir()} >= {
        "results.json",
        "report.md",
        "metrics.png",
        "by_kind.png",
    }
    assert not user_index.exists()

    # the same run gated by an impossible floor: exit 1, the failure on stderr, JSON on stdout
    code, stdout, stderr = run(
        "eval",
        "--dataset",
        str(dataset),
        "--out",
        str(tmp_path / "run2"),
        "--json",
        "--floors",
        str(_floors(tmp_path / "high.json", 1.01)),
    )
    assert code == 1
    payload = json.loads(stdout)
    assert payload["gate"]["passed"] is False
    assert payload["gate"]["failures"][0]["metric"] == "accuracy"
    assert payload["meta"]["cases"] == 4 and payload["metrics"]["accuracy"] is not None
    assert payload["baseline"] is None  # a different dataset than the committed baseline's
    assert (tmp_path / "run2" / "results.json").is_file()

    # and the two saved runs compare as unchanged
    code, stdout, _ = run("eval", "--compare", str(tmp_path / "run"), str(tmp_path / "run2"))
    assert code == 0 and "no case changed" in stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("eval", "--dataset", "no-such.jsonl"), "no-such.jsonl does not exist"),
        (("eval", "--floors", "no-floors.json"), "Cannot read floors file no-floors.json"),
        (("eval", "--compare", "a-run", "b-run"), "No evaluation run at a-run"),
        (("eval", "--baseline", "nothing-here"), "No evaluation run at nothing-here"),
        (("eval", "--mode", "llm"), "LLM mode needs OPENAI_API_KEY"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    user_index: Path, args: tuple[str, ...], message: str
) -> None:
    code, stdout, stderr = run(*args)
    assert code == 2, (stdout, stderr)
    shown = " ".join(stderr.split())  # rich wraps long lines at the terminal's width
    assert message in shown and "Traceback" not in stderr + stdout
    assert shown.startswith("error: ") and shown.count("error:") == 1
    assert not user_index.exists()


def _saved_run(folder: Path, passed: dict[str, bool], answer: str) -> Path:
    records = [
        CaseRecord(
            id=i,
            question=f"Question {i}?",
            answerable=True,
            answer=f"{answer} {i}",
            abstained=False,
            passed=ok,
        )
        for i, ok in passed.items()
    ]
    meta = RunMeta(
        started_at="2026-01-01T00:00:00+00:00", mode="offline", dataset="d", dataset_sha256="s"
    )
    folder.mkdir()
    run_ = EvalRun(meta=meta, metrics=summarise(records), cases=records)
    (folder / "results.json").write_text(run_.model_dump_json(), encoding="utf-8")
    return folder


def test_compare_shows_metric_changes_and_flipped_cases(user_index: Path, tmp_path: Path) -> None:
    a = _saved_run(tmp_path / "a", {"c1": True, "c2": False, "c3": True}, "old")
    b = _saved_run(tmp_path / "b", {"c1": False, "c2": True, "c3": True}, "new")
    code, stdout, _ = run("eval", "--compare", str(a), str(b))
    assert code == 0
    assert "1 broken, 1 fixed, 1 answer changed" in stdout
    assert "c1 broken: Question c1?" in stdout
    assert "A: old c1" in stdout and "B: new c1" in stdout

    code, stdout, _ = run("eval", "--compare", str(a), str(b / "results.json"), "--json")
    assert code == 0
    diff = json.loads(stdout)
    assert [c["id"] for c in diff["cases"]] == ["c1", "c2", "c3"]
    assert diff["cases"][0] == {
        "id": "c1",
        "question": "Question c1?",
        "change": "broken",
        "passed_a": True,
        "passed_b": False,
        "answer_a": "old c1",
        "answer_b": "new c1",
    }
    accuracy = next(m for m in diff["metrics"] if m["name"] == "accuracy")
    assert accuracy == {"name": "accuracy", "a": 0.6667, "b": 0.6667, "delta": 0.0, "better": None}
