"""Memory and start-up as the library grows: cold `rag ask` and a warm engine, on a local
index and through a real `chroma run` server, at 1,000, 10,000 and 100,000 chunks.

Run: ``make bench`` (all benchmarks) or ``.venv/bin/python benchmarks/bench_scale.py``.
The indexes are bench_query.py's (the evaluation corpus plus filler, cached under
benchmarks/results/cache/). Each figure is a process of its own, so its peak memory is
its own (``ru_maxrss`` of that child, from ``os.wait4``):

- cold: ``rag ask QUESTION --json`` as a user runs it, wall time and peak RSS, median
  of ``--runs``;
- warm: one process opens an ``Engine`` (start-up: until the first search can run),
  answers the reference questions offline (p50, p95), and reports its peak RSS.

Through a server, the client's BM25 folder starts empty, as on a new machine: the
first process builds it from the server (timed apart as ``bm25_first_use_s``), later
ones map it. Growth ratios (10k/1k, 100k/10k) and a projection to 1,000,000 chunks
(the last measured growth applied once more, on paper) are in the results. Writes
benchmarks/results/scale.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import chromadb  # noqa: E402
from chromadb.config import Settings as ChromaSettings  # noqa: E402

from benchmarks.common import (  # noqa: E402
    ROOT,
    peak_rss_mb,
    print_targets,
    summary_ms,
    target,
    write_results,
)

BIN = Path(sys.executable).parent
QUESTION = "What did the inspector say about the force's integrity?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# Linux carries a process's peak RSS across exec, so a child forked straight from this
# driver (which holds the model and the index builder) would report the driver's peak as
# its own: each child is started by a small launcher, whose own peak is about 10 MB.
LAUNCH = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode, file=sys.stderr)
"""


def child(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall s, peak RSS MB, stdout) of one child process (its own ``ru_maxrss``)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", LAUNCH, *command], env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    *errors, last = done.stderr.strip().splitlines() or ["0 1"]
    peak_kb, code = (int(x) for x in last.split())
    if code not in (0, 1):  # 1: `rag ask` abstained, still a full answer
        raise RuntimeError(f"{' '.join(command[:3])} exited {code}: {errors[-5:]}")
    return wall, peak_kb / 1024, done.stdout


def cold(env: dict[str, str], runs: int) -> dict[str, Any]:
    walls, rss = [], []
    for _ in range(runs):
        wall, peak, out = child([str(BIN / "rag"), "ask", QUESTION, "--json"], env)
        if "answer" not in json.loads(out or "{}"):  # an error exits 1 too: never timed
            raise RuntimeError(f"`rag ask` gave no answer: {out[:300]}")
        walls.append(wall)
        rss.append(peak)
    return {"wall_s": round(statistics.median(walls), 2), "peak_rss_mb": round(max(rss), 1)}


