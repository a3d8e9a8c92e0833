"""Whether a question's matching units are in a text (``rag.retrieve.variants`` gives the
units and their spellings), and how specific each unit is in the documents' vocabulary."""

from __future__ import annotations

from collections.abc import Mapping

from rag.retrieve.variants import CONCEPT, derived, surface, unit_stems


def is_concept(unit: str) -> bool:
    return unit.startswith(CONCEPT)


def present(unit: str, text: str) -> bool:
    """Whether a unit is in the text: itself, or every word of one of its spellings
    (a glossary phrase split or reordered: "calls to the non-emergency 101 number")."""
    return present_in(unit, surface(text))


def present_in(unit: str, found: frozenset[str]) -> bool:
    if unit in found or any(all(s in found for s in sp) for sp in unit_stems(unit)):
        return True
    return any(d in found for d in derived(unit))


def known(unit: str, idf: Mapping[str, float]) -> bool:
    """Whether some spelling of the unit is in the documents' vocabulary."""
    return any(all(s in idf for s in spelling) for spelling in unit_stems(unit))


def weight(unit: str, idf: Mapping[str, float]) -> float:
    """How specific a unit is: the IDF of its best-known spelling (mean over its stems)."""
    spellings = [sp for sp in unit_stems(unit) if all(s in idf for s in sp)]
    return max((sum(idf[s] for s in sp) / len(sp) for sp in spellings), default=0.0)
