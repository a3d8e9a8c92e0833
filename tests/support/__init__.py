"""What the tests share besides fixtures: the repository's paths, corpus copies,
isolation from the developer's settings, free loopback ports. The other modules here
are helpers too: bad inputs, hostile documents, the JSON contracts and a FAKE
OpenAI-compatible server."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data" / "cambridgeshire-constabulary-hmi-assessment-transcript.txt"
FICTIONAL = ROOT / "evals" / "corpus"
USER_SETTINGS = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "RAG_CHROMA_URL", "RAG_INDEX_DIR", "RAG_MODE")


def corpus_size() -> int:
    """How many documents :func:`copy_corpus` copies."""
    return 1 + len(list(FICTIONAL.glob("*.txt")))


def copy_corpus(folder: Path) -> Path:
    """``folder`` (created) holding the shipped transcript and every fictional one."""
    folder.mkdir(parents=True)
    shutil.copy(SHIPPED, folder / SHIPPED.name)
    for path in sorted(FICTIONAL.glob("*.txt")):
        shutil.copy(path, folder / path.name)
    return folder


def clear_user_settings(mp: pytest.MonkeyPatch) -> None:
    """No model, server or index of the developer's leaks into a test."""
    for var in USER_SETTINGS:
        mp.delenv(var, raising=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
