"""`rag ask`, `rag brief`, `rag compare` and `rag grades` through typer's runner on one
index (the shipped transcript plus the fictional evals/corpus ones), ingested once with
`rag ingest`."""

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
    assert payload["grades"] == [
        {
            "area": "tackling serious and organised crime",
            "grade": "good",
            "citations": [
                next(
                    c["n"]
                    for c in payload["citations"]
                    if c["quote"] == "The force is good at tackling serious and organised crime."
                )
            ],
        }
    ]
    numbers = {c["n"] for c in payload["citations"]}
    assert numbers and all(set(c) == CITATION_KEYS for c in payload["citations"])
    items = payload["strengths"] + payload["improvements"] + payload["concerns"]
    assert items
    for item in items + payload["findings"]:
        assert set(item) == {"text", "citations", "kind", "theme", "label"}
        assert item["citations"] and all(isinstance(n, int) for n in item["citations"])
        assert set(item["citations"]) <= numbers
    kinds = {"verdict", "strength", "improvement", "concern", "context"}
    assert {f["kind"] for f in payload["findings"]} <= kinds
    for sentence in payload["sentences"]:
        assert set(sentence) == {"text", "frame", "citations", "quoted"}
        assert sentence["text"].startswith(sentence["frame"]) and sentence["citations"]
    assert " ".join(s["text"] for s in payload["sentences"]) == payload["paragraph"]


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
        assert set(row) == {"force", "summary", "covered", "citations", "grade"}
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


def test_a_question_too_long_is_refused_naming_the_setting() -> None:
    # hostile or pasted text: 20,000 spaces would make every question pattern run long
    code, stdout, stderr = run("ask", "What about" + " " * 20_000 + "vetting?")
    assert code == 1 and not stdout
    assert "RAG_MAX_QUESTION_CHARS" in stderr and "20,018 characters" in stderr


def test_llm_mode_without_openai_settings_exits_2() -> None:
    code, _, stderr = run("ask", "x", "--mode", "llm")
    assert code == 2 and "OPENAI_API_KEY" in stderr


def test_bogus_mode_is_a_usage_error() -> None:
    code, _, stderr = run("ask", "--mode", "bogus", "x")
    assert code == 2 and "bogus" in stderr


GLEBE = "Glebeshire Constabulary"  # fictional


def test_brief_json_lists_every_stated_grade_cited() -> None:
    code, stdout, _ = run("brief", GLEBE, "--json")
    payload = json.loads(stdout)
    assert code == 0 and payload["grade"] == "adequate"
    by_n = {c["n"]: c for c in payload["citations"]}
    assert [(g["area"], g["grade"]) for g in payload["grades"]] == [
        ("overall", "adequate"),
        ("protecting vulnerable people", "adequate"),
        ("investigating crime", "good"),
        ("the way it manages registered sex offenders", "requires improvement"),
        ("tackling serious and organised crime", "good"),
    ]
    for stated in payload["grades"]:
        assert stated["citations"]
        for n in stated["citations"]:
            assert stated["grade"].split()[0] in by_n[n]["quote"].lower().replace(
                "require ", "requires "
            )


def test_grades_json_rows_with_ask_citations() -> None:
    code, stdout, _ = run("grades", "--forces", f"{WESSEX},glebeshire", "--json")
    assert code == 0
    payload = json.loads(stdout)
    assert set(payload) == {"rows"}
    assert [(r["force"], r["area"], r["grade"]) for r in payload["rows"]][:3] == [
        (WESSEX, "overall", "good"),
        (WESSEX, "protecting vulnerable people", "good"),
        (GLEBE, "overall", "adequate"),
    ]
    numbers = []
    for row in payload["rows"]:
        assert set(row) == {"force", "area", "grade", "citations"}
        assert row["citations"] and all(set(c) == CITATION_KEYS for c in row["citations"])
        assert {c["force"] for c in row["citations"]} == {row["force"]}
        numbers += [c["n"] for c in row["citations"]]
    assert numbers == list(range(1, len(numbers) + 1))


def test_grades_for_every_force_plain_table() -> None:
    code, stdout, _ = run("grades")
    assert code == 0
    for text in ("Force", "Area", "Grade", "Borsetshire", "inadequate", "[1]", "paragraph"):
        assert text in stdout
    assert "Midsomer" not in stdout.split("[1]")[0]  # it states no grade


def test_grades_unknown_force_exits_1_saying_what_to_do() -> None:
    code, stdout, stderr = run("grades", "--forces", "Nowhere Police")
    assert code == 1 and not stdout
    assert "Nowhere Police" in stderr and "rag list" in stderr


def test_compare_row_shows_the_stated_grade_for_the_theme() -> None:
    code, stdout, _ = run(
        "compare", "investigating crime", "--forces", f"{GLEBE},Midsomer", "--json"
    )
    assert code == 0
    glebe, midsomer = json.loads(stdout)["rows"]
    assert glebe["grade"]["area"] == "investigating crime" and glebe["grade"]["grade"] == "good"
    cited = {c["n"]: c["quote"] for c in glebe["citations"]}
    assert cited[glebe["grade"]["citations"][0]] == (
        "I judge the force to be good at investigating crime."
    )
    assert midsomer["grade"] is None
    code, stdout, _ = run("compare", "investigating crime", "--forces", GLEBE)
    assert "Grade stated for investigating crime: good" in stdout
