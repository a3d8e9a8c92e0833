"""Inert Markdown for the app: URLs stay text wherever GFM would link them, and a
highlighted quote's bold always closes, whatever punctuation it ends on."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from rag.core.safe_text import highlighted, inert_markdown

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


def test_downloads_carry_the_sources_and_nothing_live() -> None:
    from rag.app.markdown_export import answer_markdown, briefing_markdown, comparison_markdown
    from rag.core.types import Answer, Briefing, Citation, Comparison, ComparisonRow, Finding

    quote = "See ![x](http://evil.example/?q=1) and [report](javascript:alert(1))."
    cite = Citation(
        n=1,
        document_id="d",
        source="uploads/a_www.evil.example.txt",
        force="Marchshire Police",
        paragraph=4,
        quote=quote,
    )
    answer = Answer(
        question="What <b>now</b>?",
        answer=f"“{quote}” [1]",
        abstained=False,
        mode="offline",
        citations=[cite],
        notice="Fell back: <script>x</script>",
    )
    briefing = Briefing(
        force="Marchshire Police",
        paragraph=f"“{quote}” [1]",
        concerns=[Finding(text=quote, citations=[1])],
        citations=[cite],
    )
    table = Comparison(
        theme="vetting",
        rows=[
            ComparisonRow(
                force="Marchshire Police", summary=f"“{quote}” [1]", covered=True, citations=[cite]
            )
        ],
    )
    for text in (answer_markdown(answer), briefing_markdown(briefing), comparison_markdown(table)):
        rendered = markdown.render(text)
        assert "<a " not in rendered and "<img" not in rendered and "<script" not in rendered
        visible = re.sub(r"<[^>]+>", "", rendered)
        assert "Marchshire Police · uploads/a_www.evil.example.txt · paragraph 4" in visible
        assert "[report](javascript:alert(1))" in visible  # shown, not linked
    assert "## Concerns" in briefing_markdown(briefing)