def warm(env: dict[str, str], questions: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--warm", str(questions)]
    _, peak, out = child(command, env)
    figures = json.loads(out.strip().splitlines()[-1])
    return {**figures, "peak_rss_mb": round(peak, 1)}


def warm_main(questions: int) -> None:
    """In a child: open an engine from the RAG_* environment and answer the questions."""
    sys.path.insert(0, os.environ.get("BENCH_SOURCE", str(ROOT)))  # before or after
    from rag.core.settings import load_settings
    from rag.engine.engine import Engine
    from rag.evaluation.data import DEFAULT_DATASET, load_cases

    cases = [c for c in load_cases(DEFAULT_DATASET) if not c.history][:questions]
    started = time.perf_counter()
    engine = Engine(load_settings())
    engine.searcher.search("warm-up", k=1)  # the registry read and the BM25 files mapped
    start_s = time.perf_counter() - started
    engine.ask("warm-up question about integrity", mode="offline")
    timings = []
    for case in cases:
        begun = time.perf_counter()
        engine.ask(case.question, force=case.force, mode="offline")
        timings.append((time.perf_counter() - begun) * 1000)
    print(json.dumps({"start_s": round(start_s, 2), "answer_ms": summary_ms(timings)}))


class ChromaServer:
    """A real `chroma run` serving a copy of an index directory."""

    def __init__(self, path: Path) -> None:
        self.port = free_port()
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
        self.proc = subprocess.Popen(
            [str(BIN / "chroma"), "run", "--path", str(path), "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("`chroma run` did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def peak_rss_mb(self) -> float:
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
        return round(int(line.split()[1]) / 1024, 1)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def drop_head(client: Any) -> None:
    """The registry as the code before wrote it: without the head stamp record, which that
    code would read as a document and fail on (``rag.index.store.HEAD_ID``)."""
    from rag.index.store import HEAD_ID

    registry = next(c for c in client.list_collections() if c.name.endswith("-documents"))
    client.get_collection(registry.name).delete(ids=[HEAD_ID])


def environment(source: Path = ROOT, **values: str) -> dict[str, str]:
    """The children's environment; ``source``: the checkout whose ``rag`` they import."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RAG_", "OPENAI_"))}
    return {
        **env,
        "PYTHONPATH": str(source),
        "BENCH_SOURCE": str(source),  # the warm child puts it before this checkout
        "RAG_MODE": "offline",
        **values,
    }


def measure_size(
    size: int, tmp: Path, runs: int, questions: int, before: Path | None, served: bool = True
) -> dict[str, Any]:
    from benchmarks.bench_query import build_index, sentence_vectors
    from rag.core.settings import load_settings
    from rag.index.embeddings import OfflineEmbeddings

    settings = load_settings(index_dir=tmp / "unused", _env_file=None)
    model = OfflineEmbeddings()

    cached, _ = build_index(size, settings, model, sentence_vectors(model))
    local = tmp / f"local-{size}"
    shutil.copytree(cached, local)
    out: dict[str, Any] = {}
    env = environment(RAG_INDEX_DIR=str(local))
    out["local"] = {"cold": cold(env, runs), "warm": warm(env, questions)}
    if before:  # the same index, the same run, the code before (it ignores the BM25 files)
        old = tmp / f"before-{size}"
        shutil.copytree(cached, old)
        drop_head(chromadb.PersistentClient(str(old), ChromaSettings(anonymized_telemetry=False)))
        env = environment(before, RAG_INDEX_DIR=str(old))
        out["local_before"] = {"cold": cold(env, runs), "warm": warm(env, questions)}
        shutil.rmtree(old, ignore_errors=True)

    if not served:
        shutil.rmtree(local, ignore_errors=True)
        return out
    served_dir = tmp / f"served-{size}"
    shutil.copytree(cached, served_dir, ignore=shutil.ignore_patterns("lexical"))
    server = ChromaServer(served_dir)
    try:
        client = tmp / f"client-{size}"  # a new machine: no BM25 files yet
        env = environment(RAG_CHROMA_URL=server.url, RAG_INDEX_DIR=str(client))
        first_wall, _, _ = child([str(BIN / "rag"), "ask", QUESTION, "--json"], env)
        out["server"] = {
            "bm25_first_use_s": round(first_wall, 2),
            "cold": cold(env, runs),
            "warm": warm(env, questions),
            "server_peak_rss_mb": server.peak_rss_mb(),
        }
        if before:
            drop_head(
                chromadb.HttpClient(
                    port=server.port, settings=ChromaSettings(anonymized_telemetry=False)
                )
            )
            env = environment(before, RAG_CHROMA_URL=server.url, RAG_INDEX_DIR=str(client))
            out["server_before"] = {"cold": cold(env, runs), "warm": warm(env, questions)}
    finally:
        server.stop()
    shutil.rmtree(served_dir, ignore_errors=True)
    shutil.rmtree(local, ignore_errors=True)
    return out


def figure(results: dict[str, Any], size: str, mode: str, path: str) -> float:
    node: Any = results[size][mode]
    for key in path.split("."):
        node = node[key]
    return float(node)


MODES = ["local", "local_before", "server", "server_before"]
FIGURES = [
    "cold.wall_s",
    "cold.peak_rss_mb",
    "warm.start_s",
    "warm.peak_rss_mb",
    "warm.answer_ms.p50",
]


def growth_and_projection(sizes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = sorted(sizes, key=int)
    growth: dict[str, Any] = {}
    for small, large in zip(keys, keys[1:], strict=False):
        growth[f"{large}/{small}"] = {
            mode: {
                f: round(figure(sizes, large, mode, f) / figure(sizes, small, mode, f), 2)
                for f in FIGURES
            }
            for mode in MODES
            if mode in sizes[small] and mode in sizes[large]
        }
    projection: dict[str, Any] = {}
    if len(keys) >= 2:
        last = growth[f"{keys[-1]}/{keys[-2]}"]
        scale = int(keys[-1]) * (int(keys[-1]) // int(keys[-2]))
        projection = {
            "chunks": scale,
            **{
                mode: {
                    f: round(figure(sizes, keys[-1], mode, f) * last[mode][f], 2) for f in FIGURES
                }
                for mode in last
            },
        }
    return growth, projection


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3, help="cold runs per figure (median)")
    parser.add_argument("--questions", type=int, default=60, help="warm answers per process")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test")
    parser.add_argument(
        "--before", type=Path, help="a checkout of the code before, measured in the same run"
    )
    parser.add_argument("--warm", type=int, help=argparse.SUPPRESS)  # the child's role
    args = parser.parse_args()
    if args.warm is not None:
        warm_main(args.warm)
        return
    if args.quick:
        args.sizes, args.runs, args.questions = [150, 300], 1, 5
    sizes: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="rag-bench-scale-") as tmp:
        for size in args.sizes:
            # a smoke test starts one server, at the last size: the path runs, no growth
            served = not args.quick or size == args.sizes[-1]
            sizes[str(size)] = measure_size(
                size, Path(tmp), args.runs, args.questions, args.before, served
            )
            for mode in [m for m in MODES if m in sizes[str(size)]]:
                m = sizes[str(size)][mode]
                answer = m["warm"]["answer_ms"]
                print(
                    f"{size:>7} chunks {mode:<6} cold {m['cold']['wall_s']:5.2f} s "
                    f"{m['cold']['peak_rss_mb']:6.0f} MB   warm start {m['warm']['start_s']:5.2f} s"
                    f" {m['warm']['peak_rss_mb']:6.0f} MB  answer p50 "
                    f"{answer['p50']:6.1f} ms p95 {answer['p95']:6.1f}",
                    flush=True,
                )
    growth, projection = growth_and_projection(sizes)
    targets = []
    for name, g in list(growth.items())[:1]:  # the issue's: from about 1k to about 10k chunks
        for mode in [m for m in ("local", "server") if m in g]:
            targets.append(
                target(
                    f"cold peak RSS growth {name} {mode}",
                    g[mode]["cold.peak_rss_mb"],
                    "<=",
                    1.2,
                )
            )
            targets.append(
                target(f"cold wall growth {name} {mode}", g[mode]["cold.wall_s"], "<=", 1.2)
            )
    if "100000" in sizes:
        for mode, p50_goal in (("local", 50.0), ("server", 150.0)):
            big = sizes["100000"][mode]
            targets.append(
                target(f"cold peak RSS @100k {mode}", big["cold"]["peak_rss_mb"], "<=", 600.0, "MB")
            )
            targets.append(
                target(
                    f"cold start (rag ask wall) @100k {mode}", big["cold"]["wall_s"], "<=", 2.0, "s"
                )
            )
            targets.append(  # start-up alone: until the first search can run
                target(f"warm start @100k {mode}", big["warm"]["start_s"], "<=", 2.0, "s")
            )
            targets.append(
                target(
                    f"warm answer p50 @100k {mode}",
                    big["warm"]["answer_ms"]["p50"],
                    "<=",
                    p50_goal,
                    "ms",
                )
            )
    results = {
        "quick": args.quick,
        "question": QUESTION,
        "sizes": sizes,
        "growth": growth,
        "projection_1m_on_paper": projection,
        "peak_rss_mb_of_this_driver": peak_rss_mb(),
        "targets": targets,
    }
    path = write_results("scale", results)
    print(f"growth {json.dumps(growth)}\nprojection {json.dumps(projection)}")
    print_targets(targets)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
