"""A PDF's text layer as paragraphs that know their page and section.

pypdf gives a page as one run of lines; pdfminer.six's layout analysis gives
each text line with its position, size and font. From those: rows in reading
order (lines side by side: table cells; two columns of text read one after the
other: ``rag.documents.pdf_rows``), running headers, footers and page numbers (dropped: text
repeated in a page's top or bottom band), headings (larger or bold lines),
paragraphs (line gaps, indents, bullets; run on over a page break when a page
ends mid-sentence), tables (one line per row) and words hyphenated across lines.
Pages are physical (the first page is 1), as a PDF viewer numbers them.
"""

from __future__ import annotations

import io
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams

from rag.documents.blocks import Block
from rag.documents.contents import contents_lines
from rag.documents.pdf_rows import Row, merge_cells, page_rows, wraps_cells
from rag.documents.tables import is_grade, table_lines

_EDGE = 0.12  # top and bottom bands of a page, where running headers and footers sit
_CHROME_SHARE = 0.3  # ... repeated on at least this share of pages (and on two)
_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?[-–]?\s*(?:\d{1,4}|[ivxlc]{1,7})\s*[-–]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.I
)
_BULLET = re.compile(r"^[•●▪■◦‣○*–-]\s")
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)\]]*$")
_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[A-Z]\.|part\s+\d+:?)\s+", re.I)
_COMPOUND = re.compile(r"\b\w+-\w+\b")
_HEADING_MAX = 160
_PARAGRAPH_GAP = 1.3  # a line pitch this many times the usual one starts a paragraph


@dataclass
class _Piece:
    kind: str  # "text", "heading" or "table"
    rows: list[Row] = field(default_factory=list)
    section: str | None = None


def pdf_blocks(data: bytes) -> list[Block]:
    """The document's paragraphs, headings and table rows, in reading order."""
    pages = [
        (page.height, page_rows(page, number)) for number, page in enumerate(_pages(data), start=1)
    ]
    rows = _drop_chrome(pages)
    if not rows:
        return []
    body = _body_size(rows)
    # a contents line is one cell, or its text and a page number; a table row is no entry
    entries = [r.text if len(r.cells) == 1 or _PAGE_NUMBER.match(r.cells[-1]) else "" for r in rows]
    sizes = [r.size if _is_heading(r, body) else None for r in rows]
    toc = contents_lines(entries, [r.page for r in rows], sizes)
    rows = [r for i, r in enumerate(rows) if i not in toc]
    vocabulary = {w.casefold() for r in rows for w in _COMPOUND.findall(r.text)}
    return _blocks(_pieces(rows, body), vocabulary)


def _pages(data: bytes):  # type: ignore[no-untyped-def]
    return extract_pages(io.BytesIO(data), laparams=LAParams())


def _chrome_key(row: Row, height: float) -> tuple[str, str] | None:
    if row.top > height * (1 - _EDGE):
        zone = "top"
    elif row.bottom < height * _EDGE:
        zone = "bottom"
    else:
        return None
    return zone, re.sub(r"\d+", "#", row.text.casefold())  # "Page 3 of 9" is one text


def _drop_chrome(pages: list[tuple[float, list[Row]]]) -> list[Row]:
    """Every row but running headers, footers and page numbers."""
    seen: Counter[tuple[str, str]] = Counter()
    for height, rows in pages:
        seen.update({k for r in rows if (k := _chrome_key(r, height))})
    repeated = max(2, math.ceil(_CHROME_SHARE * len(pages)))
    kept = []
    for height, rows in pages:
        for row in rows:
            key = _chrome_key(row, height)
            if key and (seen[key] >= repeated or _PAGE_NUMBER.match(row.text.strip())):
                continue
            kept.append(row)
    return kept


def _body_size(rows: list[Row]) -> float:
    sizes: Counter[float] = Counter()
    for row in rows:
        sizes[row.size] += len(row.text)
    return sizes.most_common(1)[0][0]


def _is_heading(row: Row, body: float) -> bool:
    text = row.text
    if len(row.cells) > 1 or not 2 <= len(text) <= _HEADING_MAX or text.endswith((",", ";")):
        return False
    if not re.search(r"[A-Za-z]", text) or _BULLET.match(text):
        return False
    return row.size >= body * 1.15 or (row.bold and row.size >= body * 0.95)


