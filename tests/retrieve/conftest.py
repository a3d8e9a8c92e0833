"""The retrieval tests' shared index: the shipped and fictional transcripts, ingested once
per module into a real on-disk Chroma."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from langchain_core.embeddings import Embeddings

from rag.core.settings import load_settings
from tests.support import clear_user_settings, copy_corpus
from tests.support.indexes import Index, build_index


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory, embeddings: Embeddings) -> Iterator[Index]:
    """One index of the shipped and fictional transcripts for the whole module (a test that
    adds to it removes what it added)."""
    root = tmp_path_factory.mktemp("retrieval")
    folder = copy_corpus(root / "corpus")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        clear_user_settings(mp)
        settings = load_settings(index_dir=root / "index", _env_file=None)
        yield build_index(settings, folder, embeddings)
