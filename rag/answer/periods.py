"""The period a question asks about (a year, "the year before", its last inspection) and
whether a text speaks of it: a figure or a grade of another period does not answer."""

from __future__ import annotations

import re

from rag.answer.values import MONTHS

# a year, or a number that names something (999, 101), not one in "how many" or "top 10"
_YEAR = r"(?:19|20)\d\d"
NAMED_NUMBER = re.compile(rf"\b(?:{_YEAR}|999|101|111)\b")


# The period a question asks a figure for: "back in 2022", "the year before". A figure
# for another period (the report's latest year) does not answer it. A year naming a
# report ("in its 2023 PEEL assessment") is not a period. A financial year ("the budget
# for 2026/27") is asked by its first year, which the text must name ("for 2025/26" is
# another year's budget).
ASKED_YEAR = re.compile(
    r"\b(?:in|during|back in|for|by|of|as of|at the end of)\s+"
    r"(?:(?:the\s+)?(?:financial\s+)?year\s+)?"
    rf"(?:the\s+)?({_YEAR})\b(?:\s*[/–-]\s*(?:20)?\d\d\b|(?!\s*[/–-]))"
    r"(?!\s+(?:peel|inspection|report|assessment|review)s?\b)",
    re.I,
)
ASKED_EARLIER = re.compile(
    r"\b(?:the year before|the previous year|the prior year|a year (?:earlier|before))\b", re.I
)
EARLIER_STATED = re.compile(
    rf"\b(?:year before|previous year|prior year|year earlier|last year|{_YEAR})\b", re.I
)
# "at its last inspection": a figure of the latest one does not answer, a year neither
_PRIOR = r"(?:last|previous|prior|earlier|former)"
ASKED_PRIOR_INSPECTION = re.compile(
    rf"\b(?:at|in|during|by|from|on|than|with|over) (?:its|the|their) {_PRIOR} "
    r"(?:inspection|assessment|peel|visit)",
    re.I,
)
PRIOR_STATED = re.compile(
    rf"\b(?:{_PRIOR} (?:inspection|assessment|peel)|previously"
    r"|(?:up|down|fallen|fell|risen|rose|increased|decreased|dropped|improved) from)\b",
    re.I,
)


def prior_stated(question: str, text: str) -> bool:
    """Whether the text speaks of the earlier inspection a question asks about, if any
    ("what was it graded at its last inspection?": today's grade does not answer)."""
    return not ASKED_PRIOR_INSPECTION.search(question) or PRIOR_STATED.search(text) is not None


def period_stated(question: str, text: str) -> bool:
    """Whether the text gives a figure for the period the question asks about, if any."""
    years = [m.group(1) for m in ASKED_YEAR.finditer(question)]
    if any(not re.search(rf"\b{y}\b", text) for y in years):
        return False
    if not prior_stated(question, text):
        return False
    return not ASKED_EARLIER.search(question) or EARLIER_STATED.search(text) is not None


# "By what date must it ...?", "what is the deadline": a date the force must meet, which a
# text states as one ("by 30 September 2026", "due in March"), not the end of a period a
# figure covers ("in the year to 31 March 2025")
DEADLINE_ASKED = re.compile(
    r"\bby\s+(?:what|which)\s+(?:date|month|year|time)\b|\bby\s+when\b|\bdeadlines?\b|"
    r"\bdue\s+date\b|\bwhen\b[^?]*\b(?:have|has|need|needs)\s+to\b|\bwhen\s+must\b",
    re.I,
)
DEADLINE_STATED = re.compile(
    rf"\b(?:by|before|until|no\s+later\s+than|due|deadline|within)\s+(?:the\s+)?(?:end\s+of\s+)?"
    rf"(?:\d|{MONTHS}|spring|summer|autumn|winter|next|this|the\s+end)|\bdeadline\b|\bdue\b",
    re.I,
)


def deadline_stated(question: str, text: str) -> bool:
    """Whether the text states a deadline, when the question asks for one."""
    return not DEADLINE_ASKED.search(question) or DEADLINE_STATED.search(text) is not None
