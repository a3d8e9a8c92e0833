"""`rag ask`, `rag brief` and `rag compare` through typer's runner on one index (the shipped
transcript plus the fictional evals/corpus ones), ingested once with `rag ingest`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.cli.main import app
from rag.core.settings import get_settings
from tests.support import clear_user_settings, copy_corpus
from tests.support.contracts import ANSWER_KEYS, CITATION_KEYS, OPTIONAL_ANSWER_KEYS

CAMBS = "Cambridgeshire Constabulary"
WESSEX = "Wessex Constabulary"  # fictional

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module", autouse=True)
def cli_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """RAG_INDEX_DIR on a fresh index holding the corpus, isolated from .env and OPENAI_*."""
    base = tmp_path_factory.mktemp("cli-answers")
    corpus = copy_corpus(base / "corpus")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(base)
        clear_user_settings(mp)
        mp.setenv("RAG_INDEX_DIR", str(base / "index"))
        get_settings.cache_clear()
        code, stdout, stderr = run("ingest", str(corpus), "--json")
        assert code == 0, stderr
        assert {d["status"] for d in json.loads(stdout)["documents"]} == {"added"}
        yield base / "index"
    get_settings.cache_clear()


def test_ask_json_contract() -> None:
    code, stdout, _ = run(
        "ask", "What did the inspector say about integrity?", "--force", CAMBS, "--json"
    )
    assert code == 0
    payload = json.loads(stdout)
    assert ANSWER_KEYS <= set(payload) <= ANSWER_KEYS | OPTIONAL_ANSWER_KEYS
    assert payload["mode"] == "offline" and payload["abstained"] is False
    assert set(payload["usage"]) == {"prompt_tokens", "completion_tokens"}
    assert payload["citations"]
    for citation in payload["citations"]:
        assert set(citation) == CITATION_KEYS
        assert citation["force"] == CAMBS and citation["verified"] is True
    assert any(c["paragraph"] == 10 for c in payload["citations"])


def test_ask_unanswerable_json() -> None:
    code, stdout, _ = run("ask", "What did Kent Police say about stop and search?", "--json")
    payload = json.loads(stdout)
    assert code == 0 and payload["abstained"] is True and payload["citations"] == []
    assert payload["answer"].startswith("The documents do not say.")


def test_ask_plain_text_lists_citations() -> None:
    code, stdout, _ = run("ask", "Which forces have concerns about integrity or corruption?")
    assert code == 0
    assert "[1]" in stdout and CAMBS in stdout and "paragraph 10" in stdout


def test_brief_json() -> None:
    code, stdout, _ = run("brief", CAMBS, "--json")
    assert code == 0
    payload = json.loads(stdout)
    expected = {
        "force",
        "paragraph",
        "grade",
        "strengths",
        "improvements",
        "concerns",
        "citations",
    }
    assert expected <= set(payload)
    assert payload["force"] == CAMBS and payload["grade"] is None
    numbers = {c["n"] for c in payload["citations"]}
    assert numbers and all(set(c) == CITATION_KEYS for c in payload["citations"])
    items = payload["strengths"] + payload["improvements"] + payload["concerns"]
    assert items
    for item in items:
        assert set(item) == {"text", "citations"}
        assert item["citations"] and all(isinstance(n, int) for n in item["citations"])
        assert set(item["citations"]) <= numbers


def test_brief_plain_text() -> None:
    code, stdout, _ = run("brief", WESSEX)
    assert code == 0 and "Grade stated: good" in stdout and "Strengths:" in stdout


def test_compare_json() -> None:
    code, stdout, _ = run("compare", "integrity", "--forces", f"{CAMBS},{WESSEX}", "--json")
    assert code == 0
    payload = json.loads(stdout)
    assert set(payload) == {"theme", "rows"} and payload["theme"] == "integrity"
    assert [row["force"] for row in payload["rows"]] == [CAMBS, WESSEX]
    numbers = []
    for row in payload["rows"]:
        assert set(row) == {"force", "summary", "covered", "citations"}
        assert isinstance(row["summary"], str) and row["summary"]
        # a row is either covered with citations or "not covered" with none
        assert row["covered"] is bool(row["citations"])
        assert {c["force"] for c in row["citations"]} <= {row["force"]}
        assert all(set(c) == CITATION_KEYS for c in row["citations"])
        numbers += [c["n"] for c in row["citations"]]
    assert payload["rows"][0]["covered"] is True  # Cambridgeshire, paragraph 10
    assert numbers == list(range(1, len(numbers) + 1))


def test_compare_unknown_force_exits_1() -> None:
    code, _, stderr = run("compare", "integrity", "--forces", f"{CAMBS},Nowhere Police")
    assert code == 1 and "Nowhere Police" in stderr


def test_brief_unknown_force_exits_1_with_a_clear_message() -> None:
    code, stdout, stderr = run("brief", "Nowhere Police")
    assert code == 1 and not stdout
    assert "No documents on 'Nowhere Police' are indexed" in stderr
    assert CAMBS in stderr  # it lists the indexed forces


def test_llm_mode_without_openai_settings_exits_2() -> None:
    code, _, stderr = run("ask", "x", "--mode", "llm")
    assert code == 2 and "OPENAI_API_KEY" in stderr


def test_bogus_mode_is_a_usage_error() -> None:
    code, _, stderr = run("ask", "--mode", "bogus", "x")
    assert code == 2 and "bogus" in stderr
