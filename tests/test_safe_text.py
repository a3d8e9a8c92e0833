"""Inert Markdown for the app: URLs stay text wherever GFM would link them, and a
highlighted quote's bold always closes, whatever punctuation it ends on."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from rag.safe_text import highlighted, inert_markdown

markdown = MarkdownIt("commonmark")


@pytest.mark.parametrize(
    "text",
    [
        "see _www.evil.example and foo_www.evil.example",
        "_http://evil.example/x and (https://evil.example/y).",
        "mail me: a.b+c@evil.example, or *www.evil.example*",
        "~~ftp://evil.example~~ and javascript:alert(1)",
    ],
)
def test_every_url_like_run_is_a_code_span(text: str) -> None:
    rendered = markdown.render(inert_markdown(text))
    outside_code = re.sub(r"<code>.*?</code>", "", rendered)
    assert not re.search(r"www\.|://|@evil", outside_code), rendered
    assert "<a " not in rendered and "<em>" not in rendered and "<del>" not in rendered


PASSAGE = "I am concerned about vetting. “Checks lapse,” he said (twice). End"


@pytest.mark.parametrize(
    "quote",
    [
        "I am concerned about vetting",
        "I am concerned about vetting.",
        "I am concerned about vetting. ",
        "“Checks lapse,”",
        "he said (twice).",
        "End",
    ],
)
def test_the_highlighted_quote_is_bold_and_the_passage_reads_unchanged(quote: str) -> None:
    start = PASSAGE.index(quote)
    rendered = markdown.render(highlighted(PASSAGE, (start, start + len(quote))))
    (bold,) = re.findall(r"<strong>(.*?)</strong>", rendered)
    assert bold == quote.strip()
    visible = re.sub(r"<[^>]+>", "", rendered).strip()
    assert visible.split() == PASSAGE.split()
