"""Spans to quote: a sentence alone, or joined with the sentence that completes it.

An inspector's headline ("I am concerned about X.") is often followed by the
sentence that carries the fact ("This is limited by ..."); a lead-in ("Inspectors
found that the force:") by its list; and a short "This is a cause of concern." means
nothing without the sentence before it. A joined span is one verbatim stretch of
its passage, so its quote is as exact as a single sentence's.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from itertools import takewhile

from rag.index.sentence_vectors import quotable_spans
from rag.retrieve.evidence import Sentence

_REFERS_BACK = re.compile(
    r"^\W*(this|these|that|those|such|it|its|they|their|he|she|however|but|yet|although|"
    r"as a result|because|despite|in particular|for example|for instance|in addition|also|"
    r"and|so|consequently|therefore)\b",
    re.I,
)
_ITEM = re.compile(r"^\s*(?:[-–•*▪◦]|\d{1,2}[.)])\s+")
MAX_ITEMS = 8  # list items joined to a lead-in, at most
_BARE_REFERENCE_WORDS = 10  # "This is a cause of concern.": too short to stand alone


@lru_cache(maxsize=4096)
def _spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(quotable_spans(text))


def _joined(sentence: Sentence, start: int, end: int) -> Sentence:
    return replace(sentence, start=start, end=end)


def spans_for(sentence: Sentence) -> list[Sentence]:
    """Candidate spans around a sentence, shortest first: itself, itself with the
    sentence that continues it (or the list its lead-in introduces), then with the
    sentence it refers back to (or the lead-in of the list it belongs to)."""
    spans = _spans(sentence.passage.text)
    text = sentence.passage.text
    try:
        i = spans.index((sentence.start, sentence.end))
    except ValueError:
        return [sentence]
    own = text[sentence.start : sentence.end]
    bare = bool(_REFERS_BACK.match(own)) and len(own.split()) <= _BARE_REFERENCE_WORDS
    out: list[Sentence] = [] if bare and i > 0 else [sentence]
    after = spans[i + 1 :]
    if own.rstrip().endswith(":"):  # a lead-in: with its list items
        items = list(takewhile(lambda s: bool(_ITEM.match(text[s[0] : s[1]])), after[:MAX_ITEMS]))
        items = items or list(after[:1])
        end = items[-1][1] if items else None
        if end is not None:
            out.append(_joined(sentence, sentence.start, end))
    elif after and _REFERS_BACK.match(text[after[0][0] : after[0][1]]):
        out.append(_joined(sentence, sentence.start, after[0][1]))
    if i > 0 and (bare or _REFERS_BACK.match(own)):
        out.append(_joined(sentence, spans[i - 1][0], sentence.end))
    if _ITEM.match(own):  # a list item: with the lead-in above it
        lead = next(
            (
                j
                for j in range(i - 1, max(-1, i - 1 - MAX_ITEMS), -1)
                if text[spans[j][0] : spans[j][1]].rstrip().endswith(":")
            ),
            None,
        )
        if lead is not None:
            out.append(_joined(sentence, spans[lead][0], sentence.end))
    return out or [sentence]
