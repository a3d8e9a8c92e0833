"""The grades a force's documents state, areas by forces, with a CSV download of each grade
and the sentence stating it: one view for the Compare page (every force) and the Briefing
page (one force)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rag.core.types import GradeTable, place

_WRAP_CHARS = 45  # characters a wide column shows on one line
_LINE_PX = 22


def grades_grid(table: GradeTable) -> pd.DataFrame:
    """Areas by forces: each cell the grade a force's documents state for that area
    (areas as each document words them; the overall grade first)."""
    forces = list(dict.fromkeys(row.force for row in table.rows))
    areas = list(dict.fromkeys(row.area for row in table.rows))
    cells = {(row.area, row.force): row.grade for row in table.rows}
    return pd.DataFrame(
        [{"Area": area, **{f: cells.get((area, f), "") for f in forces}} for area in areas]
    )


def grades_csv(table: GradeTable) -> str:
    """Every stated grade with the sentence stating it and where: one line per citation."""
    return pd.DataFrame(
        [
            {
                "force": row.force,
                "area": row.area,
                "grade": row.grade,
                "quote": c.quote,
                "source": place(c),
            }
            for row in table.rows
            for c in row.citations
        ],
        columns=["force", "area", "grade", "quote", "source"],
    ).to_csv(index=False)


def show_grades(table: GradeTable, file_name: str = "grades.csv") -> None:
    st.subheader("Grades stated")
    if not table.rows:
        st.caption("The documents state no grades.")
        return
    st.caption(
        "Each grade as a document states it, read from its own words; an empty cell: no "
        "grade stated for that area. The download lists the sentence stating each grade."
    )
    grid = grades_grid(table)
    longest = max(len(a) for a in grid["Area"])
    st.dataframe(
        grid,
        hide_index=True,
        width="stretch",
        row_height=_LINE_PX * (1 + longest // _WRAP_CHARS) + 12,
        column_config={"Area": st.column_config.TextColumn("Area", width="large", pinned=True)},
    )
    st.download_button(
        "Download grades (.csv)",
        grades_csv(table),
        file_name=file_name,
        mime="text/csv",
        icon=":material/download:",
    )
