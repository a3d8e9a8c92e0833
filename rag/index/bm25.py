"""Okapi BM25 over a list of texts, by bm25s (sparse matrices, saved and memory-mapped).

bm25s does the indexing and the scoring; this wraps it with our tokenizer
(``rag.index.terms``), the document frequencies the answer stage asks of a term
(how specific a question's word is), and saving to a directory that later
processes map into memory instead of loading: a process pays for the pages a
query touches, not for the whole index.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import bm25s
import numpy as np

from rag.index.terms import terms

K1, B = 1.2, 0.75
logging.getLogger("bm25s").setLevel(logging.WARNING)


class Vocabulary(Mapping[str, float]):
    """Term -> IDF for every term the texts use, read from the index's columns on demand."""

    def __init__(self, vocab: Mapping[str, int], df: np.ndarray, size: int) -> None:
        self._vocab, self._df, self._size = vocab, df, size

    def __getitem__(self, term: str) -> float:
        column = self._vocab.get(term) if term else None
        if column is None or column >= len(self._df) or not self._df[column]:
            raise KeyError(term)
        return idf(int(self._df[column]), self._size)

    def __iter__(self) -> Iterator[str]:
        return (t for t, c in self._vocab.items() if t and c < len(self._df) and self._df[c])

    def __len__(self) -> int:
        return int(np.count_nonzero(self._df))


def idf(df: int, size: int) -> float:
    """Lucene's IDF, never negative: log(1 + (N - df + 0.5) / (df + 0.5))."""
    return math.log(1 + (size - df + 0.5) / (df + 0.5))


class BM25Index:
    """BM25 scores of a query against every text of a fixed list (rows in list order)."""

    def __init__(self, texts: Sequence[str] = (), term_lists: Sequence[list[str]] | None = None):
        lists = list(term_lists) if term_lists is not None else [terms(t) for t in texts]
        self.size = len(lists)
        self._model: bm25s.BM25 | None = None
        if any(lists):
            self._model = bm25s.BM25(k1=K1, b=B, method="lucene", idf_method="lucene")
            self._model.index(lists, show_progress=False)
        self._prepare()

    @classmethod
    def load(cls, folder: Path) -> BM25Index:
        """An index saved by :meth:`save`, memory-mapped."""
        self = cls.__new__(cls)
        self.size = int((folder / "size").read_text())
        model = folder / "bm25s"
        self._model = (
            bm25s.BM25.load(model, mmap=True, show_progress=False) if model.is_dir() else None
        )
        self._prepare()
        return self

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self._model is not None:
            self._model.save(folder / "bm25s", show_progress=False)
        (folder / "size").write_text(str(self.size))

    def _prepare(self) -> None:
        if self._model is None:
            self.idf: Mapping[str, float] = {}
            return
        indptr = np.asarray(self._model.scores["indptr"])
        self.idf = Vocabulary(self._model.vocab_dict, np.diff(indptr), self.size)

    def term_weight(self, term: str) -> float:
        """IDF of a term; a term the texts never use weighs most (the documents may simply
        not cover what it asks)."""
        return self.idf.get(term, idf(0, self.size))

    def scores(self, query: str, mask: np.ndarray | None = None) -> np.ndarray:
        """Every row's score (zero where ``mask``, a boolean row array, is False)."""
        out = np.zeros(self.size, dtype=np.float32)
        if self._model is None:
            return out
        ids = self._model.get_tokens_ids(sorted(set(terms(query))))
        ids = [i for i in ids if i != self._model.vocab_dict.get("")]
        if ids:
            # bm25s's "lucene" term score lacks Okapi's constant (k1 + 1); restored so scores
            # read as the classic formula's
            out = self._model.get_scores_from_ids(ids) * np.float32(K1 + 1)
        return out if mask is None else np.where(mask, out, np.float32(0.0))

    def top(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The ``k`` best (row, score) pairs with a positive score, best first."""
        scores = self.scores(query, mask)
        return [(i, float(scores[i])) for i in best_rows(scores, k)]


def best_rows(scores: np.ndarray, k: int) -> list[int]:
    """The rows of the ``k`` highest positive ``scores``, best first (ties by row)."""
    k = min(k, int((scores > 0).sum()))
    if k <= 0:
        return []
    best = np.argpartition(-scores, k - 1)[:k]
    return [int(i) for i in best[np.lexsort((best, -scores[best]))]]
