"""Crash soak: SIGKILL `rag ingest` at random points, then check the index each time.

Run: ``.venv/bin/python benchmarks/crash_soak.py [--kills 25] [--seed 7]``.
``tests/test_crash_recovery.py`` runs the same loop with a few kills in CI.

Each round edits part of a corpus of transcripts (so every run has work: adds and
replacements), starts ``rag ingest`` as a real subprocess and kills it with SIGKILL at
a random moment (seeded) while it loads, embeds, writes chunks or commits. A fresh
process then opens the index from disk and checks it (:func:`check_index`): it opens;
no document has duplicate or missing chunks; every chunk a query can see belongs to
a registered document; ``rag doctor`` finds nothing it cannot repair. The next round's
ingest is the restart. At the end one uninterrupted ingest must leave exactly the state
a clean ingest of the final corpus gives in a fresh index.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "data", ROOT / "evals" / "corpus"]
RAG = Path(sys.executable).with_name("rag")


def environment(index: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RAG_", "OPENAI_"))}
    # Small batches: a run commits documents a few at a time, so a kill can land between
    # commits, in the middle of writing chunks, or while a replaced version is deleted.
    env.update(RAG_INDEX_DIR=str(index), RAG_EMBED_BATCH_SIZE="2", PYTHONPATH=str(ROOT))
    return env


def version_text(source: Path, copy: int, version: int) -> str:
    """The transcript with every body paragraph marked by ``version``: a new version
    changes every passage, so its chunks must all be embedded and written again."""
    paragraphs = source.read_text(encoding="utf-8").split("\n\n")
    marked = [p + f" (copy {copy}, version {version})" if len(p) > 120 else p for p in paragraphs]
    return "\n\n".join(marked)


def make_corpus(folder: Path, copies: int = 2) -> list[Path]:
    """The shipped and fictional transcripts, ``copies`` times under distinct names."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for copy in range(copies):
        for source in sorted(p for d in SOURCES for p in d.glob("*.txt")):
            target = folder / f"{source.stem}-{copy}.txt"
            target.write_text(version_text(source, copy, 0), encoding="utf-8")
            paths.append(target)
    return paths


