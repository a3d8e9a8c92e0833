"""Question latency at 1,000, 10,000 and 100,000 chunks: retrieval and a full offline answer.

Run: ``make bench`` (all benchmarks) or ``.venv/bin/python benchmarks/bench_query.py``.

How the large indexes are built (embedding 100,000 chunks with the real model
would take about half an hour here):
1. The evaluation corpus (the shipped transcript and six fictional ones) is
   ingested for real, so the 122 reference questions have their real answers.
2. Filler documents are made of sentences of the same transcripts recombined
   (``benchmarks.common.write_corpus``), parsed and chunked by the real parser
   and chunker. Every distinct source sentence is embedded once with the real
   model; a filler chunk's vector is the L2-normalised mean of the vectors of
   the sentences it is made of. The fidelity of that shortcut is measured on
   a sample: cosine of the cheap vector with the real model's vector.
3. Chunks and registry records go through the real ``IndexStore`` API into a
   real Chroma directory, cached under benchmarks/results/cache/ so that reruns
   only reopen it.

Each size answers the 122 reference questions through ``Engine.ask`` (offline
mode, audit log on), each with an empty sentence cache: every question starts cold.
The optimisations are switched off and on in the same run ("off": every
sentence of every passage embedded at question time, every force scored, an
fsync per audit record; "on": as shipped). Writes benchmarks/results/query.json.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from benchmarks.common import (  # noqa: E402
    RESULTS_DIR,
    peak_rss_mb,
    print_targets,
    source_sentences,
    summary_ms,
    target,
    write_corpus,
    write_results,
)
from rag.core.settings import Settings, load_settings  # noqa: E402
from rag.documents.chunking import chunk_document, chunker_signature, sentence_spans  # noqa: E402
from rag.documents.structure import parse_document  # noqa: E402
from rag.engine.engine import Engine  # noqa: E402
from rag.evaluation.data import DEFAULT_CORPUS, DEFAULT_DATASET, load_cases  # noqa: E402
from rag.index.embeddings import MODEL_NAME, OfflineEmbeddings  # noqa: E402
from rag.index.registry import DocumentRecord
from rag.index.sentence_vectors import SENTENCE_VECTORS_KEY, pack, quotable_spans  # noqa: E402
from rag.index.store import SCHEMA_VERSION
from rag.ingest.pipeline import Ingester, chunk_metadata, ingest_paths  # noqa: E402
from rag.retrieve import gather as answering  # noqa: E402
from rag.retrieve.evidence import CANDIDATE_SENTENCES, SentenceVectors  # noqa: E402
from rag.retrieve.gather import MAX_FORCES

FILLER = 2  # how filler chunks are built (in the cache key): 2 = with sentence vectors
FORCES = 43  # filler documents share this many fictional forces (as England and Wales)
QUESTION = "What did the inspector say about the force's integrity?"


def sentence_vectors(model: OfflineEmbeddings) -> dict[str, np.ndarray]:
    """Every distinct source sentence's real vector, cached on disk."""
    sentences = sorted(set(source_sentences()))
    cache = RESULTS_DIR / "cache" / f"sentences-{MODEL_NAME}-{len(sentences)}.npy"
    if cache.exists():
        matrix = np.load(cache)
    else:
        matrix = np.asarray(model.embed_documents(sentences), dtype=np.float32)
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, matrix)
    return dict(zip(sentences, matrix, strict=True))


def cheap_vector(text: str, vectors: dict[str, np.ndarray]) -> np.ndarray | None:
    """Normalised mean of the real vectors of the source sentences in ``text``."""
    found = [
        vectors[text[s:e]] for s, e in sentence_spans(text, 0, len(text)) if text[s:e] in vectors
    ]
    if not found:
        return None
    mean = np.mean(found, axis=0)
    return mean / np.linalg.norm(mean)


