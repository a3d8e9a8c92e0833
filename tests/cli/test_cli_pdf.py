"""`rag ask` on a PEEL-style PDF: every citation names the page its quote is printed on
(checked against pypdf's own text of that page) and the heading it sits under."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from rag.cli.main import app
from rag.core.settings import get_settings
from tests.support import clear_user_settings
from tests.support.contracts import CITATION_KEYS
from tests.support.pdf_report import build_report

FORCE = "Fenbridge Police"
runner = CliRunner()
QUESTIONS = [  # (question, words of the quote that answers, its page, its heading)
    ("What proportion of burglaries led to a charge?", "9 percent", 1, "Investigating crime"),
    (
        "How many domestic abuse cases are awaiting review?",
        "backlog of 340",
        2,
        "Protecting vulnerable people",
    ),
    (
        "What did staff tell inspectors about wellbeing support?",
        "wellbeing support",
        3,
        "Developing a positive workplace",
    ),
]


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    return result.exit_code, result.stdout


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    base = tmp_path_factory.mktemp("cli-pdf")
    (base / "corpus").mkdir()
    path, _ = build_report(base / "corpus" / "fenbridge-peel-fictional.pdf")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(base)
        clear_user_settings(mp)
        mp.setenv("RAG_INDEX_DIR", str(base / "index"))
        get_settings.cache_clear()
        code, stdout = run("ingest", str(path), "--json")
        assert code == 0, stdout
        yield path
    get_settings.cache_clear()


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


@pytest.mark.parametrize(("question", "words", "page", "section"), QUESTIONS)
def test_cited_page_is_where_the_quote_is_printed(
    pdf: Path, question: str, words: str, page: int, section: str
) -> None:
    code, stdout = run("ask", question, "--force", FORCE, "--json")
    assert code == 0
    citations = json.loads(stdout)["citations"]
    assert citations, stdout
    pages = [_words(p.extract_text() or "") for p in PdfReader(pdf).pages]
    for citation in citations:
        assert set(citation) == CITATION_KEYS
        quote_start = " ".join(_words(citation["quote"]).split()[:6])
        assert quote_start in pages[citation["page"] - 1], citation
    answer = next(c for c in citations if words in c["quote"])
    assert (answer["page"], answer["section"]) == (page, section)


def test_cli_prints_page_and_section(pdf: Path) -> None:
    code, stdout = run("ask", QUESTIONS[1][0], "--force", FORCE)
    assert code == 0
    assert "page 2, Protecting vulnerable people" in stdout
