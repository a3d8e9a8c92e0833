"""The `rag` CLI through typer's runner and, for the README, as a real subprocess."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.cli.main import app
from rag.core.settings import Settings, get_settings, load_settings
from tests.support import ROOT

runner = CliRunner()


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("RAG_INDEX_DIR", str(settings.index_dir))
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_ingest_and_list_json_contracts(cli_env: Settings, corpus: Path) -> None:
    code, stdout, _ = run("ingest", str(corpus), "--json")
    assert code == 0
    report = json.loads(stdout)
    assert set(report) == {"documents", "embedded_chunks", "elapsed_s"}
    doc = report["documents"][0]
    assert {"source", "status", "document_id", "force", "inspector", "chunks", "error"} <= set(doc)
    assert {d["status"] for d in report["documents"]} == {"added"}

    code, stdout, _ = run("list", "--json")
    assert code == 0
    listing = json.loads(stdout)["documents"]
    assert len(listing) == len(report["documents"])
    assert set(listing[0]) == {
        "document_id",
        "source",
        "force",
        "inspector",
        "title",
        "chunks",
        "ingested_at",
    }
    cambs = [d for d in listing if d["force"] == "Cambridgeshire Constabulary"]
    assert cambs and cambs[0]["inspector"] == "Zoë Billingham"

    code, stdout, _ = run("ingest", str(corpus), "--json")
    again = json.loads(stdout)
    assert again["embedded_chunks"] == 0
    assert {d["status"] for d in again["documents"]} == {"unchanged"}


def test_rejected_input_exits_1_and_names_the_file(cli_env: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"not a pdf at all")
    good = tmp_path / "good.txt"
    shutil.copy(ROOT / "data" / "cambridgeshire-constabulary-hmi-assessment-transcript.txt", good)
    code, stdout, stderr = run("ingest", str(bad), str(good))
    assert code == 1
    assert "scan.pdf" in stderr and "rejected" in stderr
    assert "added" in stdout and "Traceback" not in stdout + stderr


def test_usage_errors_exit_2(cli_env: Settings) -> None:
    assert run("ingest", "--no-such-option")[0] == 2
    assert run("no-such-command")[0] == 2


def test_remove_and_unknown_document(cli_env: Settings, corpus: Path) -> None:
    run("ingest", str(corpus))
    listing = json.loads(run("list", "--json")[1])["documents"]
    code, stdout, _ = run("remove", listing[0]["document_id"], "--json")
    assert code == 0 and json.loads(stdout)["removed"][0]["source"] == listing[0]["source"]
    assert len(json.loads(run("list", "--json")[1])["documents"]) == len(listing) - 1
    code, _, stderr = run("remove", "nothing-like-this")
    assert code == 1 and "no such document" in stderr


def test_config_masks_secrets_and_bad_settings_name_the_variable(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-1234567890secret")
    get_settings.cache_clear()
    code, stdout, _ = run("config", "--json")
    values = json.loads(stdout)
    assert code == 0 and "1234567890" not in stdout
    assert values["RAG_INDEX_DIR"] == str(cli_env.index_dir)
    monkeypatch.setenv("RAG_CHUNK_TOKENS", "lots")
    get_settings.cache_clear()
    code, _, stderr = run("config")
    assert code == 2 and "RAG_CHUNK_TOKENS" in stderr and "Traceback" not in stderr


def readme_commands() -> list[str]:
    """The commands in the README's `rag` examples block."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- cli-examples -->\s*```console\n(.*?)```", text, re.S)
    assert block, "README.md lost its cli-examples block"
    return [line[2:] for line in block.group(1).splitlines() if line.startswith("$ ")]


@pytest.mark.slow  # real subprocesses: about 20 s
def test_readme_cli_examples_run(tmp_path: Path) -> None:
    """Every command in the README's examples block runs and exits 0."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RAG_", "OPENAI_"))}
    env["RAG_INDEX_DIR"] = str(tmp_path / "index")
    rag = Path(sys.executable).with_name("rag")
    commands = readme_commands()
    assert len(commands) >= 4
    for command in commands:
        argv = shlex.split(command)
        assert argv[0] == "rag"
        done = subprocess.run(
            [str(rag), *argv[1:]],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"{command}: {done.stderr}"


def test_questions_on_an_empty_index_say_how_to_fill_it(cli_env: Settings) -> None:
    for args in (("ask", "What about integrity?"), ("compare", "integrity")):
        code, stdout, stderr = run(*args)
        assert code == 1 and "is empty" in stderr and "rag ingest" in stderr
        assert stdout == ""


def test_an_empty_api_key_is_no_key() -> None:
    """`OPENAI_API_KEY=` (as in many .env templates) must not switch on LLM mode."""
    for blank in ("", "  "):
        assert not load_settings(_env_file=None, OPENAI_API_KEY=blank).llm_configured
    assert load_settings(_env_file=None, OPENAI_API_KEY="sk-test").llm_configured
