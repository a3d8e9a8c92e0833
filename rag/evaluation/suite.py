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
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from rag.core.errors import ConfigError, LLMError
from rag.core.settings import Settings
from rag.core.tokens import count_tokens
from rag.core.types import Answer
from rag.evaluation import metrics
from rag.evaluation.data import (
    DEFAULT_BRIEFINGS,
    DEFAULT_CORPUS,
    DEFAULT_DATASET,
    ROOT,
    BadDataset,
    BriefingCase,
    EvalCase,
    check_against_corpus,
    load_briefings,
    load_cases,
)

if TYPE_CHECKING:
    from rag.engine.engine import Engine
    from rag.evaluation.judge import Judge

__all__ = [
    "DEFAULT_BRIEFINGS",
    "DEFAULT_CORPUS",
    "DEFAULT_DATASET",
    "METRICS",
    "BriefingRecord",
    "CaseRecord",
    "CaseResult",
    "EvalCase",
    "EvalRun",
    "MetricInfo",
    "Progress",
    "RunMeta",
    "build_engine",
    "load_cases",
    "run_suite",
    "summarise",
]

RESULTS_VERSION = 1  # the layout of results.json; bump on an incompatible change
CORRECT_KEY_FACTS = 0.5  # an answer passes when it holds at least half its key facts
RANK_K = 5  # recall@k: is a gold passage among the first k retrieved?

Progress = Callable[[int, int, str], None]
"""Progress callback: (steps done, total steps, what is being done)."""


@dataclass(frozen=True)
class MetricInfo:
    label: str
    meaning: str
    higher_is_better: bool = True
    unit: str = ""  # "" a share 0..1, "ms", "tokens"


METRICS: dict[str, MetricInfo] = {
    "accuracy": MetricInfo(
        "Accuracy",
        "share of all cases passed: answered with >= half the key facts, "
        "or abstained when unanswerable",
    ),
    "answer_accuracy": MetricInfo("Answer accuracy", "share of answerable cases passed"),
    "key_fact_recall": MetricInfo(
        "Key-fact recall", "share of a reference's key facts found in the answer (answerable)"
    ),
    "token_f1": MetricInfo("Token F1", "word overlap of answer and reference answer (SQuAD F1)"),
    "citation_precision": MetricInfo(
        "Citation precision", "share of cited quotes that support a gold passage"
    ),
    "citation_recall": MetricInfo(
        "Citation recall", "share of gold passages supported by some citation"
    ),
    "recall_at_1": MetricInfo("Recall@1", "share of gold passages in the first retrieved passage"),
    "recall_at_5": MetricInfo("Recall@5", "share of gold passages in the first 5 retrieved"),
    "mrr": MetricInfo("MRR", "mean reciprocal rank of the first retrieved gold passage"),
    "abstention_precision": MetricInfo(
        "Abstention precision", "of the cases where it declined, share truly unanswerable"
    ),
    "abstention_recall": MetricInfo(
        "Abstention recall", "of the unanswerable cases, share where it declined"
    ),
    "abstention_accuracy": MetricInfo(
        "Abstention accuracy", "share of cases where it answered or declined rightly"
    ),
    "briefing_coverage": MetricInfo(
        "Briefing coverage", "share of a force's required findings its briefing cites"
    ),
    "latency_p50_ms": MetricInfo("Latency p50", "median time per answer", False, "ms"),
    "latency_p95_ms": MetricInfo("Latency p95", "95th-percentile time per answer", False, "ms"),
    "tokens_per_answer": MetricInfo(
        "Tokens per answer", "mean length of the answer text (tiktoken)", False, "tokens"
    ),
    "llm_tokens_per_answer": MetricInfo(
        "LLM tokens per answer",
        "mean prompt + completion tokens billed (0 offline)",
        False,
        "tokens",
    ),
    "faithfulness": MetricInfo(
        "Faithfulness (judged)", "LLM judge: answer's claims supported by retrieved passages"
    ),
    "relevance": MetricInfo("Relevance (judged)", "LLM judge: answer addresses the question"),
}
TAG_METRICS = (
    "accuracy",
    "key_fact_recall",
    "token_f1",
    "citation_precision",
    "citation_recall",
    "recall_at_5",
    "mrr",
)


