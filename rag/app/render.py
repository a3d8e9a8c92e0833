"""Pieces every page draws. Text from documents and models goes through
:func:`rag.core.safe_text.inert_markdown`: shown as written, never as HTML, links or images."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import streamlit as st

from rag.app.reader import FOCUS_KEY, Focus
from rag.app.sources import source_context
from rag.core.safe_text import highlighted, inert_markdown
from rag.core.settings import Settings
from rag.core.types import Citation, place
from rag.engine.engine import Engine

LIBRARY = Path(__file__).resolve().parent / "views" / "library.py"  # the reader's page


def _without_credentials(url: str | None) -> str | None:
    """A URL fit to show every user: any user:password@ part removed."""
    if not url:
        return None
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc))


def mode_label(settings: Settings, mode: str) -> str:
    """What answers the questions, said plainly for the sidebar."""
    if mode == "offline":
        return "Offline engine: answers quote the documents; nothing leaves this machine."
    where = _without_credentials(settings.openai_base_url) or "OpenAI (api.openai.com)"
    return f"Language model `{settings.chat_model}` at {where}; citations checked."


def show_sources(engine: Engine, citations: Sequence[Citation], key: str) -> None:
    """Each source: force, document, paragraph, and its quote highlighted in the passage."""
    if not citations:
        return
    st.markdown("**Sources**")
    for c in citations:
        with st.container(border=True, key=f"{key}-src-{c.n}"):
            st.markdown(inert_markdown(f"[{c.n}] {place(c)}"))
            passage, span = source_context(engine.store, c)
            st.markdown(highlighted(passage, span))
            if span is None:
                st.caption("The quote could not be placed in the current text of this document.")
            elif st.button(
                "Read it in the document", key=f"{key}-read-{c.n}", icon=":material/menu_book:"
            ):
                st.session_state[FOCUS_KEY] = Focus.of(c)  # the Library's reader opens at it
                st.switch_page(str(LIBRARY))


def show_notices(notice: str | None, partial: bool = False) -> None:
    if notice:
        st.info(inert_markdown(notice), icon=":material/info:")
    if partial:
        st.warning(
            "The model's reply broke off: this answer is incomplete.", icon=":material/warning:"
        )
