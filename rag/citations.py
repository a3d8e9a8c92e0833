"""Citation checks shared by every answer mode.

A citation is shown only if its quote really appears in the passage it cites,
compared after normalising whitespace, quote marks, dashes and case.
"""

from __future__ import annotations

import re
import unicodedata

from pydantic import BaseModel, Field

# The one "cannot answer" phrase: prompts, the offline engine, the app and tests use it.
CANNOT_ANSWER = "The documents do not say."

_QUOTES = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "\u00a0": " ",
    }
)
_SPACE = re.compile(r"\s+")
_EDGE = re.compile(r"^[\s\"'.,;:…-]+|[\s\"'.,;:…-]+$")
_MIN_QUOTE_CHARS = 12  # shorter "quotes" ("the force") prove nothing


class Citation(BaseModel):
    """A verified citation, as the CLI and app show it."""

    n: int = Field(description="The [n] marker used in the answer text.")
    document_id: str
    source: str
    force: str | None = None
    paragraph: int | None = None
    quote: str = Field(description="Verbatim words of the passage.")
    verified: bool = True
    chunk_id: str | None = Field(None, exclude=True)
    char_start: int | None = Field(None, exclude=True, description="Quote offset in the document.")


def place(c: Citation) -> str:
    """Where a citation points, for people: force · document · paragraph."""
    where = f"{c.force or 'Unknown force'} · {c.source}"
    return where if c.paragraph is None else f"{where} · paragraph {c.paragraph}"


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACE.sub(" ", text).strip().casefold()


def quote_in_passage(quote: str, passage: str) -> bool:
    """True when the quote (trimmed of edge punctuation) occurs in the passage."""
    needle = _EDGE.sub("", normalise(quote).replace("...", "…"))
    pieces = [p.strip() for p in needle.split("…") if p.strip()]
    # the words actually quoted, not the ellipses between them, must make a real quote
    if sum(len(p) for p in pieces) < _MIN_QUOTE_CHARS or min(len(p) for p in pieces) < 4:
        return False
    haystack = normalise(passage)
    # an ellipsis inside a quote joins verbatim pieces that must appear in order
    position = 0
    for piece in pieces:
        found = haystack.find(piece, position)
        if found < 0:
            return False
        position = found + len(piece)
    return True


_VARIANTS = {"'": "['‘’‚‛]", '"': '["“”„]', "-": "[-–—‐‑]"}


def _loose(word: str) -> str:
    """A regex for a word that accepts any quote mark or dash where it has one."""
    plain = word.translate(_QUOTES)
    return "".join(_VARIANTS.get(ch, re.escape(ch)) for ch in plain)


def locate(quote: str, text: str) -> tuple[int, int] | None:
    """Character span of a verbatim (whitespace-tolerant) quote in ``text``, for highlighting."""
    words = [_loose(w) for w in _EDGE.sub("", quote).split()]
    if not words:
        return None
    match = re.search(r"\s+".join(words), text, flags=re.IGNORECASE)
    return (match.start(), match.end()) if match else None