class CaseRecord(BaseModel):
    """One case's outcome: what was asked, what came back, and its scores."""

    id: str
    question: str
    force: str | None = None
    tags: list[str] = Field(default_factory=list)
    answerable: bool
    reference_answer: str = ""
    answer: str
    abstained: bool
    passed: bool
    citations: list[str] = Field(default_factory=list, description="cited quotes, in order")
    gold_ranks: list[int | None] = Field(default_factory=list)
    key_fact_recall: float | None = None
    token_f1: float | None = None
    citation_precision: float | None = None
    citation_recall: float | None = None
    recall_at_1: float | None = None
    recall_at_5: float | None = None
    mrr: float | None = None
    latency_ms: float = 0.0
    answer_tokens: int = 0
    llm_tokens: int = 0
    faithfulness: float | None = None
    relevance: float | None = None
    judge_note: str | None = None
    notice: str | None = None


class BriefingRecord(BaseModel):
    force: str
    coverage: float | None
    findings: list[str]
    covered: list[bool]
    paragraph: str
    notice: str | None = None


class RunMeta(BaseModel):
    version: int = RESULTS_VERSION
    started_at: str
    mode: str  # as resolved: offline or llm
    dataset: str
    dataset_sha256: str
    briefings: str | None = None
    corpus: list[str] = Field(default_factory=list)
    cases: int = 0
    answerable: int = 0
    unanswerable: int = 0
    chat_model: str | None = None
    judge_model: str | None = None
    embedding: str = ""
    offline_min_score: float | None = None
    index_s: float = 0.0
    elapsed_s: float = 0.0
    notes: list[str] = Field(default_factory=list)


class EvalRun(BaseModel):
    """A whole run: what was run (meta), metrics overall and per tag, and every record."""

    meta: RunMeta
    metrics: dict[str, float | None]
    by_tag: dict[str, dict[str, float | None]] = Field(default_factory=dict)
    cases: list[CaseRecord] = Field(default_factory=list)
    briefings: list[BriefingRecord] = Field(default_factory=list)

    def failures(self) -> list[CaseRecord]:
        return [c for c in self.cases if not c.passed]


@dataclass
class CaseResult:
    """An answer to a case and the passages retrieval gave for it (before scoring)."""

    case: EvalCase
    answer: Answer
    passages: list[str]

    def record(self, encoding: str = "cl100k_base") -> CaseRecord:
        case, answer = self.case, self.answer
        golds = [g.quote for g in case.gold_passages]
        quotes = [c.quote for c in answer.citations]
        ranks = metrics.retrieval_ranks(self.passages, golds)
        answerable = case.answerable
        kfr = metrics.key_fact_recall(answer.answer, case.key_facts) if answerable else None
        passed = (
            not answer.abstained and (kfr or 0.0) >= CORRECT_KEY_FACTS
            if answerable
            else answer.abstained
        )
        return CaseRecord(
            id=case.id,
            question=case.question,
            force=case.force,
            tags=case.tags,
            answerable=answerable,
            reference_answer=case.reference_answer,
            answer=answer.answer,
            abstained=answer.abstained,
            passed=passed,
            citations=quotes,
            gold_ranks=ranks,
            key_fact_recall=kfr,
            token_f1=metrics.token_f1(answer.answer, case.reference_answer) if answerable else None,
            citation_precision=metrics.citation_precision(quotes, golds) if answerable else None,
            citation_recall=metrics.citation_recall(quotes, golds),
            recall_at_1=metrics.recall_at_k(ranks, 1),
            recall_at_5=metrics.recall_at_k(ranks, RANK_K),
            mrr=metrics.reciprocal_rank(ranks),
            latency_ms=answer.latency_ms,
            answer_tokens=count_tokens(answer.answer, encoding),
            llm_tokens=answer.usage.prompt_tokens + answer.usage.completion_tokens,
            notice=answer.notice,
        )


