"""A loader's structured output: paragraphs that know their page and section.

Plain text has no such structure; a PDF's layout gives it (``rag.documents.pdf``).
"""

from __future__ import annotations

from dataclasses import dataclass

# The PEEL grades (and "not graded"), longest first so "requires improvement" wins.
GRADES = ("requires improvement", "outstanding", "inadequate", "not graded", "adequate", "good")


@dataclass(frozen=True)
class Block:
    """One paragraph (or table row) of a document, on one line.

    ``breaks`` are (offset in ``text``, page) where a later page starts inside it:
    a paragraph run on over a page break stays one paragraph.
    """

    text: str
    page: int | None = None
    section: str | None = None
    breaks: tuple[tuple[int, int], ...] = ()


def blocks_text(blocks: list[Block]) -> str:
    """The blocks as plain text, one paragraph each."""
    return "\n\n".join(b.text for b in blocks)
