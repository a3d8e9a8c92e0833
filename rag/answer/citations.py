"""The one home of citation checks, for every answer mode, briefings and comparisons.

A citation is shown only if its quote really appears in the passage it cites,
compared after normalising whitespace, quote marks, dashes and case. Every mode cites
sentences taken from a passage (:func:`citation_for`): the offline engine its own
choice, LLM mode the evidence sentences a model cited by id (``rag.llm.verify``).
"""

from __future__ import annotations

import re
import unicodedata

from rag.core.types import Citation, innermost, page_at
from rag.retrieve.evidence import Sentence
from rag.retrieve.search import Passage

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
MARKER = re.compile(r"\s?\[\s*(\d+)\s*\]")  # a citation marker "[n]", with its leading space


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


def citation_for(sentence: Sentence, n: int) -> Citation:
    passage: Passage = sentence.passage
    meta = passage.metadata
    offset = int(meta.get("char_start", 0)) + sentence.start
    return Citation(
        n=n,
        document_id=passage.document_id,
        source=str(meta.get("source", "")),
        force=passage.force,
        **where(passage, offset),
        quote=sentence.text,
        chunk_id=passage.chunk_id,
        char_start=offset,
    )


def where(passage: Passage, offset: int) -> dict[str, int | str | None]:
    """The paragraph, page and section holding a document offset (chunks may span them)."""
    page = page_at(passage.extras.get("pages", []), offset)
    for number, start, end, section in passage.extras.get("paragraphs", []):
        if start <= offset < end:
            return {"paragraph": int(number), "page": page, "section": innermost(section)}
    section = passage.metadata.get("section")
    return {"paragraph": passage.paragraph, "page": page, "section": innermost(section)}


def shifted_markers(text: str, offset: int) -> str:
    """``text`` with every [n] marker moved up by ``offset`` (rows of one table)."""
    return MARKER.sub(lambda m: m.group(0).replace(m.group(1), str(int(m.group(1)) + offset)), text)
