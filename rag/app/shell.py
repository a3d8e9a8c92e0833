"""The app's frame: page setup, first-start indexing, the sidebar and navigation.
``rag/app/main.py`` (what `rag app` runs) and the repository's ``app.py`` call
:func:`main`; each page is a small script in ``rag/app/views/``."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from rag.app import resources
from rag.app.render import mode_label

HERE = Path(__file__).resolve().parent
# A bundled image: an emoji or icon-font page icon makes the browser fetch it from a
# font server, and nothing may leave the machine.
ICON = HERE / "icon.png"
PAGES = (
    ("ask.py", "Ask", ":material/forum:"),
    ("briefing.py", "Briefing", ":material/description:"),
    ("compare.py", "Compare", ":material/compare_arrows:"),
    ("library.py", "Library", ":material/library_books:"),
    ("evaluation.py", "Evaluation", ":material/fact_check:"),
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
    st.set_page_config(page_title="Inspection findings", page_icon=str(ICON), layout="wide")
    with resources.friendly("Starting the app"):
        resources.engine()
        resources.ensure_index()
    pages = [st.Page(str(HERE / "views" / f), title=title, icon=icon) for f, title, icon in PAGES]
    page = st.navigation(pages)
    with resources.friendly("Showing the index"):
        sidebar()
    page.run()