def filler_sentence_vectors(
    text: str, vectors: dict[str, np.ndarray], model: OfflineEmbeddings
) -> str:
    """The packed vectors of a filler chunk's sentences: their real vectors, read alone (a
    sentence not among the source sentences, such as the filler's banner, is embedded for
    real once and remembered). As at ingest, every quotable sentence has one."""
    spans = quotable_spans(text)
    unknown = sorted({text[s:e] for s, e in spans} - vectors.keys())
    if unknown:
        fresh = np.asarray(model.embed_documents(unknown), dtype=np.float32)
        vectors.update(zip(unknown, fresh, strict=True))
    if not spans:
        return pack([], np.zeros((0, 0), dtype=np.float32))
    return pack(spans, np.asarray([vectors[text[s:e]] for s, e in spans], dtype=np.float32))


def build_index(
    size: int, settings: Settings, model: OfflineEmbeddings, vectors: dict[str, np.ndarray]
) -> tuple[Path, dict[str, Any]]:
    """An index of the evaluation corpus plus filler up to ``size`` chunks (cached)."""
    signature = chunker_signature(settings.chunk_tokens, settings.chunk_overlap, settings.encoding)
    key = f"query-{size}-{MODEL_NAME}-s{SCHEMA_VERSION}-{signature.replace(':', '_')}-f{FILLER}"
    folder = RESULTS_DIR / "cache" / key
    if (folder / "done").exists():
        return folder / "index", {"cached": True, **lexicon_of(folder / "index", settings)}
    shutil.rmtree(folder, ignore_errors=True)
    index_settings = settings.model_copy(update={"index_dir": folder / "index"})
    started = time.perf_counter()
    ingest_paths(list(DEFAULT_CORPUS), index_settings, embeddings=model)  # the real documents
    ingester = Ingester(index_settings, model)
    store = ingester.store
    have = len(store.chunks.get(include=[])["ids"])
    doc = 0
    embedded_for_real = 0
    by_document: dict[str, list[Any]] = {}
    while have < size:
        batch_dir = Path(tempfile.mkdtemp(prefix="rag-bench-filler-"))
        write_corpus(batch_dir, 200, seed=1000 + doc, forces=FORCES, first=doc)
        chunks_out, vectors_out, records = [], [], []
        for path in sorted(batch_dir.glob("*.txt")):
            source = f"filler/{doc:06d}-{path.name}"
            doc += 1
            parsed = parse_document(path.read_text(encoding="utf-8"), source)
            chunks = chunk_document(
                parsed, settings.chunk_tokens, settings.chunk_overlap, settings.encoding
            )[: size - have]
            if not chunks:
                break
            for chunk in chunks:
                vector = cheap_vector(chunk.text, vectors)
                if vector is None:  # no known sentence in it: embed it for real
                    vector = np.asarray(model.embed_query(chunk.text), dtype=np.float32)
                    embedded_for_real += 1
                meta = chunk_metadata(parsed, chunk)
                meta[SENTENCE_VECTORS_KEY] = filler_sentence_vectors(chunk.text, vectors, model)
                chunks_out.append(replace(chunk, metadata=meta))
                vectors_out.append(vector)
            have += len(chunks)
            records.append(
                DocumentRecord(
                    source=source,
                    document_id=parsed.document_id,
                    force=parsed.force,
                    inspector=parsed.inspector,
                    title=parsed.title,
                    doc_type=parsed.doc_type,
                    chunks=len(chunks),
                    ingested_at="2025-01-01T00:00:00+00:00",
                    chunker=ingester.chunker,
                    paragraphs=parsed.paragraphs,
                    text=parsed.text,
                    chunk_ids=[c.id for c in chunks],
                )
            )
            if have >= size:
                break
        store.add_chunks(chunks_out, np.asarray(vectors_out).tolist())
        for chunk in chunks_out:  # as an ingest does: each document's BM25 rows, then commit
            by_document.setdefault(chunk.document_id, []).append(chunk)
        for record in records:
            rows = by_document.pop(record.document_id)
            store.lexical.write_terms(
                record.document_id, record.chunker, [c.id for c in rows], [c.text for c in rows]
            )
            store.commit(record)
        shutil.rmtree(batch_dir)
    lexical_started = time.perf_counter()
    store.index_lexicon()
    lexical_s = time.perf_counter() - lexical_started
    del ingester, store
    gc.collect()
    (folder / "done").write_text(f"{have} chunks\n")
    return folder / "index", {
        "cached": False,
        "build_s": round(time.perf_counter() - started, 1),
        "filler_chunks_embedded_for_real": embedded_for_real,
        "bm25_build_s": round(lexical_s, 1),
    }


