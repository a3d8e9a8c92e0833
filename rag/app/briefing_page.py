"""The Briefing page: one cited paragraph on a force, then its findings as a table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rag.app import resources
from rag.app.markdown_export import briefing_markdown
from rag.app.render import show_notices, show_sources
from rag.core.safe_text import inert_markdown
from rag.core.types import Briefing


def findings_table(briefing: Briefing) -> pd.DataFrame:
    """One row per finding: its section, its words and the sources it cites."""
    rows = [
        {"Section": title, "Finding": f.text, "Sources": " ".join(f"[{n}]" for n in f.citations)}
        for title, items in briefing.sections()
        for f in items
    ]
    return pd.DataFrame(rows, columns=["Section", "Finding", "Sources"])


def render() -> None:
    engine = resources.engine()
    st.title("Briefing on a force")
    if not engine.forces:
        st.info("No documents are indexed yet: add some on the Library page.")
        return
    force = st.selectbox("Force", engine.forces, key="briefing_force")
    cached: dict[str, Briefing] = st.session_state.setdefault("briefings", {})
    mode = st.session_state.get("mode")
    key = f"{force}|{mode}"
    if st.button("Write the briefing", type="primary", icon=":material/description:"):
        with resources.friendly("The briefing"), st.spinner("Reading the documents…"):
            cached[key] = engine.brief(force, mode)
    briefing = cached.get(key)
    if briefing is None:
        return
    show_notices(briefing.notice)
    with st.container(border=True):
        st.markdown(inert_markdown(briefing.paragraph))
        st.caption(f"Grade stated in the documents: {briefing.grade or 'none'}")
    st.subheader("Findings")
    table = findings_table(briefing)
    if table.empty:
        st.caption("No strengths, areas for improvement or concerns were found.")
    else:
        st.dataframe(table, hide_index=True, width="stretch")
    show_sources(engine, briefing.citations, key=f"briefing-{force}")
    st.download_button(
        "Download briefing (.md)",
        briefing_markdown(briefing),
        file_name=f"briefing-{force.lower().replace(' ', '-')}.md",
        mime="text/markdown",
        icon=":material/download:",
    )
