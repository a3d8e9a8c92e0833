"""Clean raw text and read a document's structure: banner, title, force, paragraphs."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace

from rag.core.errors import RejectedInput
from rag.core.types import Paragraph, ParsedDocument
from rag.documents.blocks import Block

# CSI (ESC[ or the C1 byte), OSC (ended by BEL or ESC\, never past a line), then other
# escapes: ESC, optional intermediate bytes, one final byte (e.g. ESC(B, ESC M).
_ANSI = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?|\x1b[ -/]*[0-~]"
)


def _translation() -> dict[int, str | None]:
    invisible = [
        *range(0x20),
        *range(0x7F, 0xA0),
        0xAD,
        *range(0x200B, 0x2010),
        *range(0x202A, 0x202F),
        *range(0x2060, 0x2065),
        *range(0x2066, 0x206A),
        0xFEFF,
        *range(0xE0000, 0xE0080),  # tag characters: invisible "ASCII smuggling"
    ]
    table: dict[int, str | None] = dict.fromkeys(invisible)
    spaces = [0x09, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000]
    table.update(dict.fromkeys(spaces, " "))
    table.update({0x0A: "\n", 0x0B: "\n", 0x0D: "\n", 0x85: "\n", 0x2028: "\n"})
    table.update({0x0C: "\n\n", 0x2029: "\n\n"})  # page and paragraph separators
    return table


_TRANSLATION = _translation()
_BLANK_LINE = re.compile(r"\n[ ]*\n")
_BULLET = re.compile(r"[•●▪■◦‣○*-] ")  # a list item starts its own paragraph

_BANNER = re.compile(
    r"promoting\s+improvements\s+in\s+policing\b[^.\n]{0,60}?\bto\s+make\s+everyone\s+safer\W*",
    re.IGNORECASE,
)
_TITLE_SEARCH = 4  # banner and title are among the first few paragraphs ...
_MASTHEAD_MAX = 80  # ... after short masthead lines, which are dropped with the banner
_TITLE_MAX = 250

_DASH = r"(?:\s*[–—]\s*|\s+-+\s+|\s*:\s+)"  # a bare hyphen needs spaces: Dyfed-Powys
_ROLE = (
    r"(?:H(?:er|is)\s+Majesty['’]s\s+|HM\s+)?(?:Chief\s+)?Inspector"
    r"(?:\s+of\s+Constabulary(?:\s+and\s+Fire\s+(?:&|and)\s+Rescue\s+Services)?)?|HMC?IC?(?:FRS)?"
)
_NAME = r"(?-i:[A-ZÀ-ÖØ-Þ])[\w.’'-]*(?:\s+[\w.’'-]+){0,4}?"
_ASSESSMENT_TITLE = re.compile(
    rf"^(?:transcript(?:\s+of)?{_DASH}?\s*)?(?:the\s+)?(?:{_ROLE})\s+(?P<name>{_NAME})['’]s?\s+"
    rf"(?:[\w/]+\s+){{0,3}}?assessments?\s+of\s+(?P<force>.+?)(?:{_DASH}.*)?$",
    re.IGNORECASE,
)
_REPORT_TITLE = re.compile(
    rf"^(?:.*?{_DASH})?(?:an?\s+)?inspection\s+of\s+(?P<force>.+?)(?:{_DASH}.*)?$", re.IGNORECASE
)
_SUFFIX_TITLE = re.compile(rf"^(?P<force>.+?){_DASH}PEEL\b.*$", re.IGNORECASE)

# Capitalised words that start a sentence or name a role, never a force's name.
_NOT_NAME = [
    "The",
    "In",
    "At",
    "By",
    "For",
    "With",
    "From",
    "And",
    "But",
    "To",
    "On",
    "As",
    "Although",
    "However",
    "While",
    "Whilst",
    "This",
    "That",
    "These",
    "Overall",
    "Both",
    "Today",
    "Chief",
    "Constable",
    "Deputy",
    "Assistant",
    "Commissioner",
    "Officers",
    "Staff",
    "HM",
    "HMI",
    "HMIC",
    "HMICFRS",
    "Her",
    "His",
    "Majesty['’]s",
    "Inspector",
    "Inspectorate",
    "PEEL",
    "Since",
    "When",
    "If",
    "Under",
    "Unlike",
    "Like",
    "Compared",
    "Within",
    "Across",
    "Between",
]
_WORD = r"(?!(?:Police|Constabulary)\b)[A-ZÀ-ÖØ-Þ][\w’'-]*"
_FORCE = re.compile(
    r"\bPolice Service of Northern Ireland\b|\bPolice Scotland\b"
    rf"|\b(?!(?:{'|'.join(_NOT_NAME)})\b){_WORD}(?: +(?:(?:of|and|&|upon|on|the) +)?{_WORD}){{0,4}}"
    r" +(?:Constabulary|Police(?: +Service| +Force)?)\b"
)
_FORCE_TAIL = re.compile(r"(?:\s+\(.*\)|\s+transcript|\s+\d{4}(?:[/–-]\d{2,4})?|[\s.,;:])+$", re.I)
_FALLBACK_CHARS = 2000
# "HM Inspector of Constabulary Jane Doe said:" in a press release or news report's body
# (a police rank such as "Detective Chief Inspector" is not an inspector of constabulary)
_BODY_ROLE = (
    r"(?:H(?:er|is)\s+Majesty['’]s\s+|HM\s+)?(?:Chief\s+)?Inspector\s+of\s+Constabulary"
    r"|HM\s+Inspector|HMI"
)
_NAMED_INSPECTOR = re.compile(
    rf"(?<![\w-])(?:{_BODY_ROLE})\s+"
    rf"(?P<name>[A-ZÀ-ÖØ-Þ][\w’'-]+(?:\s+[A-ZÀ-ÖØ-Þ][\w’'-]+){{1,2}})"
)
_FORCE_MAX = 60  # longer than any force's name: the slot holds something else


@dataclass(frozen=True)
class _Title:
    force: str | None
    inspector: str | None


def clean_text(raw: str) -> str:
    """NFC text without controls or invisible characters; paragraphs joined by blank lines."""
    text = _ANSI.sub("", raw.replace("\r\n", "\n")).translate(_TRANSLATION)
    text = unicodedata.normalize("NFC", text)
    paragraphs = [p for block in _BLANK_LINE.split(text) for p in _unwrap(block)]
    return "\n\n".join(paragraphs)


def parse_document(
    raw: str | list[Block], source: str, force_override: str | None = None
) -> ParsedDocument:
    """Clean ``raw``, drop the banner, read the title line and number the body paragraphs
    (with their pages and sections when ``raw`` is a PDF's blocks)."""
    units = _drop_banner(_units(raw))
    title_unit, meta, body_units = _split_title(units)
    title = title_unit.text if title_unit else None
    body = [u.text for u in body_units]
    if not body:
        raise RejectedInput("no body text after the banner and title: check the file's content")
    text = "\n\n".join([title, *body] if title else body)
    force = meta.force or _fallback_force(text[:_FALLBACK_CHARS])
    inspector = meta.inspector or _fallback_inspector(text[:_FALLBACK_CHARS])
    if force_override and force_override.strip():
        force = force_override.strip()
    return ParsedDocument(
        source=source,
        text=text,
        document_id=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        paragraphs=_number(body_units, start=len(title) + 2 if title else 0),
        force=force,
        inspector=inspector,
        title=title,
        doc_type=_doc_type(title) if title else None,
        pages=_pages([title_unit, *body_units] if title_unit else body_units),
    )


def _units(raw: str | list[Block]) -> list[Block]:
    """Cleaned paragraphs; a block's page and section go with what it cleans to."""
    if isinstance(raw, str):
        return [Block(p) for p in clean_text(raw).split("\n\n") if p]
    units = []
    for block in raw:
        cleaned = [p for p in clean_text(block.text).split("\n\n") if p]
        # breaks are offsets into the block's text: kept only if cleaning left it whole
        breaks = block.breaks if cleaned == [block.text] else ()
        units += [replace(block, text=p, breaks=breaks) for p in cleaned]
    return units


def _pages(units: list[Block]) -> list[tuple[int, int]]:
    """(offset, page) where each page starts in the stored text (units joined by blank
    lines), from the blocks' pages and the page breaks inside them."""
    pages: list[tuple[int, int]] = []
    offset = 0
    for unit in units:
        starts = [(offset, unit.page)] if unit.page is not None else []
        for at, page in [*starts, *((offset + o, p) for o, p in unit.breaks)]:
            if not pages or pages[-1][1] != page:
                pages.append((at, page))
        offset += len(unit.text) + 2
    return pages


def _unwrap(block: str) -> list[str]:
    """Join a block's lines with spaces; a bulleted line starts a new paragraph."""
    paragraphs: list[list[str]] = []
    for line in block.split("\n"):
        line = " ".join(line.split())
        if not line:
            continue
        if paragraphs and not _BULLET.match(line):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    return [" ".join(lines) for lines in paragraphs]


def _drop_banner(units: list[Block]) -> list[Block]:
    # The banner may be wrapped into several short paragraphs or prefix the title's.
    for count in range(1, min(_TITLE_SEARCH, len(units)) + 1):
        joined = " ".join(u.text for u in units[:count])
        match = _BANNER.match(joined)
        if match:
            rest = joined[match.end() :]
            return ([replace(units[count - 1], text=rest, breaks=())] if rest else []) + units[
                count:
            ]
    return units


def _split_title(units: list[Block]) -> tuple[Block | None, _Title, list[Block]]:
    for index, unit in enumerate(units[:_TITLE_SEARCH]):
        meta = _read_title(unit.text) if len(unit.text) <= _TITLE_MAX else None
        if meta:
            return unit, meta, units[index + 1 :]
        if len(unit.text) > _MASTHEAD_MAX:
            break
    return None, _Title(None, None), units


def _read_title(line: str) -> _Title | None:
    match = _ASSESSMENT_TITLE.match(line)
    if match:
        return _Title(_force_in(match["force"]), match["name"])
    match = _REPORT_TITLE.match(line) or _SUFFIX_TITLE.match(line)
    if match:
        force = _force_in(match["force"])
        return _Title(force, None) if force else None
    return None


def _force_in(candidate: str) -> str | None:
    """The force named in a title's slot: a known-shaped name, else the tidied slot."""
    match = _FORCE.search(candidate)
    if match:
        return match.group()
    tidy = _FORCE_TAIL.sub("", re.sub(r"^the\s+", "", candidate, flags=re.I))
    return tidy if tidy[:1].isupper() and len(tidy) <= _FORCE_MAX else None


def _fallback_force(text: str) -> str | None:
    """The force named most often (first on a tie) in the document's opening; none when
    two or more are named about as often (a regional round-up of several forces' reports:
    labelling it with the first would put one force's grades on another)."""
    counts = Counter(_force_name(match.group()) for match in _FORCE.finditer(text))
    ranked = counts.most_common(2)
    if not ranked:
        return None
    if len(ranked) == 2 and ranked[1][1] >= _SEVERAL_MIN and 4 * ranked[1][1] >= 3 * ranked[0][1]:
        return None
    return ranked[0][0]


# a second force named this often, and at least three quarters as often as the first, makes a
# document one about several forces
_SEVERAL_MIN = 2
_OF_NAME = re.compile(r"^(?:the\s+)?(?:City|Isle|States|Ministry|Police\s+Service)\s+of\s+", re.I)
_BEFORE_NAME = re.compile(r"^.*\b(?:of|at|from|for|in)\s+(?=[A-Z])")


def _force_name(found: str) -> str:
    """A force as named, without the words the pattern took before it ("Miriam Hargreave of
    Ashworth Constabulary" is Ashworth Constabulary)."""
    if _OF_NAME.match(found):
        return found  # "City of London Police", "Isle of Man Constabulary": the name itself
    rest = _BEFORE_NAME.sub("", found)
    return rest if _FORCE.fullmatch(rest) else found


def _fallback_inspector(text: str) -> str | None:
    """The first inspector named with their role in the document's opening."""
    match = _NAMED_INSPECTOR.search(text)
    return re.sub(r"['’]s$", "", match["name"]) if match else None


def _doc_type(title: str) -> str:
    lowered = title.lower()
    if "transcript" in lowered:
        return "transcript"
    if re.search(r"\b(?:inspection|report)\b", lowered):
        return "report"
    return "assessment"


def _number(body: list[Block], start: int) -> list[Paragraph]:
    paragraphs = []
    for number, unit in enumerate(body, start=1):
        paragraphs.append(Paragraph(number, start, start + len(unit.text), unit.section))
        start += len(unit.text) + 2
    return paragraphs
