"""The areas of policing an inspection grades, read from a text by their many names
(``policing_areas.txt``): "dealing with calls and getting to incidents" is responding to
the public, "detective work" is investigating crime. A grade answers a question about a
grade only when it grades an area the question asks about (``question.py``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from rag.index.terms import terms
from rag.retrieve.variants import surface, units

_AREAS = "policing_areas.txt"


@dataclass(frozen=True)
class Area:
    name: str
    cues: tuple[tuple[str, ...], ...]  # each cue's units (glossary concepts or stems)
    words: tuple[tuple[str, ...], ...]  # each cue's plain stems


def parse_areas(text: str) -> tuple[Area, ...]:
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        names = [n.strip() for n in line.split("|") if n.strip()]
        out.append(
            Area(
                names[0],
                tuple(units(n) for n in names if units(n)),
                tuple(tuple(terms(n)) for n in names if terms(n)),
            )
        )
    return tuple(out)


@lru_cache(maxsize=1)
def policing_areas() -> tuple[Area, ...]:
    return parse_areas(files("rag.answer").joinpath(_AREAS).read_text(encoding="utf-8"))


@lru_cache(maxsize=8192)
def areas_in(text: str) -> frozenset[str]:
    """The names of the areas of policing the text speaks of."""
    found = surface(text)

    def held(cue: tuple[str, ...]) -> bool:
        return bool(cue) and all(u in found for u in cue)

    return frozenset(
        a.name
        for a in policing_areas()
        if any(held(c) for c in a.cues) or any(held(w) for w in a.words)
    )


# "Leaving aside the investigations verdict, what other grades ...": an area set aside
_SET_ASIDE = re.compile(
    r"\b(?:leaving aside|setting aside|aside from|apart from|other than|except(?: for)?|besides|"
    r"excluding|not counting|not including)\s+([^,?;]+)",
    re.I,
)


def asked_areas(question: str) -> tuple[frozenset[str], frozenset[str]]:
    """The areas a question asks about, and those it sets aside ("apart from X")."""
    aside = [m.group(1) for m in _SET_ASIDE.finditer(question)]
    rest = _SET_ASIDE.sub(" ", question)
    return areas_in(rest), frozenset().union(*(areas_in(a) for a in aside))
