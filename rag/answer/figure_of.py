"""What a figure asked for is of: a number about something else in the same document
does not answer. "How much notice" needs notice; "the charge rate for rape" a charge rate
among rapes; "officers per sergeant" sergeants; "how many of the cases were high risk"
the part said; "what proportion of victims" a share of victims."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from rag.answer.asks import ANY_CRIME, HOW_MUCH, NOT_MEASURED, PER, RATE, SUBSET, SUBSET_VERB
from rag.answer.counting import share_population
from rag.answer.matching import known, present
from rag.answer.question_words import generic
from rag.answer.values import MONTHS
from rag.retrieve.variants import units


def measured(question: str) -> tuple[str, ...]:
    """The units of the thing a "how much X" question measures, when X is not money or
    time (those the kind itself checks)."""
    match = HOW_MUCH.search(question)
    word = match.group(1).lower() if match else ""
    return () if not word or word in NOT_MEASURED else units(word)


def rate_named(question: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """For "what is the charge rate for rape offences?": the rate's own word ("charge")
    and what it is a rate among ("rape"; crimes in general say nothing)."""
    match = RATE.search(question)
    if match is None:
        return (), ()
    measure = units(f"{match.group(1)} {match.group(2)}")
    among = units(match.group(3) or "")
    return (
        tuple(u for u in measure if not generic(u)),
        tuple(u for u in among if not generic(u) and u not in ANY_CRIME),
    )


def predicate(question: str, counted: Sequence[str]) -> tuple[str, ...]:
    """The units of what a "how many of the X ..." question says of its part of X
    ("... were classed as high risk"): a number counting all of X does not answer."""
    match = SUBSET.search(question)
    verb = SUBSET_VERB.search(question, match.end()) if match else None
    if verb is None:
        return ()
    counted_units = set(units(" ".join(counted)))
    said = units(question[verb.end() :])
    return tuple(u for u in said if not generic(u) and u not in counted_units)


def population(question: str) -> tuple[str, ...]:
    """The units of what a "what proportion of X" question takes a share of."""
    return tuple(u for u in units(" ".join(share_population(question))) if not generic(u))


# "how many crimes a year ...?": a rate per period, which a text states in that period's
# words (a count from a two-month sample is no yearly figure)
_RATE_PER = re.compile(
    r"\b(?:a|per|each|every)\s+(year|month|week|day)\b|\b(annually)\b",  # not "yearly review"
    re.I,
)
_PERIOD_WORDS = {
    "year": r"years?|annual\w*|yearly|annum|12\s+months|twelve\s+months",
    "month": r"months?|monthly",
    "week": r"weeks?|weekly",
    "day": r"days?|daily|nights?|24\s+hours",
}
_PERIOD_OF = {"annually": "year"}
# a whole year stated another way; a sample of some months, which is none
_A_YEAR = re.compile(
    r"\b(?:19|20)\d\d\s*[/–-]\s*\d\d\b|\bin\s+(?:19|20)\d\d\b|"
    r"\bbetween\s+April\b[^.]{0,20}\band\s+March\b",
    re.I,
)
_SAMPLE = re.compile(rf"\bsample\b|\b(?:{MONTHS})\s+(?:and|to)\s+(?:{MONTHS})\b", re.I)
# a second question in one ("how many ..., and how long had the oldest waited?"): its
# own words do not bind the first one's answer
_SECOND_ASK = re.compile(r"\band\s+(?:how|what|when|who|which|where|why)\b", re.I)
# "the oldest referral", "the longest wait": an extreme, which a text must state as one
# ("some had waited for more than a month" is not the longest wait)
_EXTREME_ASKED = re.compile(
    r"\bthe\s+(?:very\s+)?(?:oldest|longest|largest|biggest|highest|lowest|fewest|slowest|"
    r"shortest|maximum|minimum|peak|worst)\b(?!\s+(?:grades?|ratings?|judgements?|risks?|"
    r"priorit\w*|standards?|levels?)\b)",
    re.I,
)
_EXTREME_STATED = re.compile(
    r"\b(?:oldest|longest|largest|biggest|highest|lowest|fewest|slowest|shortest|greatest|"
    r"worst|most|least|maximum|minimum|peak|record|up\s+to|as\s+(?:many|much|long|high|low|"
    r"few|old)\s+as|at\s+(?:most|least))\b",
    re.I,
)


def period_rate_stated(question: str, text: str) -> bool:
    """Whether a text gives the figure for the period a "how many a year" question asks."""
    match = _RATE_PER.search(question)
    if match is None or _SECOND_ASK.search(question):
        return True
    word = (match.group(1) or match.group(2)).lower()
    unit = _PERIOD_OF.get(word, word)
    if re.search(rf"\b(?:{_PERIOD_WORDS[unit]})\b", text, re.I):
        return True
    if unit != "year" or _SAMPLE.search(text):
        return False  # "412 records from November and December 2025": a sample
    return _A_YEAR.search(text) is not None  # "in 2024/25", "in 2024", "April to March"


def extreme_stated(question: str, text: str) -> bool:
    """Whether a text states an extreme, when the question asks for one."""
    if not _EXTREME_ASKED.search(question) or _SECOND_ASK.search(question):
        return True
    return _EXTREME_STATED.search(text) is not None


# a share a text states, and what it is a share of: "one in four of the risk assessments",
# "27 per cent of records", "14 of the 60 cancelled crimes"
_SHARE_STATED = re.compile(
    r"\b(?:\d[\d,.]*\s*(?:per\s*cent|%)|(?:one|two|three|four|five|\d+)\s+in\s+\w+|half|"
    r"a\s+(?:third|quarter|fifth|tenth)|\d[\d,]*)\s+of\s+(?:the\s+|its\s+|their\s+|all\s+)?"
    r"((?:\d[\d,]*\s+)?(?:[\w'’-]+\s+){0,3}[\w'’-]+)",
    re.I,
)
# a group a count is of: "stop and searches on black people", "force used against children"
_GROUP = re.compile(
    r"\b(?:on|against|among|involving)\s+((?:[\w'’-]+\s+){0,2}?(?:people|children|women|men|"
    r"girls|boys|adults|youths|pupils|residents|victims|offenders|officers|staff))\b",
    re.I,
)


_REFERRING = re.compile(
    r"^(?:them|these|those|which|whom|who|it|this|that|all|the\s+time|cases|respondents)\b", re.I
)


def _group_units(group: str) -> tuple[str, ...]:
    """A group's telling words: "black people" is told by "black" (every count is of people)."""
    said = tuple(u for u in units(group) if not generic(u))
    specific = tuple(u for u in said if u not in ("people", "person"))
    return specific or said


