"""The Compare page: what each chosen force's documents say on a theme, cited, a chart of
each force's strengths against its concerns, and the grades every force's documents
state (areas by forces), with a CSV download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rag.app import resources
from rag.app.grades_view import show_grades
from rag.app.markdown_export import comparison_markdown
from rag.app.render import show_sources
from rag.core.safe_text import inert_markdown
from rag.core.types import Comparison
from rag.engine.compare import chosen_forces, compare
from rag.engine.engine import Engine
from rag.engine.grades import grade_table


def comparison_table(table: Comparison) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Force": row.force,
                "What the documents say": row.summary,
                "Covered": row.covered,
                "Grade stated": row.grade.grade if row.grade else "",
                "Sources": len(row.citations),
            }
            for row in table.rows
        ]
    )


def balance(forces: list[str]) -> pd.DataFrame:
    """Strengths, areas for improvement and concerns per force, from the offline briefings
    (counted from cited findings, so the chart is as checkable as the table)."""
    engine = resources.engine()
    counts = {}
    for force in forces:
        counts[force] = {
            title: len(items) for title, items in engine.brief(force, "offline").sections()
        }
    return pd.DataFrame.from_dict(counts, orient="index")


def render() -> None:
    engine = resources.engine()
    st.title("Compare forces on a theme")
    if not engine.forces:
        st.info("No documents are indexed yet: add some on the Library page.")
        return
    with st.form("compare"):
        theme = st.text_input("Theme", placeholder="e.g. integrity and counter-corruption")
        forces = st.multiselect(
            "Forces", engine.forces, default=engine.forces, help="Leave empty for every force."
        )
        go = st.form_submit_button("Compare", type="primary", icon=":material/compare:")
    if go:
        if not theme.strip():
            st.warning("Enter a theme to compare the forces on.")
            return
        with resources.friendly("The comparison"), st.spinner("Reading each force's documents…"):
            chosen = chosen_forces(engine, forces) or engine.forces
            st.session_state["comparison"] = (
                compare(engine, theme.strip(), chosen, st.session_state.get("mode")),
                balance(chosen),
            )
    if "comparison" in st.session_state:
        show_comparison(engine, *st.session_state["comparison"])
    with resources.friendly("The grades"):
        show_grades(grade_table(engine))


def show_comparison(engine: Engine, table: Comparison, counts: pd.DataFrame) -> None:
    st.subheader(inert_markdown(table.theme))
    st.dataframe(comparison_table(table), hide_index=True, width="stretch")
    st.subheader("Strengths against concerns")
    st.caption(
        "How many strengths, areas for improvement and concerns each force's briefing cites, "
        "across all themes: a count of findings, not a grade, and not about this theme alone."
    )
    st.bar_chart(counts, stack=False, horizontal=True)
    for row in table.rows:
        with st.expander(inert_markdown(f"{row.force}: {len(row.citations)} source(s)")):
            st.markdown(inert_markdown(row.summary))
            show_sources(engine, row.citations, key=f"compare-{row.force}")
    st.download_button(
        "Download comparison (.md)",
        comparison_markdown(table),
        file_name="comparison.md",
        mime="text/markdown",
        icon=":material/download:",
    )
