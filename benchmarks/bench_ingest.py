"""Ingest throughput beside the embedding model's raw throughput, in the same run.

Run: ``make bench`` (all benchmarks) or ``.venv/bin/python benchmarks/bench_ingest.py``.
A corpus of synthetic transcripts (sentences of the shipped and fictional
transcripts recombined under fictional force names) is ingested into a fresh
index; the same chunk texts are embedded raw (no parsing, no Chroma) before and
after, so the ratio shows what the pipeline costs. Then a larger corpus
(1,000 documents) is re-ingested unchanged: it must embed nothing. Peak memory
is this process's ru_maxrss. Writes benchmarks/results/ingest.json.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (  # noqa: E402
    RESULTS_DIR,
    peak_rss_mb,
    print_targets,
    target,
    write_corpus,
    write_results,
)
from rag.core.settings import Settings, load_settings  # noqa: E402
from rag.documents.chunking import chunk_document, chunker_signature  # noqa: E402
from rag.documents.structure import parse_document  # noqa: E402
from rag.index.embeddings import MODEL_NAME, OfflineEmbeddings  # noqa: E402
from rag.index.store import SCHEMA_VERSION
from rag.ingest.pipeline import ingest_paths  # noqa: E402


class CountingEmbeddings(OfflineEmbeddings):
    """The real model, counting the texts it is asked to embed (with or without their
    sentence vectors: ingest asks for both in one pass)."""

    calls = 0
    texts = 0

    def _embed(self, texts, spans=None):  # type: ignore[no-untyped-def]
        self.calls += 1
        self.texts += len(texts)
        return super()._embed(texts, spans)


def raw_throughput(texts: list[str], model: OfflineEmbeddings) -> float:
    """Chunks per second of the bare model over ``texts`` (one call, as ingest batches them)."""
    start = time.perf_counter()
    model.embed_documents(texts)
    return len(texts) / (time.perf_counter() - start)


def chunk_texts(corpus: Path, settings: Settings) -> list[str]:
    return [
        c.text
        for path in sorted(corpus.glob("*.txt"))
        for c in chunk_document(
            parse_document(path.read_text(encoding="utf-8"), path.name),
            settings.chunk_tokens,
            settings.chunk_overlap,
            settings.encoding,
        )
    ]


def reingest_index(docs: int, settings: Settings, model: OfflineEmbeddings) -> tuple[Path, float]:
    """A corpus of ``docs`` documents and its index, built once and cached under results/.
    Returns the cache folder and the seconds the first ingest took (0 when cached)."""
    signature = chunker_signature(settings.chunk_tokens, settings.chunk_overlap, settings.encoding)
    key = f"reingest-{docs}-{MODEL_NAME}-s{SCHEMA_VERSION}-{signature.replace(':', '_')}"
    folder = RESULTS_DIR / "cache" / key
    if (folder / "done").exists():
        return folder, 0.0
    shutil.rmtree(folder, ignore_errors=True)
    write_corpus(folder / "corpus", docs, seed=23)
    started = time.perf_counter()
    report = ingest_paths(
        [folder / "corpus"],
        settings.model_copy(update={"index_dir": folder / "index"}),
        embeddings=model,
    )
    assert report.exit_code == 0, report.to_json()
    (folder / "done").write_text(f"{report.embedded_chunks} chunks\n")
    return folder, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100, help="documents for the throughput run")
    parser.add_argument("--reingest-docs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="ingest runs (median taken)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test")
    args = parser.parse_args()
    if args.quick:
        args.docs, args.reingest_docs, args.rounds = 4, 10, 1

    with tempfile.TemporaryDirectory(prefix="rag-bench-ingest-") as tmp:
        corpus = Path(tmp, "corpus")
        write_corpus(corpus, args.docs)
        settings = load_settings(index_dir=Path(tmp, "index"), _env_file=None)
        model = CountingEmbeddings(batch_size=settings.embed_batch_size)
        model.embed_documents(["warm up the model", "and its session"])

        texts = chunk_texts(corpus, settings)
        # rounds of (bare model, ingest into a fresh index), then the bare model once more:
        # machine noise hits both sides, and the medians drop a slow outlier
        raw_rates, ingest_rates, reports = [], [], []
        for round_ in range(args.rounds):
            raw_rates.append(raw_throughput(texts, model))
            round_settings = settings.model_copy(update={"index_dir": Path(tmp, f"i{round_}")})
            reports.append(ingest_paths([corpus], round_settings, embeddings=model))
            assert reports[-1].embedded_chunks == len(texts), (
                reports[-1].embedded_chunks,
                len(texts),
            )
            ingest_rates.append(reports[-1].embedded_chunks / reports[-1].elapsed_s)
        raw_rates.append(raw_throughput(texts, model))
        report = reports[0]
        ingest_rate = statistics.median(ingest_rates)
        raw_rate = statistics.median(raw_rates)

        cached, first_ingest_s = reingest_index(args.reingest_docs, settings, model)
        index = Path(tmp, "reingest-index")
        shutil.copytree(cached / "index", index)  # the cached copy stays pristine
        before = model.texts
        started = time.perf_counter()
        again = ingest_paths(
            [cached / "corpus"], settings.model_copy(update={"index_dir": index}), embeddings=model
        )
        reingest_s = time.perf_counter() - started
        reembedded = model.texts - before
        unchanged = sum(d.status == "unchanged" for d in again.documents)

    ratio = ingest_rate / raw_rate
    results = {
        "method": (
            "synthetic transcripts (recombined sentences of the shipped and fictional ones); "
            "raw = OfflineEmbeddings.embed_documents on the same chunk texts in one call; "
            "rounds of (raw, ingest into a fresh index), then raw once more; the ratio is "
            "median ingest rate / median raw rate. The ingest also pools and stores each "
            "chunk's sentence vectors; peak memory = ru_maxrss of this process"
        ),
        "quick": args.quick,
        "documents": args.docs,
        "chunks": report.embedded_chunks,
        "rounds": args.rounds,
        "ingest_s": [round(r.elapsed_s, 2) for r in reports],
        "ingest_chunks_per_s": round(ingest_rate, 2),
        "ingest_chunks_per_s_each": [round(r, 2) for r in ingest_rates],
        "raw_model_chunks_per_s": round(raw_rate, 2),
        "raw_model_chunks_per_s_each": [round(r, 2) for r in raw_rates],
        "ingest_vs_raw": round(ratio, 3),
        "reingest_documents": args.reingest_docs,
        "reingest_unchanged_documents": unchanged,
        "reingest_first_ingest_s": round(first_ingest_s, 1) if first_ingest_s else "cached",
        "reingest_unchanged_s": round(reingest_s, 3),
        "reingest_embedded_chunks": reembedded,
        "peak_rss_mb": peak_rss_mb(),
    }
    results["targets"] = [
        target("ingest / raw model throughput", round(ratio, 3), ">=", 0.90),
        target(
            f"re-ingest {args.reingest_docs} unchanged docs", round(reingest_s, 2), "<=", 5.0, "s"
        ),
        target("re-ingest: chunks embedded", reembedded, "==", 0),
    ]
    path = write_results("ingest", results)
    for key, value in results.items():
        if key not in ("targets", "method"):
            print(f"  {key:<30} {value}")
    print_targets(results["targets"])
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
