"""`rag ask` on a long web-page report: every citation names the heading its quote sits
under (``"section"``), and the plain output prints it beside the paragraph."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.cli.main import app
from rag.core.settings import get_settings
from tests.support import FICTIONAL, clear_user_settings

PAGE = "hollowmere-police-peel-report-fictional.html"
FORCE = "Hollowmere Police"
runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    return result.exit_code, result.stdout


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    base = tmp_path_factory.mktemp("cli-html")
    path = base / PAGE
    shutil.copy(FICTIONAL / PAGE, path)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(base)
        clear_user_settings(mp)
        mp.setenv("RAG_INDEX_DIR", str(base / "index"))
        get_settings.cache_clear()
        code, stdout = run("ingest", str(path), "--json")
        assert code == 0, stdout
        yield path
    get_settings.cache_clear()


def test_web_page_citations_name_their_section(page: Path) -> None:
    code, stdout = run(
        "ask", "How long did digital devices wait for examination?", "--force", FORCE, "--json"
    )
    assert code == 0
    citations = json.loads(stdout)["citations"]
    assert citations and all(c["section"] for c in citations), citations
    assert all(c["page"] is None for c in citations)  # a web page has no pages
    answer = next(c for c in citations if "96 days" in c["quote"])
    assert answer["section"] == "Investigating crime"


def test_cli_prints_paragraph_and_section(page: Path) -> None:
    code, stdout = run(
        "ask", "How many stop and searches did the force carry out?", "--force", FORCE
    )
    assert code == 0
    assert ", Stop and search" in " ".join(stdout.split()), stdout
