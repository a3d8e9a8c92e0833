"""Prompts: the files in ``prompts/`` and filling them with fenced sources.

A prompt file ``prompts/<name>.md`` has a ``## system`` and a ``## user`` section
(anything before them is a comment). Variables are written ``{name}``; literal
braces are doubled (``{{`` ``}}``). The variables a file uses must be exactly the
ones its caller passes, or loading fails with a ConfigError naming the file.

Document text only ever enters a prompt as a variable's value, never as template
text, so braces in a document are harmless; and any ``<`` that would open or close
one of our fences (``<evidence>``, ``<history>``; ``<source>`` and ``<context>`` too)
or start a special token (``<|im_end|>``) is written ``&lt;``, so a document cannot
leave its fence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_core.messages import BaseMessage
from langchain_core.prompts import ChatPromptTemplate

from rag.core.errors import ConfigError, LLMError
from rag.core.tokens import count_tokens

if TYPE_CHECKING:
    from rag.core.settings import Settings

# package data (the repository's prompts/ links here), so prompts load as installed
PROMPTS_DIR = Path(str(files("rag.llm").joinpath("prompts")))
# The variables each shipped prompt must use, exactly.
PROMPT_VARIABLES = {
    "answer": {"evidence", "history", "question", "unanswered"},
    "brief": {"force", "evidence", "cannot_answer"},
    "condense": {"history", "question"},
    "judge_faithfulness": {"question", "answer", "passages"},
    "judge_relevance": {"question", "answer"},
}
_SECTION = re.compile(r"^##[ \t]+(system|user)[ \t]*$", re.MULTILINE | re.IGNORECASE)
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_FENCE_OR_TOKEN = re.compile(
    r"<(?=\s*/?\s*(?:source|context|history|evidence)\b|\|)", re.IGNORECASE
)
_MESSAGE_OVERHEAD = 4  # tokens a chat format adds around each message
_MIN_SOURCES_TOKENS = 64  # below this no passage fits: the user's text is too long
_HISTORY_TURNS, _HISTORY_CHARS = 6, 1500


def load_prompt(name: str, variables: set[str], folder: Path = PROMPTS_DIR) -> ChatPromptTemplate:
    """The chat template in ``folder/<name>.md``, checked to use exactly ``variables``."""
    path = folder / f"{name}.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"Cannot read prompt file {path} ({exc.strerror}); reinstall.") from None
    parts = _SECTION.split(text)  # [comment, role, body, role, body, ...]
    roles = [role.lower() for role in parts[1::2]]
    if roles != ["system", "user"]:
        raise ConfigError(
            f"Prompt file {path} must have a '## system' then a '## user' section "
            f"(found {roles or 'none'})."
        )
    bodies = [body.strip() for body in parts[2::2]]
    try:
        template = ChatPromptTemplate.from_messages(list(zip(roles, bodies, strict=True)))
    except ValueError as exc:
        raise ConfigError(f"Prompt file {path} is not a valid template: {exc}") from None
    used = set(template.input_variables)
    bad = sorted(v for v in used if not _NAME.match(v))
    if bad or used != variables:
        detail = (
            f"bad names {bad}"
            if bad
            else (f"unexpected {sorted(used - variables)}, missing {sorted(variables - used)}")
        )
        raise ConfigError(
            f"Prompt file {path} has the wrong variables ({detail}); expected "
            f"exactly {sorted(variables)}. Write literal braces as {{{{ and }}}}."
        )
    return template


@lru_cache(maxsize=8)
def shipped_prompt(name: str) -> ChatPromptTemplate:
    """One of the prompts in PROMPT_VARIABLES, loaded and checked once."""
    return load_prompt(name, PROMPT_VARIABLES[name])


def render_text(template: ChatPromptTemplate, values: dict[str, str]) -> str:
    """The filled prompt as text, in the file's own layout (for the audit log)."""
    messages = template.format_messages(**values)
    return "\n\n".join(
        f"## {'user' if m.type == 'human' else m.type}\n{m.content}" for m in messages
    )


def prompt_budget(settings: Settings) -> int:
    """The most tokens a prompt may hold: the window less the answer's share."""
    return settings.context_window - settings.answer_tokens


def fits_window(messages: list[BaseMessage], settings: Settings) -> bool:
    """Whether ``messages`` (with the chat format's per-message overhead) fit the budget."""
    used = sum(count_tokens(str(m.content), settings.encoding) for m in messages)
    return used + _MESSAGE_OVERHEAD * (len(messages) + 1) <= prompt_budget(settings)


def fence_safe(text: str) -> str:
    """``text`` with every ``<`` that could open or close a fence or a special token escaped."""
    return _FENCE_OR_TOKEN.sub("&lt;", text)


def history_block(history: Sequence[dict[str, str]] | None) -> str:
    """The conversation fenced for the answer prompt, or nothing when there is none."""
    if not history:
        return ""
    turns = format_history(history)
    return f"Earlier conversation (not evidence):\n<history>\n{turns}\n</history>\n"


def format_history(history: Sequence[dict[str, str]] | None) -> str:
    """The last turns as "User: ..." / "Assistant: ..." lines, fence-safe; "(none)" if empty."""
    lines = []
    for turn in (history or [])[-_HISTORY_TURNS:]:
        who = "Assistant" if turn.get("role") == "assistant" else "User"
        content = " ".join(str(turn.get("content", "")).split())[:_HISTORY_CHARS]
        lines.append(f"{who}: {fence_safe(content)}")
    return "\n".join(lines) or "(none)"


def build_prompt(
    name: str, values: dict[str, str], lines: Sequence[str], settings: Settings
) -> tuple[list[BaseMessage], str, int]:
    """A shipped prompt filled with ``values`` and as many evidence ``lines`` (in order) as
    the window allows (context_window - answer_tokens - the prompt without evidence):
    messages, their text and how many lines were kept."""
    template = shipped_prompt(name)
    bare = render_text(template, {**values, "evidence": ""})
    overhead = count_tokens(bare, settings.encoding) + _MESSAGE_OVERHEAD * 3
    budget = settings.context_window - settings.answer_tokens - overhead
    if budget <= 0:
        empty = {key: "" for key in values}
        fixed = count_tokens(render_text(template, {**empty, "evidence": ""}), settings.encoding)
        if fixed + _MESSAGE_OVERHEAD * 3 + _MIN_SOURCES_TOKENS <= prompt_budget(settings):
            raise LLMError(  # the user's text is too long, not the settings too small
                f"The question and conversation ({overhead - fixed} tokens) leave no room for "
                f"evidence in the model's window (RAG_CONTEXT_WINDOW={settings.context_window}, "
                f"RAG_ANSWER_TOKENS={settings.answer_tokens}); ask a shorter question."
            )
        raise ConfigError(
            f"RAG_CONTEXT_WINDOW={settings.context_window} leaves no room for "
            f"evidence after the prompt ({overhead} tokens) and RAG_ANSWER_TOKENS="
            f"{settings.answer_tokens}; raise the first or lower the second."
        )
    kept: list[str] = []
    for line in lines:
        budget -= count_tokens(line, settings.encoding) + 1  # and its newline
        if budget < 0:
            break
        kept.append(line)
    filled = {**values, "evidence": "\n".join(kept)}
    return template.format_messages(**filled), render_text(template, filled), len(kept)
