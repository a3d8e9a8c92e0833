"""Spans to quote: a sentence alone, or joined with the sentence that completes it.

An inspector's headline ("I am concerned about X.") is often followed by the
sentence that carries the fact ("This is limited by ..."); a lead-in ("Inspectors
found that the force:") by its list; and a short "This is a cause of concern." means
nothing without the sentence before it. A joined span is one verbatim stretch of
its passage, so its quote is as exact as a single sentence's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
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
# "According to figures the force gave, they waited ...": a pronoun subject after an
# opening phrase refers back just the same
_PRONOUN_AFTER_OPENING = re.compile(r"^[^,.;:]{3,80},\s*(?:they|it|he|she|this|these)\b", re.I)
# a sentence attributing speech: "X said:", "she said", 'he added. "...'
_SPEECH = re.compile(r"\b(said|says|added|told us|told reporters)\b|[\"“]\s*$", re.I)
_CORRECTS = re.compile(r"^\W*(?:correction|clarification)\b", re.I)  # the right figure is next
_ITEM = re.compile(r"^\s*(?:[-–•*▪◦]|\d{1,2}[.)])\s+")
_MARKER_BEFORE = re.compile(r"(?:^|\n)[ \t]*(?:[-–•*▪◦]|\d{1,2}[.)])[ \t]*$")
MAX_ITEMS = 8  # list items joined to a lead-in, at most
_BARE_REFERENCE_WORDS = 10  # "This is a cause of concern.": too short to stand alone
# a numbered finding's heading: its text is the sentence after it
FINDING_HEADING = re.compile(
    r"^\W*(?:area for improvement|recommendation|cause of concern)\s+\d{1,2}\W*$", re.I
)


# "The force has a plan, which it calls Project Lantern ... . The plan includes ...": a
# thing introduced ("a plan", "an investigation standards unit") and then described by
# the next sentence, which names it again ("The plan", "The unit"). The introduction says
# only that it exists; what it is comes next, so the two are quoted together.
_INTRODUCED = re.compile(r"\b(?:a|an)\s+((?:[\w'’-]+\s+){0,3}[\w'’-]+)")
_NAMED_AGAIN = re.compile(r"^\W*(?:the|this)\s+([a-z]{3,})\b", re.I)
_NOT_A_THING = frozenset(  # named again, these are not one thing: "a number ... The number"
    """
    force forces report inspectorate police inspection number same new most majority risk
    rest other total
    """.split()  # noqa: SIM905 - a word list reads best as text
)
_HEADLINE_WORDS = 12
_DIGIT = re.compile(r"\d")
_DESCRIBED_WORDS = 45  # a longer next sentence is a new point, not the description


def described_next(own: str, following: str) -> bool:
    """Whether ``following`` describes a thing ``own`` introduces ("a plan" ... "The plan
    includes ...")."""
    again = _NAMED_AGAIN.match(following)
    if again is None or len(following.split()) > _DESCRIBED_WORDS:
        return False
    noun = again.group(1).lower()
    return noun not in _NOT_A_THING and any(
        noun in m.group(1).lower().split() for m in _INTRODUCED.finditer(own)
    )


def _opens_speech(text: str) -> bool:
    """Whether a sentence attributes speech that goes on after it ('X said: "A.' before
    "B."): not one whose report is whole ("The chief constable said that 1,140 ...")."""
    if not _SPEECH.search(text):
        return False
    return text.count("“") > text.count("”") or text.count('"') % 2 == 1


def _refers_back(text: str) -> bool:
    return bool(_REFERS_BACK.match(text) or _PRONOUN_AFTER_OPENING.match(text))


@dataclass(frozen=True)
class Candidate:
    """A span to quote, and the words that must answer: for a lead-in with a list, the
    lead-in and one item (a figure in another item is not the answer)."""

    span: Sentence
    evidence: str
    whole_list: bool = False  # a lead-in with all its items: an answer to "what are ..."
    described: bool = False  # a thing introduced, with the sentence describing it
    continued: bool = False  # with the next sentence of its paragraph: only for a reason


@lru_cache(maxsize=4096)
def _spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(quotable_spans(text))


def _lead_in(text: str) -> bool:
    return text.rstrip().endswith(":")


def spans_for(sentence: Sentence) -> list[Candidate]:
    """Candidate spans around a sentence, shortest first: itself; itself with the
    sentence that continues it, or a lead-in with each of its items, then its whole list;
    itself with the sentence it refers back to; a list item with its lead-in."""
    text = sentence.passage.text
    spans = _spans(text)
    try:
        i = spans.index((sentence.start, sentence.end))
    except ValueError:
        return [Candidate(sentence, sentence.text)]

    def piece(j: int) -> str:
        return text[spans[j][0] : spans[j][1]]

    def is_item(j: int) -> bool:  # a bullet is in the span; a list's "1." is left before it
        gap = text[spans[j - 1][1] if j else 0 : spans[j][0]]
        return bool(_ITEM.match(piece(j)) or _MARKER_BEFORE.search(gap))

    def joined(start: int, end: int, evidence: str | None = None) -> Candidate:
        span = replace(sentence, start=start, end=end)
        return Candidate(span, evidence if evidence is not None else span.text)

    own = sentence.text
    refers_back = _refers_back(own)
    bare = refers_back and len(own.split()) <= _BARE_REFERENCE_WORDS
    following = range(i + 1, min(len(spans), i + 1 + MAX_ITEMS))
    items = list(takewhile(is_item, following))
    # "Among the report's main findings:" says nothing without its list
    alone = (bare and i > 0) or (_lead_in(own) and bool(items))
    out: list[Candidate] = [] if alone else [Candidate(sentence, own)]
    if _lead_in(own):  # a lead-in: with each of its items, then the whole list
        for j in items:
            out.append(joined(sentence.start, spans[j][1], f"{own} {piece(j)}"))
        if len(items) > 1:
            whole = replace(sentence, start=sentence.start, end=spans[items[-1]][1])
            out.append(Candidate(whole, whole.text, whole_list=True))
        elif not items and i + 1 < len(spans):
            out.append(joined(sentence.start, spans[i + 1][1]))
    elif i + 1 < len(spans) and _CORRECTS.match(own):
        # "Correction: ... we said that 40 per cent ... ." and "The report says 34 per cent."
        out.append(replace(joined(sentence.start, spans[i + 1][1]), described=True))
    elif i + 1 < len(spans) and described_next(own, piece(i + 1)):
        whole = joined(sentence.start, spans[i + 1][1])
        out.append(replace(whole, described=True))
    elif i + 1 < len(spans) and _refers_back(piece(i + 1)):
        whole = joined(sentence.start, spans[i + 1][1])
        # a short headline ("The force cares about the wellbeing of its workforce.") and
        # the sentence giving what it does ("It has trained 35 wellbeing champions ...")
        headline = len(own.split()) <= _HEADLINE_WORDS and not _DIGIT.search(own)
        out.append(replace(whole, described=headline and bool(_DIGIT.search(piece(i + 1)))))
    if i > 0 and refers_back:
        back = i - 1
        if bare and back > 0 and _refers_back(piece(back)):
            back -= 1  # "As a result, ... . This is a cause of concern.": one more back
        out.append(joined(spans[back][0], sentence.end))
    elif i > 0 and (_lead_in(piece(i - 1)) or _opens_speech(piece(i - 1))):
        # introduced by the sentence before: "HM Inspector ... said:", "the report found:"
        out.append(joined(spans[i - 1][0], sentence.end))
    if i + 1 < len(spans) and "\n" not in text[sentence.end : spans[i + 1][0]]:
        # "We didn't grade it. It is being looked at in a joint inspection, so ...": the
        # why may be the next sentence of the paragraph, in no referring words
        out.append(replace(joined(sentence.start, spans[i + 1][1]), continued=True))
    before = text[: sentence.start].rstrip()
    heading = before.rfind("\n") + 1  # the line above: "Area for improvement 7" (a heading)
    if FINDING_HEADING.match(before[heading:]):
        out.append(joined(heading, sentence.end))
    if is_item(i):  # a list item: with the lead-in above it
        above = range(i - 1, max(-1, i - 1 - MAX_ITEMS), -1)
        lead = next((j for j in above if _lead_in(piece(j))), None)
        if lead is not None:
            out.append(joined(spans[lead][0], sentence.end, f"{piece(lead)} {own}"))
    return out or [Candidate(sentence, own)]
