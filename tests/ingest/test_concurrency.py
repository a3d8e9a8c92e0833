"""Two processes on one index: a second writer is told "busy" within seconds instead of
hanging; a reader querying during an ingest only ever sees committed documents."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from benchmarks.crash_soak import make_corpus
from tests.support import ROOT

RAG = Path(sys.executable).with_name("rag")


def env_for(index: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RAG_", "OPENAI_"))}
    env.update(RAG_INDEX_DIR=str(index), PYTHONPATH=str(ROOT), **extra)
    return env


HOLDER = textwrap.dedent(
    """
    import sys, time
    from rag.index.locking import write_lock
    from rag.core.settings import load_settings
    with write_lock(load_settings()):
        print("locked", flush=True)
        time.sleep(60)
    """
)


@pytest.mark.slow
def test_a_second_writer_is_told_the_index_is_busy_within_seconds(tmp_path: Path) -> None:
    index = tmp_path / "index"
    corpus = make_corpus(tmp_path / "corpus", copies=1)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER], env=env_for(index), stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        done = subprocess.run(
            [str(RAG), "ingest", str(corpus[0].parent)],
            env=env_for(index, RAG_LOCK_TIMEOUT_S="1"),
            capture_output=True,
            text=True,
            timeout=60,
        )
        elapsed = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "is busy: another process is writing to it" in done.stderr
    assert str(index) in done.stderr
    assert elapsed < 8, elapsed  # 1 s lock timeout plus CLI start-up (2-3 s), never a hang
    with_json = subprocess.run(
        [str(RAG), "ingest", str(corpus[0].parent), "--json"],
        env=env_for(index),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert with_json.returncode == 0  # the holder is gone: the lock was released by its death
    assert {d["status"] for d in json.loads(with_json.stdout)["documents"]} == {"added"}


READER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from rag.index.embeddings import OfflineEmbeddings
    from rag.retrieve.search import HybridSearcher
    from rag.index.opening import open_read_store
    from rag.core.settings import load_settings

    store = open_read_store(load_settings())
    searcher = HybridSearcher(store, OfflineEmbeddings())
    stop = Path(sys.argv[1])
    rounds = hits = violations = 0
    seen_documents = set()
    while not stop.exists():
        searcher.refresh()  # what the app does after an ingest: read the index afresh
        for question in ("integrity and corruption", "victims of domestic abuse"):
            for passage in searcher.search(question, 6):
                hits += 1
                seen_documents.add(passage.document_id)
                committed = {r.document_id for r in store.documents()}
                violations += passage.document_id not in committed
        rounds += 1
        time.sleep(0.05)
    print(json.dumps({"rounds": rounds, "hits": hits, "violations": violations,
                      "documents": len(seen_documents)}))
    """
)


@pytest.mark.slow
def test_a_reader_during_an_ingest_sees_only_committed_documents(tmp_path: Path) -> None:
    index = tmp_path / "index"
    corpus = make_corpus(tmp_path / "corpus", copies=2)
    first = corpus[:2]
    seed = subprocess.run(  # a first commit, so the reader can open the collections
        [str(RAG), "ingest", *map(str, first)], env=env_for(index), capture_output=True, timeout=120
    )
    assert seed.returncode == 0
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(stop)],
        env=env_for(index),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    writer = subprocess.run(
        [str(RAG), "ingest", str(corpus[0].parent)],
        env=env_for(index, RAG_EMBED_BATCH_SIZE="2"),  # many small commits
        capture_output=True,
        text=True,
        timeout=300,
    )
    stop.touch()
    out, err = reader.communicate(timeout=60)
    assert writer.returncode == 0, writer.stderr
    assert reader.returncode == 0, err
    seen = json.loads(out)
    assert seen["rounds"] >= 5 and seen["hits"] > 0
    assert seen["violations"] == 0, seen