def lexicon_of(index: Path, settings: Settings) -> dict[str, Any]:
    """Build the BM25 files of a cached index made before they existed (once: a reader
    would, fetching every document's chunk texts from Chroma)."""
    from rag.index.opening import open_store

    store = open_store(settings.model_copy(update={"index_dir": index}), MODEL_NAME, 384)
    if store.lexical.is_built(store.documents()) and store.stamped():
        return {}
    started = time.perf_counter()
    store.index_lexicon()
    return {"bm25_built_from_chroma_s": round(time.perf_counter() - started, 1)}


def fidelity(vectors: dict[str, np.ndarray], model: OfflineEmbeddings, sample: int) -> float:
    """Mean cosine of the cheap vector and the real model's vector over sample chunks."""
    folder = Path(tempfile.mkdtemp(prefix="rag-bench-fidelity-"))
    write_corpus(folder, max(2, sample // 12), seed=99)
    texts = []
    for path in sorted(folder.glob("*.txt")):
        parsed = parse_document(path.read_text(encoding="utf-8"), path.name)
        texts += [c.text for c in chunk_document(parsed, 200, 30, "cl100k_base")]
    shutil.rmtree(folder)
    texts = texts[:sample]
    real = np.asarray(model.embed_documents(texts), dtype=np.float32)
    cheap = [cheap_vector(t, vectors) for t in texts]
    cosines = [float(c @ r) for c, r in zip(cheap, real, strict=True) if c is not None]
    return round(statistics.mean(cosines), 4)


def time_questions(engine: Engine, cases: list[Any], repeat: int) -> dict[str, Any]:
    """Retrieval (given the question vector) and full offline answers, cold sentence cache."""
    retrieval, answers = [], []
    for _ in range(repeat):
        for case in cases:
            # every question starts with an empty sentence cache: the filler reuses few
            # sentences, so a shared cache would hide the cost of embedding them
            engine.vectors = SentenceVectors(engine.embeddings)
            history = [t.model_dump() for t in case.history]
            started = time.perf_counter()
            engine.ask(case.question, force=case.force, mode="offline", history=history)
            answers.append((time.perf_counter() - started) * 1000)
        vectors = [engine.embeddings.embed_query(c.question) for c in cases]
        for case, vector in zip(cases, vectors, strict=True):
            force = engine.resolve_force(case.force) if case.force else None
            started = time.perf_counter()
            engine.searcher.search(case.question, 6, force, query_vector=vector)
            retrieval.append((time.perf_counter() - started) * 1000)
    return {"retrieval_ms": summary_ms(retrieval), "answer_ms": summary_ms(answers)}


def optimise(engine: Engine, on: bool) -> None:
    """Switch the fast path's changes off (the code as it was) or on, in one process.
    Off: every sentence of every passage embedded, every force's sentences scored on a
    cross-force question, an fsync per audit-log commit. (Stored sentence vectors stay on:
    since the search reads them from Chroma with each candidate there is no copy of them
    to switch off.)"""
    engine.sentence_limit = CANDIDATE_SENTENCES if on else None
    answering.CROSS_FORCE_LIMIT = 2 * MAX_FORCES if on else 10**9
    engine.audit.synchronous = "NORMAL" if on else "FULL"


def answers_of(engine: Engine, cases: list[Any]) -> list[str]:
    return [
        engine.ask(
            c.question, force=c.force, mode="offline", history=[t.model_dump() for t in c.history]
        ).answer
        for c in cases
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=1, help="passes over the questions")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test")
    args = parser.parse_args()
    cases = load_cases(DEFAULT_DATASET)
    if args.quick:
        args.sizes, cases = [150, 300], cases[:10]

    model = OfflineEmbeddings()
    model.embed_query("warm up")
    timings = []
    for _ in range(100):
        started = time.perf_counter()
        model.embed_query(QUESTION)
        timings.append((time.perf_counter() - started) * 1000)
    vectors = sentence_vectors(model)
    results: dict[str, Any] = {
        "method": __doc__.split("How the large indexes are built", 1)[1]
        .split("Each size")[0]
        .strip(),
        "quick": args.quick,
        "questions": len(cases),
        "question_embed_ms": summary_ms(timings),
        "distinct_source_sentences": len(vectors),
        "cheap_vector_cosine_to_real": fidelity(vectors, model, 24 if args.quick else 240),
        "sizes": {},
    }
    with tempfile.TemporaryDirectory(prefix="rag-bench-query-") as tmp:
        for size in args.sizes:
            settings = load_settings(index_dir=Path(tmp, "unused"), _env_file=None)
            cached, build = build_index(size, settings, model, vectors)
            index = Path(tmp, f"index-{size}")
            shutil.copytree(cached, index)  # the audit log writes into it
            settings = settings.model_copy(update={"index_dir": index})
            started = time.perf_counter()
            engine = Engine(settings, embeddings=model)
            chunks = len(engine.searcher.snapshot)
            load_s = time.perf_counter() - started
            engine.ask("warm-up question about integrity", mode="offline")
            optimise(engine, False)
            before = time_questions(engine, cases, args.repeat)
            answers_before = answers_of(engine, cases)
            optimise(engine, True)
            after = time_questions(engine, cases, args.repeat)
            answers_after = answers_of(engine, cases)
            same = sum(a == b for a, b in zip(answers_before, answers_after, strict=True))
            results["sizes"][str(size)] = {
                "chunks": chunks,
                "build": build,
                "snapshot_load_s": round(load_s, 2),
                "before_fast_path_off": before,
                "after": after,
                "answers_identical_before_after": f"{same}/{len(cases)}",
            }
            print(
                f"{chunks:>7} chunks  retrieval p50 {after['retrieval_ms']['p50']:6.2f} ms"
                f"  p95 {after['retrieval_ms']['p95']:6.2f}   answer p50"
                f" {after['answer_ms']['p50']:6.2f} ms p95 {after['answer_ms']['p95']:6.2f}"
                f"   (before: answer p50 {before['answer_ms']['p50']:6.2f} ms"
                f" p95 {before['answer_ms']['p95']:6.2f})  load {load_s:.1f} s",
                flush=True,
            )
            del engine
            gc.collect()

    sizes = [str(s) for s in args.sizes]
    growth: dict[str, Any] = {}
    for small, large in zip(sizes, sizes[1:], strict=False):
        a, b = results["sizes"][small]["after"], results["sizes"][large]["after"]
        growth[f"{large}/{small}"] = {
            "size_ratio": round(int(large) / int(small), 1),
            "retrieval_p50_ratio": round(b["retrieval_ms"]["p50"] / a["retrieval_ms"]["p50"], 2),
            "answer_p50_ratio": round(b["answer_ms"]["p50"] / a["answer_ms"]["p50"], 2),
        }
    results["growth"] = growth
    results["peak_rss_mb"] = peak_rss_mb()
    targets = [target("question embed p50", results["question_embed_ms"]["p50"], "<=", 10.0, "ms")]
    if "10000" in results["sizes"]:
        p50 = results["sizes"]["10000"]["after"]["answer_ms"]["p50"]
        targets.append(target("offline answer p50 @ 10k chunks", p50, "<=", 50.0, "ms"))
    for name, g in growth.items():
        # "far below linear": at most a third of the size ratio
        targets.append(
            target(
                f"answer p50 growth {name} (size x{g['size_ratio']})",
                g["answer_p50_ratio"],
                "<=",
                round(g["size_ratio"] / 3, 1),
            )
        )
    results["targets"] = targets
    path = write_results("query", results)
    print(
        f"question embed {results['question_embed_ms']}; cheap-vector cosine to real "
        f"{results['cheap_vector_cosine_to_real']}; growth {growth}"
    )
    print_targets(targets)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
