"""The Evaluation page: run the reference suite in a temporary index (the user's index is
never touched), see every metric against the committed baseline and its floor, per-tag
charts, and which cases a change fixed or broke."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import streamlit as st

from rag.app import resources
from rag.core.safe_text import inert_markdown
from rag.core.settings import Settings
from rag.evaluation.data import DEFAULT_BRIEFINGS, DEFAULT_DATASET, load_briefings, load_cases
from rag.evaluation.gate import load_floors
from rag.evaluation.records import METRICS, TAG_METRICS, EvalRun
from rag.evaluation.report import compare_runs, default_baseline, fmt, load_run, why_failed
from rag.evaluation.suite import run_suite


@st.cache_resource(show_spinner=False)
def baseline_for(mode: str) -> EvalRun | None:
    """The committed baseline of a mode (read once per process)."""
    path = default_baseline(mode)
    return load_run(path) if path else None


@st.cache_resource(show_spinner=False)
def model_run_lock() -> threading.Lock:
    """One model evaluation at a time in this process: each one is hundreds of paid calls."""
    return threading.Lock()


# What the page runs: the shipped reference questions and briefing set
DATASET, BRIEFINGS = DEFAULT_DATASET, DEFAULT_BRIEFINGS


def model_calls() -> tuple[int, int, int]:
    """What a model run sends: the questions, the briefings, and about how many calls in
    all (each question and briefing once, a follow-up's rewrite, and a judge's two
    scorings of each answer; retries come on top)."""
    return _model_calls(DATASET, BRIEFINGS)


@st.cache_data(show_spinner=False)
def _model_calls(dataset: Path, briefings_path: Path) -> tuple[int, int, int]:
    cases, briefings = load_cases(dataset), len(load_briefings(briefings_path))
    rewrites = sum(1 for c in cases if c.history)
    return len(cases), briefings, len(cases) + rewrites + briefings + 2 * len(cases)


def metrics_table(run: EvalRun, baseline: EvalRun | None, label: str) -> pd.DataFrame:
    floors = load_floors().floors
    rows = []
    for name, info in METRICS.items():
        value = run.metrics.get(name)
        base = baseline.metrics.get(name) if baseline else None
        bound = floors.get(name)
        limit = None if bound is None else (bound.min if bound.min is not None else bound.max)
        within = None
        if bound is not None and value is not None:
            within = value >= bound.min if bound.min is not None else value <= (bound.max or 0)
        rows.append(
            {
                "Metric": info.label,
                label: fmt(name, value),
                "Baseline": fmt(name, base) if baseline else "",
                "Change": "" if value is None or base is None else f"{value - base:+.3f}",
                "Floor": ""
                if bound is None
                else f"{'≥' if bound.min is not None else '≤'} {fmt(name, limit)}",
                "Within floor": within,
                "Meaning": info.meaning,
            }
        )
    return pd.DataFrame(rows)


def tag_chart(run: EvalRun) -> None:
    metric = st.selectbox(
        "Metric per tag", TAG_METRICS, format_func=lambda m: METRICS[m].label, key="eval_tag"
    )
    values = {tag: scores.get(metric) for tag, scores in sorted(run.by_tag.items())}
    frame = pd.DataFrame({METRICS[metric].label: values}).dropna()
    st.bar_chart(frame, horizontal=True)


def changes(run: EvalRun, baseline: EvalRun) -> None:
    diff = compare_runs(baseline, run, "baseline", "this run")
    st.caption(f"{len(diff.fixed)} case(s) fixed and {len(diff.broken)} broken since the baseline.")
    moved = [c for c in diff.cases if c.change in ("fixed", "broken", "answer changed")]
    if moved:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Case": c.id,
                        "Change": c.change,
                        "Question": c.question,
                        "Baseline answer": c.answer_a or "",
                        "This run": c.answer_b or "",
                    }
                    for c in moved
                ]
            ),
            hide_index=True,
            width="stretch",
        )


def run_evaluation(settings: Settings, mode: str) -> None:
    with resources.progress_bar("Evaluating") as progress, resources.friendly("The evaluation"):
        # the judge is a model too: only when the user chose the model
        st.session_state["eval_run"] = run_suite(
            settings,
            DATASET,
            mode=mode,
            progress=progress,
            briefings_path=BRIEFINGS,
            judge=mode == "llm",
        )


def render() -> None:
    settings = resources.settings()
    st.title("Evaluation")
    st.caption(
        "Answers the reference questions (evals/) in a temporary index built from the shipped "
        "and fictional transcripts, and scores them against reference answers. Your own "
        "index is never touched."
    )
    llm_allowed = settings.llm_configured and settings.mode != "offline"
    modes = ["offline", "llm"] if llm_allowed else ["offline"]
    mode = st.radio(
        "Answer with", modes, horizontal=True, key="eval_mode",
        format_func=lambda m: "Offline engine" if m == "offline" else "Language model",
    )  # fmt: skip
    confirmed = True
    if mode == "llm":  # a fresh, unticked box after each run: every paid run is confirmed
        questions, briefings, calls = model_calls()
        confirmed = st.checkbox(
            f"Send the {questions} questions and {briefings} briefings to the model, and each "
            f"answer to a judge model for two scorings: about {calls:,} model calls (more if "
            "the server asks for retries), and what they cost.",
            key=f"eval_confirm_{st.session_state.get('eval_runs', 0)}",
        )
    clicked = st.button(
        "Run the evaluation", type="primary", icon=":material/play_arrow:", disabled=not confirmed
    )
    lock = model_run_lock() if mode == "llm" else None
    if clicked and lock is not None and not lock.acquire(blocking=False):
        st.warning("Another user is running the evaluation with the model; try again when it ends.")
    elif clicked:
        try:
            st.session_state["eval_runs"] = st.session_state.get("eval_runs", 0) + 1
            run_evaluation(settings, mode)
        finally:
            if lock is not None:
                lock.release()
        if mode == "llm" and "eval_run" in st.session_state:
            st.rerun()  # drawn again with the results and a fresh, unticked confirmation
    baseline = baseline_for(mode)
    run: EvalRun | None = st.session_state.get("eval_run")
    label = "This run"
    if run is None or run.meta.mode != mode:
        if baseline is None:
            st.info("No baseline is committed for this mode: run the evaluation.")
            return
        st.info("Showing the committed baseline; run the evaluation to compare with it.")
        run, baseline, label = baseline, None, "Baseline"
    for note in run.meta.notes:
        st.warning(inert_markdown(note))
    failed = run.failures()
    st.metric("Cases passed", f"{run.meta.cases - len(failed)} of {run.meta.cases}")
    st.dataframe(metrics_table(run, baseline, label), hide_index=True, width="stretch")
    st.subheader("By tag")
    tag_chart(run)
    if baseline is not None:
        st.subheader("Compared with the baseline")
        changes(run, baseline)
    st.subheader("Failed cases")
    st.dataframe(
        pd.DataFrame(
            [
                {"Case": c.id, "Why": why_failed(c), "Question": c.question, "Answer": c.answer}
                for c in failed
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    st.download_button(
        "Download results.json",
        run.model_dump_json(indent=2),
        file_name="results.json",
        mime="application/json",
        icon=":material/download:",
    )
