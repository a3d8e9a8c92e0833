"""Lexical matching: terms, and a BM25 index over postings held in numpy arrays."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers him his how i if in into
    is it its itself just me more most my no nor not now of off on once only or other
    our out over own same she should so some such than that the their theirs them then
    there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your yours tell say said says
    inspector inspectors hmi report transcript force forces police constabulary document
    documents
    """.split()  # noqa: SIM905 - a word list reads best as text
)


_SIBILANT_PLURAL = ("sses", "xes", "zes", "ches", "shes")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A deliberately light suffix stripper: enough to match plurals and verb forms.
    A final 'e' goes too, so crime/crimes and investigate/investigated meet."""
    if word.endswith("ss") or len(word) < 5:
        return word
    if word.endswith("ies"):
        word = word[:-3] + "y"
    elif word.endswith(_SIBILANT_PLURAL):
        word = word[:-2]
    elif word.endswith(("ing", "ed", "ly", "s")):
        for suffix in ("ing", "ed", "ly", "s"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def terms(text: str) -> list[str]:
    """Content terms of a text, stemmed, stopwords dropped."""
    words = (w.removesuffix("'s") for w in _WORD.findall(text.lower()))
    return [stem(w) for w in words if w not in STOPWORDS]


class BM25Index:
    """Okapi BM25 over a fixed list of texts."""

    def __init__(self, texts: Sequence[str], k1: float = 1.2, b: float = 0.75) -> None:
        self.size = len(texts)
        lengths = np.zeros(self.size, dtype=np.float32)
        postings: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        for i, text in enumerate(texts):
            counts = Counter(terms(text))
            lengths[i] = sum(counts.values())
            for term, tf in counts.items():
                docs, freqs = postings[term]
                docs.append(i)
                freqs.append(tf)
        average = float(lengths.mean()) if self.size else 1.0
        norm = k1 * (1 - b + b * lengths / max(average, 1.0))
        self._weights: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.idf: dict[str, float] = {}
        for term, (docs, freqs) in postings.items():
            idx = np.asarray(docs, dtype=np.int64)
            tf = np.asarray(freqs, dtype=np.float32)
            idf = math.log(1 + (self.size - len(docs) + 0.5) / (len(docs) + 0.5))
            self.idf[term] = idf
            self._weights[term] = (idx, idf * tf * (k1 + 1) / (tf + norm[idx]))

    def term_weight(self, term: str) -> float:
        """IDF of a term; a term the corpus never uses weighs most (the documents may
        simply not cover what it asks)."""
        return self.idf.get(term, math.log(1 + (self.size + 0.5) / 0.5))

    def scores(self, query: str) -> np.ndarray:
        out = np.zeros(self.size, dtype=np.float32)
        for term in set(terms(query)):
            if term in self._weights:
                idx, weight = self._weights[term]
                out[idx] += weight
        return out

    def top(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The ``k`` best (index, score) pairs with a positive score."""
        scores = self.scores(query)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        k = min(k, int((scores > 0).sum()))
        if k == 0:
            return []
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(int(i), float(scores[i])) for i in best]
