"""The golden set: the offline engine on evals/datasets/reference.jsonl (the shipped
transcript and six fictional ones), in a temporary index. Floors sit a little under
the measured figures (accuracy 0.73, citation precision 0.75, abstention accuracy
0.84 when written) so that a change that makes answers worse fails here."""

from __future__ import annotations

import pytest
from langchain_core.embeddings import Embeddings

from rag.evaluation import evaluate
from rag.settings import Settings

FLOORS = {
    "accuracy": 0.68,
    "answer_accuracy": 0.70,
    "citation_precision": 0.70,
    "abstention_accuracy": 0.78,
    "recall_at_5": 0.88,
}


@pytest.mark.slow
def test_offline_engine_meets_its_floors(settings: Settings, embeddings: Embeddings) -> None:
    summary, results = evaluate(settings)
    assert summary["cases"] == len(results) >= 80
    below = {k: summary[k] for k, floor in FLOORS.items() if (summary[k] or 0.0) < floor}
    assert not below, f"below floor: {below}"
    # every citation the engine showed is verbatim in a passage it retrieved
    for result in results:
        for citation in result.answer.citations:
            assert any(citation.quote in passage for passage in result.passages), citation
