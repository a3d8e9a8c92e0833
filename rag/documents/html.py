"""A web page's own text as paragraphs that know their section.

Dropped: what a browser never shows or runs (scripts, styles, hidden elements), and
the page's chrome (menus, breadcrumbs, cookie banners, sidebars, share links,
footers, an "on this page" list of in-page links). Kept as structure: headings
(``h1``-``h6``, or ``role="heading"`` with its ``aria-level``) give every paragraph
below them its section path, outermost first (a heading that is only a grade,
"Requires improvement", labels its part and starts no section); a list item reads as one paragraph
("- item", "2. item"); a table reads one line per row (``rag.documents.tables``),
after its caption. Nothing is fetched, followed or run.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from rag.documents.blocks import Block
from rag.documents.tables import is_grade, table_lines

_DROP = ["script", "style", "noscript", "template", "head", "iframe", "object", "embed"]
_HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"]
_BLOCKS = [
    *_HEADINGS,
    "address",
    "article",
    "aside",
    "blockquote",
    "caption",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "form",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tr",
    "ul",
]
_WHITESPACE = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
# A heading's level rides in its text between these private-use characters until the
# text is split into paragraphs; any the page itself holds are removed first.
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"
_MARKED = re.compile(f"^{_MARK_OPEN}(\\d){_MARK_CLOSE}")

# Page chrome, not the report: menus, sidebars, cookie banners, share links, footers.
_CHROME_TAGS = ["nav", "aside", "footer", "dialog", "form", "button"]
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "dialog", "complementary", "search"}
_CHROME_NAMES = re.compile(
    r"(?:^|[-_ ])(?:nav|navbar|menu|breadcrumbs?|cookies?|consent|share|sharing|social|"
    r"related|most-read|popular|newsletter|subscribe|advert|ads|promo|sidebar|skip|footer|"
    r"top-bar|masthead)(?:$|[-_ ])",
    re.IGNORECASE,
)


def html_blocks(markup: str) -> list[Block]:
    """The page's paragraphs, headings, list items and table rows, each with its section."""
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(_DROP) + soup.find_all(_is_hidden) + soup.find_all(_is_chrome):
        if not tag.decomposed:  # a hidden tag may sit inside one already dropped
            tag.decompose()
    for contents in soup.find_all(_is_link_list):  # an in-page table of contents
        if not contents.decomposed:
            contents.decompose()
    main = soup.find("main") or soup.find("article")
    root: BeautifulSoup | Tag = soup
    if main is not None and main.get_text(strip=True):
        root = main  # the page's own content, when it marks it
    for node in root.find_all(string=True):
        if isinstance(node, PreformattedString):  # comments, CDATA, doctype, <?pi?>
            node.extract()
        elif isinstance(node, NavigableString):
            # Source line breaks are not paragraph breaks: HTML collapses whitespace.
            text = node.replace(_MARK_OPEN, "").replace(_MARK_CLOSE, "")
            node.replace_with(_WHITESPACE.sub(" ", text))
    _number_list_items(root)
    _flatten_tables(root)
    for tag in root.find_all(_is_heading):
        tag.insert(0, f"{_MARK_OPEN}{_level(tag)}{_MARK_CLOSE}")
    for tag in root.find_all(_BLOCKS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    for tag in root.find_all("br"):
        tag.replace_with("\n")
    return _sectioned(root.get_text())


def _sectioned(text: str) -> list[Block]:
    """Paragraphs of the marked text; a heading's paragraph starts a section."""
    blocks: list[Block] = []
    path: list[tuple[int, str]] = []
    for piece in _PARAGRAPH_BREAK.split(text):
        marked = _MARKED.match(piece.strip())
        body = (piece.strip()[marked.end() :] if marked else piece).strip()
        if not body:
            continue
        if marked and not is_grade(body):  # a grade set as a heading labels its part
            level = int(marked.group(1))
            name = " ".join(body.split())
            path = [(lv, t) for lv, t in path if lv < level] + [(level, name)]
        blocks.append(Block(body, None, " > ".join(t for _, t in path) or None))
    return blocks


def _is_heading(tag: Tag) -> bool:
    if tag.name in _HEADINGS:
        return True
    return str(tag.get("role", "")).lower() == "heading" and _level(tag) > 0


def _level(tag: Tag) -> int:
    if tag.name in _HEADINGS:
        return int(tag.name[1])
    level = str(tag.get("aria-level", "2")).strip()  # ARIA's default level is 2
    return int(level) if level.isdigit() and 1 <= int(level) <= 6 else 0


def _number_list_items(root: BeautifulSoup | Tag) -> None:
    """A list item reads as one paragraph, as in Markdown: "- item", or "2. item"."""
    for tag in root.find_all("li"):
        parent = tag.find_parent(["ol", "ul"])
        if parent is not None and parent.name == "ol":
            tag.insert(0, f"{len(tag.find_previous_siblings('li')) + 1}. ")
        else:
            tag.insert(0, "- ")


def _flatten_tables(root: BeautifulSoup | Tag) -> None:
    """Each outermost table as its caption, then one line per row, as a PDF's read."""
    for table in root.find_all("table"):
        if table.find_parent("table") is not None:
            continue
        caption = table.find("caption")
        title = " ".join(caption.get_text(" ").split()) if caption else ""
        first = table.find("tr")
        header = first is not None and first.find("td") is None
        rows = [[c.get_text(" ") for c in tr.find_all(["td", "th"])] for tr in table("tr")]
        lines = ([title] if title else []) + table_lines(rows, header)
        table.replace_with("\n\n" + "\n\n".join(lines) + "\n\n")


def _is_chrome(tag: Tag) -> bool:
    if tag.name in _CHROME_TAGS or str(tag.get("role", "")).lower() in _CHROME_ROLES:
        return True
    names = " ".join([*tag.get("class", []), str(tag.get("id", ""))])
    return bool(names.strip()) and bool(_CHROME_NAMES.search(names))


def _is_hidden(tag: Tag) -> bool:
    # Text a browser never shows is a favourite hiding place for injected instructions.
    style = str(tag.get("style", "")).replace(" ", "").lower()
    return tag.has_attr("hidden") or "display:none" in style or "visibility:hidden" in style


def _is_link_list(tag: Tag) -> bool:
    """A list of two or more items, each nothing but a link within the page ("#part"):
    a table of contents, navigation rather than text."""
    if tag.name not in ("ol", "ul"):
        return False
    items = tag.find_all("li", recursive=False)
    if len(items) < 2:
        return False
    for item in items:
        links = item.find_all("a", recursive=False)
        text = item.get_text(" ", strip=True)
        if len(links) != 1 or not str(links[0].get("href", "")).startswith("#"):
            return False
        if text != links[0].get_text(" ", strip=True):
            return False
    return True
