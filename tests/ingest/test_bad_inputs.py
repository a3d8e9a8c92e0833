"""The whole bad-input corpus (tests/bad_inputs.py) through the real `rag` command, mixed
with valid files under awkward names, on an index that already holds a document."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from langchain_core.embeddings import Embeddings

from rag.core.safe_text import terminal_safe
from rag.core.settings import Settings
from rag.index.embeddings import DIMENSION, MODEL_NAME
from rag.index.opening import open_store
from rag.ingest.pipeline import ingest_paths
from tests.support import SHIPPED
from tests.support.bad_inputs import (
    BAD_INPUT_SETTINGS,
    SKIPPED,
    BadInput,
    make_bad_inputs,
    make_weird_named_files,
    transcript,
)

RAG = Path(sys.executable).with_name("rag")


def rag(cwd: Path, settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RAG_", "OPENAI_"))}
    env.update(BAD_INPUT_SETTINGS, RAG_INDEX_DIR=str(settings.index_dir))
    return subprocess.run(
        [str(RAG), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def stored(settings: Settings, source: str) -> dict[str, Any]:
    """Everything the index holds for one document: its registry record and its chunks."""
    store = open_store(settings, MODEL_NAME, DIMENSION)
    record = store.document(source, with_text=True)
    assert record is not None
    chunks = store.chunks.get(
        where={"document_id": record.document_id},
        include=["documents", "metadatas", "embeddings"],
    )
    order = sorted(range(len(chunks["ids"])), key=lambda i: chunks["ids"][i])
    return {
        "record": record,
        "ids": [chunks["ids"][i] for i in order],
        "texts": [chunks["documents"][i] for i in order],
        "metadatas": [chunks["metadatas"][i] for i in order],
        "vectors": [list(map(float, chunks["embeddings"][i])) for i in order],
    }


@pytest.fixture
def batch(
    tmp_path: Path, settings: Settings, embeddings: Embeddings
) -> tuple[list[BadInput], list[Path], list[str], str]:
    """Bad inputs, weird-named good files, the CLI arguments, and the pre-existing source."""
    existing = tmp_path / "existing.txt"
    existing.write_bytes(SHIPPED.read_bytes())
    limit = float(BAD_INPUT_SETTINGS["RAG_MAX_FILE_MB"])
    limited = settings.model_copy(update={"max_file_mb": limit})
    report = ingest_paths([existing], limited, embeddings=embeddings)
    assert report.documents[0].status == "added"
    bad = make_bad_inputs(tmp_path / "bad")
    good = make_weird_named_files(tmp_path / "good")
    args = ["bad", *(str(b.path) for b in bad if b.explicit), *(str(g) for g in good)]
    return bad, good, args, report.documents[0].source


@pytest.mark.slow  # the whole bad-input corpus through the CLI
def test_every_bad_input_is_named_once_the_rest_ingest_nothing_is_lost(
    tmp_path: Path, settings: Settings, batch: tuple[list[BadInput], list[Path], list[str], str]
) -> None:
    bad, good, args, existing = batch
    assert len(bad) >= 40, SKIPPED
    before = stored(settings, existing)

    done = rag(tmp_path, settings, "ingest", *args, "--json")
    assert done.returncode == 1  # some inputs rejected, the run itself succeeded
    assert "Traceback" not in done.stdout + done.stderr
    results = json.loads(done.stdout)["documents"]
    by_name: dict[str, list[dict[str, Any]]] = {}
    for result in results:
        by_name.setdefault(Path(result["source"]).name, []).append(result)
    for item in bad:
        (result,) = by_name[item.path.name]  # exactly one message for each bad file
        assert result["status"] == "rejected", item
        assert item.reason.lower() in result["error"].lower(), (item, result["error"])
    for path in good:
        (result,) = by_name[path.name]
        assert result["status"] == "added", (path, result)
    assert len(results) == len(bad) + len(good)

    after = stored(settings, existing)  # the document already stored is untouched
    assert after == before

    again = rag(tmp_path, settings, "ingest", *args)  # plain text this time
    assert again.returncode == 1 and "Traceback" not in again.stdout + again.stderr
    assert "\x1b" not in again.stdout + again.stderr  # names carrying ANSI are shown inert
    lines = [line for line in again.stderr.splitlines() if line.startswith("rejected")]
    assert len(lines) == len(bad)
    for item in bad:
        shown = terminal_safe(item.path.name, one_line=True)
        named = [line for line in lines if line.split(": ", 1)[0].endswith(f"/{shown}")]
        (line,) = named
        assert item.reason.lower() in line.lower()
    assert again.stdout.count("unchanged ") == len(good)
    assert stored(settings, existing) == before


def test_file_count_limit_rejects_the_extra_files_by_name(
    tmp_path: Path, settings: Settings, embeddings: Embeddings
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(5):
        text = transcript(f"Count{chr(97 + number)}shire Police", f"closes case {number}")
        (folder / f"report-{number}.txt").write_text(text, encoding="utf-8")
    limited = settings.model_copy(update={"max_files": 3})
    report = ingest_paths([folder], limited, embeddings=embeddings)
    rejected = [d for d in report.documents if d.status == "rejected"]
    added = [d for d in report.documents if d.status == "added"]
    assert [Path(d.source).name for d in added] == [f"report-{n}.txt" for n in range(3)]
    assert [Path(d.source).name for d in rejected] == ["report-3.txt", "report-4.txt"]
    assert all("RAG_MAX_FILES=3" in (d.error or "") for d in rejected)
    assert len({d.source for d in rejected}) == len(rejected)  # each named


def test_file_size_limit_is_the_setting(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "big.txt"
    path.write_text(SHIPPED.read_text(encoding="utf-8") * 4, encoding="utf-8")  # about 13 KB
    small = settings.model_copy(update={"max_file_mb": 0.01})
    (result,) = ingest_paths([path], small).documents
    assert result.status == "rejected" and "RAG_MAX_FILE_MB" in (result.error or "")
    (result,) = ingest_paths([path], settings).documents  # the default 50 MB admits it
    assert result.status == "added"
