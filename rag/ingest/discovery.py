"""Which files a run ingests, how each is named in the index, and what became of it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

Status = Literal["added", "updated", "unchanged", "rejected"]
Progress = Callable[[int, int, str], None]


@dataclass
class IngestResult:
    source: str
    status: Status
    document_id: str | None = None
    force: str | None = None
    inspector: str | None = None
    chunks: int = 0
    error: str | None = None
    note: str | None = None


@dataclass
class IngestReport:
    documents: list[IngestResult]
    embedded_chunks: int
    elapsed_s: float

    @property
    def exit_code(self) -> int:
        return 1 if any(d.status == "rejected" for d in self.documents) else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": [asdict(d) for d in self.documents],
            "embedded_chunks": self.embedded_chunks,
            "elapsed_s": round(self.elapsed_s, 3),
        }


def resolved(path: Path) -> Path:
    """``path`` with links followed; a link loop is left as it is (made absolute)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop, before Python 3.13
        return Path(os.path.abspath(path))


def source_name(path: Path) -> str:
    """How a file is named in the index and in messages: the path as given (links not
    followed, ``..`` folded), relative to the working directory when inside it."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(os.getcwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def discover(
    paths: Iterable[Path], max_files: int, skip: Path | None = None
) -> tuple[list[Path], list[IngestResult]]:
    """Files under ``paths`` (folders recursively; hidden entries, link loops and the
    ``skip`` folder, the index itself, left out)."""
    files: list[Path] = []
    problems: list[IngestResult] = []
    skipped = resolved(skip) if skip else None
    for path in paths:
        if path.is_dir():
            before = len(files)
            for root, dirs, names in os.walk(path, followlinks=False):
                dirs[:] = sorted(
                    d for d in dirs if not d.startswith(".") and resolved(Path(root, d)) != skipped
                )
                files.extend(Path(root, n) for n in sorted(names) if not n.startswith("."))
            if len(files) == before:
                problems.append(
                    IngestResult(
                        str(path), "rejected", error="a folder with no files in it; check the path"
                    )
                )
        elif path.exists():
            files.append(path)
        else:
            problems.append(
                IngestResult(str(path), "rejected", error="no such file or folder; check the path")
            )
    unique = list(dict.fromkeys(files))
    for extra in unique[max_files:]:
        problems.append(
            IngestResult(
                source_name(extra),
                "rejected",
                error=f"more than RAG_MAX_FILES={max_files} files in one run; ingest in parts",
            )
        )
    return unique[:max_files], problems
