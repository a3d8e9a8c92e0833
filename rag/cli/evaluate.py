"""What `rag eval` does and prints: run the suite, show the metrics table, write the
report, check the floors; or compare two saved runs. Exit codes: 0 done, 1 a metric
is outside its floor, 2 bad input (dataset, run file, floors file, settings)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.table import Table

from rag.cli.output import emit_json, err, out, progress_bar
from rag.core.settings import Settings
from rag.evaluation.gate import DEFAULT_FLOORS, GateFailure, check_floors, load_floors
from rag.evaluation.records import METRICS, EvalRun
from rag.evaluation.report import (
    RunComparison,
    compare_runs,
    default_baseline,
    fmt,
    load_run,
    metric_deltas,
    write_report,
)
from rag.evaluation.suite import run_suite

DEFAULT_OUT = Path("rag-eval-runs")
CHANGED_CASES_SHOWN = 20


def evaluate_command(
    settings: Settings,
    *,
    dataset: Path | None,
    briefings: Path | None,
    corpus: list[Path] | None,
    mode: str,
    judge: bool | None,
    out_dir: Path | None,
    baseline: Path | None,
    floors: Path | None,
    check: bool,
    as_json: bool,
) -> int:
    """Run `rag eval`; returns the exit code."""
    floors_path = floors or (DEFAULT_FLOORS if check else None)
    gate = load_floors(floors_path) if floors_path else None  # bad floors: fail before running
    base_run = load_run(baseline) if baseline else None
    with progress_bar("Evaluating") as update:
        run = run_suite(
            settings,
            dataset,
            mode,
            update,
            briefings_path=briefings,
            corpus=corpus or None,
            judge=judge,
        )
    if baseline is None:  # the committed baseline, when it ran the same dataset
        found = default_baseline(run.meta.mode)
        candidate = load_run(found) if found else None
        if candidate and candidate.meta.dataset_sha256 == run.meta.dataset_sha256:
            base_run, baseline = candidate, found
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = out_dir or DEFAULT_OUT / f"{stamp}-{run.meta.mode}"
    paths = write_report(run, target, base_run)
    failures = check_floors(run, gate) if gate else []
    if as_json:
        emit_json(
            {
                "meta": run.meta.model_dump(mode="json"),
                "metrics": run.metrics,
                "by_tag": run.by_tag,
                "briefings": {b.force: b.coverage for b in run.briefings},
                "failed_cases": [c.id for c in run.failures()],
                "baseline": str(baseline) if base_run else None,
                "changes": [d.model_dump() for d in metric_deltas(base_run, run)]
                if base_run
                else [],
                "gate": None
                if gate is None
                else {
                    "floors": str(floors_path),
                    "passed": not failures,
                    "failures": [f.model_dump() for f in failures],
                },
                "files": [str(p) for p in paths],
            }
        )
    else:
        print_run(run, base_run, gate.floors if gate else {}, failures)
        out.print(f"Report: {escape(str(target / 'report.md'))}")
        if base_run:
            out.print(f"Compared with the baseline {escape(str(baseline))}")
        print_gate(failures, floors_path)
    return 1 if failures else 0


def print_run(
    run: EvalRun, baseline: EvalRun | None, floors: dict[str, Any], failures: list[GateFailure]
) -> None:
    meta = run.meta
    judged = meta.judge_model or "not judged (no LLM configured)"
    table = Table(
        title=f"rag eval: {meta.cases} cases, {meta.mode} mode, {meta.elapsed_s:.1f} s; "
        f"faithfulness/relevance: {judged}",
        title_justify="left",
    )
    for column in ("Metric", "Value", "Baseline", "Change", "Floor"):
        table.add_column(column, justify="left" if column == "Metric" else "right")
    failed = {f.metric for f in failures}
    deltas = {d.name: d for d in metric_deltas(baseline, run)} if baseline else {}
    for name, value in run.metrics.items():
        d = deltas.get(name)
        change = ""
        if d and d.delta:
            change = f"[{'green' if d.better else 'red'}]{d.delta:+.3f}[/]"
        bound = floors.get(name)
        floor = ""
        if bound is not None:
            floor = f">= {bound.min}" if bound.min is not None else f"<= {bound.max}"
            floor = f"[red]{floor} FAIL[/]" if name in failed else floor
        table.add_row(
            METRICS[name].label if name in METRICS else name,
            fmt(name, value),
            fmt(name, d.a) if d else "",
            change,
            floor,
        )
    out.print(table)
    print_splits(run)
    for note in meta.notes:
        err.print(f"[yellow]note[/]: {escape(note)}")
    failures_by_kind: dict[str, int] = {}
    for case in run.failures():
        kind = next((t for t in case.tags if t.startswith("kind:")), "untagged")
        failures_by_kind[kind] = failures_by_kind.get(kind, 0) + 1
    if failures_by_kind:
        shown = ", ".join(f"{k} {n}" for k, n in sorted(failures_by_kind.items()))
        out.print(f"Failed cases: {len(run.failures())} of {meta.cases} ({escape(shown)})")


SPLIT_COLUMNS = (
    "accuracy",
    "abstention_recall",
    "abstention_precision",
    "citation_precision",
    "recall_at_5",
)


def print_splits(run: EvalRun) -> None:
    """The headline metrics per split (``split:dev``, ``split:held-out``): the held-out
    cases are never looked at while tuning, so their figures are the honest ones."""
    splits = sorted(t for t in run.by_tag if t.startswith("split:"))
    if not splits:
        return
    table = Table(title="By split", title_justify="left")
    table.add_column("Split")
    table.add_column("Cases", justify="right")
    for name in SPLIT_COLUMNS:
        table.add_column(METRICS[name].label if name in METRICS else name, justify="right")
    for tag in splits:
        figures = run.by_tag[tag]
        table.add_row(
            tag.removeprefix("split:"),
            str(int(figures.get("cases") or 0)),
            *(fmt(name, figures.get(name)) for name in SPLIT_COLUMNS),
        )
    out.print(table)


def print_gate(failures: list[GateFailure], floors_path: Path | None) -> None:
    if floors_path is None:
        return
    if not failures:
        out.print(f"Gate passed: every metric within its bound in {escape(str(floors_path))}")
        return
    for f in failures:
        shown = "missing" if f.value is None else fmt(f.metric, f.value)
        err.print(f"[red]gate failed[/]: {f.metric} = {shown}, needs {f.bound} ({escape(f.why)})")


def compare_command(run_a: Path, run_b: Path, as_json: bool) -> int:
    """`rag eval --compare RUN_A RUN_B`: metric deltas and changed cases; returns 0."""
    diff = compare_runs(load_run(run_a), load_run(run_b), str(run_a), str(run_b))
    if as_json:
        emit_json(diff.model_dump(mode="json"))
    else:
        print_comparison(diff)
    return 0


def print_comparison(diff: RunComparison) -> None:
    if not diff.same_dataset:
        err.print("[yellow]note[/]: the two runs used different datasets")
    table = Table(title=f"A = {diff.label_a}\nB = {diff.label_b}", title_justify="left")
    for column in ("Metric", "A", "B", "Change"):
        table.add_column(column, justify="left" if column == "Metric" else "right")
    for d in diff.metrics:
        colour = "" if d.better is None else ("green" if d.better else "red")
        change = "" if not d.delta else f"{d.delta:+.3f}"
        table.add_row(
            d.name,
            fmt(d.name, d.a),
            fmt(d.name, d.b),
            f"[{colour}]{change}[/]" if colour else change,
        )
    out.print(table)
    counts = {
        k: sum(c.change == k for c in diff.cases)
        for k in dict.fromkeys(c.change for c in diff.cases)
    }
    out.print("Cases: " + (", ".join(f"{n} {k}" for k, n in counts.items()) or "no case changed"))
    for case in diff.cases[:CHANGED_CASES_SHOWN]:
        out.print(f"[bold]{escape(case.id)}[/] {case.change}: {escape(case.question)}")
        out.print(f"  A: {escape(_short(case.answer_a))}")
        out.print(f"  B: {escape(_short(case.answer_b))}")
    if len(diff.cases) > CHANGED_CASES_SHOWN:
        out.print(f"... {len(diff.cases) - CHANGED_CASES_SHOWN} more (use --json for all)")


def _short(text: str | None, limit: int = 200) -> str:
    if text is None:
        return "(not in this run)"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
