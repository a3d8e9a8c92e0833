"""Through a real `chroma run` server: one process ingests, two others answer, each with
BM25 files of its own (as on two machines), and a removed document leaves both."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from rag.core.settings import Settings
from tests.support import ROOT, copy_corpus

WESSEX = "Wessex Constabulary"
RAG = Path(sys.executable).with_name("rag")


class Reader:
    """A search process of its own (tests/support/search_worker.py)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "support" / "search_worker.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.hello = self._reply()

    def _reply(self) -> object:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, "the reader process died"
        return json.loads(line)

    def ask(self, command: str) -> object:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self._reply()


def test_ingest_in_one_process_answer_in_two_and_remove_from_both(
    chroma_server: str, settings: Settings, tmp_path: Path
) -> None:
    base = {
        **os.environ,
        "RAG_CHROMA_URL": chroma_server,
        "RAG_COLLECTION": f"t{uuid.uuid4().hex[:12]}",
        "PYTHONPATH": str(ROOT),
    }
    corpus = copy_corpus(tmp_path / "corpus")
    writer = {**base, "RAG_INDEX_DIR": str(tmp_path / "writer")}
    subprocess.run([str(RAG), "ingest", str(corpus)], env=writer, check=True, capture_output=True)

    # two readers, each with its own BM25 folder: built from the server, not from the writer's
    readers = [Reader({**base, "RAG_INDEX_DIR": str(tmp_path / f"reader-{i}")}) for i in (1, 2)]
    try:
        query = f"search {WESSEX}|Wessex neighbourhood policing"
        for reader in readers:
            assert WESSEX in reader.hello["forces"]  # type: ignore[index]
            got = reader.ask(query)
            assert got and all("wessex" in source for source, _ in got)  # type: ignore[union-attr]
        assert readers[0].ask(query) == readers[1].ask(query)
        assert all((tmp_path / f"reader-{i}" / "lexical").is_dir() for i in (1, 2))

        listed = subprocess.run(
            [str(RAG), "list", "--json"], env=writer, check=True, capture_output=True, text=True
        )
        documents = json.loads(listed.stdout)["documents"]
        wessex = next(d["source"] for d in documents if d["force"] == WESSEX)
        removed = subprocess.run(
            [str(RAG), "remove", wessex], env=writer, capture_output=True, text=True
        )
        assert removed.returncode == 0, removed.stdout + removed.stderr
        for reader in readers:
            assert reader.ask(query) == []  # gone at once, even before a refresh
            assert WESSEX not in reader.ask("refresh")["forces"]  # type: ignore[index]
            anywhere = reader.ask("search |Wessex neighbourhood policing")
            assert all("wessex" not in source for source, _ in anywhere)  # type: ignore[union-attr]
    finally:
        for reader in readers:
            reader.proc.kill()
