"""Ingest throughput beside the embedding model's raw throughput, in the same run.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_ingest.py [--docs N]``).
A corpus of synthetic transcripts (sentences of the shipped and fictional
transcripts recombined under fictional force names) is ingested into a fresh
index; the same chunks are then embedded raw, with no Chroma or parsing, so the
ratio shows what the pipeline costs. Also: re-ingest of the unchanged corpus,
and the time to embed a one-line question. Writes benchmarks/results/ingest.json.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_embeddings import raw_throughput  # noqa: E402
from rag.chunking import chunk_document  # noqa: E402
from rag.embeddings import OfflineEmbeddings  # noqa: E402
from rag.ingest import ingest_paths  # noqa: E402
from rag.settings import load_settings  # noqa: E402
from rag.structure import parse_document  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "ingest.json"
SOURCES = [ROOT / "data", ROOT / "evals" / "corpus"]


def sentences() -> list[str]:
    out = []
    for folder in SOURCES:
        for path in folder.glob("*.txt"):
            body = path.read_text(encoding="utf-8").split("\n\n", 3)[-1]
            out += [s for s in re.split(r"(?<=[.!?])\s+", " ".join(body.split())) if len(s) > 40]
    return [s for s in out if not s.startswith("[FICTIONAL")]


def write_corpus(folder: Path, docs: int, seed: int = 11) -> None:
    """``docs`` fictional transcripts of 10-14 paragraphs of 3-5 sentences each."""
    rng = random.Random(seed)
    pool = sentences()
    for i in range(docs):
        force = f"Benchshire {i:04d} Constabulary"
        paragraphs = [
            " ".join(rng.choice(pool) for _ in range(rng.randint(3, 5)))
            for _ in range(rng.randint(10, 14))
        ]
        text = (
            f"HMI Ada Bench's assessment of {force} – Transcript\n\n"
            + "\n\n".join(paragraphs)
            + "\n\n[FICTIONAL: generated for benchmarking; describes no real police force.]\n"
        )
        (folder / f"benchshire-{i:04d}-fictional.txt").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=40, help="synthetic documents to ingest")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp, "corpus")
        corpus.mkdir()
        write_corpus(corpus, args.docs)
        settings = load_settings(index_dir=Path(tmp, "index"), _env_file=None)
        model = OfflineEmbeddings(batch_size=settings.embed_batch_size)
        model.embed_query("warm up")

        texts = [
            c.text
            for path in sorted(corpus.glob("*.txt"))
            for c in chunk_document(
                parse_document(path.read_text(encoding="utf-8"), path.name),
                settings.chunk_tokens,
                settings.chunk_overlap,
                settings.encoding,
            )
        ]
        # raw model speed before and after the ingest, so machine noise hits both sides
        raw_before = raw_throughput(texts, model)
        report = ingest_paths([corpus], settings, embeddings=model)
        ingest_rate = report.embedded_chunks / report.elapsed_s
        raw_rate = (raw_before + raw_throughput(texts, model)) / 2

        started = time.perf_counter()
        again = ingest_paths([corpus], settings, embeddings=model)
        reingest_s = time.perf_counter() - started

        timings = []
        for _ in range(100):
            t = time.perf_counter()
            model.embed_query("What did the inspector say about the force's integrity?")
            timings.append((time.perf_counter() - t) * 1000)

    results = {
        "documents": args.docs,
        "chunks": report.embedded_chunks,
        "ingest_chunks_per_s": round(ingest_rate, 2),
        "raw_model_chunks_per_s": round(raw_rate, 2),
        "ingest_vs_raw": round(ingest_rate / raw_rate, 3),
        "reingest_unchanged_s": round(reingest_s, 3),
        "reingest_embedded_chunks": again.embedded_chunks,
        "query_embed_ms_p50": round(statistics.median(timings), 2),
        "query_embed_ms_p95": round(sorted(timings)[94], 2),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    width = max(map(len, results))
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    print(f"targets: ingest_vs_raw >= 0.85; query_embed_ms_p50 <= 10 -> {RESULTS}")


if __name__ == "__main__":
    main()
