"""Offline commands never import the LLM stack (openai, langchain_openai, LangChain's chat
models): importing it costs more than a whole offline answer. Checked in a fresh process,
through the real CLI, on a real index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import SHIPPED, USER_SETTINGS

LLM_STACK = (
    "openai",
    "langchain_openai",
    "langchain_core.language_models.chat_models",
    "matplotlib",
)
SCRIPT = f"""
import json, sys
from typer.testing import CliRunner
from rag.cli.main import app
runner = CliRunner()
for args in (["ingest", {str(SHIPPED)!r}], ["ask", "How is domestic abuse handled?"],
             ["brief", "Cambridgeshire"], ["compare", "integrity"], ["list"], ["doctor"]):
    result = runner.invoke(app, args)
    assert result.exit_code == 0, (args, result.output)
print(json.dumps(sorted(m for m in {LLM_STACK!r} if m in sys.modules)))
"""


@pytest.mark.slow  # six commands in a fresh process
def test_offline_commands_do_not_import_the_llm_stack(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in USER_SETTINGS}
    env |= {"RAG_INDEX_DIR": str(tmp_path / "index"), "RAG_MODE": "offline"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
