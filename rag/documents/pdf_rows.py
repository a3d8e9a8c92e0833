"""A PDF page's text lines as rows in reading order (pdfminer.six's layout analysis).

A row is the lines at one height, left to right: one cell each when a table. Two
things a plain sort by height gets wrong:

- **Columns of text.** Two blocks of several lines side by side (pdfminer's text
  boxes), of about the same width, are two columns: their part of the page reads down
  the left column, then down the right, each line a row of its own, instead of across
  both a line at a time (which made every line pair a table row).
- **Justified lines.** Pieces of one line that pdfminer split at a stretched word gap
  are one line again, unless they line up with the cells of a row next to them.
- **A table cell that wraps.** A cell's second line, or a cell set level with the
  middle of a neighbour's two lines, belongs to the row it overlaps, as long as the row
  already spans two columns; so "Building, supporting and protecting / the workforce |
  Good" stays one row.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field, replace

from pdfminer.layout import LTChar, LTTextBox, LTTextLine

_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.I)
_MARK = re.compile(r"[•●▪■◦‣○*–-]|\(?\d{1,2}[.)]|\(?[a-z][.)]")  # a list item's marker
_COLUMN_LINES = 3  # a text box of at least this many lines is a block of running text
_WIDTHS = 1.6  # two columns' widths differ by at most this factor
_CELL_GAP = 2.0  # ems: cells this far apart are a table's, whatever the rows around
_SAME_X = 3.0  # points: cells this close at their left edge are one column


@dataclass
class Row:
    """Lines at one height of a page, left to right (one cell each when a table)."""

    cells: list[str]
    x0: float
    top: float
    bottom: float
    size: float
    bold: bool
    page: int
    spans: list[tuple[float, float]] = field(default_factory=list)  # each cell's left, right

    @property
    def text(self) -> str:
        return " ".join(self.cells)


def page_rows(page, number: int) -> list[Row]:  # type: ignore[no-untyped-def]
    """The page's rows in reading order."""
    boxes = [box for box in page if isinstance(box, LTTextBox)]
    lines = [
        (line, box)
        for box in boxes
        for line in box
        if isinstance(line, LTTextLine) and line.get_text().strip()
    ]
    lines.sort(key=lambda pair: (-pair[0].y1, pair[0].x0))
    regions = _column_regions(lines)
    units: list[tuple[float, list[list]]] = []  # (top, rows of lines) in reading order
    plain = []
    for line, _ in lines:
        middle = (line.y0 + line.y1) / 2
        region = next((r for r in regions if r[0] <= middle <= r[1]), None)
        if region is None:
            plain.append(line)
        else:
            region[3].append(line)
    units += [(max(x.y1 for x in group), [group]) for group in _grouped(plain)]
    for _, high, gutter, members in regions:
        left = [x for x in members if x.x0 < gutter]
        right = [x for x in members if x.x0 >= gutter]
        ordered = sorted(left, key=lambda x: -x.y1) + sorted(right, key=lambda x: -x.y1)
        units.append((high, [[x] for x in ordered]))
    units.sort(key=lambda unit: -unit[0])
    return _unjustified([_row(group, number) for _, groups in units for group in groups])


def _unjustified(rows: list[Row]) -> list[Row]:
    """Rows whose "cells" are pieces of one justified line made whole again. pdfminer
    splits a line where a stretched word gap is wide; a table's column boundary lines up
    with one of the row above or below, or stands further apart than any word gap."""
    out = []
    for i, row in enumerate(rows):
        near = [r for r in rows[max(0, i - 1) : i] + rows[i + 1 : i + 2] if len(r.cells) > 1]
        starts = [x0 for r in near for x0, _ in r.spans[1:]]
        ends = [x1 for r in near for _, x1 in r.spans[:-1]]
        cells, spans = row.cells[:1], row.spans[:1]
        for text, (x0, x1) in zip(row.cells[1:], row.spans[1:], strict=True):
            aligned = any(abs(x0 - s) <= _SAME_X for s in starts) or any(
                abs(spans[-1][1] - e) <= _SAME_X for e in ends
            )
            if aligned or x0 - spans[-1][1] >= _CELL_GAP * row.size:
                cells.append(text)
                spans.append((x0, x1))
            else:  # a word gap: the same cell
                cells[-1] = f"{cells[-1]} {text}"
                spans[-1] = (spans[-1][0], x1)
        out.append(replace(row, cells=cells, spans=spans) if len(cells) < len(row.cells) else row)
    return out


def _column_regions(lines: list[tuple]) -> list[tuple[float, float, float, list]]:  # type: ignore[type-arg]
    """(bottom, top, gutter x, []) of each part of the page set in two columns: where a
    line of one multi-line text box sits level with a line of another, to its right."""
    pairs = []
    for i, (line, box) in enumerate(lines):
        for other, other_box in lines[i + 1 : i + 8]:
            if other.y1 < line.y0:
                break
            level = min(line.y1, other.y1) - max(line.y0, other.y0) > 0.5 * line.height
            if not level or other_box is box:
                continue
            left, right = (box, other_box) if box.x1 <= other_box.x0 else (other_box, box)
            if left.x1 > right.x0 or min(len(left), len(right)) < _COLUMN_LINES:
                continue
            if not 1 / _WIDTHS <= left.width / max(right.width, 1.0) <= _WIDTHS:
                continue  # columns of a page are alike; a narrow label beside text is a table
            pairs.append((left, right))
    regions: list[tuple[float, float, float, list]] = []  # type: ignore[type-arg]
    for left, right in pairs:
        low, high = min(left.y0, right.y0), max(left.y1, right.y1)
        gutter = (left.x1 + right.x0) / 2
        for k, (lo, hi, gut, members) in enumerate(regions):
            if low <= hi and lo <= high:  # overlapping: one region
                regions[k] = (min(lo, low), max(hi, high), min(gut, gutter), members)
                break
        else:
            regions.append((low, high, gutter, []))
    return [_extended(region, {id(b): b for _, b in lines}.values()) for region in regions]


