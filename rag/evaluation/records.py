"""What an evaluation run records: per-case and per-briefing records, the metrics (their
names, direction and meaning in :data:`METRICS`) and the run as saved in results.json."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from rag.core.tokens import count_tokens
from rag.core.types import Answer
from rag.evaluation import metrics
from rag.evaluation.data import EvalCase

RESULTS_VERSION = 1  # the layout of results.json; bump on an incompatible change


CORRECT_KEY_FACTS = 0.5  # an answer passes when it holds at least half its key facts


RANK_K = 5  # recall@k: is a gold passage among the first k retrieved?


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
    "briefing_paragraph_coverage": MetricInfo(
        "Paragraph coverage", "share of a force's required findings its paragraph alone cites"
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
    "model_answer_share": MetricInfo(
        "Model answer share",
        "share of answers (and refusals) the model gave, not the offline fallback (0 offline)",
    ),
    "unsupported_per_answer": MetricInfo(
        "Unsupported sentences",
        "mean model sentences removed per answer: their cited evidence did not hold them",
        False,
        "sentences",
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
    "abstention_precision",  # per split: the figures issue 13's targets are set on
    "abstention_recall",
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
    cited_pages: list[int | None] = Field(
        default_factory=list, description="the page each citation names (None: not a PDF)"
    )
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
    answered_by: str = "offline"  # the answer's mode: "llm" when the model's answer was shown
    unsupported_sentences: int = 0
    faithfulness: float | None = None
    relevance: float | None = None
    judge_note: str | None = None
    notice: str | None = None


class BriefingRecord(BaseModel):
    force: str
    coverage: float | None
    paragraph_coverage: float | None = None  # by the paragraph's own citations only
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
    index_cached: bool = False  # copied from the index built before (index_cache.py)
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
            cited_pages=[c.page for c in answer.citations],
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
            answered_by=answer.mode,
            unsupported_sentences=answer.unsupported_sentences,
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
        "briefing_paragraph_coverage": metrics.mean([b.paragraph_coverage for b in briefings]),
        "latency_p50_ms": metrics.percentile(latencies, 50) if latencies else None,
        "latency_p95_ms": metrics.percentile(latencies, 95) if latencies else None,
        "tokens_per_answer": avg("answer_tokens", records),
        "llm_tokens_per_answer": avg("llm_tokens", records),
        "model_answer_share": metrics.mean([float(r.answered_by == "llm") for r in records]),
        "unsupported_per_answer": avg("unsupported_sentences", records),
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


def dump_run(run: EvalRun) -> dict[str, Any]:
    """The run as JSON-ready data (the layout of results.json)."""
    return run.model_dump(mode="json")
