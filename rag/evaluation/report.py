"""Saving, loading and comparing evaluation runs: results.json, report.md, PNG charts.

The library API the CLI and the app's evaluation page call::

    paths = write_report(run, out_dir, baseline=None)   # results.json, report.md, *.png
    run = load_run(path)                                # a results.json or a run directory
    base = default_baseline("offline")                  # the committed baseline's path
    diff = compare_runs(run_a, run_b)                   # metric deltas, case-by-case changes
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from rag.core.errors import ConfigError
from rag.evaluation.charts import write_charts
from rag.evaluation.data import SHIPPED
from rag.evaluation.records import METRICS, RESULTS_VERSION, CaseRecord, EvalRun, dump_run

BASELINE_DIR = SHIPPED / "baseline"  # the committed runs, one folder per mode
RESULTS_FILE = "results.json"
REPORT_FILE = "report.md"
_TAG_COLUMNS = ("accuracy", "key_fact_recall", "token_f1", "citation_precision", "recall_at_5")


class BadRunFile(ConfigError):
    """A saved run cannot be read; the message names the file."""


# --- saving and loading ----------------------------------------------------------------


def load_run(path: Path) -> EvalRun:
    """A run saved by :func:`write_report`: its results.json, or the directory holding it."""
    file = path / RESULTS_FILE if path.is_dir() else path
    if not file.is_file():
        raise BadRunFile(f"No evaluation run at {path} (expected {RESULTS_FILE} or its folder).")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRunFile(f"Cannot read evaluation run {file}: {exc}") from None
    version = data.get("meta", {}).get("version") if isinstance(data, dict) else None
    if version != RESULTS_VERSION:
        raise BadRunFile(
            f"{file} is not a results file of this version (version {version!r}, "
            f"expected {RESULTS_VERSION}); run `rag eval` again."
        )
    try:
        return EvalRun.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise BadRunFile(f"{file} is not a valid results file ({where}: {first['msg']}).") from None


def default_baseline(mode: str) -> Path | None:
    """The committed baseline run of ``mode`` (evals/baseline/MODE/results.json), if any."""
    path = BASELINE_DIR / mode / RESULTS_FILE
    return path if path.is_file() else None


def write_report(run: EvalRun, out_dir: Path, baseline: EvalRun | None = None) -> list[Path]:
    """Write results.json, report.md and the PNG charts into ``out_dir``; returns the paths.
    With a ``baseline``, the report and the metrics chart show it beside this run."""
    out_dir.mkdir(parents=True, exist_ok=True)
    results = out_dir / RESULTS_FILE
    results.write_text(
        json.dumps(dump_run(run), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    charts = write_charts(run, out_dir, baseline)
    report = out_dir / REPORT_FILE
    report.write_text(markdown_report(run, baseline, [c.name for c in charts]), encoding="utf-8")
    return [results, report, *charts]


# --- comparing ---------------------------------------------------------------------------


class MetricDelta(BaseModel):
    name: str
    a: float | None
    b: float | None
    delta: float | None
    better: bool | None  # None: no change, or a figure missing on one side


class CaseChange(BaseModel):
    id: str
    question: str
    change: Literal["fixed", "broken", "answer changed", "only in A", "only in B"]
    passed_a: bool | None
    passed_b: bool | None
    answer_a: str | None
    answer_b: str | None


class RunComparison(BaseModel):
    """What changed from run A to run B."""

    label_a: str
    label_b: str
    same_dataset: bool
    metrics: list[MetricDelta]
    cases: list[CaseChange]

    @property
    def fixed(self) -> list[CaseChange]:
        return [c for c in self.cases if c.change == "fixed"]

    @property
    def broken(self) -> list[CaseChange]:
        return [c for c in self.cases if c.change == "broken"]


def metric_deltas(a: EvalRun, b: EvalRun) -> list[MetricDelta]:
    rows = []
    for name in [*METRICS, *(k for k in {**a.metrics, **b.metrics} if k not in METRICS)]:
        va, vb = a.metrics.get(name), b.metrics.get(name)
        if va is None and vb is None:
            continue
        delta = round(vb - va, 4) if va is not None and vb is not None else None
        higher = METRICS[name].higher_is_better if name in METRICS else True
        better = None if not delta else (delta > 0) == higher
        rows.append(MetricDelta(name=name, a=va, b=vb, delta=delta, better=better))
    return rows


def case_changes(a: Sequence[CaseRecord], b: Sequence[CaseRecord]) -> list[CaseChange]:
    """Cases that flipped pass/fail, whose answer changed, or that only one run has."""
    by_a, by_b = {c.id: c for c in a}, {c.id: c for c in b}
    changes = []
    for case_id in [*by_a, *(i for i in by_b if i not in by_a)]:
        ca, cb = by_a.get(case_id), by_b.get(case_id)
        if ca is not None and cb is not None:
            if ca.passed != cb.passed:
                change = "fixed" if cb.passed else "broken"
            elif ca.answer != cb.answer:
                change = "answer changed"
            else:
                continue
        else:
            change = "only in A" if cb is None else "only in B"
        either = ca or cb
        assert either is not None
        changes.append(
            CaseChange(
                id=case_id,
                question=either.question,
                change=change,  # type: ignore[arg-type]
                passed_a=ca.passed if ca else None,
                passed_b=cb.passed if cb else None,
                answer_a=ca.answer if ca else None,
                answer_b=cb.answer if cb else None,
            )
        )
    order = {"broken": 0, "fixed": 1, "answer changed": 2, "only in A": 3, "only in B": 4}
    return sorted(changes, key=lambda c: order[c.change])


def compare_runs(a: EvalRun, b: EvalRun, label_a: str = "A", label_b: str = "B") -> RunComparison:
    """Metric by metric and case by case, what changed from ``a`` to ``b``."""
    return RunComparison(
        label_a=label_a,
        label_b=label_b,
        same_dataset=a.meta.dataset_sha256 == b.meta.dataset_sha256,
        metrics=metric_deltas(a, b),
        cases=case_changes(a.cases, b.cases),
    )


# --- formatting --------------------------------------------------------------------------


def fmt(name: str, value: float | None) -> str:
    if value is None:
        return "n/a"
    unit = METRICS[name].unit if name in METRICS else ""
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "tokens":
        return f"{value:.1f}"
    return f"{value:.3f}"


def _cell(text: str, limit: int = 160) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def why_failed(case: CaseRecord) -> str:
    if not case.answerable:
        return "answered an unanswerable question"
    if case.abstained:
        return "declined an answerable question"
    return f"missing key facts (recall {case.key_fact_recall or 0:.2f})"


def markdown_report(
    run: EvalRun, baseline: EvalRun | None = None, charts: Sequence[str] = ()
) -> str:
    meta = run.meta
    judged = (
        f"judged by `{meta.judge_model}`" if meta.judge_model else "not judged (no LLM configured)"
    )
    lines = [
        f"# Evaluation report ({meta.mode} mode)",
        "",
        f"- Run at {meta.started_at}; {meta.cases} cases ({meta.answerable} answerable, "
        f"{meta.unanswerable} unanswerable) from `{meta.dataset}`; briefings from "
        f"`{meta.briefings or 'none'}`.",
        f"- Corpus: {', '.join(f'`{c}`' for c in meta.corpus)}; embeddings: {meta.embedding}; "
        f"chat model: {meta.chat_model or 'none (offline engine)'}; "
        f"RAG_OFFLINE_MIN_SCORE={meta.offline_min_score}.",
        f"- Faithfulness and relevance: {judged}.",
        f"- Took {meta.elapsed_s:.1f} s ({meta.index_s:.1f} s "
        + ("copying the cached" if meta.index_cached else "building the temporary")
        + " index).",
        *[f"- Note: {n}" for n in meta.notes],
        "",
        "## Metrics",
        "",
    ]
    if baseline:
        lines += [
            f"Baseline: the run of {baseline.meta.started_at} ({baseline.meta.mode} mode"
            + (
                ""
                if baseline.meta.dataset_sha256 == meta.dataset_sha256
                else ", **a different dataset**"
            )
            + ").",
            "",
            "| Metric | Value | Baseline | Change | Meaning |",
            "|---|---|---|---|---|",
        ]
        deltas = {d.name: d for d in metric_deltas(baseline, run)}
        for name, value in run.metrics.items():
            d = deltas.get(name)
            sign = ""
            if d is not None and d.delta:
                sign = f"{d.delta:+.3f}" + (
                    "" if d.better is None else (" ▲" if d.better else " ▼")
                )
            meaning = METRICS[name].meaning if name in METRICS else ""
            before = baseline.metrics.get(name)
            lines.append(
                f"| {name} | {fmt(name, value)} | {fmt(name, before)} | {sign} | {meaning} |"
            )
    else:
        lines += ["| Metric | Value | Meaning |", "|---|---|---|"]
        for name, value in run.metrics.items():
            meaning = METRICS[name].meaning if name in METRICS else ""
            lines.append(f"| {name} | {fmt(name, value)} | {meaning} |")
    lines += [
        "",
        "## By tag",
        "",
        "| Tag | Cases | " + " | ".join(_TAG_COLUMNS) + " |",
        "|---|---|" + "---|" * len(_TAG_COLUMNS),
    ]
    for tag, figures in run.by_tag.items():
        cells = " | ".join(fmt(m, figures.get(m)) for m in _TAG_COLUMNS)
        lines.append(f"| {tag} | {int(figures.get('cases') or 0)} | {cells} |")
    if run.briefings:
        lines += [
            "",
            "## Briefings",
            "",
            "| Force | Coverage | Paragraph | Missed findings |",
            "|---|---|---|---|",
        ]
        for b in run.briefings:
            missed = [f for f, ok in zip(b.findings, b.covered, strict=True) if not ok]
            lines.append(
                f"| {b.force} | {fmt('briefing_coverage', b.coverage)} | "
                f"{fmt('briefing_paragraph_coverage', b.paragraph_coverage)} | "
                f"{_cell('; '.join(missed) or '—', 400)} |"
            )
    if charts:
        lines += ["", "## Charts", ""] + [f"![{c}]({c})" for c in charts]
    failures = run.failures()
    lines += ["", f"## Failed cases ({len(failures)} of {len(run.cases)})", ""]
    if failures:
        lines += ["| Case | Tags | Why | Question | Answer |", "|---|---|---|---|---|"]
        for c in failures:
            lines.append(
                f"| {c.id} | {' '.join(c.tags)} | {why_failed(c)} | {_cell(c.question)} | "
                f"{_cell(c.answer)} |"
            )
    return "\n".join(lines) + "\n"
