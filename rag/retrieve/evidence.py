"""Evidence at sentence level: the offline engine quotes sentences, never invents.

Retrieved passages are split into sentences; each is scored against the
question by meaning (cosine of embeddings), by words (share of the question's
content terms it contains) and by its passage's similarity. The best sentences
become the answer's verbatim quotes. Sentence vectors come stored with each
chunk (``rag.index.sentence_vectors``); only a chunk stored without them (another
embedding backend, an older index) has its sentences embedded at question time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.index.sentence_vectors import SENTENCE_VECTORS_KEY, quotable_spans, unpack
from rag.index.terms import terms
from rag.retrieve.search import Passage

LEXICAL_WEIGHT = 0.5  # how much word overlap adds to cosine similarity
PASSAGE_WEIGHT = 0.5  # how much the whole passage's similarity adds: a paragraph is one theme
# Sentences without a stored vector embedded per question: the best by words and passage
# similarity (the parts of the score known without the model). Embedding every sentence
# was the offline answer's main cost; on the reference set the top 12 already gave the
# same answers, so 16 leaves a margin (see benchmarks/bench_query.py).
CANDIDATE_SENTENCES = 16


@dataclass
class Sentence:
    """A sentence of a retrieved passage, with its offsets in that passage."""

    passage: Passage
    start: int
    end: int
    similarity: float = 0.0
    overlap: float = 0.0

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]

    @property
    def score(self) -> float:
        return (
            self.similarity
            + LEXICAL_WEIGHT * self.overlap
            + PASSAGE_WEIGHT * self.passage.similarity
        )


class SentenceVectors:
    """Sentence embeddings with a bounded cache: passages recur across questions."""

    def __init__(self, embeddings: Embeddings, capacity: int = 20_000) -> None:
        self.embeddings = embeddings
        self.capacity = capacity
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            fresh = self.embeddings.embed_documents(missing)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    self._cache[text] = np.asarray(vector, dtype=np.float32)
                while len(self._cache) > self.capacity:
                    self._cache.popitem(last=False)
        with self._lock:
            for text in texts:
                self._cache.move_to_end(text)
            return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, 1))


def split_sentences(passages: Sequence[Passage]) -> list[Sentence]:
    return [Sentence(p, start, end) for p in passages for start, end in quotable_spans(p.text)]


def term_overlap(
    question_terms: set[str], text: str, weight: Callable[[str], float] = lambda t: 1.0
) -> float:
    """Share of the question's content terms found in the text, each weighted (by IDF:
    matching "crime" in a corpus about crime proves little)."""
    total = sum(weight(t) for t in sorted(question_terms))  # sorted: a float sum in a set's
    if not total:  # order varies with the hash seed, and a near tie would flip with it
        return 0.0
    return sum(weight(t) for t in sorted(question_terms & set(terms(text)))) / total


def score_sentences(
    question: str,
    question_vector: Sequence[float],
    passages: Sequence[Passage],
    vectors: SentenceVectors,
    weight: Callable[[str], float] = lambda t: 1.0,
    limit: int | None = CANDIDATE_SENTENCES,
) -> list[Sentence]:
    """The candidate sentences of the passages, best first.

    Sentences with a stored vector are all ranked. Of the others, only the ``limit``
    scoring best on words and passage similarity are embedded and ranked (at least
    one per passage, so that every force of a cross-force question keeps
    candidates); ``None`` embeds them all."""
    sentences = split_sentences(passages)
    if not sentences:
        return []
    query = np.asarray(question_vector, dtype=np.float32)
    wanted = set(terms(question))
    stored: dict[str, dict[tuple[int, int], np.ndarray]] = {}
    pending = []
    for sentence in sentences:
        sentence.overlap = term_overlap(wanted, sentence.text, weight)
        passage = sentence.passage
        if passage.chunk_id not in stored:
            blob = passage.extras.get(SENTENCE_VECTORS_KEY)
            stored[passage.chunk_id] = unpack(blob) if blob else {}
        vector = stored[passage.chunk_id].get((sentence.start, sentence.end))
        if vector is not None and len(vector) == len(query):
            sentence.similarity = float(vector @ query)
        else:
            pending.append(sentence)
    if pending:
        if limit is not None:
            keep = max(limit, len(passages))
            gone = {id(s) for s in sorted(pending, key=lambda s: -s.score)[keep:]}  # similarity 0
            sentences = [s for s in sentences if id(s) not in gone]
            pending = [s for s in pending if id(s) not in gone]
        similarities = vectors([s.text for s in pending]) @ query
        for sentence, similarity in zip(pending, similarities, strict=True):
            sentence.similarity = float(similarity)
    return sorted(sentences, key=lambda s: -s.score)
