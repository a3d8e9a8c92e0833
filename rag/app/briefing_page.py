"""The Briefing page: one cited paragraph on a force, its findings as a table that wraps
its text (nothing cut), the grades its documents state, and downloads (Markdown; CSV of
the findings and of the grades)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rag.app import resources
from rag.app.grades_view import show_grades
from rag.app.markdown_export import briefing_markdown
from rag.app.render import show_notices, show_sources
from rag.core.safe_text import inert_markdown
from rag.core.types import Briefing, Finding, GradeRow, GradeTable, place

KIND_NAMES = {
    "verdict": "Overall",
    "strength": "Strength",
    "improvement": "Area for improvement",
    "concern": "Concern",
    "context": "Context",
}


def findings_rows(briefing: Briefing, kinds: set[str]) -> list[dict[str, str]]:
    """One row per finding of those kinds: its kind, theme, words and sources."""
    return [
        {
            "Kind": f.label or KIND_NAMES.get(f.kind or "", f.kind or ""),
            "Theme": f.theme or "",
            "Finding": f.text,
            "Sources": " ".join(f"[{n}]" for n in f.citations),
        }
        for f in _findings(briefing)
        if (f.kind or "") in kinds
    ]


def findings_table(briefing: Briefing, kinds: set[str]) -> pd.DataFrame:
    """The rows as st.table shows them: every cell made inert, as st.table renders
    Markdown."""
    rows = [{k: inert_markdown(v) for k, v in r.items()} for r in findings_rows(briefing, kinds)]
    return pd.DataFrame(rows, columns=["Kind", "Theme", "Finding", "Sources"])


def findings_csv(briefing: Briefing) -> str:
    """Every finding with where its sentence is: one line per finding."""
    by_n = {c.n: c for c in briefing.citations}
    rows = [
        {
            "kind": f.kind or "",
            "label": f.label or "",
            "theme": f.theme or "",
            "finding": f.text,
            "source": "; ".join(place(by_n[n]) for n in f.citations if n in by_n),
        }
        for f in _findings(briefing)
    ]
    return pd.DataFrame(rows, columns=["kind", "label", "theme", "finding", "source"]).to_csv(
        index=False
    )


def grades_of(briefing: Briefing) -> GradeTable:
    """The briefing's stated grades as the grades view takes them."""
    by_n = {c.n: c for c in briefing.citations}
    return GradeTable(
        rows=[
            GradeRow(
                force=briefing.force,
                area=g.area,
                grade=g.grade,
                citations=[by_n[n] for n in g.citations if n in by_n],
            )
            for g in briefing.grades
        ]
    )


def _findings(briefing: Briefing) -> list[Finding]:
    # a model's briefing lists its own findings; every briefing has the documents' list
    return briefing.findings or [f for _, items in briefing.sections() for f in items]


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
    main = findings_table(briefing, {"verdict", "strength", "improvement", "concern"})
    if main.empty:
        st.caption("No verdict, strengths, areas for improvement or concerns were found.")
    else:
        st.table(main, hide_index=True)
    context = findings_table(briefing, {"context"})
    if not context.empty:
        with st.expander(f"Context: {len(context)} sentence(s) of figures and plans"):
            st.table(context, hide_index=True)
    slug = force.lower().replace(" ", "-")
    show_grades(grades_of(briefing), file_name=f"grades-{slug}.csv")
    # the paragraph's sources shown in their passages; every other one as a line
    own = {n for s in briefing.sentences for n in s.citations}
    show_sources(engine, [c for c in briefing.citations if c.n in own], key=f"briefing-{force}")
    rest = [c for c in briefing.citations if c.n not in own]
    if rest:
        with st.expander(f"Every other source: {len(rest)}"):
            st.markdown(
                "\n\n".join(inert_markdown(f"[{c.n}] {place(c)}: “{c.quote}”") for c in rest)
            )
    left, right = st.columns(2)
    left.download_button(
        "Download briefing (.md)",
        briefing_markdown(briefing),
        file_name=f"briefing-{slug}.md",
        mime="text/markdown",
        icon=":material/download:",
    )
    right.download_button(
        "Download findings (.csv)",
        findings_csv(briefing),
        file_name=f"findings-{slug}.csv",
        mime="text/csv",
        icon=":material/download:",
    )
