"""Offline follow-up handling: make an elliptical question stand alone.

"And what about their finances?" after a question on Wessex Constabulary is
searched as the new question plus the previous one's subject. (In LLM mode the
model rewrites the question instead: prompts/condense.md.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

History = Sequence[dict[str, str]]
FOLLOWING = " (following: "  # joins a follow-up to the question it leans on

_ELLIPTICAL = re.compile(
    r"^\s*(and|but|also|what about|how about|what of|and what|and how|same for|why)\b"
    r"|\b(they|their|them|it|its|this|that|these|those|there|the force|he|she|him|her|his)\b",
    re.IGNORECASE,
)


def last_user_turn(history: History) -> str | None:
    for turn in reversed(history):
        if turn.get("role") == "user" and turn.get("content", "").strip():
            return turn["content"].strip()
    return None


def standalone(question: str, history: History | None) -> str:
    """The question, extended with the previous user turn when it leans on it."""
    previous = last_user_turn(history or [])
    if not previous or not _ELLIPTICAL.search(question):
        return question
    return f"{question}{FOLLOWING}{previous})"
