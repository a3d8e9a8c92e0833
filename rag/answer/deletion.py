"""The check that makes offline briefing prose unable to invent: a sentence is a short
fixed frame ("The inspector found that") followed by words taken, in order, from the
one source sentence it cites. Compression is by deletion only, so the body's words must
be an in-order subsequence of the source's words (compared case-folded, ignoring
punctuation, quote marks and dashes normalised)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answer.citations import MARKER, normalise

_WORD = re.compile(r"[\w£$%]+(?:['.,][\w]+)*")
FIRST_PERSON = frozenset({"i", "we", "our", "us", "my", "me", "ours"})
MAX_SENTENCE_WORDS = 40
MAX_WORDS = 150
MIN_SENTENCES, MAX_SENTENCES = 4, 6
MAX_QUOTED_SHARE = 1 / 3


def words(text: str) -> list[str]:
    """The words of ``text``, case-folded, without [n] markers or punctuation."""
    return _WORD.findall(normalise(MARKER.sub(" ", text)))


def is_subsequence(body: str, source: str) -> bool:
    """True when every word of ``body`` occurs in ``source``, in the same order."""
    remaining = iter(words(source))
    return all(any(w == s for s in remaining) for w in words(body))


def quoted_words(text: str) -> int:
    """Words inside quotation marks (curly or straight double quotes)."""
    return sum(len(words(q)) for q in re.findall(r"[“\"]([^”\"]*)[”\"]", text))


def shape_problems(sentences: Sequence[str], available: int = MIN_SENTENCES) -> list[str]:
    """What stops ``sentences`` being a briefing paragraph: 4 to 6 sentences (fewer only
    when the documents hold fewer than ``available`` findings), at most 150 words, none
    over 40, at most a third of the words quoted, and every sentence cited."""
    problems = []
    counts = [len(words(s)) for s in sentences]
    total = sum(counts)
    if len(sentences) < min(MIN_SENTENCES, available) or len(sentences) > MAX_SENTENCES:
        problems.append(f"{len(sentences)} sentences, not {MIN_SENTENCES} to {MAX_SENTENCES}")
    if total > MAX_WORDS:
        problems.append(f"{total} words, over {MAX_WORDS}")
    if any(c > MAX_SENTENCE_WORDS for c in counts):
        problems.append(f"a sentence of {max(counts)} words, over {MAX_SENTENCE_WORDS}")
    if total and sum(quoted_words(s) for s in sentences) > MAX_QUOTED_SHARE * total:
        problems.append("over a third of the words inside quotation marks")
    if any(not MARKER.search(s) for s in sentences):
        problems.append("a sentence without a citation")
    return problems
