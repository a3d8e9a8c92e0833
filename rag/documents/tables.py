"""A table's rows as sentences: one line per row, never a run of cell words.

A graded-judgement table ("Investigating crime | Inadequate") reads
"Investigating crime: Inadequate"; other tables "Officers: 1,204" or, with
more columns, "Officers: Full-time 1,204; Headcount 1,310".
"""

from __future__ import annotations

import re

from rag.documents.blocks import GRADES

Row = list[str]
# the column holding the grade now: "Grade", "Current grade", "Latest rating"
_CURRENT_COLUMN = re.compile(r"^(?:grades?|ratings?|judgements?)$|\b(?:current|latest|now)\b", re.I)
_SENTENCE = re.compile(r"^(?:[A-Z]|\d)\S*(?:\s+\S+){4,}")  # five words or more


def is_grade(cell: str) -> bool:
    return cell.strip().rstrip(".").casefold() in GRADES


def table_lines(rows: list[Row], header: bool) -> list[str]:
    """The table's lines; ``header``: its first row names the columns."""
    rows = [[" ".join(c.split()) for c in row if c.strip()] for row in rows]
    rows = [row for row in rows if row]
    if not rows:
        return []
    heads, body = (rows[0], rows[1:]) if header and len(rows) > 1 else ([], rows)
    if any(len(row) == 2 and is_grade(row[1]) for row in body):
        # a judgement table: its column names ("Area", "Grade") add nothing to a row
        return [_row_line(row, []) for row in body]
    graded = [row for row in body if len(row) > 2 and is_grade(row[1])]
    if graded and 2 * len(graded) >= len(body) and not _compares(heads, body):
        # "Area | Grade | What the inspectors found": the grade as its own sentence, then
        # each further cell under its column's name
        return [_graded_row_line(row, heads) for row in body]
    lines = [": ".join(heads[:1] + ["; ".join(heads[1:])])] if len(heads) > 1 else heads[:1]
    return lines + [_row_line(row, heads) for row in body]


def _compares(heads: Row, body: list[Row]) -> bool:
    """Whether a table sets grades side by side ("Area | 2021/22 grade | 2023/25 grade"):
    then which one is the force's now, only a column named "Grade" or "Current ..." says."""
    if not any(sum(map(is_grade, row)) > 1 for row in body):
        return False
    return not (len(heads) > 1 and _CURRENT_COLUMN.search(heads[1]))


def _graded_row_line(row: Row, heads: Row) -> str:
    if len(row) < 2 or not is_grade(row[1]):
        return _row_line(row, [])
    named = len(heads) == len(row)
    rest = [
        cell if not named or _SENTENCE.match(cell) else f"{heads[i]}: {cell}"
        for i, cell in enumerate(row)
        if i > 1
    ]  # a cell that is a sentence reads alone; a value needs its column's name
    return " ".join([f"{row[0]}: {row[1]}."] + [_ended(cell) for cell in rest])


def _ended(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _row_line(row: Row, heads: Row) -> str:
    if len(row) == 1:
        return row[0]
    values = row[1:]
    if len(row) > 2 and len(heads) == len(row):
        values = [f"{head} {value}" for head, value in zip(heads[1:], values, strict=True)]
    return f"{row[0]}: {'; '.join(values)}"
