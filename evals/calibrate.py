"""Calibrate the offline engine's abstention threshold (RAG_OFFLINE_MIN_SCORE).

Run: ``.venv/bin/python evals/calibrate.py``. Retrieval runs once per case;
then every threshold on a grid is scored with the offline engine as it answers
(``draft_for``: the documents' vocabulary, terms of art and stated grades included).
The threshold is chosen on the dev split (``split:dev``) and reported on the
held-out split as well, so that figure is not measured on the data that chose it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rag.answer.offline import draft_for  # noqa: E402
from rag.core.settings import load_settings  # noqa: E402
from rag.core.types import Answer  # noqa: E402
from rag.evaluation.data import DEFAULT_CORPUS, DEFAULT_DATASET, load_cases  # noqa: E402
from rag.evaluation.records import CaseResult, summarise  # noqa: E402
from rag.evaluation.suite import build_engine  # noqa: E402

GRID = [x / 100 for x in range(30, 161, 2)]
SHOWN = (
    "accuracy",
    "answer_accuracy",
    "abstention_accuracy",
    "abstention_recall",
    "citation_precision",
)


def main() -> None:
    cases = load_cases(DEFAULT_DATASET)
    with tempfile.TemporaryDirectory() as tmp:
        engine = build_engine(load_settings(_env_file=None), DEFAULT_CORPUS, Path(tmp))
        evidence = [
            engine.gather(c.question, c.force, [t.model_dump() for t in c.history]) for c in cases
        ]
        grades = [engine.asked_grades(found) for found in evidence]

        def score(threshold: float, part: list[int]) -> dict[str, float | None]:
            results = []
            for i in part:
                case, found = cases[i], evidence[i]
                draft = draft_for(found, threshold, grades[i])
                answer = Answer(
                    question=case.question,
                    answer=draft.text,
                    abstained=draft.abstained,
                    mode="offline",
                    citations=draft.citations,
                )
                results.append(
                    CaseResult(case, answer, [p.text for p in found.passages]).record()
                )
            return summarise(results)

        dev = [i for i, c in enumerate(cases) if "split:dev" in c.tags]
        held_out = [i for i, c in enumerate(cases) if "split:dev" not in c.tags]
        best = max(GRID, key=lambda t: (score(t, dev)["accuracy"] or 0.0, t))  # ties: safer
        for name, part in (("dev", dev), ("held-out", held_out), ("all", dev + held_out)):
            figures = score(best, part)
            shown = ", ".join(f"{k}={figures[k]:.3f}" for k in SHOWN if figures[k] is not None)
            print(f"{name:<9} ({len(part)} cases) {shown}")
        print(f"chosen threshold: RAG_OFFLINE_MIN_SCORE={best}")


if __name__ == "__main__":
    main()
