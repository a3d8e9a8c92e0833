"""Prompts: the files in ``prompts/`` and filling them with fenced sources.

A prompt file ``prompts/<name>.md`` has a ``## system`` and a ``## user`` section
(anything before them is a comment). Variables are written ``{name}``; literal
braces are doubled (``{{`` ``}}``). The variables a file uses must be exactly the
ones its caller passes, or loading fails with a ConfigError naming the file.

Document text only ever enters a prompt as a variable's value, never as template
text, so braces in a document are harmless; and any ``<`` that would open or close
one of our fences (``<source>``, ``<context>``, ``<history>``) or start a special
token (``<|im_end|>``) is written ``&lt;``, so a document cannot leave its fence.
"""

from __future__ import annotations

import html
import re
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
    from rag.retrieve.search import Passage

# package data (the repository's prompts/ links here), so prompts load as installed
PROMPTS_DIR = Path(str(files("rag.llm").joinpath("prompts")))
# The variables each shipped prompt must use, exactly.
PROMPT_VARIABLES = {
    "answer": {"context", "history", "question", "cannot_answer"},
    "brief": {"force", "context", "cannot_answer"},
    "condense": {"history", "question"},
    "judge_faithfulness": {"question", "answer", "passages"},
    "judge_relevance": {"question", "answer"},
}
_SECTION = re.compile(r"^##[ \t]+(system|user)[ \t]*$", re.MULTILINE | re.IGNORECASE)
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_FENCE_OR_TOKEN = re.compile(r"<(?=\s*/?\s*(?:source|context|history)\b|\|)", re.IGNORECASE)
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


def format_context(
    passages: list[Passage], budget_tokens: int, encoding: str
) -> tuple[str, dict[str, Passage]]:
    """Passages as ``<source id="Sn" force=".." paragraph="..">`` blocks, in rank order,
    within ``budget_tokens`` (a passage that does not fit is dropped, a later shorter one
    may still fit); returns the text and the label -> passage map."""
    blocks: list[str] = []
    labels: dict[str, Passage] = {}
    left = budget_tokens
    for passage in passages:
        label = f"S{len(labels) + 1}"
        attrs = f'id="{label}"'
        for name, value in (("force", passage.force), ("paragraph", passage.paragraph)):
            if value is not None:
                attrs += f' {name}="{html.escape(fence_safe(str(value)), quote=True)}"'
        block = f"<source {attrs}>\n{fence_safe(excerpt_text(passage))}\n</source>"
        cost = count_tokens(block, encoding) + 1  # the newline between blocks
        if cost <= left:
            blocks.append(block)
            labels[label] = passage
            left -= cost
    return "\n".join(blocks), labels


def excerpt_text(passage: Passage) -> str:
    """The passage's text, or only its chosen sentences (``extras["excerpt"]``, spans in the
    passage): adjacent ones joined by a space, so what is shown stays verbatim, gaps by " … "."""
    spans = sorted(passage.extras.get("excerpt") or [])
    if not spans:
        return passage.text.strip()
    out = passage.text[spans[0][0] : spans[0][1]]
    for (_, end), (start, stop) in zip(spans, spans[1:], strict=False):
        gap = passage.text[end:start]
        out += (" " if not gap.strip() else " … ") + passage.text[start:stop]
    return out.strip()


def format_history(history: list[dict[str, str]] | None) -> str:
    """The last turns as "User: ..." / "Assistant: ..." lines, fence-safe; "(none)" if empty."""
    lines = []
    for turn in (history or [])[-_HISTORY_TURNS:]:
        who = "Assistant" if turn.get("role") == "assistant" else "User"
        content = " ".join(str(turn.get("content", "")).split())[:_HISTORY_CHARS]
        lines.append(f"{who}: {fence_safe(content)}")
    return "\n".join(lines) or "(none)"


def build_prompt(
    name: str, values: dict[str, str], passages: list[Passage], settings: Settings
) -> tuple[list[BaseMessage], str, dict[str, Passage]]:
    """A shipped prompt filled with ``values`` and as many passages as the window allows
    (context_window - answer_tokens - the prompt without sources): messages, their text
    and the label map."""
    template = shipped_prompt(name)
    bare = render_text(template, {**values, "context": ""})
    overhead = count_tokens(bare, settings.encoding) + _MESSAGE_OVERHEAD * 3
    budget = settings.context_window - settings.answer_tokens - overhead
    if budget <= 0:
        empty = {key: "" for key in values}
        fixed = count_tokens(render_text(template, {**empty, "context": ""}), settings.encoding)
        if fixed + _MESSAGE_OVERHEAD * 3 + _MIN_SOURCES_TOKENS <= prompt_budget(settings):
            raise LLMError(  # the user's text is too long, not the settings too small
                f"The question and conversation ({overhead - fixed} tokens) leave no room for "
                f"sources in the model's window (RAG_CONTEXT_WINDOW={settings.context_window}, "
                f"RAG_ANSWER_TOKENS={settings.answer_tokens}); ask a shorter question."
            )
        raise ConfigError(
            f"RAG_CONTEXT_WINDOW={settings.context_window} leaves no room for "
            f"sources after the prompt ({overhead} tokens) and RAG_ANSWER_TOKENS="
            f"{settings.answer_tokens}; raise the first or lower the second."
        )
    context, labels = format_context(passages, budget, settings.encoding)
    filled = {**values, "context": context}
    return template.format_messages(**filled), render_text(template, filled), labels
