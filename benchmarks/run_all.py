"""Run every benchmark, then print each figure against its target (PASS/MISS).

Run: ``make bench`` (or ``.venv/bin/python benchmarks/run_all.py [--quick]``).
Each benchmark runs in its own process (so peak memory is its own) and writes
benchmarks/results/<name>.json; this writes benchmarks/results/summary.json.
``--quick`` uses tiny sizes: a smoke test that the scripts run, not a measurement.
The first full run builds and caches the large indexes under
benchmarks/results/cache/ (several minutes); later runs reuse them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import RESULTS_DIR, ROOT, print_targets  # noqa: E402

BENCHMARKS = ["ingest", "pdf", "query", "scale", "llm_cost", "app"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, default=BENCHMARKS)
    args = parser.parse_args()
    summary: dict[str, object] = {"quick": args.quick, "benchmarks": {}}
    previous = RESULTS_DIR / "summary.json"
    if args.only != BENCHMARKS and previous.exists():  # a partial rerun keeps the others
        kept = json.loads(previous.read_text(encoding="utf-8"))
        if kept.get("quick") == args.quick:
            summary["benchmarks"] = kept["benchmarks"]
    failed = []
    for name in args.only:
        command = [sys.executable, str(ROOT / "benchmarks" / f"bench_{name}.py")]
        command += ["--quick"] if args.quick else []
        print(f"== {name}: {' '.join(command[1:])}", flush=True)
        started = time.perf_counter()
        if subprocess.run(command, cwd=ROOT).returncode != 0:
            failed.append(name)
            continue
        results = json.loads((RESULTS_DIR / f"{name}.json").read_text(encoding="utf-8"))
        summary["benchmarks"][name] = {  # type: ignore[index]
            "seconds": round(time.perf_counter() - started, 1),
            "targets": results["targets"],
        }
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
