"""The evidence a model is shown: numbered sentences ("E1", "E2", ...) it cites by id.

Each item is one verbatim stretch of a retrieved passage: a sentence, joined with the
sentence before it when it cannot stand alone ("This is a cause of concern.", "It has
improved since."). The prompt shows each with the force it is about; the code, not the
model, turns a cited id into its quote, so every quote is exact by construction.

For an answer the items are the offline engine's own quotes when it answered (its
calibrated pick of what answers), else the best-scoring sentences; for a briefing, the
sentences the offline briefing picked (verdict, strengths, areas for improvement,
concerns).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.answer.citations import citation_for
from rag.core.safe_text import addressed_to_a_model
from rag.core.tokens import count_tokens
from rag.core.types import Citation
from rag.index.sentence_vectors import quotable_spans
from rag.llm.prompting import fence_safe
from rag.retrieve.evidence import Sentence
from rag.retrieve.search import Passage

# Evidence for an answer: at most this many sentences and tokens (more for a question
# across forces). Small, so the prompt is at most 0.6 of a naive LangChain "stuff" chain's
# (benchmarks/bench_llm_cost.py) and a small local model reads it in a second or two.
ANSWER_ITEMS, EVIDENCE_TOKENS = 4, 100
PER_FORCE_ITEMS, PER_FORCE_TOKENS = 6, 160
_LEANS_BACK = re.compile(
    r"^\W*(?:this|these|that|those|it|its|they|their|such|he|she|however|but|also)\b", re.I
)
_SHORT = 50  # a sentence shorter than this (characters) is shown with the one before it


@dataclass(frozen=True)
class Item:
    """One numbered piece of evidence: ``passage.text[start:end]``."""

    id: str
    passage: Passage
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]

    @property
    def support(self) -> str:
        """What the item tells the model: its sentence and the force it is about (a claim may
        name the force the evidence line names)."""
        force = self.passage.force
        return f"{force}: {self.text}" if force else self.text

    def citation(self, n: int) -> Citation:
        return citation_for(Sentence(self.passage, self.start, self.end), n)

    def line(self, force: bool = True) -> str:
        """The prompt line: ``E1 (Force): sentence`` (the force left out when ``force`` is
        False), fence-safe and on one line."""
        about = self.passage.force if force else None
        label = f" ({fence_safe(' '.join(about.split()))})" if about else ""
        return f"{self.id}{label}: {fence_safe(' '.join(self.text.split()))}"


def with_context(passage: Passage, start: int, end: int) -> tuple[int, int]:
    """The span widened to the sentence before it when the sentence leans back on it."""
    text = passage.text[start:end]
    if not (_LEANS_BACK.match(text) or len(text.strip()) < _SHORT):
        return start, end
    before = [s for s, e in quotable_spans(passage.text) if e <= start]
    return (before[-1], end) if before else (start, end)


def span_of(citation: Citation, passage: Passage) -> tuple[int, int] | None:
    """Where an offline citation's quote sits in its passage."""
    if citation.char_start is None:
        return None
    start = citation.char_start - int(passage.metadata.get("char_start", 0))
    end = start + len(citation.quote)
    return (start, end) if passage.text[start:end] == citation.quote else None


def numbered(spans: Sequence[tuple[Passage, int, int]]) -> list[Item]:
    """Items E1..En from spans, overlapping or repeated ones merged into the first, any that
    speak to a model left out."""
    items: list[Item] = []
    for passage, start, end in spans:
        if addressed_to_a_model(passage.text[start:end]) or any(
            i.passage.chunk_id == passage.chunk_id and i.start < end and start < i.end
            for i in items
        ):
            continue
        items.append(Item(f"E{len(items) + 1}", passage, start, end))
    return items


def answer_items(
    sentences: Sequence[Sentence],
    offline: Sequence[Citation],
    per_force: bool,
    encoding: str,
    quotable: Sequence[Sentence] = (),
) -> list[Item]:
    """The evidence for an answer: the offline engine's quotes alone when it answered (its
    calibrated pick of what answers); else the best-scoring sentences, within the limits
    above (the first item always).

    Why the quotes alone: shown them among other sentences, a small local model
    (Qwen2.5-Coder-0.5B) wrote from another line a third of the time, and those answers
    were wrong more often than the quotes (dev sample: 24 of 40 cases right against 27 of
    40 with the quotes alone; the offline engine 30). Quotes that speak to a model are
    not shown it; when only such quotes were made, the best sentences are shown instead.
    ``quotable``: more sentences the quotes may come from (the stated grades')."""
    passages = {s.passage.chunk_id: s.passage for s in (*sentences, *quotable)}
    spans: list[tuple[Passage, int, int]] = []
    for citation in offline:
        passage = passages.get(citation.chunk_id or "")
        span = span_of(citation, passage) if passage else None
        if passage and span and not addressed_to_a_model(passage.text[span[0] : span[1]]):
            spans.append((passage, *span))
    if not spans:  # (also when every quote speaks to a model: those are never shown it)
        for sentence in sentences:
            passage = sentence.passage
            spans.append((passage, *with_context(passage, sentence.start, sentence.end)))
    limit, budget = (
        (PER_FORCE_ITEMS, PER_FORCE_TOKENS) if per_force else (ANSWER_ITEMS, EVIDENCE_TOKENS)
    )
    items, used = [], 0
    for item in numbered(spans[: 4 * limit])[: limit * 2]:
        cost = count_tokens(item.line(force=False), encoding) + 1
        if items and (used + cost > budget or len(items) >= limit):
            break
        items.append(Item(f"E{len(items) + 1}", item.passage, item.start, item.end))
        used += cost
    return items


def cited_items(citations: Sequence[Citation], passages: Sequence[Passage]) -> list[Item]:
    """Items for the sentences ``citations`` quote (an offline briefing's), in their order."""
    by_id = {p.chunk_id: p for p in passages}
    spans = []
    for citation in citations:
        passage = by_id.get(citation.chunk_id or "")
        span = span_of(citation, passage) if passage else None
        if passage and span:
            spans.append((passage, *span))
    return numbered(spans)


def evidence_lines(items: Sequence[Item]) -> list[str]:
    """The prompt's evidence lines, each naming its force when it differs from the line
    before (a cut after any line keeps the lines before it whole)."""
    lines, previous = [], None
    for item in items:
        lines.append(item.line(force=item.passage.force != previous))
        previous = item.passage.force
    return lines
