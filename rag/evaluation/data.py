"""Evaluation datasets: the reference cases and the briefing set, read and checked.

Schemas: ``evals/README.md``. Every problem with a dataset is a :class:`BadDataset`
naming the file and line, so ``rag eval`` can say what to fix (exit code 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError

from rag.answer.citations import normalise
from rag.core.errors import ConfigError, RagError
from rag.documents.loading import SUPPORTED_SUFFIXES, read_text

# The shipped evaluation: package data, so `rag eval` works from any folder as installed
# (the repository's evals/ links here). A plain folder in every install pip makes.
SHIPPED = Path(str(files("rag.evaluation").joinpath("shipped")))
DEFAULT_DATASET = SHIPPED / "datasets" / "reference.jsonl"
DEFAULT_BRIEFINGS = SHIPPED / "datasets" / "briefings.jsonl"
# the real transcript (data/ in the repository) and the fictional ones
DEFAULT_CORPUS: tuple[Path, ...] = (SHIPPED / "transcripts", SHIPPED / "corpus")
KINDS = (
    "fact",
    "number",
    "list",
    "judgement",
    "cross-force",
    "follow-up",
    "unanswerable",
)


class BadDataset(ConfigError):
    """An evaluation dataset or corpus cannot be used; the message names the file."""


class GoldPassage(BaseModel):
    source: str
    quote: str = Field(min_length=1)
    page: int | None = Field(None, ge=1, description="The PDF page the quote is printed on.")


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class EvalCase(BaseModel):
    """One line of a reference dataset (schema: evals/README.md)."""

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    force: str | None = None
    reference_answer: str = ""
    key_facts: list[str] = Field(default_factory=list)
    gold_passages: list[GoldPassage] = Field(default_factory=list)
    answerable: bool = True
    tags: list[str] = Field(default_factory=list)
    history: list[Turn] = Field(default_factory=list)

    @property
    def kind(self) -> str | None:
        return next((t.split(":", 1)[1] for t in self.tags if t.startswith("kind:")), None)


class RequiredFinding(BaseModel):
    finding: str
    kind: Literal["strength", "improvement", "concern", "verdict"]
    evidence: str = Field(min_length=1)


class BriefingCase(BaseModel):
    """One line of a briefing dataset: what a good briefing on ``force`` must mention."""

    force: str = Field(min_length=1)
    required_findings: list[RequiredFinding] = Field(min_length=1)


Row = TypeVar("Row", bound=BaseModel)


def _read_jsonl(path: Path, model: type[Row]) -> list[tuple[int, Row]]:
    if not path.is_file():
        raise BadDataset(f"Dataset file {path} does not exist (or is not a file).")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadDataset(f"Cannot read dataset file {path}: {exc}") from None
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append((number, model.model_validate_json(line)))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "line"
            raise BadDataset(
                f"{path}:{number}: not a valid {model.__name__} ({where}: {first['msg']}); "
                "see evals/README.md for the schema."
            ) from None
    if not rows:
        raise BadDataset(f"Dataset file {path} has no cases.")
    return rows


def load_cases(path: Path) -> list[EvalCase]:
    """The cases of a reference dataset, checked for consistency (not yet against a corpus)."""
    rows = _read_jsonl(path, EvalCase)
    seen: dict[str, int] = {}
    for number, case in rows:
        where = f"{path}:{number} ({case.id})"
        if case.id in seen:
            raise BadDataset(f"{where}: id already used on line {seen[case.id]}.")
        seen[case.id] = number
        if not case.answerable and case.gold_passages:
            raise BadDataset(f"{where}: an unanswerable case cannot have gold_passages.")
        if case.answerable and not (case.key_facts or case.reference_answer):
            raise BadDataset(f"{where}: an answerable case needs key_facts or reference_answer.")
        if case.kind is not None and case.kind not in KINDS:
            raise BadDataset(f"{where}: unknown tag kind:{case.kind}; known: {', '.join(KINDS)}.")
    return [case for _, case in rows]


def load_briefings(path: Path) -> list[BriefingCase]:
    return [case for _, case in _read_jsonl(path, BriefingCase)]


def corpus_files(corpus: Sequence[Path]) -> dict[str, Path]:
    """Basename -> path of every document in the corpus folders or files."""
    found: dict[str, Path] = {}
    for root in corpus:
        if not root.exists():
            raise BadDataset(f"Evaluation corpus path {root} does not exist.")
        paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for p in paths:
            if p.suffix.lower() in SUPPORTED_SUFFIXES:
                found.setdefault(p.name, p)
    if not found:
        raise BadDataset(f"No documents in the evaluation corpus {', '.join(map(str, corpus))}.")
    return found


def check_against_corpus(
    dataset: Path,
    cases: Sequence[EvalCase],
    briefings: Sequence[BriefingCase],
    corpus: Sequence[Path],
    max_bytes: int,
) -> None:
    """Every gold quote must be in its source file (compared normalised) and every briefing's
    evidence in some document: a dataset that drifted from its corpus would score nonsense."""
    files = corpus_files(corpus)
    texts: dict[str, str] = {}

    def text_of(name: str) -> str:
        if name not in texts:
            try:
                texts[name] = normalise(read_text(files[name], max_bytes))
            except RagError as exc:
                raise BadDataset(f"Evaluation corpus file {files[name]}: {exc}") from None
        return texts[name]

    for case in cases:
        for gold in case.gold_passages:
            if gold.source not in files:
                raise BadDataset(
                    f"{dataset}: case {case.id} cites {gold.source}, which is not in the "
                    f"evaluation corpus ({', '.join(map(str, corpus))})."
                )
            if normalise(gold.quote) not in text_of(gold.source):
                raise BadDataset(
                    f"{dataset}: case {case.id}: gold quote not found in {gold.source}: "
                    f"{gold.quote[:80]!r}"
                )
    for briefing in briefings:
        for required in briefing.required_findings:
            if not any(normalise(required.evidence) in text_of(name) for name in files):
                raise BadDataset(
                    f"Briefing set: {briefing.force}: evidence not found in the corpus: "
                    f"{required.evidence[:80]!r}"
                )
