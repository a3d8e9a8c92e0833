"""SIGKILL `rag ingest` at random points and at chosen store writes (see
benchmarks/crash_soak.py, which runs 25 kills); after each kill a fresh process finds the
index consistent, and a final ingest leaves exactly the state of a clean ingest."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.crash_soak import check_index, ingest, make_corpus, soak

CI_KILLS = 6


@pytest.mark.slow
def test_killed_ingests_leave_a_consistent_index_and_resume(tmp_path: Path) -> None:
    result = soak(kills=CI_KILLS, seed=11, workdir=tmp_path, copies=1, kill_window=(1.5, 4.0))
    assert result.kills == CI_KILLS
    assert result.inconsistencies == 0, result.details
    assert result.final_matches_clean, result.details
    # not vacuous: kills landed while chunks were written but not yet committed
    assert result.rounds_with_orphans >= 1 and result.max_orphans > 0
    assert {"add_chunks", "commit", "delete_unreferenced"} <= {
        p.split(":")[0] for p in result.kill_points
    }


@pytest.mark.slow
def test_the_checker_sees_a_half_written_document(tmp_path: Path) -> None:
    """The consistency check can fail: remove some chunks of a committed document."""
    corpus = make_corpus(tmp_path / "corpus", copies=1)
    index = tmp_path / "index"
    assert ingest(corpus[0].parent, index)[0] == 0
    assert check_index(index)["problems"] == []

    from rag.core.settings import load_settings
    from rag.index.embeddings import DIMENSION, MODEL_NAME
    from rag.index.opening import open_store

    store = open_store(load_settings(index_dir=index, _env_file=None), MODEL_NAME, DIMENSION)
    victim = store.documents()[0]
    ids = store.chunks.get(where={"document_id": victim.document_id}, include=[])["ids"]
    store.chunks.delete(ids=ids[:1])
    problems = check_index(index)["problems"]
    assert any(victim.source in p and "registry says" in p for p in problems)
