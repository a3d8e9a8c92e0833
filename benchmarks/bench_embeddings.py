"""Benchmark the offline embeddings: dynamic padding versus fixed padding to 256.

Run: ``.venv/bin/python benchmarks/bench_embeddings.py`` (a script, not a test).
Passages are ~150-200 cl100k tokens, made by recombining the sentences of the
shipped transcript. Prints the figures and writes benchmarks/results/embeddings.json.
"""

from __future__ import annotations

import json
import os
import platform
import random
import re
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnxruntime
from langchain_core.embeddings import Embeddings

from rag.core.tokens import count_tokens
from rag.index.embeddings import MAX_TOKENS, OfflineEmbeddings

ROOT = Path(__file__).resolve().parents[1]
TRANSCRIPT = ROOT / "data" / "cambridgeshire-constabulary-hmi-assessment-transcript.txt"
RESULTS = ROOT / "benchmarks" / "results" / "embeddings.json"
QUESTION = "How well does the force support victims of domestic abuse?"


class FixedPaddingEmbeddings(OfflineEmbeddings):
    """The same model, every batch padded to 256 (as Chroma's ONNXMiniLM_L6_V2 does)."""

    def _pad_width(self, longest: int) -> int:
        return MAX_TOKENS


def make_passages(count: int = 200, low: int = 150, high: int = 200, seed: int = 7) -> list[str]:
    """``count`` passages of ``low``-``high`` cl100k tokens from shuffled transcript sentences."""
    text = " ".join(TRANSCRIPT.read_text(encoding="utf-8").split())
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 4]
    rng = random.Random(seed)
    passages: list[str] = []
    while len(passages) < count:
        parts: list[str] = []
        while count_tokens(" ".join(parts)) < low:
            parts.append(rng.choice(sentences))
        passage = " ".join(parts)
        if count_tokens(passage) <= high:
            passages.append(passage)
    return passages


def raw_throughput(passages: Sequence[str], embeddings: Embeddings) -> float:
    """Chunks per second of ``embed_documents`` over ``passages``, after one warm-up batch."""
    embeddings.embed_documents(list(passages[:8]))  # loads the model, warms the session
    start = time.perf_counter()
    embeddings.embed_documents(list(passages))
    return len(passages) / (time.perf_counter() - start)


def query_latency_ms(embeddings: Embeddings, runs: int = 100) -> dict[str, float]:
    """p50/p95 milliseconds of embedding one short question, after warm-up."""
    for _ in range(5):
        embeddings.embed_query(QUESTION)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        embeddings.embed_query(QUESTION)
        times.append((time.perf_counter() - start) * 1000)
    cuts = statistics.quantiles(times, n=100)
    return {"p50": round(statistics.median(times), 2), "p95": round(cuts[94], 2)}


def main() -> None:
    passages = make_passages()
    dynamic, fixed = OfflineEmbeddings(), FixedPaddingEmbeddings()
    tokens = [count_tokens(p) for p in passages]
    results = {
        "machine": {
            "cpu_count": os.cpu_count(),
            "threads": dynamic.threads,
            "python": platform.python_version(),
            "onnxruntime": onnxruntime.__version__,
        },
        "passages": {
            "count": len(passages),
            "cl100k_tokens_mean": round(np.mean(tokens), 1),
            "cl100k_tokens_min": min(tokens),
            "cl100k_tokens_max": max(tokens),
        },
        "batch_size": dynamic.batch_size,
        "throughput_chunks_per_s": {
            "dynamic_padding": round(raw_throughput(passages, dynamic), 2),
            "fixed_padding_256": round(raw_throughput(passages, fixed), 2),
        },
        "query_latency_ms": {
            "dynamic_padding": query_latency_ms(dynamic),
            "fixed_padding_256": query_latency_ms(fixed),
        },
        "max_abs_diff_dynamic_vs_fixed": float(
            np.abs(
                np.array(dynamic.embed_documents(passages[:32]))
                - np.array(fixed.embed_documents(passages[:32]))
            ).max()
        ),
    }
    speed = results["throughput_chunks_per_s"]
    latency = results["query_latency_ms"]
    print(
        f"{len(passages)} passages, {results['passages']['cl100k_tokens_mean']} tokens on average,"
        f" {dynamic.threads} threads, batch {dynamic.batch_size}"
    )
    print(
        f"throughput  dynamic padding {speed['dynamic_padding']:7.2f} chunks/s   "
        f"fixed 256 {speed['fixed_padding_256']:7.2f} chunks/s"
    )
    for name in ("dynamic_padding", "fixed_padding_256"):
        p50, p95 = latency[name]["p50"], latency[name]["p95"]
        print(f"query  {name:18} p50 {p50:6.2f} ms   p95 {p95:6.2f} ms")
    print(f"max |dynamic - fixed| over 32 passages: {results['max_abs_diff_dynamic_vs_fixed']:.2e}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
