"""Shared pieces of the benchmarks: synthetic corpora, percentiles, targets, JSON output.

Every benchmark script writes ``benchmarks/results/<name>.json`` holding its
figures and a ``targets`` list; ``benchmarks/run_all.py`` prints them together.
"""

from __future__ import annotations

import json
import os
import platform
import random
import re
import resource
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
RESULTS_DIR = Path(os.environ.get("RAG_BENCH_RESULTS", ROOT / "benchmarks" / "results"))
SOURCES = [ROOT / "data", ROOT / "evals" / "corpus"]


def source_sentences() -> list[str]:
    """Sentences (over 40 characters) of the shipped and fictional transcripts."""
    out: list[str] = []
    for folder in SOURCES:
        for path in sorted(folder.glob("*.txt")):
            body = path.read_text(encoding="utf-8").split("\n\n", 3)[-1]
            out += [s for s in re.split(r"(?<=[.!?])\s+", " ".join(body.split())) if len(s) > 40]
    return [s for s in out if not s.startswith("[FICTIONAL")]


def write_corpus(
    folder: Path, docs: int, seed: int = 11, forces: int | None = None, first: int = 0
) -> None:
    """``docs`` fictional transcripts of 10-14 paragraphs of 3-5 recombined sentences each;
    one force per document, or ``forces`` forces shared round-robin."""
    rng = random.Random(seed)
    pool = source_sentences()
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(first, first + docs):
        force = f"Benchshire {i % forces if forces else i:04d} Constabulary"
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


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * q // 100))
    return float(ordered[int(rank) - 1])


def summary_ms(values: Sequence[float]) -> dict[str, float]:
    return {
        "p50": round(statistics.median(values), 2),
        "p95": round(percentile(values, 95), 2),
        "n": len(values),
    }


def peak_rss_mb() -> float:
    """This process's peak resident set size (``resource.getrusage`` ru_maxrss, Linux KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def target(name: str, value: float | None, op: str, goal: float, unit: str = "") -> dict[str, Any]:
    """One figure against its target; ``op`` is '<=' or '>=' (or '==')."""
    if value is None:
        ok = False
    elif op == "<=":
        ok = value <= goal
    elif op == ">=":
        ok = value >= goal
    else:
        ok = value == goal
    return {"name": name, "value": value, "op": op, "goal": goal, "unit": unit, "pass": ok}


def machine() -> dict[str, Any]:
    import onnxruntime

    return {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "onnxruntime": onnxruntime.__version__,
    }


def write_results(name: str, results: dict[str, Any]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    results = {"benchmark": name, "machine": machine(), **results}
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return path


def print_targets(targets: Sequence[dict[str, Any]]) -> None:
    for t in targets:
        print(
            f"  {'PASS' if t['pass'] else 'MISS'}  {t['name']:<44} {t['value']!s:>10}"
            f" {t['unit']:<8} target {t['op']} {t['goal']}"
        )