def share_of_population(question: str, text: str) -> bool:
    """For "what percentage of X ...": whether the text's shares, where it says what they
    are shares of, include one of X (a share of risk assessments is not one of visits)."""
    asked = population(question)
    if not asked:
        return True
    objects = [m.group(1) for m in _SHARE_STATED.finditer(text)]
    objects = [o for o in objects if not _REFERRING.match(o)]  # "74 per cent of them"
    return not objects or any(present(u, o) for o in objects for u in asked)


def of_what_asked(
    question: str, counting: bool, counted: Sequence[str], text: str, idf: Mapping[str, float]
) -> bool:
    """Whether a text's figure can be of what the question asks (``counting``: it asks
    for a number): each named part of it the documents use is in the text."""
    if any(not present(u, text) for u in measured(question)):
        return False  # "how much notice": a figure without notice is of something else
    parts: list[tuple[str, ...]] = []
    if counting:
        if not share_of_population(question, text):
            return False
        parts += [*rate_named(question), population(question)]
        parts += [units(per.group(1)) for per in PER.finditer(question)]
        parts += [_group_units(g.group(1)) for g in _GROUP.finditer(question)]
    parts.append(predicate(question, counted))
    for part in parts:
        said = [u for u in part if known(u, idf)]
        if said and not any(present(u, text) for u in said):
            return False
    return True