def _pieces(rows: list[Row], body: float) -> list[_Piece]:
    """Rows grouped into headings, paragraphs and tables, each with its section path."""
    headings = sorted({r.size for r in rows if _is_heading(r, body)}, reverse=True)
    pitch = _usual_pitch(rows, body)
    path: list[tuple[int, str]] = []
    pieces: list[_Piece] = []
    previous: Row | None = None
    for row in rows:
        last_row = pieces[-1].rows[-1] if pieces and pieces[-1].kind == "table" else None
        if last_row is not None and wraps_cells(last_row, row):
            merge_cells(last_row, row)  # a cell's second line
            continue
        kind = "table" if len(row.cells) > 1 else "heading" if _is_heading(row, body) else "text"
        if kind == "heading" and is_grade(row.text):
            kind = "text"  # a grade set as a heading labels its part and starts no section
        if kind == "heading":
            name = _NUMBERING.sub("", row.text).strip() or row.text
            level = headings.index(row.size)
            continued = pieces and pieces[-1].kind == "heading" and previous is not None
            if continued and _same_block(previous, row, pitch * 1.6):  # a wrapped heading
                pieces[-1].rows.append(row)
                path[-1] = (path[-1][0], f"{path[-1][1]} {name}")
                pieces[-1].section = " > ".join(t for _, t in path)
                previous = row
                continue
            path = [(lv, t) for lv, t in path if lv < level] + [(level, name)]
        section = " > ".join(t for _, t in path) or None
        last = pieces[-1] if pieces else None
        if last and last.kind == kind and kind != "heading" and previous is not None:
            # a table never gains a column: a row wider than all before starts a new one
            widest = max(len(r.cells) for r in last.rows)
            table = kind == "table" and len(row.cells) <= widest
            joins = table or (kind == "text" and _continues(previous, row, pitch))
            if joins and (table or row.page == previous.page):
                last.rows.append(row)
                previous = row
                continue
            if joins and _SENTENCE_END.search(previous.text) is None and row.size == previous.size:
                last.rows.append(row)  # a sentence run on over a page break
                previous = row
                continue
        pieces.append(_Piece(kind, [row], section))
        previous = row
    return pieces


def _usual_pitch(rows: list[Row], body: float) -> float:
    """The usual distance between the baselines of a paragraph's lines."""
    pitches = [
        a.bottom - b.bottom
        for a, b in zip(rows, rows[1:], strict=False)
        if a.page == b.page and a.size == b.size == body and 0 < a.bottom - b.bottom < 3 * body
    ]
    return statistics.median(pitches) if pitches else body * 1.2


def _same_block(previous: Row, row: Row, limit: float) -> bool:
    return (
        row.page == previous.page
        and row.size == previous.size
        and (previous.bottom - row.bottom <= limit)
    )


def _continues(previous: Row, row: Row, pitch: float) -> bool:
    """Whether ``row`` carries on ``previous``'s paragraph."""
    if row.size != previous.size or row.bold != previous.bold or _BULLET.match(row.text):
        return False
    if row.page != previous.page:
        return True  # across a page break the text itself decides (see _pieces)
    if row.top > previous.bottom + pitch:  # the next column, back up the page
        return _SENTENCE_END.search(previous.text) is None
    return previous.bottom - row.bottom <= pitch * _PARAGRAPH_GAP


def _blocks(pieces: list[_Piece], vocabulary: set[str]) -> list[Block]:
    blocks: list[Block] = []
    for piece in pieces:
        page = piece.rows[0].page
        if piece.kind == "table":
            header = all(r.bold for r in piece.rows[:1]) and len(piece.rows) > 1
            lines = table_lines([r.cells for r in piece.rows], header)
            blocks += [Block(line, page, piece.section) for line in lines]
            continue
        text, breaks = "", []
        for row in piece.rows:
            if text and row.page != page and (not breaks or breaks[-1][1] != row.page):
                breaks.append((len(text) + 1, row.page))
            text = _join(text, row.text, vocabulary)
        blocks.append(Block(text, page, piece.section, tuple(breaks)))
    return blocks


def _join(text: str, line: str, vocabulary: set[str]) -> str:
    """``text`` and its next line; a word hyphenated over the break is made whole, unless
    the document writes it with its hyphen elsewhere ("well-known")."""
    if not text:
        return line
    if text.endswith("\xad"):
        return text[:-1] + line
    if re.search(r"[A-Za-z]-$", text) and line[:1].islower():
        head = text.rsplit(" ", 1)[-1]
        tail = line.split(" ", 1)[0]
        if f"{head}{tail}".casefold().strip(".,;:") not in vocabulary:
            return text[:-1] + line
        return text + line
    return f"{text} {line}"
