"""What the engine returns: typed answers, briefings and comparisons.

``to_json()`` gives the CLI's documented JSON contracts.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from rag.citations import Citation

Mode = Literal["offline", "llm"]


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


class Briefing(BaseModel):
    force: str
    paragraph: str
    grade: str | None = None
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


class Comparison(BaseModel):
    theme: str
    rows: list[ComparisonRow] = Field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
