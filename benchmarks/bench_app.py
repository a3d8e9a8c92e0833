"""The app in a real browser, offline: time from pressing Enter to the answer's first text
and to the complete answer (its sources and download button drawn), measured in the
browser frame by frame. The app runs as the README starts it (`rag app`) on
the shipped transcript; chromium is Debian's, driven by Playwright.

    python benchmarks/bench_app.py [--rounds 3] [--quick]

Writes benchmarks/results/app.json (or under $RAG_BENCH_RESULTS).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.app_session import ROOT, ask, browser_page, running_app, wait_idle  # noqa: E402
from benchmarks.common import target, write_results  # noqa: E402

QUESTIONS = [
    "What did the inspector say about integrity?",
    "How does the force support victims of domestic abuse?",
    "What did the inspector say about joint working?",
    "How well does the force understand future demand?",
    "How many horses does the mounted unit own?",  # an abstention
]
TARGET_MS = 1000  # the issue: a cited answer "in well under a second" offline


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="times each question is asked")
    parser.add_argument("--quick", action="store_true", help="one round of two questions")
    args = parser.parse_args()
    questions = QUESTIONS[:2] if args.quick else QUESTIONS
    rounds = 1 if args.quick else args.rounds

    first: list[float] = []
    complete: list[float] = []
    with tempfile.TemporaryDirectory(prefix="rag-bench-app-") as tmp:
        env = {"RAG_INDEX_DIR": f"{tmp}/index", "RAG_DATA_DIR": str(ROOT / "data"),
               "RAG_MODE": "offline", "OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""}  # fmt: skip
        started = time.perf_counter()
        with running_app(env, Path(tmp) / "app.log") as url, browser_page() as page:
            page.goto(url)
            page.get_by_test_id("stChatInputTextArea").wait_for(timeout=180_000)
            wait_idle(page)
            ready_s = time.perf_counter() - started
            for _ in range(rounds):
                for question in questions:
                    timing = ask(page, question)
                    first.append(timing.first_text_ms)
                    complete.append(timing.complete_ms)
                page.get_by_role("button", name="New chat").click()  # keep the page short
                page.wait_for_function(
                    "() => !document.querySelector('[data-testid=\"stChatMessage\"]')"
                )
                wait_idle(page)
    result = {
        "quick": args.quick,
        "method": "rag app on data/, Debian chromium via Playwright; "
        "Enter pressed to text drawn, timed in the browser with requestAnimationFrame",
        "questions": len(first),
        "first_start_to_ready_s": round(ready_s, 2),
        "first_text_ms": {"p50": round(statistics.median(first), 1),
                          "p95": round(percentile(first, 0.95), 1)},
        "complete_ms": {"p50": round(statistics.median(complete), 1),
                        "p95": round(percentile(complete, 0.95), 1)},
    }  # fmt: skip
    result["targets"] = [
        target("app: Enter to first text p50", result["first_text_ms"]["p50"], "<=",
               TARGET_MS, "ms"),
        target("app: Enter to complete answer p50", result["complete_ms"]["p50"], "<=",
               TARGET_MS, "ms"),
    ]  # fmt: skip
    write_results("app", result)
    print(
        f"app (browser, offline): {len(first)} answers; first text p50 "
        f"{result['first_text_ms']['p50']} ms / p95 {result['first_text_ms']['p95']} ms; "
        f"complete p50 {result['complete_ms']['p50']} ms / p95 {result['complete_ms']['p95']} ms "
        f"(target < {TARGET_MS} ms); ready after first start {result['first_start_to_ready_s']} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
