"""The evaluation suite: reference cases in, per-case records and metrics out.

This is the library API that ``rag eval`` and the app's evaluation page call::

    run = run_suite(settings, dataset_path=None, mode="offline", progress=callback)
    run.metrics        # flat {metric name: float or None}, see METRICS
    run.by_tag         # {"kind:number": {metric: value}, ...}
    run.cases          # one CaseRecord per case (question, answer, scores, passed)
    run.briefings      # one BriefingRecord per force of the briefing set

Reports, loading a saved run and comparing two runs live in :mod:`rag.evaluation.report`.

``run_suite`` builds its own index of the evaluation corpus in a temporary
directory, so the user's index is never read or written.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rag.answer.citations import MARKER
from rag.core.errors import ConfigError, LLMError
from rag.core.settings import Settings
from rag.engine.engine import Engine
from rag.evaluation import metrics
from rag.evaluation.data import (
    DEFAULT_BRIEFINGS,
    DEFAULT_CORPUS,
    DEFAULT_DATASET,
    SHIPPED,
    BadDataset,
    BriefingCase,
    EvalCase,
    check_against_corpus,
    load_briefings,
    load_cases,
)
from rag.evaluation.index_cache import evaluation_index
from rag.evaluation.records import (
    BriefingRecord,
    CaseRecord,
    CaseResult,
    EvalRun,
    RunMeta,
    summarise,
    tag_metrics,
)
from rag.ingest.pipeline import ingest_paths

if TYPE_CHECKING:  # the judge is imported when used: LLM mode only (openai, langchain_openai)
    from rag.evaluation.judge import Judge

__all__ = ["Progress", "build_engine", "run_suite"]


Progress = Callable[[int, int, str], None]
"""Progress callback: (steps done, total steps, what is being done)."""


def build_engine(settings: Settings, corpus: Sequence[Path], workdir: Path) -> Engine:
    """An index of the evaluation corpus in ``workdir`` (never the user's index): built,
    or copied from the one built before from the same corpus and ingest code."""
    return _evaluation_engine(settings, corpus, workdir)[0]


def _evaluation_engine(
    settings: Settings, corpus: Sequence[Path], workdir: Path
) -> tuple[Engine, bool]:
    eval_settings = settings.model_copy(
        update={
            "index_dir": workdir / "index",
            "lexical_dir": None,
            "chroma_url": None,
            "collection": "evaluation",
        }
    )

    def build(index_dir: Path) -> None:
        report = ingest_paths(list(corpus), eval_settings)
        rejected = [d for d in report.documents if d.status == "rejected"]
        if rejected:
            raise BadDataset(
                f"Evaluation corpus file {rejected[0].source} was rejected: {rejected[0].error}"
            )

    cached = evaluation_index(eval_settings, corpus, eval_settings.index_dir, build)
    return Engine(eval_settings), cached


def answer_case(engine: Engine, case: EvalCase, mode: str) -> CaseResult:
    """Ask one case's question (with its history) and keep the passages retrieval gave."""
    history = [t.model_dump() for t in case.history]
    answer, evidence = engine.answer_with_evidence(
        case.question, force=case.force, mode=mode, history=history
    )
    return CaseResult(case, answer, [p.text for p in evidence.passages])


def brief_case(engine: Engine, case: BriefingCase, mode: str) -> BriefingRecord:
    force = engine.resolve_force(case.force)
    if force is None:
        raise BadDataset(f"Briefing set: no documents on {case.force} in the evaluation corpus.")
    briefing = engine.brief(force, mode)
    quotes = [c.quote for c in briefing.citations]
    evidence = [f.evidence for f in case.required_findings]
    in_paragraph = {int(n) for n in MARKER.findall(briefing.paragraph)}
    own = [c.quote for c in briefing.citations if c.n in in_paragraph]
    return BriefingRecord(
        force=force,
        coverage=metrics.briefing_coverage(evidence, quotes, briefing.paragraph),
        paragraph_coverage=metrics.briefing_coverage(evidence, own, briefing.paragraph),
        findings=[f.finding for f in case.required_findings],
        covered=[metrics.finding_covered(e, quotes, briefing.paragraph) for e in evidence],
        paragraph=briefing.paragraph,
        notice=briefing.notice,
    )


def _judge(judge: Judge, result: CaseResult, record: CaseRecord) -> None:
    """Faithfulness and relevance of an answer that was given (abstentions are not judged)."""
    if record.abstained:
        return
    faithful = judge.faithfulness(record.question, record.answer, result.passages)
    relevant = judge.relevance(record.question, record.answer)
    record.faithfulness, record.relevance = faithful.score, relevant.score
    problems = [v.problem for v in (faithful, relevant) if v.problem]
    record.judge_note = "; ".join(problems) or None


def resolve_mode(settings: Settings, mode: str) -> str:
    """offline or llm, as the engine would resolve ``mode`` (ConfigError when llm is asked
    for and no model is configured)."""
    if mode not in ("offline", "llm", "auto"):
        raise ConfigError(f"Unknown evaluation mode {mode!r}: use offline, llm or auto.")
    return settings.answer_mode(mode)


def _display(path: Path) -> str:
    """A path as a run records it: shipped files by their place in the package (the same
    in a checkout and an install), others relative to the working folder when inside it."""
    absolute = Path(os.path.abspath(path))
    for base, prefix in ((SHIPPED, "rag/evaluation/shipped/"), (Path.cwd(), "")):
        if absolute.is_relative_to(base):
            return prefix + absolute.relative_to(base).as_posix()
    return str(path)


def run_suite(
    settings: Settings,
    dataset_path: Path | None = None,
    mode: str = "offline",
    progress: Progress | None = None,
    *,
    briefings_path: Path | None = None,
    corpus: Sequence[Path] | None = None,
    judge: bool | None = None,
) -> EvalRun:
    """Run the evaluation suite and return every metric and record.

    - ``dataset_path``: a reference JSONL (default ``evals/datasets/reference.jsonl``).
    - ``mode``: ``offline``, ``llm`` or ``auto`` (llm when a model is configured);
      ``llm`` without a configured model raises ConfigError.
    - ``progress(done, total, label)``: called after each case and briefing.
    - ``briefings_path``: a briefing JSONL; by default the shipped briefing set when the
      corpus is the default one, none otherwise.
    - ``corpus``: files or folders to index (default ``data/`` and ``evals/corpus/``).
    - ``judge``: score faithfulness and relevance with the LLM judge (RAG_JUDGE_MODEL, else
      RAG_CHAT_MODEL). ``None``: when an LLM is configured. A judge that fails stops
      judging, the run goes on and ``meta.notes`` says why.

    Dataset problems raise :class:`rag.evaluation.data.BadDataset` (a ConfigError) naming the file.
    """
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    started = time.perf_counter()
    dataset = dataset_path or DEFAULT_DATASET
    corpus = tuple(corpus or DEFAULT_CORPUS)
    if briefings_path is None and corpus == DEFAULT_CORPUS:
        briefings_path = DEFAULT_BRIEFINGS
    cases = load_cases(dataset)
    briefing_cases = load_briefings(briefings_path) if briefings_path else []
    max_bytes = int(settings.max_file_mb * 1024 * 1024)
    check_against_corpus(dataset, cases, briefing_cases, corpus, max_bytes)
    resolved = resolve_mode(settings, mode)  # before the index is built: fail fast
    use_judge = settings.llm_configured if judge is None else judge
    judge_model: Judge | None = None
    if use_judge:
        from rag.evaluation.judge import Judge  # LLM mode only

        judge_model = Judge(settings)
    notes: list[str] = []
    total = len(cases) + len(briefing_cases)
    with tempfile.TemporaryDirectory(prefix="rag-eval-") as tmp:
        if progress:
            progress(0, total, "building the evaluation index")
        engine, cached = _evaluation_engine(settings, corpus, Path(tmp))
        engine.ask("warm-up question about integrity", mode="offline")  # loads the model
        index_s = time.perf_counter() - started
        records: list[CaseRecord] = []
        for done, case in enumerate(cases, start=1):
            result = answer_case(engine, case, resolved)
            record = result.record(settings.encoding)
            if judge_model is not None:
                try:
                    _judge(judge_model, result, record)
                except LLMError as exc:
                    notes.append(f"Judging stopped at case {case.id}: {exc}")
                    judge_model = None
            records.append(record)
            if progress:
                progress(done, total, case.id)
        briefings = []
        for done, briefing_case in enumerate(briefing_cases, start=len(cases) + 1):
            briefings.append(brief_case(engine, briefing_case, resolved))
            if progress:
                progress(done, total, f"briefing: {briefing_case.force}")
    judged = any(r.faithfulness is not None or r.relevance is not None for r in records)
    meta = RunMeta(
        started_at=started_at,
        mode=resolved,
        dataset=_display(dataset),
        dataset_sha256=hashlib.sha256(dataset.read_bytes()).hexdigest(),
        briefings=_display(briefings_path) if briefings_path else None,
        corpus=[_display(p) for p in corpus],
        cases=len(records),
        answerable=sum(r.answerable for r in records),
        unanswerable=sum(not r.answerable for r in records),
        chat_model=settings.chat_model if resolved == "llm" else None,
        judge_model=(settings.judge_model or settings.chat_model) if judged else None,
        embedding=(
            "offline MiniLM-L6-v2 int8 ONNX"
            if settings.embedding_backend == "offline"
            else f"openai {settings.openai_embedding_model}"
        ),
        offline_min_score=settings.offline_min_score,
        index_s=round(index_s, 2),
        index_cached=cached,
        elapsed_s=round(time.perf_counter() - started, 2),
        notes=notes,
    )
    return EvalRun(
        meta=meta,
        metrics=summarise(records, briefings),
        by_tag=tag_metrics(records),
        cases=records,
        briefings=briefings,
    )