def edit_some(paths: list[Path], rng: random.Random, round_no: int) -> None:
    """A new version of about half the files: each run has replacements to embed and write."""
    sources = {p.stem: p for d in SOURCES for p in d.glob("*.txt")}
    for path in rng.sample(paths, k=max(1, len(paths) // 2)):
        stem, copy = path.stem.rsplit("-", 1)
        path.write_text(version_text(sources[stem], int(copy), round_no), encoding="utf-8")


# Store writes a run makes, in order: chunks (add_chunks), the registry record (commit),
# then the old version's chunks go (delete_unreferenced / delete_stale_chunks / orphans).
WRITE_POINTS = [
    "add_chunks",
    "commit",
    "delete_unreferenced",
    "delete_orphans",
    "index_lexicon",
]


def die_at(point: str, nth: int) -> None:
    """Make this process SIGKILL itself right after the ``nth`` call of IndexStore.<point>."""
    from rag.index.store import IndexStore

    original = getattr(IndexStore, point)
    calls = {"n": 0}

    def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
        value = original(self, *args, **kwargs)
        calls["n"] += 1
        if calls["n"] >= nth:
            os.kill(os.getpid(), signal.SIGKILL)
        return value

    setattr(IndexStore, point, wrapped)


def ingest(
    folder: Path, index: Path, kill_after: float | None = None, point: str | None = None
) -> tuple[int, float]:
    """Run `rag ingest` on ``folder``; SIGKILL it after ``kill_after`` s, or at a write
    ``point`` ("commit:2": right after the second commit). (exit code, seconds)."""
    started = time.monotonic()
    command = [str(RAG), "ingest", folder.name, "--json"]
    if point:
        command = [sys.executable, "-m", "benchmarks.crash_soak", "--die-at", point, *command[1:]]
    proc = subprocess.Popen(
        command,
        cwd=folder.parent,
        env=environment(index),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        proc.wait(timeout=kill_after if kill_after is not None else 600)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    return proc.returncode, time.monotonic() - started


def check_index(index: Path) -> dict[str, Any]:
    """Consistency of the index at ``index``, from this (fresh) process."""
    from rag.core.settings import load_settings
    from rag.index.doctor import run_doctor
    from rag.index.embeddings import DIMENSION, MODEL_NAME
    from rag.index.opening import open_store

    settings = load_settings(index_dir=index, _env_file=None)
    problems: list[str] = []
    if not (index / "chroma.sqlite3").exists():
        return {"problems": [], "documents": 0, "orphans": 0, "doctor": [], "state": None}
    store = open_store(settings, MODEL_NAME, DIMENSION)
    records = store.documents()
    live = {r.document_id: r for r in records}
    got = store.chunks.get(include=["metadatas", "documents"])
    per_doc: dict[str, list[dict[str, Any]]] = {}
    texts: dict[str, Counter[str]] = {}
    for meta, text in zip(got["metadatas"] or [], got["documents"] or [], strict=True):
        doc = str(meta["document_id"])
        per_doc.setdefault(doc, []).append(dict(meta))
        texts.setdefault(doc, Counter())[str(text)] += 1
    for record in records:
        stored = per_doc.get(record.document_id, [])
        if len(stored) != record.chunks:
            problems.append(f"{record.source}: {len(stored)} chunks, registry says {record.chunks}")
        if any(n > 1 for n in Counter(m["chunk_index"] for m in stored).values()):
            problems.append(f"{record.source}: duplicate chunk positions")
        if any(n > 1 for n in texts.get(record.document_id, Counter()).values()):
            problems.append(f"{record.source}: duplicate chunk text")
    # Query with the vectors of uncommitted chunks (the hits most likely to leak) and of
    # a few live ones: a reader must only ever see registered documents' chunks.
    orphans = [
        i
        for i, m in zip(got["ids"], got["metadatas"] or [], strict=True)
        if m["document_id"] not in live
    ]
    probe_ids = list(dict.fromkeys(orphans[:3] + got["ids"][:2]))
    probes = store.chunks.get(ids=probe_ids or None, limit=5, include=["embeddings"])
    for vector in probes["embeddings"] if probes["embeddings"] is not None else []:
        hits = store.chunks.query(
            query_embeddings=[list(map(float, vector))],
            n_results=10,
            where=store.live_filter(),
            include=["metadatas"],
        )
        for meta in (hits["metadatas"] or [[]])[0]:
            if meta["document_id"] not in live:
                problems.append("a query returned an uncommitted chunk")
    # the BM25 rows a reader searches are exactly the registered documents' chunks
    live_ids = {
        i
        for i, m in zip(got["ids"], got["metadatas"] or [], strict=True)
        if m["document_id"] in live
    }
    lexical_ids = set(store.lexicon(records).ids)
    if lexical_ids != live_ids:
        problems.append(
            f"the BM25 rows differ from the live chunks ({len(lexical_ids ^ live_ids)} apart)"
        )
    doctor = run_doctor(settings)
    unrepairable = [p.detail for p in doctor.problems if not p.repairable]
    problems.extend(f"doctor: {d}" for d in unrepairable)
    return {
        "problems": problems,
        "documents": len(records),
        "orphans": doctor.orphan_chunks,
        "doctor": [p.kind for p in doctor.problems],
        "state": state_of(store),
    }


def state_of(store: Any) -> dict[str, Any]:
    """What a clean ingest must reproduce: documents and every chunk id."""
    return {
        "documents": sorted([r.source, r.document_id, r.chunks] for r in store.documents()),
        "chunk_ids": sorted(store.chunks.get(include=[])["ids"]),
    }


def check_in_fresh_process(index: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.crash_soak", "--check", str(index)],
        cwd=ROOT,
        env=environment(index),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:  # the index would not even open: the worst inconsistency
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        return {"problems": [f"check crashed: {tail[0]}"], "orphans": 0, "doctor": []}
    return dict(json.loads(done.stdout))


@dataclass
class SoakResult:
    kills: int = 0
    finished_before_kill: int = 0
    inconsistencies: int = 0
    rounds_with_orphans: int = 0
    max_orphans: int = 0
    final_matches_clean: bool = False
    clean_ingest_s: float = 0.0
    elapsed_s: float = 0.0
    kill_points: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)


def soak(
    kills: int,
    seed: int,
    workdir: Path,
    copies: int = 2,
    kill_window: tuple[float, float] | None = None,
    verbose: bool = False,
) -> SoakResult:
    """``kills`` rounds of edit, ingest, SIGKILL, check; then finish and compare with a clean
    ingest. Timed kills fall in ``kill_window`` seconds (default: measured)."""
    started = time.monotonic()
    rng = random.Random(seed)
    result = SoakResult()
    corpus = make_corpus(workdir / "corpus", copies)
    index = workdir / "index"
    if kill_window is None:  # as long as a clean ingest takes on this machine
        code, result.clean_ingest_s = ingest(corpus[0].parent, workdir / "timing-index")
        if code != 0:
            raise RuntimeError(f"a clean ingest failed (exit {code})")
        shutil.rmtree(workdir / "timing-index")
        kill_window = (1.5, max(2.0, result.clean_ingest_s * 0.7))
    for round_no in range(1, kills + 1):
        edit_some(corpus, rng, round_no)
        # a round redoes about half the corpus; the first ~1.5 s load the model and index
        delay: float | None = rng.uniform(*kill_window)
        point = None
        if round_no % 2 == 0:  # every other kill lands right after a store write, in turn
            name = WRITE_POINTS[(round_no // 2 - 1) % len(WRITE_POINTS)]
            nth = rng.randint(1, 3) if name in ("add_chunks", "commit") else 1
            point, delay = f"{name}:{nth}", None
        code, _ = ingest(corpus[0].parent, index, kill_after=delay, point=point)
        result.kills += 1
        where = point or f"{delay:.2f} s"
        if code != -signal.SIGKILL:
            result.finished_before_kill += 1
        result.kill_points.append(where if code == -signal.SIGKILL else f"{where} (finished)")
        checked = check_in_fresh_process(index)
        if verbose:
            seen = {k: v for k, v in checked.items() if k != "state"}
            print(f"kill {round_no} at {where} (exit {code}): {seen}", file=sys.stderr)
        if checked["problems"]:
            result.inconsistencies += 1
            result.details.append(f"round {round_no} (kill at {where}): {checked['problems']}")
        if checked["orphans"]:
            result.rounds_with_orphans += 1
            result.max_orphans = max(result.max_orphans, checked["orphans"])
    code, _ = ingest(corpus[0].parent, index)  # the restart that finishes the work
    final = check_in_fresh_process(index)
    ingest(corpus[0].parent, workdir / "clean-index")
    clean = check_in_fresh_process(workdir / "clean-index")
    result.final_matches_clean = (
        code == 0 and not final["problems"] and final.get("state") == clean.get("state")
    )
    if not result.final_matches_clean:
        result.details.append(f"final ingest exit {code}; problems {final['problems']}")
    result.elapsed_s = round(time.monotonic() - started, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=25)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--copies", type=int, default=2, help="corpus copies (7 files each)")
    parser.add_argument("--check", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--die-at", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.die_at:  # run `rag` with a self-kill after a store write (see die_at)
        point, nth = args.die_at.split(":")
        die_at(point, int(nth))
        from rag.cli.main import app

        app(rest, prog_name="rag")
        return
    if args.check:
        print(json.dumps(check_index(args.check)))
        return
    with tempfile.TemporaryDirectory(prefix="crash-soak-") as tmp:
        result = soak(args.kills, args.seed, Path(tmp), args.copies, verbose=True)
    print(json.dumps(asdict(result), indent=2))
    sys.exit(0 if result.inconsistencies == 0 and result.final_matches_clean else 1)


if __name__ == "__main__":
    main()
