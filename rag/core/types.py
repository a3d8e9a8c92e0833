"""The data types every stage shares: documents, paragraphs and chunks (ingest and the
index), citations, and what the engine returns (answers, briefings, comparisons).

``to_json()`` gives the CLI's documented JSON contracts.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field

# The one "cannot answer" phrase: prompts, the offline engine, the app and tests use it.
CANNOT_ANSWER = "The documents do not say."

Mode = Literal["offline", "llm"]  # an answer mode, once resolved


@dataclass(frozen=True)
class Paragraph:
    """A numbered paragraph: ``text[start:end]`` of its document's stored text."""

    number: int
    start: int
    end: int
    section: str | None = None  # its headings, outermost first, joined by " > "


def page_at(pages: Sequence[Sequence[int]], offset: int) -> int | None:
    """The page holding a document offset; ``pages`` are (offset, page) where each page
    starts, in order (none for a document without pages)."""
    i = bisect_right([start for start, _ in pages], offset)
    return int(pages[i - 1][1]) if i else (int(pages[0][1]) if pages else None)


def innermost(section: str | None) -> str | None:
    """The heading a passage sits under, for people: the last of its section path."""
    return section.rsplit(" > ", 1)[-1] if section else None


@dataclass
class ParsedDocument:
    """A cleaned document. ``text`` is exactly what citations point into."""

    source: str
    text: str
    document_id: str  # sha256 of ``text``: the document's identity
    paragraphs: list[Paragraph]
    force: str | None = None
    inspector: str | None = None
    title: str | None = None
    doc_type: str | None = None  # "transcript", "report", ...
    pages: list[tuple[int, int]] = field(default_factory=list)  # (offset, page): see page_at


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage: ``document.text[start:end]``."""

    id: str
    document_id: str
    index: int
    text: str
    start: int
    end: int
    paragraph_start: int | None
    paragraph_end: int | None
    token_count: int
    metadata: dict[str, str | int] = field(default_factory=dict)


# --- what the engine returns ------------------------------------------------------


class Citation(BaseModel):
    """A verified citation, as the CLI and app show it."""

    n: int = Field(description="The [n] marker used in the answer text.")
    document_id: str
    source: str
    force: str | None = None
    paragraph: int | None = None
    page: int | None = Field(None, description="The PDF page the quote starts on (from 1).")
    section: str | None = Field(None, description="The heading the quote sits under.")
    quote: str = Field(description="Verbatim words of the passage.")
    verified: bool = True
    chunk_id: str | None = Field(None, exclude=True)
    char_start: int | None = Field(None, exclude=True, description="Quote offset in the document.")


def place(c: Citation) -> str:
    """Where a citation points, for people: force · document · page and section (else
    paragraph); no force for a document about no single force."""
    where = f"{c.force} · {c.source}" if c.force else c.source
    return f"{where} · {spot(c)}" if spot(c) else where


def spot(c: Citation) -> str | None:
    """Where in its document a citation points: "page 9, Investigating crime" for a PDF,
    else "paragraph 4" (with its section when it has one)."""
    first = f"page {c.page}" if c.page is not None else None
    if first is None and c.paragraph is not None:
        first = f"paragraph {c.paragraph}"
    return ", ".join(s for s in (first, c.section) if s) or None


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Answer(BaseModel):
    question: str
    answer: str
    abstained: bool
    mode: Mode
    citations: list[Citation] = Field(default_factory=list)
    dropped_citations: int = 0
    unsupported_sentences: int = Field(
        0, description="Sentences of the model's answer removed: their evidence did not hold them."
    )
    usage: Usage = Field(default_factory=Usage)
    latency_ms: float = 0.0
    partial: bool = Field(False, description="The model's reply broke off; never cached.")
    notice: str | None = Field(None, description="Why the answer is a fallback, if it is one.")
    standalone_question: str | None = Field(None, exclude=True)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def is_cacheable(answer: Answer) -> bool:
    """Whether an answer may be cached: complete (not partial) and not a fallback shown
    because the model failed (a later try may succeed)."""
    return not answer.partial and answer.notice is None


class Finding(BaseModel):
    text: str
    citations: list[int] = Field(default_factory=list)
    kind: str | None = Field(None, description="verdict, strength, improvement, concern or context")
    theme: str | None = Field(None, description="The area of policing it is about.")
    label: str | None = Field(
        None, description='The numbered block it belongs to: "Area for improvement 2", ...'
    )


class BriefingSentence(BaseModel):
    """A sentence of the paragraph: a fixed frame, then words of the one sentence it
    cites in their order (or that sentence quoted whole, ``quoted``)."""

    text: str
    frame: str
    citations: list[int] = Field(default_factory=list)
    quoted: bool = False


class StatedGradeRef(BaseModel):
    """A grade a document states for an area ("overall" for the force as a whole), and the
    [n] citations of the sentences stating it."""

    area: str
    grade: str
    citations: list[int] = Field(default_factory=list)


class Briefing(BaseModel):
    force: str
    paragraph: str
    grade: str | None = Field(None, description="The overall grade, where one is stated.")
    grades: list[StatedGradeRef] = Field(default_factory=list)
    sentences: list[BriefingSentence] = Field(default_factory=list)
    findings: list[Finding] = Field(
        default_factory=list, description="Every finding of the documents, in their order."
    )
    strengths: list[Finding] = Field(default_factory=list)
    improvements: list[Finding] = Field(default_factory=list)
    concerns: list[Finding] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    mode: Mode = "offline"
    dropped_citations: int = 0
    notice: str | None = None

    def sections(self) -> list[tuple[str, list[Finding]]]:
        """The findings under their headings, in reading order (CLI, app and downloads)."""
        return [
            ("Strengths", self.strengths),
            ("Areas for improvement", self.improvements),
            ("Concerns", self.concerns),
        ]

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class ComparisonRow(BaseModel):
    force: str
    summary: str
    covered: bool
    citations: list[Citation] = Field(default_factory=list)
    grade: StatedGradeRef | None = Field(None, description="The stated grade for the theme.")


class Comparison(BaseModel):
    theme: str
    rows: list[ComparisonRow] = Field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class GradeRow(BaseModel):
    """One grade a force's documents state, with its citations."""

    force: str
    area: str
    grade: str
    citations: list[Citation] = Field(default_factory=list)


class GradeTable(BaseModel):
    rows: list[GradeRow] = Field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
