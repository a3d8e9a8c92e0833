"""The areas of policing a graded statement names after its grade: "good at X and at Y",
"adequate at investigating crime, preventing crime and managing offenders" (a list, when
each item names an area), "in two areas: X, and Y". Read by ``grade_sentences.py``."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answer.areas import areas_in
from rag.answer.grade_patterns import (
    AREA_END,
    AREA_PREP,
    AREA_SPLIT,
    CLOSE,
    COUNT,
    MAX_AREA_CHARS,
    tidy_area,
)


def areas_after(text: str, at: int, stops: Sequence[int]) -> list[str] | None:
    """The areas named after a grade that ends at ``at``: "at X", "at X and at Y", or a
    count with a list ("in two areas: X, and Y"). None when no area follows."""
    rest = text[at:]
    quote = re.match(rf"^{CLOSE}", rest)
    if quote:
        rest, at = rest[quote.end() :], at + quote.end()
    prep = re.match(r"^\s+(?:at|in|for)\s+", rest, re.I)
    if not prep:
        return None
    start = at + prep.end()
    limit = min([s for s in stops if s > start] + [len(text), start + MAX_AREA_CHARS])
    segment = text[start:limit]
    end = AREA_END.search(segment)
    area_text = segment[: end.start()] if end else segment
    if COUNT.match(area_text.strip()) and end and segment[end.start() :].lstrip().startswith(":"):
        listed = segment[end.end() :]
        listed = re.split(r"[.;]", listed)[0]
        items = re.split(r",\s+(?:and\s+)?|\s+and\s+(?=\w+ing\b)", listed)
        return [tidy_area(i) for i in items if tidy_area(i)]
    parts = [tidy_area(AREA_PREP.sub("", p)) for p in AREA_SPLIT.split(area_text)]
    return [a for p in parts if p for a in listed_areas(p)]


def listed_areas(area: str) -> list[str]:
    """ "investigating crime, preventing crime and managing offenders": three areas, when
    each item names an area of policing; "identifying and protecting vulnerable people" and
    "building, supporting and protecting the workforce" stay one."""
    items = split_listed(area)
    if len(items) > 1 and all(i and areas_in(i) for i in items):
        return items
    return [area]


def split_listed(areas: str) -> list[str]:
    """ "investigating crime, responding to the public and developing a positive
    workplace": three areas (a list of "-ing" phrases)."""
    items = re.split(r",\s+(?:and\s+)?(?=\w+ing\b)|\s+and\s+(?=\w+ing\b)", areas)
    return [tidy_area(i) for i in items]
