"""The evaluation index is built once per corpus and ingest code, then copied: a copy
answers as the built index does, and any change to what an index is built from builds
it again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag.core.settings import Settings
from rag.evaluation.index_cache import evaluation_index, index_key
from rag.evaluation.suite import _evaluation_engine
from tests.support import ROOT

TRANSCRIPT = next((ROOT / "data").glob("*.txt"))


def _corpus(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "corpus"
    folder.mkdir()
    return [Path(shutil.copy(TRANSCRIPT, folder / TRANSCRIPT.name))]


def test_a_second_evaluation_copies_the_index_and_answers_the_same(
    settings: Settings, tmp_path: Path
) -> None:
    settings = settings.model_copy(update={"cache_dir": tmp_path / "cache"})
    corpus = _corpus(tmp_path)
    question = "What is the inspector concerned about?"
    first, cached = _evaluation_engine(settings, corpus, tmp_path / "one")
    assert not cached
    second, cached = _evaluation_engine(settings, corpus, tmp_path / "two")
    assert cached
    assert (tmp_path / "two" / "index").is_dir()
    a, b = (e.ask(question, mode="offline") for e in (first, second))
    assert a.answer == b.answer and not a.abstained
    assert [c.quote for c in a.citations] == [c.quote for c in b.citations]


def test_what_an_index_is_built_from_changes_its_key(settings: Settings, tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    key = index_key(settings, corpus)
    assert index_key(settings, corpus) == key
    # where the index lives, the answer mode and the model asked are not part of it
    assert index_key(settings.model_copy(update={"index_dir": tmp_path / "x"}), corpus) == key
    assert index_key(settings.model_copy(update={"chat_model": "other"}), corpus) == key
    assert index_key(settings.model_copy(update={"chunk_tokens": 150}), corpus) != key
    corpus[0].write_text(corpus[0].read_text(encoding="utf-8") + "\nA new line.\n")
    assert index_key(settings, corpus) != key


def test_no_cache_dir_builds_every_time(settings: Settings, tmp_path: Path) -> None:
    settings = settings.model_copy(update={"cache_dir": None})
    built: list[Path] = []

    def build(index_dir: Path) -> None:
        index_dir.mkdir(parents=True)
        built.append(index_dir)

    for name in ("one", "two"):
        assert not evaluation_index(settings, [TRANSCRIPT], tmp_path / name, build)
    assert built == [tmp_path / "one", tmp_path / "two"]


def test_a_blank_cache_setting_is_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    from rag.core.settings import load_settings

    monkeypatch.setenv("RAG_CACHE_DIR", "")
    assert load_settings(_env_file=None).cache_dir is None
    monkeypatch.delenv("RAG_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere")
    assert load_settings(_env_file=None).cache_dir == Path("/somewhere/rag")


def test_only_the_newest_indexes_are_kept(settings: Settings, tmp_path: Path) -> None:
    import os

    from rag.evaluation.index_cache import KEEP

    settings = settings.model_copy(update={"cache_dir": tmp_path / "cache"})
    kept = tmp_path / "cache" / "eval-index"
    kept.mkdir(parents=True)
    for n in range(KEEP + 2):  # older indexes, and a run's staging copy left behind
        (kept / f"old-{n}").mkdir()
        os.utime(kept / f"old-{n}", (n, n))

    def build(index_dir: Path) -> None:
        index_dir.mkdir(parents=True)

    assert not evaluation_index(settings, [TRANSCRIPT], tmp_path / "run", build)
    left = sorted(p.name for p in kept.iterdir())
    assert len(left) == KEEP and index_key(settings, [TRANSCRIPT]) in left
    assert f"old-{KEEP + 1}" in left and "old-0" not in left
