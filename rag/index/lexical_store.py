"""The BM25 index of each registry state, on disk beside the index, kept in step with ingest.

Chroma's local build has no ranked full-text search (its sparse-vector index is
Chroma Cloud only, and ``$contains`` is a filter that costs 15-40 ms a term at
10,000 chunks), so the lexical half of the search is a bm25s index in files:

- ``terms/``: each document's chunk ids and terms, written when its chunks are
  stored, so a rebuild never tokenizes or fetches again what it already has.
- ``bm25/<generation>/``: the index of exactly the documents one registry state
  names (the generation is a hash of that state), with each row's chunk id and
  document. It is written to a temporary folder and renamed into place, so a
  reader sees a whole index or none.

The registry stays the commit point: a reader asks for the generation of the
registry it read, so it never searches another state's chunks. A crash after the
registry write leaves that generation unbuilt; whoever asks first builds it (a
reader, the next ingest, or ``rag doctor --repair``), fetching from Chroma only
the documents whose terms file is missing (another machine's ingest through a
Chroma server, or an index from before this store).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from filelock import FileLock

from rag.index.bm25 import BM25Index
from rag.index.registry import DocumentRecord
from rag.index.terms import terms

FORMAT = "3"  # bump when the tokenizer or the files change: every generation is rebuilt
# 2: "IT" is a term (ict), "summons" is singular
KEEP_GENERATIONS = 3  # older ones may still be mapped by a running process (harmless on POSIX)
# records -> each one's (chunk ids, texts), by document id
Fetch = Callable[[Sequence[DocumentRecord]], dict[str, tuple[list[str], list[str]]]]


@dataclass
class Lexicon:
    """One generation's BM25 index and what each of its rows is."""

    generation: str
    bm25: BM25Index
    ids: list[str]  # chunk id per row
    documents: list[str]  # document ids, in ordinal order
    row_documents: np.ndarray  # document ordinal per row

    def mask(self, document_ids: set[str] | None) -> np.ndarray | None:
        """The rows of those documents (None: every row)."""
        if document_ids is None:
            return None
        wanted = [i for i, d in enumerate(self.documents) if d in document_ids]
        return np.isin(self.row_documents, np.asarray(wanted, dtype=np.int32))


def generation(records: Sequence[DocumentRecord]) -> str:
    """The name of a registry state: which documents, chunked how."""
    key = "\n".join(sorted(f"{r.document_id}|{r.chunker}|{r.chunks}" for r in records))
    return hashlib.sha256(f"{FORMAT}\n{key}".encode()).hexdigest()[:24]


class LexicalStore:
    """The lexical index files of one collection."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _terms_path(self, document_id: str, chunker: str) -> Path:
        tag = hashlib.sha256(chunker.encode()).hexdigest()[:8]
        return self.folder / "terms" / f"{document_id}-{tag}.json"

    def write_terms(
        self, document_id: str, chunker: str, ids: Sequence[str], texts: Sequence[str]
    ) -> None:
        """A document's chunk ids and terms (before its registry commit: unused until then)."""
        body = {"ids": list(ids), "terms": [" ".join(terms(t)) for t in texts]}
        _write_atomic(self._terms_path(document_id, chunker), json.dumps(body))

    def _saved_terms(self, record: DocumentRecord) -> tuple[list[str], list[str]] | None:
        path = self._terms_path(record.document_id, record.chunker)
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
            if len(body["ids"]) == record.chunks:
                return body["ids"], body["terms"]
        except (OSError, ValueError, KeyError):
            pass  # missing or torn: fetched again
        return None

    def _all_terms(
        self, records: Sequence[DocumentRecord], fetch: Fetch
    ) -> dict[str, tuple[list[str], list[str]]]:
        """Every record's chunk ids and terms: from its terms file, else fetched from Chroma
        (a new machine on a Chroma server fetches them all)."""
        found = {r.document_id: t for r in records if (t := self._saved_terms(r)) is not None}
        missing = [r for r in records if r.document_id not in found]

        fetched = fetch(missing) if missing else {}
        for record in missing:
            ids, texts = fetched[record.document_id]
            self.write_terms(record.document_id, record.chunker, ids, texts)
            found[record.document_id] = (ids, [" ".join(terms(t)) for t in texts])
        return found

    def open(self, records: Sequence[DocumentRecord], fetch: Fetch) -> Lexicon:
        """The index of this registry state, built first if nobody has built it yet."""
        name = generation(records)
        folder = self.folder / "bm25" / name
        if not (folder / "rows.json").is_file():
            self.folder.mkdir(parents=True, exist_ok=True)
            with FileLock(str(self.folder / "build.lock")):
                if not (folder / "rows.json").is_file():  # not built while we waited
                    self._build(records, fetch, folder)
        return _load(name, folder)

    def _build(self, records: Sequence[DocumentRecord], fetch: Fetch, folder: Path) -> None:
        ids: list[str] = []
        lists: list[list[str]] = []
        rows: list[int] = []
        documents = sorted(records, key=lambda r: r.document_id)
        every = self._all_terms(documents, fetch)
        for ordinal, record in enumerate(documents):
            chunk_ids, chunk_terms = every[record.document_id]
            ids += chunk_ids
            lists += [t.split() for t in chunk_terms]
            rows += [ordinal] * len(chunk_ids)
        temporary = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
        shutil.rmtree(temporary, ignore_errors=True)
        BM25Index(term_lists=lists).save(temporary)
        np.save(temporary / "row_documents.npy", np.asarray(rows, dtype=np.int32))
        rows_file = {"ids": ids, "documents": [r.document_id for r in documents]}
        (temporary / "rows.json").write_text(json.dumps(rows_file), encoding="utf-8")
        os.replace(temporary, folder)

    def prune(self, records: Sequence[DocumentRecord]) -> None:
        """Drop old generations and the terms of documents no longer live (only under the
        write lock, where no other ingest is writing terms files)."""
        built = sorted(
            (p for p in (self.folder / "bm25").glob("*") if p.is_dir()),
            key=lambda p: p.stat().st_mtime,
        )
        current = generation(records)
        for old in [p for p in built if p.name != current][: -KEEP_GENERATIONS or None]:
            shutil.rmtree(old, ignore_errors=True)
        live = {self._terms_path(r.document_id, r.chunker).name for r in records}
        for path in (self.folder / "terms").glob("*.json"):
            if path.name not in live:
                path.unlink(missing_ok=True)

    def is_built(self, records: Sequence[DocumentRecord]) -> bool:
        return (self.folder / "bm25" / generation(records) / "rows.json").is_file()


def _load(name: str, folder: Path) -> Lexicon:
    rows = json.loads((folder / "rows.json").read_text(encoding="utf-8"))
    return Lexicon(
        name,
        BM25Index.load(folder),
        rows["ids"],
        rows["documents"],
        np.load(folder / "row_documents.npy", mmap_mode="r"),
    )


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
