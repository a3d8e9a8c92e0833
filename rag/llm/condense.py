"""A follow-up rewritten by the model to stand alone, kept only when the conversation
supports it: the rewrite's numbers, names, grades and polarity must come from the
conversation or the question (the check an answer's sentences pass, ``rag.llm.support``,
but free in its wording), so a rewrite cannot slip a fact into the search."""

from __future__ import annotations

import re
from collections.abc import Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import RunnableConfig

from rag.core.settings import Settings
from rag.llm.deadline import Deadline
from rag.llm.model_calls import complete
from rag.llm.parse import load_json_object
from rag.llm.prompting import fence_safe, fits_window, format_history, shipped_prompt
from rag.llm.support import check_support


def condense_question(
    model: BaseChatModel,
    question: str,
    history: Sequence[dict[str, str]],
    settings: Settings,
    deadline: Deadline,
    config: RunnableConfig | None = None,
) -> str:
    """The follow-up as a standalone question; unchanged when there is no history, the
    rewrite is empty or implausibly long, or the conversation does not support it."""
    if not history:
        return question
    conversation = format_history(history)
    messages = shipped_prompt("condense").format_messages(
        history=conversation, question=fence_safe(question)
    )
    if not fits_window(messages, settings):
        return question  # too long to rewrite; the answer prompt then says it is too long
    raw = complete(model, messages, deadline, config).raw
    found, _ = load_json_object(raw)
    candidate = found.get("question", "") if found else raw
    candidate = re.sub(
        r"^(?:standalone )?question:", "", " ".join(str(candidate).split()), flags=re.IGNORECASE
    ).strip(" \"'")
    if not 0 < len(candidate) <= max(300, 4 * len(question)):
        return question
    kept = check_support(candidate, [conversation, question], min_term_share=0.0).supported
    return candidate if kept else question
