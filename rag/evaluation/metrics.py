"""Answer-quality metrics that need no LLM. Pure functions: known inputs, known scores."""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Sequence

from rag.answer.citations import normalise

_TOKEN = re.compile(r"[a-z0-9£%]+")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalise(text))


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style token F1."""
    pred, ref = tokens(prediction), tokens(reference)
    common = sum((Counter(pred) & Counter(ref)).values())
    if not pred or not ref or not common:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def key_fact_recall(answer: str, key_facts: Sequence[str]) -> float:
    """Share of key facts present in the answer (normalised substring match)."""
    if not key_facts:
        return 1.0
    text = normalise(answer)
    return sum(normalise(fact) in text for fact in key_facts) / len(key_facts)


def supports(quote: str, gold: str) -> bool:
    """A cited quote supports a gold passage when one contains the other, or
    they share most of the shorter one's words."""
    q, g = normalise(quote), normalise(gold)
    if q in g or g in q:
        return True
    qt, gt = set(tokens(q)), set(tokens(g))
    shorter = min(len(qt), len(gt))
    return shorter > 0 and len(qt & gt) / shorter >= 0.6


def citation_precision(quotes: Sequence[str], golds: Sequence[str]) -> float | None:
    """Share of citations that support some gold passage (None: nothing cited)."""
    if not quotes:
        return None
    return sum(any(supports(q, g) for g in golds) for q in quotes) / len(quotes)


def citation_recall(quotes: Sequence[str], golds: Sequence[str]) -> float | None:
    """Share of gold passages supported by some citation (None: no gold)."""
    if not golds:
        return None
    return sum(any(supports(q, g) for q in quotes) for g in golds) / len(golds)


def retrieval_ranks(passages: Sequence[str], golds: Sequence[str]) -> list[int | None]:
    """For each gold quote, the 1-based rank of the first passage containing it."""
    ranks: list[int | None] = []
    for gold in golds:
        g = normalise(gold)
        ranks.append(next((i for i, p in enumerate(passages, 1) if g in normalise(p)), None))
    return ranks


def recall_at_k(ranks: Sequence[int | None], k: int) -> float | None:
    if not ranks:
        return None
    return sum(r is not None and r <= k for r in ranks) / len(ranks)


def reciprocal_rank(ranks: Sequence[int | None]) -> float | None:
    found = [r for r in ranks if r is not None]
    if not ranks:
        return None
    return 1.0 / min(found) if found else 0.0


def finding_covered(evidence: str, quotes: Sequence[str], text: str = "") -> bool:
    """A briefing covers a required finding when one of its citations supports the
    finding's evidence quote, or its text holds that quote (normalised)."""
    return any(supports(q, evidence) for q in quotes) or (
        bool(text) and normalise(evidence) in normalise(text)
    )


def briefing_coverage(
    evidence: Sequence[str], quotes: Sequence[str], text: str = ""
) -> float | None:
    """Share of required findings (given by their evidence quotes) a briefing covers
    (None: nothing required)."""
    if not evidence:
        return None
    return sum(finding_covered(e, quotes, text) for e in evidence) / len(evidence)


def abstention_scores(abstained: Sequence[bool], answerable: Sequence[bool]) -> dict[str, float]:
    """Precision and recall of abstaining, with 'unanswerable' as the positive class."""
    pairs = list(zip(abstained, answerable, strict=True))
    true_pos = sum(a and not ok for a, ok in pairs)
    predicted = sum(a for a, _ in pairs)
    actual = sum(not ok for _, ok in pairs)
    return {
        "abstention_precision": true_pos / predicted if predicted else 1.0,
        "abstention_recall": true_pos / actual if actual else 1.0,
        "abstention_accuracy": sum(a == (not ok) for a, ok in pairs) / len(pairs) if pairs else 1.0,
    }


def mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.fmean(present) if present else None


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[index]
