"""A PDF's table of contents: navigation, not text to quote.

A contents entry repeats a heading printed on a later page, perhaps after a bullet or
a number and before dot leaders and a page number ("2. Investigating crime ..... 14").
A run of such lines is the table of contents: it is dropped, and so is a heading left
with nothing else under it ("Contents"). A single line that happens to repeat a
heading stays: it takes several in a row to make a contents list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_MIN_ENTRIES = 3
_MARKER = re.compile(r"^\s*(?:[•●▪■◦‣○*–-]|\(?\d{1,3}(?:\.\d{1,3})*[.)]?|[A-Za-z][.)])\s+")
_LEADERS = re.compile(r"(?:\s*[.·…_]{2,}\s*|\s+)(?:\d{1,4}|[ivxlc]{1,7})$", re.I)


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def _entry_keys(text: str) -> set[str]:
    """What a contents line may name: its text without a marker, leaders and page."""
    bare = _MARKER.sub("", text)
    keys = {_key(text), _key(bare), _key(_LEADERS.sub("", bare))}
    return {k for k in keys if k}


def contents_lines(
    texts: Sequence[str], pages: Sequence[int], heading_sizes: Sequence[float | None]
) -> set[int]:
    """Indexes of the lines (in reading order) that form a table of contents, with the
    heading above one that has nothing else under it. ``texts``: each line's text ("" for
    one that cannot be an entry, such as a table row); ``heading_sizes``: a heading's font
    size, None for other lines."""
    headings = [size is not None for size in heading_sizes]
    later: dict[str, int] = {}  # heading text -> the last page it is printed on
    for i, (text, page) in enumerate(zip(texts, pages, strict=True)):
        if headings[i]:
            key = _key(_MARKER.sub("", text))
            later[key] = max(later.get(key, 0), page)
            # a heading wrapped over two lines (same size, same page) is one heading
            after = i + 1
            wrapped = after < len(texts) and pages[after] == page
            if wrapped and heading_sizes[after] == heading_sizes[i]:
                joined = _key(_MARKER.sub("", f"{text} {texts[after]}"))
                later[joined] = max(later.get(joined, 0), page)
    entry = [
        bool(text) and any(later.get(k, 0) > page for k in _entry_keys(text))
        for text, page in zip(texts, pages, strict=True)
    ]
    dropped: set[int] = set()
    i = 0
    while i < len(texts):
        if not entry[i]:
            i += 1
            continue
        end = i
        while end < len(texts) and entry[end]:
            end += 1
        if end - i >= _MIN_ENTRIES:
            dropped.update(range(i, end))
            above = i - 1
            alone = end == len(texts) or headings[end] or pages[end] != pages[end - 1]
            if above >= 0 and headings[above] and alone:
                dropped.add(above)
        i = end
    return dropped
