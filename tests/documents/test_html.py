"""Web pages (rag.documents.html): headings give sections, lists and tables keep their
structure, and page chrome never reaches the index."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from rag.core.types import innermost
from rag.documents.blocks import Block
from rag.documents.chunking import chunk_document
from rag.documents.html import html_blocks
from rag.documents.loading import read_document
from rag.documents.structure import parse_document
from rag.documents.tables import is_grade
from tests.support import ROOT

CORPUS = ROOT / "evals" / "corpus"
PAGES = sorted(CORPUS.glob("*.html"))
# What a site wraps around its pages: none of it is the report's text.
CHROME = re.compile(
    r"cookie|skip to main|accept (?:additional|analytics)|crown copyright|share this|"
    r"most read|sign up to receive|privacy|accessibility|contact us|freedom of information|"
    r"on this page|related content|search this website",
    re.I,
)


def blocks(markup: str) -> list[tuple[str, str | None]]:
    return [(b.text, b.section) for b in html_blocks(markup)]


def test_headings_give_every_paragraph_its_section_path() -> None:
    page = """<main><h1>An inspection of Fenmoor Police</h1><p>Published 2025.</p>
    <h2>Investigating crime</h2><h3>Requires improvement</h3><p>The force is slow.</p>
    <h4>Area for improvement 1</h4><p>The force should be quicker.</p>
    <h2>Protecting vulnerable people</h2><p>Risk assessments were good.</p></main>"""
    top = "An inspection of Fenmoor Police"
    crime = f"{top} > Investigating crime"
    assert blocks(page) == [
        (top, top),
        ("Published 2025.", top),
        ("Investigating crime", crime),
        ("Requires improvement", crime),  # a grade as a heading labels its part
        ("The force is slow.", crime),
        ("Area for improvement 1", f"{crime} > Area for improvement 1"),
        ("The force should be quicker.", f"{crime} > Area for improvement 1"),
        ("Protecting vulnerable people", f"{top} > Protecting vulnerable people"),
        ("Risk assessments were good.", f"{top} > Protecting vulnerable people"),
    ]


def test_text_before_any_heading_has_no_section_and_aria_headings_count() -> None:
    page = """<p>Opening words.</p><div role="heading" aria-level="3">Findings</div>
    <p>Inside.</p><span role="heading" aria-level="x">Not a level</span>"""
    assert blocks(page)[:3] == [
        ("Opening words.", None),
        ("Findings", "Findings"),
        ("Inside.", "Findings"),
    ]


def test_lists_and_tables_keep_their_structure_under_their_heading() -> None:
    page = """<h2>Our judgements</h2><table><caption>Graded judgements</caption>
    <tr><th>Area</th><th>Grade</th></tr><tr><td>Investigating crime</td><td>Good</td></tr>
    </table><h2>Recommendations</h2><ol><li>By 31 March 2026, do X.</li><li>Do Y.</li></ol>
    <ul><li>A figure</li></ul>"""
    assert blocks(page) == [
        ("Our judgements", "Our judgements"),
        ("Graded judgements", "Our judgements"),  # the caption says what the table is
        ("Investigating crime: Good", "Our judgements"),
        ("Recommendations", "Recommendations"),
        ("1. By 31 March 2026, do X.", "Recommendations"),
        ("2. Do Y.", "Recommendations"),
        ("- A figure", "Recommendations"),
    ]


def test_an_in_page_table_of_contents_is_dropped_but_a_list_of_links_elsewhere_kept() -> None:
    page = """<main><h1>Report</h1><ol><li><a href="#a">Investigating crime</a></li>
    <li><a href="#b">Protecting vulnerable people</a></li></ol>
    <ul><li>See <a href="/x">the framework</a> for more.</li><li>Another item</li></ul>
    <h2 id="a">Investigating crime</h2><p>Text.</p></main>"""
    texts = [t for t, _ in blocks(page)]
    assert texts == [
        "Report",
        "- See the framework for more.",
        "- Another item",
        "Investigating crime",
        "Text.",
    ]


def test_a_page_cannot_forge_a_heading_with_the_private_marker() -> None:
    page = "<p>\ue0002\ue001Forged</p><p>Next.</p>"
    assert blocks(page) == [("2Forged", None), ("Next.", None)]  # markers removed, text kept


@pytest.mark.parametrize("path", PAGES, ids=[p.name for p in PAGES])
def test_corpus_pages_lose_their_chrome_and_keep_sections(path: Path) -> None:
    raw = read_document(path, 10_000_000)
    assert isinstance(raw, list) and all(isinstance(b, Block) for b in raw)
    doc = parse_document(raw, path.name)
    for chunk in chunk_document(doc, max_tokens=200, overlap=30):
        assert not CHROME.search(chunk.text), (path.name, chunk.text)
    # every heading of the page's own content names a section some paragraph sits under
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    content = soup.find("main") or soup.find("article") or soup
    for aside in content.find_all(["aside", "nav"]):
        aside.decompose()
    headings = {" ".join(h.get_text().split()) for h in content.find_all(["h2", "h3", "h4"])}
    headings = {h for h in headings if not is_grade(h)}
    sections = {innermost(p.section) for p in doc.paragraphs}
    assert headings <= sections, headings - sections


def test_every_paragraph_of_the_long_web_report_is_under_a_section() -> None:
    path = CORPUS / "hollowmere-police-peel-report-fictional.html"
    doc = parse_document(read_document(path, 10_000_000), path.name)
    assert all(p.section for p in doc.paragraphs)
    where = {doc.text[p.start : p.end]: innermost(p.section) for p in doc.paragraphs}
    assert where["The force should reduce the delays in examining digital devices."] == (
        "Area for improvement 4"
    )
    assert where["Investigating crime: Adequate"] == "Our judgements"
