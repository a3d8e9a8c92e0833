"""The app's frame: page setup, first-start indexing, the sidebar and navigation.
``app.py`` calls :func:`main`; each page is a small file in ``app_pages/``."""

from __future__ import annotations

import streamlit as st

from rag.app import resources
from rag.app.render import mode_label

PAGES = (
    ("app_pages/ask.py", "Ask", ":material/forum:"),
    ("app_pages/briefing.py", "Briefing", ":material/description:"),
    ("app_pages/compare.py", "Compare", ":material/compare_arrows:"),
    ("app_pages/library.py", "Library", ":material/library_books:"),
    ("app_pages/evaluation.py", "Evaluation", ":material/fact_check:"),
)


def sidebar() -> None:
    settings = resources.settings()
    engine = resources.engine()
    with st.sidebar:
        if settings.llm_configured and settings.mode != "offline":
            choice = st.radio(
                "Answer with",
                ["llm", "offline"],
                format_func=lambda m: "Language model" if m == "llm" else "Offline engine",
                key="mode",
            )
        else:
            choice = "offline"
            st.session_state["mode"] = "offline"
        st.caption(mode_label(settings, choice))
        snapshot = engine.searcher.snapshot
        where = settings.chroma_url or str(settings.index_dir)
        st.caption(f"Index: {len(engine.forces)} force(s), {len(snapshot)} passages, at `{where}`.")


def main() -> None:
    st.set_page_config(
        page_title="Inspection findings", page_icon=":material/policy:", layout="wide"
    )
    with resources.friendly("Starting the app"):
        resources.engine()
        resources.ensure_index()
    page = st.navigation([st.Page(path, title=title, icon=icon) for path, title, icon in PAGES])
    with resources.friendly("Showing the index"):
        sidebar()
    page.run()
