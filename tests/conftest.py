"""Shared fixtures. The network is blocked by pytest-socket (see pyproject);
only loopback is allowed, for the servers the tests start themselves."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.core.settings import Settings, load_settings
from rag.index.embeddings import OfflineEmbeddings
from tests.support import copy_corpus, free_port


def pytest_configure(config: pytest.Config) -> None:
    """Evaluation indexes kept for this run only (never the developer's ~/.cache/rag): the
    first evaluation of the run builds the corpus's index, later ones copy it, as a user's
    second `rag eval` does (rag/evaluation/index_cache.py)."""
    import tempfile

    os.environ["RAG_CACHE_DIR"] = tempfile.mkdtemp(prefix="rag-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    import shutil

    shutil.rmtree(os.environ.pop("RAG_CACHE_DIR", ""), ignore_errors=True)


@pytest.fixture(scope="session")
def embeddings() -> OfflineEmbeddings:
    """One real offline model for the whole run (loading it takes a second)."""
    return OfflineEmbeddings()


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings on a fresh index directory, isolated from the developer's .env."""
    monkeypatch.chdir(tmp_path)
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "RAG_CHROMA_URL", "RAG_INDEX_DIR"):
        monkeypatch.delenv(var, raising=False)
    return load_settings(index_dir=tmp_path / "index", _env_file=None)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder with the shipped transcript and the fictional ones."""
    return copy_corpus(tmp_path / "corpus")


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `chroma run` server on a free loopback port; yields its URL."""
    path = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("`chroma run` exited before it was ready") from None
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("`chroma run` did not start within 60 s")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


# Fixtures that start a real loopback server: every test using one is a server test,
# whether or not it says so (`make test-fast` leaves server tests out).
SERVER_FIXTURES = {"chroma_server", "server", "llm", "llm_settings"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.server)