def summarise(
    records: Sequence[CaseRecord], briefings: Sequence[BriefingRecord] = ()
) -> dict[str, float | None]:
    """The flat metrics of a run (or of a subset of its cases); see METRICS."""
    answerable = [r for r in records if r.answerable]
    latencies = [r.latency_ms for r in records]

    def avg(name: str, rows: Sequence[CaseRecord] = answerable) -> float | None:
        return metrics.mean([getattr(r, name) for r in rows])

    summary: dict[str, float | None] = {
        "accuracy": metrics.mean([float(r.passed) for r in records]),
        "answer_accuracy": metrics.mean([float(r.passed) for r in answerable]),
        "key_fact_recall": avg("key_fact_recall"),
        "token_f1": avg("token_f1"),
        "citation_precision": avg("citation_precision"),
        "citation_recall": avg("citation_recall"),
        "recall_at_1": avg("recall_at_1"),
        "recall_at_5": avg("recall_at_5"),
        "mrr": avg("mrr"),
        **metrics.abstention_scores(
            [r.abstained for r in records], [r.answerable for r in records]
        ),
        "briefing_coverage": metrics.mean([b.coverage for b in briefings]),
        "latency_p50_ms": metrics.percentile(latencies, 50) if latencies else None,
        "latency_p95_ms": metrics.percentile(latencies, 95) if latencies else None,
        "tokens_per_answer": avg("answer_tokens", records),
        "llm_tokens_per_answer": avg("llm_tokens", records),
        "faithfulness": avg("faithfulness", records),
        "relevance": avg("relevance", records),
    }
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in summary.items()}


def tag_metrics(records: Sequence[CaseRecord]) -> dict[str, dict[str, float | None]]:
    """TAG_METRICS (and the case count) for every tag, tags sorted."""
    tags = sorted({t for r in records for t in r.tags})
    out: dict[str, dict[str, float | None]] = {}
    for tag in tags:
        rows = [r for r in records if tag in r.tags]
        overall = summarise(rows)
        out[tag] = {"cases": float(len(rows)), **{m: overall[m] for m in TAG_METRICS}}
    return out


def build_engine(settings: Settings, corpus: Sequence[Path], workdir: Path) -> Engine:
    """A fresh index of the evaluation corpus in ``workdir`` (never the user's index)."""
    from rag.engine.engine import Engine
    from rag.ingest.pipeline import ingest_paths

    eval_settings = settings.model_copy(
        update={"index_dir": workdir / "index", "chroma_url": None, "collection": "evaluation"}
    )
    report = ingest_paths(list(corpus), eval_settings)
    rejected = [d for d in report.documents if d.status == "rejected"]
    if rejected:
        raise BadDataset(
            f"Evaluation corpus file {rejected[0].source} was rejected: {rejected[0].error}"
        )
    return Engine(eval_settings)


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
    return BriefingRecord(
        force=force,
        coverage=metrics.briefing_coverage(evidence, quotes, briefing.paragraph),
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
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
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
        from rag.evaluation.judge import Judge

        judge_model = Judge(settings)
    notes: list[str] = []
    total = len(cases) + len(briefing_cases)
    with tempfile.TemporaryDirectory(prefix="rag-eval-") as tmp:
        if progress:
            progress(0, total, "building the evaluation index")
        engine = build_engine(settings, corpus, Path(tmp))
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


def dump_run(run: EvalRun) -> dict[str, Any]:
    """The run as JSON-ready data (the layout of results.json)."""
    return run.model_dump(mode="json")
