"""The evaluation runner: reference cases in, per-case results and metrics out.

It builds its own temporary index from the evaluation corpus, so a user's
index is never touched.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from rag import metrics
from rag.answering import Engine
from rag.ingest import ingest_paths
from rag.schemas import Answer
from rag.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATASET = ROOT / "evals" / "datasets" / "reference.jsonl"
DEFAULT_CORPUS = (ROOT / "data", ROOT / "evals" / "corpus")
CORRECT_KEY_FACTS = 0.5  # an answer is correct when it holds at least half the key facts


class GoldPassage(BaseModel):
    source: str
    quote: str


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class EvalCase(BaseModel):
    """One line of a reference dataset (schema: evals/README.md)."""

    id: str
    question: str
    force: str | None = None
    reference_answer: str = ""
    key_facts: list[str] = Field(default_factory=list)
    gold_passages: list[GoldPassage] = Field(default_factory=list)
    answerable: bool = True
    tags: list[str] = Field(default_factory=list)
    history: list[Turn] = Field(default_factory=list)


@dataclass
class CaseResult:
    case: EvalCase
    answer: Answer
    passages: list[str] = field(default_factory=list)

    @property
    def key_fact_recall(self) -> float:
        return metrics.key_fact_recall(self.answer.answer, self.case.key_facts)

    @property
    def correct(self) -> bool:
        if not self.case.answerable:
            return self.answer.abstained
        return not self.answer.abstained and self.key_fact_recall >= CORRECT_KEY_FACTS

    def scores(self) -> dict[str, Any]:
        golds = [g.quote for g in self.case.gold_passages]
        quotes = [c.quote for c in self.answer.citations]
        ranks = metrics.retrieval_ranks(self.passages, golds)
        return {
            "id": self.case.id,
            "answerable": self.case.answerable,
            "abstained": self.answer.abstained,
            "correct": self.correct,
            "key_fact_recall": self.key_fact_recall if self.case.answerable else None,
            "token_f1": metrics.token_f1(self.answer.answer, self.case.reference_answer)
            if self.case.answerable
            else None,
            "citation_precision": metrics.citation_precision(quotes, golds)
            if self.case.answerable
            else None,
            "citation_recall": metrics.citation_recall(quotes, golds),
            "recall_at_5": metrics.recall_at_k(ranks, 5),
            "mrr": metrics.reciprocal_rank(ranks),
            "latency_ms": self.answer.latency_ms,
            "tokens": self.answer.usage.prompt_tokens + self.answer.usage.completion_tokens,
            "tags": self.case.tags,
        }


def load_cases(path: Path) -> list[EvalCase]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                cases.append(EvalCase.model_validate_json(line))
            except ValueError as exc:
                raise ValueError(f"{path}:{number}: not a valid case: {exc}") from None
    return cases


def build_engine(settings: Settings, corpus: Sequence[Path], workdir: Path) -> Engine:
    """A fresh index of the evaluation corpus in ``workdir``."""
    eval_settings = settings.model_copy(
        update={"index_dir": workdir / "index", "chroma_url": None, "collection": "evaluation"}
    )
    report = ingest_paths(list(corpus), eval_settings)
    rejected = [d for d in report.documents if d.status == "rejected"]
    if rejected:
        raise ValueError(
            f"evaluation corpus has bad files: {rejected[0].source}: {rejected[0].error}"
        )
    return Engine(eval_settings)


def run_cases(
    engine: Engine,
    cases: Sequence[EvalCase],
    mode: str = "offline",
    progress: Callable[[int, int, str], None] | None = None,
) -> list[CaseResult]:
    results = []
    for done, case in enumerate(cases, start=1):
        history = [t.model_dump() for t in case.history]
        answer = engine.ask(case.question, force=case.force, mode=mode, history=history)
        evidence = engine.gather(case.question, case.force, history)
        results.append(CaseResult(case, answer, [p.text for p in evidence.passages]))
        if progress:
            progress(done, len(cases), case.id)
    return results


def summarise(results: Sequence[CaseResult]) -> dict[str, float | int | None]:
    rows = [r.scores() for r in results]
    answerable = [r for r in rows if r["answerable"]]
    latencies = [float(r["latency_ms"]) for r in rows]
    summary: dict[str, float | int | None] = {
        "cases": len(rows),
        "accuracy": metrics.mean([float(r["correct"]) for r in rows]),
        "answer_accuracy": metrics.mean([float(r["correct"]) for r in answerable]),
        "key_fact_recall": metrics.mean([r["key_fact_recall"] for r in answerable]),
        "token_f1": metrics.mean([r["token_f1"] for r in answerable]),
        "citation_precision": metrics.mean([r["citation_precision"] for r in answerable]),
        "citation_recall": metrics.mean([r["citation_recall"] for r in answerable]),
        "recall_at_5": metrics.mean([r["recall_at_5"] for r in answerable]),
        "mrr": metrics.mean([r["mrr"] for r in answerable]),
        "latency_p50_ms": metrics.percentile(latencies, 50),
        "latency_p95_ms": metrics.percentile(latencies, 95),
        "tokens_per_answer": metrics.mean([float(r["tokens"]) for r in rows]),
    }
    summary.update(
        metrics.abstention_scores(
            [bool(r["abstained"]) for r in rows], [bool(r["answerable"]) for r in rows]
        )
    )
    return summary


def evaluate(
    settings: Settings,
    dataset: Path = DEFAULT_DATASET,
    corpus: Sequence[Path] = DEFAULT_CORPUS,
    mode: str = "offline",
    progress: Callable[[int, int, str], None] | None = None,
) -> tuple[dict[str, Any], list[CaseResult]]:
    cases = load_cases(dataset)
    with tempfile.TemporaryDirectory(prefix="rag-eval-") as tmp:
        engine = build_engine(settings, corpus, Path(tmp))
        engine.ask("warm-up question about integrity", mode=mode)  # loads the model
        started = time.perf_counter()
        results = run_cases(engine, cases, mode, progress)
        summary = summarise(results)
        summary["elapsed_s"] = round(time.perf_counter() - started, 2)
    return summary, results


def write_results(summary: dict[str, Any], results: Sequence[CaseResult], out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    payload = {
        "summary": summary,
        "cases": [{**r.scores(), "answer": r.answer.answer} for r in results],
    }
    path = out / "results.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
