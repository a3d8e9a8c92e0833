"""The benchmarks run end to end in quick mode and write valid JSON. A smoke test only:
no figure is checked against a target here (timings belong to `make bench`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT


@pytest.mark.slow
def test_every_benchmark_runs_in_quick_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAG_BENCH_RESULTS", str(tmp_path))
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run_all.py"), "--quick", "--jobs", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert set(summary["benchmarks"]) == {"ingest", "query", "scale", "llm_cost", "app", "pdf"}
    for name in summary["benchmarks"]:
        results = json.loads((tmp_path / f"{name}.json").read_text())
        assert results["quick"] is True and results["targets"]
        for row in results["targets"]:
            assert {"name", "value", "op", "goal", "pass"} <= set(row)
    query = json.loads((tmp_path / "query.json").read_text())
    assert set(query["sizes"]) == {"150", "300"}
    assert all(s["chunks"] > 0 for s in query["sizes"].values())
    ingest = json.loads((tmp_path / "ingest.json").read_text())
    assert ingest["reingest_embedded_chunks"] == 0 and ingest["chunks"] > 0
