"""Whether a text holds a value of the kind a question asks for (an amount, a duration, a
number, a date, a grade, a ranking): not a figure the question states itself, not a date
for a number, a share where only a share is asked, a target where a target is asked, and a
number seen to count what a "how many" question counts. Read by ``question.py``."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answer.asks import RECOMMENDS, unstated
from rag.answer.counting import counts
from rag.answer.values import (
    ANY_NUMBER,
    ASKS_SHARE,
    DATE,
    DURATION,
    GRADE,
    MONEY,
    MONTHS,
    RANKING,
    SHARE,
    TIMED,
    only_a_share,
)

VALUE = {
    "ranking": RANKING,
    "amount": MONEY,
    "duration": DURATION,
    "number": ANY_NUMBER,
    "date": DATE,
    "grade": GRADE,
}

_MONTH = rf"(?:{MONTHS})"  # capitalised, as documents write them: "40 may leave" is no date
# a date or a year ("by 30 September 2026", "in March 2024", "since 2015"): never the
# figure a "how many" or "what number" question asks for
DATED = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:\s+(?:19|20)\d\d)?|{_MONTH}\s+"
    rf"(?:\d{{1,2}},?\s+)?(?:19|20)\d\d|(?:19|20)\d\d(?:[/–-]\d\d(?!\d))?)\b"
)
# a figure asked as a target ("what caseload has it been told to get down to?", "what
# ceiling does the inspector want written into a standard?"): a figure found today is
# not it. Not "how many of its targets did it meet?"
TARGET_ASKED = re.compile(
    r"\b(?:told|asked|required|expected|urged|wants?|wanted|recommend\w*)\b[^?]{0,40}?\b(?:to\s+"
    r"(?:get|bring|cut|reduce|reach|keep|hit|meet)\b|written\b|set\b)",
    re.I,
)
# what states a target: a recommendation, or a target, limit or aim with its figure
TARGET = re.compile(
    rf"{RECOMMENDS.pattern}|\b(?:targets?|aims?|goals?|limits?|ceilings?|caps?|maximum)\b"
    r"[^.;]{0,40}?\d|\b(?:no more than|at most|down to)\s+\d",
    re.I,
)


# time per period ("12.4 days a year" off sick, "six hours a week"): a rate, not how long
# something takes or waits, unless a rate is asked ("how many days a year ...?")
_TIME_RATE = re.compile(
    rf"{TIMED}\s+(?:a|an|per|each|every)\s+"
    r"(?:year|month|week)\b",  # not "six hours a shift waiting", "12 weeks per officer"
    re.I,
)
_RATE_ASKED = re.compile(
    r"\b(?:a|an|per|each|every)\s+(?:year|month|week)\b|"
    r"\b(?:annual|annually|yearly|monthly|weekly|daily)\b",
    re.I,
)


_ORDINALS = "second third fourth fifth sixth seventh eighth ninth tenth".split()  # noqa: SIM905
# "for the third year running", "a fifth consecutive month": a count of years or months
_RUN = re.compile(
    rf"\b({'|'.join(_ORDINALS)})\s+(?:(?:consecutive|successive|straight)\s+(year|month|"
    r"quarter|inspection|time)\b|(year|month|quarter|inspection|time)\s+(?=running\b|in\s+a\s+row\b))",
    re.I,
)


def _counted_run(match: re.Match[str]) -> str:
    unit = match.group(2) or match.group(3)
    return f"{_ORDINALS.index(match.group(1).lower()) + 2} {unit}s "


def holds_value(
    kind: str,
    question: str,
    text: str,
    counted: list[str] | None = None,
    qualifier: Sequence[str] = (),
) -> bool:
    """Whether ``text`` holds a value of ``kind`` answering ``question``; ``counted``: the
    words a "how many" question counts, when a number must be seen to count them."""
    text = unstated(text, question)
    if kind in ("number", "duration"):
        text = _RUN.sub(_counted_run, text)  # "the third year running": three years
    if kind == "number":
        text = DATED.sub(" ", text)  # "by 30 September 2026" is not the figure asked
        if TARGET_ASKED.search(question) and not TARGET.search(text):
            return False  # "what has it been told to get it down to?": a target's figure
    if kind == "duration" and not _RATE_ASKED.search(question):
        text = _TIME_RATE.sub(" ", text)
    if VALUE[kind].search(text) is None:
        return False
    if kind == "number" and only_a_share(question) and not SHARE.search(text):
        return False  # "what proportion ...": a count of the whole is not the share
    if counted is not None:
        return counts(text, counted, bool(ASKS_SHARE.search(question)), qualifier)
    return True
