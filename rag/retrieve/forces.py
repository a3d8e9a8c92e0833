"""Which forces a question is about, from the force names the index holds."""

from __future__ import annotations

import re
from collections.abc import Iterable

_SUFFIX = re.compile(r"\s+(constabulary|police service|police force|police)$", re.IGNORECASE)
_NAME_WORD = r"(?:(?!(?:Police|Constabulary)\b)[A-Z][a-z]+|of|and|&)"
_NAMED_FORCE = re.compile(rf"\b({_NAME_WORD}(?:\s+{_NAME_WORD})*)\s+(Constabulary|Police)\b")


def aliases(force: str) -> list[str]:
    """Ways a question may name a force: full name, and the place name alone."""
    full = force.strip()
    place = _SUFFIX.sub("", full)
    return [a.lower() for a in dict.fromkeys([full, place]) if len(a) >= 3]


def _mentions(text: str, alias: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(alias)}(?:'s|’s)?(?![\w-])", text) is not None


def forces_in(question: str, known: Iterable[str]) -> list[str]:
    """Known forces the question names. Overlapping mentions go to the longest name, so
    'West Wessex' is not also read as 'Wessex'; a force named separately still counts."""
    text = question.lower()
    spans = []
    for force in set(known):
        for alias in aliases(force):
            pattern = rf"(?<![\w-]){re.escape(alias)}(?:'s|’s)?(?![\w-])"
            spans += [(m.start(), m.end(), force) for m in re.finditer(pattern, text)]
    taken: list[tuple[int, int]] = []
    found: list[str] = []
    for start, end, force in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        if force not in found:
            found.append(force)
    return found


def without_forces(question: str, forces: Iterable[str]) -> str:
    """The question with force names removed: they filter, they are not the topic."""
    out = question
    for force in forces:
        for alias in aliases(force):
            out = re.sub(rf"(?<![\w-]){re.escape(alias)}(?:'s|’s)?(?![\w-])", " ", out, flags=re.I)
    return " ".join(out.split()) or question


# Capitalised words that open a question rather than name a place.
_LEADING = {
    "of",
    "and",
    "&",
    "the",
    "which",
    "what",
    "how",
    "did",
    "does",
    "do",
    "in",
    "is",
    "has",
    "have",
    "why",
    "where",
    "when",
    "about",
    "for",
    "compare",
    "tell",
}


# The inspectorate and its inspectors are named like a force: "Inspector of Constabulary".
_TITLE = re.compile(r"\b(?:inspectors?|inspectorate|commissioners?|chief constables?)\b", re.I)


def unknown_forces_in(question: str, known: Iterable[str]) -> list[str]:
    """Force-like names ('Kent Police') in the question that the index does not hold."""
    known_aliases = {a for f in known for a in aliases(f)}
    out = []
    for match in _NAMED_FORCE.finditer(question):
        words = match.group(0).split()
        while words and words[0].lower() in _LEADING:
            words = words[1:]
        name = " ".join(words)
        if _TITLE.search(name):
            continue  # "HM Chief Inspector of Constabulary": a title, not a force
        if len(words) >= 2 and not any(_mentions(name.lower(), a) for a in known_aliases):
            out.append(name)
    return out
