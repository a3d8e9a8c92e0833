"""The one home of citation checks, for every answer mode, briefings and comparisons.

A citation is shown only if its quote really appears in the passage it cites,
compared after normalising whitespace, quote marks, dashes and case. The offline
engine cites sentences it took from a passage (:func:`citation_for`); a model's
citations are checked (:func:`check_citations`, :func:`verified_citations`) and
the ``[n]`` markers of its text renumbered (:func:`rewrite_markers`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

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
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


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


@dataclass
class RawCitation:
    """A citation as the model gave it; ``problem`` is None once it checks out."""

    n: int  # the [n] marker in the answer
    source_label: str  # "S1", or the model's own text when it is not a label
    quote: str
    problem: str | None = None


def check_citations(citations: list[RawCitation], labels: dict[str, Passage]) -> None:
    """Set ``problem`` on each citation whose source was not given or whose quote is not
    in that source (after the shared normalisation of quotes, dashes and case)."""
    for citation in citations:
        passage = labels.get(citation.source_label)
        if passage is None:
            citation.problem = f"cites {citation.source_label or 'no source'}, not in the context"
        elif not citation.quote:
            citation.problem = "no quote"
        elif not quote_in_passage(citation.quote, passage.text):
            citation.problem = f"quote not found in {citation.source_label}"


def verified_citations(
    citations: Sequence[RawCitation], labels: dict[str, Passage]
) -> dict[int, Citation]:
    """Old marker number -> checked citation (renumbered later)."""
    out: dict[int, Citation] = {}
    for raw in citations:
        passage = labels.get(raw.source_label)
        if raw.problem is not None or passage is None or raw.n in out:
            continue
        span = locate(raw.quote, passage.text)
        offset = int(passage.metadata.get("char_start", 0)) + (span[0] if span else 0)
        out[raw.n] = Citation(
            n=raw.n,
            document_id=passage.document_id,
            source=str(passage.metadata.get("source", "")),
            force=passage.force,
            **where(passage, offset),
            quote=passage.text[span[0] : span[1]] if span else raw.quote,
            chunk_id=passage.chunk_id,
            char_start=offset,
        )
    return out


def rewrite_markers(text: str, kept: dict[int, Citation]) -> tuple[str, dict[int, int]]:
    """Renumber kept markers 1..n in order of appearance; drop sentences left unsupported.
    Returns the new text and the old -> new marker numbers."""
    order: dict[int, int] = {}
    sentences = []
    for sentence in _SENTENCE.split(text.strip()):
        markers = [int(m) for m in MARKER.findall(sentence)]
        if markers and not any(m in kept for m in markers):
            continue  # every claim of this sentence failed its check
        for m in markers:
            if m in kept and m not in order:
                order[m] = len(order) + 1

        def renumber(match: re.Match[str]) -> str:
            old = int(match.group(1))
            return f" [{order[old]}]" if old in order else ""

        sentences.append(MARKER.sub(renumber, sentence))
    return " ".join(sentences).strip(), order


def renumbered(kept: dict[int, Citation], order: dict[int, int]) -> list[Citation]:
    return [kept[old].model_copy(update={"n": new}) for old, new in order.items()]


def shifted_markers(text: str, offset: int) -> str:
    """``text`` with every [n] marker moved up by ``offset`` (rows of one table)."""
    return MARKER.sub(lambda m: m.group(0).replace(m.group(1), str(int(m.group(1)) + offset)), text)
