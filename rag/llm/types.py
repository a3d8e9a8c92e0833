"""What an LLM reply becomes once read: its citations as given, checked later."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rag.answer.citations import RawCitation
from rag.core.types import Finding

if TYPE_CHECKING:
    from rag.retrieve.search import Passage


@dataclass
class LLMReply:
    """What the model said, checked and ready for the audit log."""

    answer: str
    citations: list[RawCitation]  # each with .problem None when it checks out
    raw: str  # the model's text, unchanged
    prompt: str  # the rendered prompt
    usage: dict[str, int]  # prompt_tokens, completion_tokens (tiktoken when the API gave none)
    partial: bool = False  # broken stream, token limit, cut-off JSON or a loop: never cache
    structured: bool = True  # False: the reply was not JSON and has no citations
    problems: list[str] = field(default_factory=list)  # one line each, for logs and the UI
    labels: dict[str, Passage] = field(default_factory=dict)  # "S1" -> the passage shown


@dataclass
class BriefReply(LLMReply):
    """A briefing: ``answer`` is the paragraph; findings cite the [n] markers."""

    grade: str | None = None  # only when a source states it
    strengths: list[Finding] = field(default_factory=list)
    improvements: list[Finding] = field(default_factory=list)
    concerns: list[Finding] = field(default_factory=list)
