"""What a question's wording asks to be searched for beyond its topic: the term a
"what is X?" question asks to define. A definition lives in the one passage that uses
the term; the rest of the question ("in the PEEL programme") must not outrank it."""

from __future__ import annotations

import re

_DEFINITION = re.compile(
    r"\bwhat (?:is|are) (?:the |an? )?([^?,]+?)\s*\?*\s*$|\bwhat does (?:the |an? )?([^?,]+?) "
    r"(?:mean|stand for)\b",
    re.I,
)
_JOINED = re.compile(r"\b(?:and|or)\s*$", re.I)
_DEFINED_WORDS = 4  # longer: a question, not a term ("what is the force doing about ...")


def defined_term(question: str) -> str | None:
    """The term a "what is X?" or "what does X mean?" question asks to define, if any."""
    match = _DEFINITION.search(question)
    if match and _JOINED.search(question[: match.start()]):
        return None  # "How many X, and what is the caseload per manager?": a second question
    term = (match.group(1) or match.group(2)) if match else None
    return term if term and len(term.split()) <= _DEFINED_WORDS else None
