"""Run every benchmark, then print each figure against its target (PASS/MISS).

Run: ``make bench`` (or ``.venv/bin/python benchmarks/run_all.py [--quick]``).
Each benchmark runs in its own process (so peak memory is its own) and writes
benchmarks/results/<name>.json; this writes benchmarks/results/summary.json.
``--quick`` uses tiny sizes: a smoke test that the scripts run, not a measurement; with
``--jobs 2`` its benchmarks run two at a time (scale after query, whose indexes it reuses).
A measurement runs one at a time: benchmarks side by side would share the cores.
The first full run builds and caches the large indexes under
benchmarks/results/cache/ (several minutes); later runs reuse them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import RESULTS_DIR, ROOT, print_targets  # noqa: E402

BENCHMARKS = ["ingest", "pdf", "query", "scale", "llm_cost", "app"]


# A benchmark that reuses another's cached indexes runs after it, in the same lane.
AFTER = {"scale": "query"}
# About how long each takes in quick mode on a clean clone (2 cores), to balance the lanes.
QUICK_SECONDS = {"ingest": 7, "pdf": 5, "query": 22, "scale": 28, "llm_cost": 11, "app": 9}


def _lanes(names: list[str], jobs: int) -> list[list[str]]:
    """``names`` split into at most ``jobs`` lanes run side by side, each lane in order:
    a benchmark with the one it runs after, the longest chains first to the least loaded."""
    if jobs == 1:
        return [names]
    chains: list[list[str]] = []
    for name in names:
        chain = next((c for c in chains if AFTER.get(name) in c), None)
        if chain:
            chain.append(name)
        else:
            chains.append([name])
    lanes: list[list[str]] = [[] for _ in range(max(1, min(jobs, len(chains))))]

    def cost(items: list[str]) -> int:
        return sum(QUICK_SECONDS.get(n, 10) for n in items)

    for chain in sorted(chains, key=cost, reverse=True):
        min(lanes, key=cost).extend(chain)
    return lanes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, default=BENCHMARKS)
    parser.add_argument(
        "--jobs", type=int, default=1, help="benchmarks run at once (with --quick only)"
    )
    args = parser.parse_args()
    if args.jobs < 1 or (args.jobs > 1 and not args.quick):
        parser.error("--jobs above 1 is for --quick: a measurement runs one at a time")
    summary: dict[str, object] = {"quick": args.quick, "benchmarks": {}}
    previous = RESULTS_DIR / "summary.json"
    if args.only != BENCHMARKS and previous.exists():  # a partial rerun keeps the others
        kept = json.loads(previous.read_text(encoding="utf-8"))
        if kept.get("quick") == args.quick:
            summary["benchmarks"] = kept["benchmarks"]
    failed = []
    lock = threading.Lock()

    def run(name: str) -> None:
        command = [sys.executable, str(ROOT / "benchmarks" / f"bench_{name}.py")]
        command += ["--quick"] if args.quick else []
        started = time.perf_counter()
        if args.jobs == 1:
            print(f"== {name}: {' '.join(command[1:])}", flush=True)
            code = subprocess.run(command, cwd=ROOT).returncode
        else:  # side by side: each one's output printed whole when it ends
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
            code = done.returncode
            with lock:
                print(f"== {name}: {' '.join(command[1:])}\n{done.stdout}{done.stderr}", flush=True)
        with lock:
            if code != 0:
                failed.append(name)
                return
            results = json.loads((RESULTS_DIR / f"{name}.json").read_text(encoding="utf-8"))
            summary["benchmarks"][name] = {  # type: ignore[index]
                "seconds": round(time.perf_counter() - started, 1),
                "targets": results["targets"],
            }

    lanes = _lanes(args.only, args.jobs)
    with ThreadPoolExecutor(max_workers=len(lanes)) as pool:
        for lane in [pool.submit(lambda names=names: [run(n) for n in names]) for names in lanes]:
            lane.result()
    print(
        "\n== every figure against its target"
        + (" (QUICK: not a measurement)" if args.quick else "")
    )
    for name, entry in summary["benchmarks"].items():  # type: ignore[attr-defined]
        print(f"{name} ({entry['seconds']} s)")
        print_targets(entry["targets"])
    for name in failed:
        print(f"{name}: FAILED to run")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "summary.json").write_text(
        json.dumps(summary, indent=2) + "\n", encoding="utf-8"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
