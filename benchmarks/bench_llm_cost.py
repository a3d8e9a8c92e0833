"""Prompt tokens per answer: our LLM answer prompt against a naive LangChain "stuff" chain.

Run: ``make bench`` (all benchmarks) or ``.venv/bin/python benchmarks/bench_llm_cost.py``.
For every case of evals/datasets/reference.jsonl, on a fresh index of the
evaluation corpus:
- ours: the messages the answer chain sends for that case (``rag.llm.chain.answer_prompt``:
  the shipped prompts/answer.md with the numbered evidence sentences, the history and the
  question; the offline engine's quotes where it answered, else the best-scoring sentences);
- naive: LangChain's classic stuff chain prompt (the chat QA prompt of
  ``load_qa_chain(chain_type="stuff")``) filled with the top k=4 chunks of a
  plain vector-store search, documents joined by blank lines.
Tokens are counted with real tiktoken (the settings' encoding) over every
message, plus 4 per message for the chat format. No LLM is called: answer
quality with a real model is NOT measured. What is measured is the evidence
each prompt carries: the share of a case's gold quotes found verbatim in it.
Writes benchmarks/results/llm_cost.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langchain_core.prompts import ChatPromptTemplate  # noqa: E402

from benchmarks.common import print_targets, target, write_results  # noqa: E402
from rag.answer.offline import offline_result  # noqa: E402
from rag.core.settings import load_settings  # noqa: E402
from rag.core.tokens import count_tokens  # noqa: E402
from rag.evaluation.data import DEFAULT_CORPUS, DEFAULT_DATASET, load_cases  # noqa: E402
from rag.evaluation.suite import build_engine  # noqa: E402
from rag.llm.chain import UNANSWERED_RULE, answer_prompt  # noqa: E402
from rag.llm.prompting import shipped_prompt  # noqa: E402

# langchain's question_answering/stuff_prompt.py CHAT_PROMPT (the classic stuff chain)
NAIVE = ChatPromptTemplate.from_messages(
    [
        (
            "system",
            "Use the following pieces of context to answer the user's question. \n"
            "If you don't know the answer, just say that you don't know, don't try to make "
            "up an answer.\n----------------\n{context}",
        ),
        ("human", "{question}"),
    ]
)
NAIVE_K = 4  # LangChain's VectorStoreRetriever default
_PER_MESSAGE = 4


def tokens(messages: list[Any], encoding: str) -> int:
    return sum(count_tokens(str(m.content), encoding) + _PER_MESSAGE for m in messages)


def gold_recall(text: str, golds: list[str]) -> float | None:
    if not golds:
        return None
    norm = " ".join(text.split()).lower()
    return sum(" ".join(g.split()).lower() in norm for g in golds) / len(golds)


def stats(values: list[float]) -> dict[str, float]:
    return {
        "mean": round(statistics.mean(values), 1),
        "median": round(statistics.median(values), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few cases: a smoke test")
    args = parser.parse_args()
    cases = load_cases(DEFAULT_DATASET)
    if args.quick:
        cases = cases[:8]
    rows = []
    with tempfile.TemporaryDirectory(prefix="rag-bench-llm-") as tmp:
        settings = load_settings(index_dir=Path(tmp, "index"), _env_file=None)
        engine = build_engine(settings, DEFAULT_CORPUS, Path(tmp))
        enc = engine.settings.encoding
        for case in cases:
            history = [t.model_dump() for t in case.history]
            evidence = engine.gather(case.question, case.force, history)
            golds = [g.quote for g in case.gold_passages] if case.answerable else []
            row: dict[str, Any] = {"id": case.id}
            offline = offline_result(case.question, evidence, settings.offline_min_score, 0.0)
            quotes = [] if offline.abstained else offline.citations
            shown = answer_prompt(case.question, history, evidence, quotes, engine.settings)
            messages = shipped_prompt("answer").format_messages(**shown["values"])
            row["ours"] = tokens(messages, enc)
            row["ours_evidence_items"] = len(shown["items"])
            row["ours_context_recall"] = gold_recall(shown["prompt"], golds)
            vector = engine.embeddings.embed_query(case.question)
            got = engine.store.chunks.query(
                query_embeddings=[vector], n_results=NAIVE_K, include=["documents"]
            )
            context = "\n\n".join(got["documents"][0])
            messages = NAIVE.format_messages(context=context, question=case.question)
            row["naive"] = tokens(messages, enc)
            row["naive_context_recall"] = gold_recall(context, golds)
            rows.append(row)

    summary: dict[str, Any] = {}
    for name in ("ours", "naive"):
        recalls = [
            r[f"{name}_context_recall"] for r in rows if r[f"{name}_context_recall"] is not None
        ]
        summary[name] = {
            "prompt_tokens": stats([r[name] for r in rows]),
            "gold_quote_recall": round(statistics.mean(recalls), 3) if recalls else None,
        }
    naive_mean = summary["naive"]["prompt_tokens"]["mean"]
    ours_mean = summary["ours"]["prompt_tokens"]["mean"]
    summary["ours"]["ratio_to_naive"] = round(ours_mean / naive_mean, 3)
    bare = {"evidence": "", "history": "", "question": "", "unanswered": UNANSWERED_RULE}
    instructions = tokens(shipped_prompt("answer").format_messages(**bare), enc)
    results = {
        "method": __doc__.split("For every case", 1)[1].split("Writes")[0].strip(),
        "quick": args.quick,
        "cases": len(rows),
        "naive_k": NAIVE_K,
        "our_prompt_without_sources_tokens": instructions,
        "summary": summary,
        "answer_quality_with_a_real_llm": "not measured here: evals/baseline/llm-local/NOTE.md",
        "per_case": rows,
    }
    results["targets"] = [
        target(
            "LLM prompt tokens / naive stuff chain", summary["ours"]["ratio_to_naive"], "<=", 0.60
        ),
        target(
            "gold-quote recall: ours - naive",
            round(summary["ours"]["gold_quote_recall"] - summary["naive"]["gold_quote_recall"], 3),
            ">=",
            0.0,
        ),
    ]
    path = write_results("llm_cost", results)
    for name, figures in summary.items():
        print(f"  {name:<14} {figures}")
    print(f"  our prompt without sources: {instructions} tokens")
    print_targets(results["targets"])
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