def _extended(region: tuple, boxes) -> tuple:  # type: ignore[no-untyped-def, type-arg]
    """The region grown over blocks of text that carry on one of its columns just above or
    below it (a column longer than the other), never over text across the gutter."""
    low, high, gutter, members = region
    grew = True
    while grew:
        grew = False
        for box in boxes:
            near = box.y1 >= low - 3 * box.height / max(len(box), 1) and box.y0 < low
            near = near or (box.y0 <= high + 3 * box.height / max(len(box), 1) and box.y1 > high)
            one_side = box.x1 <= gutter or box.x0 >= gutter
            if near and one_side and len(box) >= 2:
                low, high, grew = min(low, box.y0), max(high, box.y1), True
    return low, high, gutter, members


def _grouped(lines: list) -> list[list]:  # type: ignore[type-arg]
    """Lines (top to bottom) grouped into rows: a line joins the row whose first line's
    height its middle falls in; or a row it overlaps at all, when it is a cell of another
    column (set level with the middle of two lines) or the row already spans two columns
    (a cell's wrapped line)."""
    rows: list[tuple[list, float, float, float, float]] = []  # lines, first's top/bottom, all's
    for line in lines:
        if rows:
            group, top, bottom, high, low = rows[-1]
            middle = (line.y0 + line.y1) / 2
            columns = {round(x.x0 / _SAME_X) for x in group}
            overlaps = line.y1 > low and line.y0 < high
            beside = round(line.x0 / _SAME_X) not in columns  # a cell of another column
            if bottom <= middle <= top or (overlaps and (beside or len(columns) > 1)):
                group.append(line)
                rows[-1] = (group, top, bottom, max(high, line.y1), min(low, line.y0))
                continue
        rows.append(([line], line.y1, line.y0, line.y1, line.y0))
    return [row[0] for row in rows]


def _row(lines: list, page: int) -> Row:  # type: ignore[type-arg]
    """One row: its lines left to right, lines of one column (a wrapped cell) joined."""
    cells: list[tuple[float, list]] = []  # type: ignore[type-arg]
    for line in sorted(lines, key=lambda x: (x.x0, -x.y1)):
        if cells and abs(line.x0 - cells[-1][0]) <= _SAME_X:
            cells[-1][1].append(line)
        else:
            cells.append((line.x0, [line]))
    chars = [c for line in lines for c in line if isinstance(c, LTChar)]
    sizes = [round(c.size * 2) / 2 for c in chars] or [0.0]
    bold = sum(1 for c in chars if _BOLD.search(c.fontname)) > len(chars) / 2
    texts = [
        " ".join(" ".join(x.get_text().split()) for x in sorted(group, key=lambda x: -x.y1))
        for _, group in cells
    ]
    spans = [(x0, max(x.x1 for x in group)) for x0, group in cells]
    if len(texts) > 1 and _MARK.fullmatch(texts[0]):  # a list item's bullet set apart
        texts = [f"{texts[0]} {texts[1]}", *texts[2:]]
        spans = [(spans[0][0], spans[1][1]), *spans[2:]]
    return Row(
        cells=texts,
        x0=min(x.x0 for x in lines),
        top=max(x.y1 for x in lines),
        bottom=min(x.y0 for x in lines),
        size=statistics.median(sizes),
        bold=bold,
        page=page,
        spans=spans,
    )


def wraps_cells(previous: Row, row: Row) -> bool:
    """Whether ``row`` is the next line of some cells of the table row ``previous`` (a
    cell too long for its column): fewer cells, each starting where one of ``previous``'s
    does and ending before the next column starts, in the same type, just below it."""
    if row.page != previous.page or row.size != previous.size or row.bold != previous.bold:
        return False
    if not 1 <= len(row.spans) < len(previous.spans) or row.top > previous.bottom:
        return False
    if previous.bottom - row.top > row.size:  # more than a line's gap: not the same cell
        return False
    starts = [x0 for x0, _ in previous.spans]
    for x0, x1 in row.spans:
        at = [i for i, start in enumerate(starts) if abs(start - x0) <= _SAME_X]
        if not at or (at[0] + 1 < len(starts) and x1 > starts[at[0] + 1]):
            return False
    return True


def merge_cells(previous: Row, row: Row) -> None:
    """Append ``row``'s cells to the cells of ``previous`` they continue."""
    starts = [x0 for x0, _ in previous.spans]
    for (x0, x1), text in zip(row.spans, row.cells, strict=True):
        i = next(i for i, start in enumerate(starts) if abs(start - x0) <= _SAME_X)
        previous.cells[i] = f"{previous.cells[i]} {text}"
        previous.spans[i] = (previous.spans[i][0], max(previous.spans[i][1], x1))
    previous.bottom = row.bottom
