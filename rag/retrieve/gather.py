"""Evidence for a question: which forces it is about, the passages retrieved for it
(one search, or one per force for a cross-force question) and their sentences scored.

:class:`Retrieval` is the retrieval function every answer mode uses: the offline
engine quotes its sentences, the LLM chain shows them to the model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.core.errors import RagError
from rag.index.store import IndexStore
from rag.retrieve.asked import (
    OFFICE_K,
    RECOMMENDATION_K,
    defined_term,
    office_query,
    recommendation_query,
)
from rag.retrieve.evidence import CANDIDATE_SENTENCES, Sentence, SentenceVectors, score_sentences
from rag.retrieve.followup import History, standalone
from rag.retrieve.forces import forces_in, unknown_forces_in, without_forces
from rag.retrieve.search import HybridSearcher, Passage
from rag.retrieve.variants import expanded

MAX_FORCES = 6  # cross-force answers quote one sentence per force, at most this many

_CROSS_FORCE = re.compile(
    r"\b(which|what|all|any|each|both|several|many|other)\s+(\w+\s+)?forces\b|\bforces'|"
    r"\b(compare|comparison|across|between)\b",
    re.IGNORECASE,
)
# "Nationally", "across England and Wales": the national picture, which documents about
# no single force give (a force's own figure is not the national one)
_NATIONAL = re.compile(
    r"\b(nationally|national picture|across (?:england and wales|the country|all forces|"
    r"the police service)|in england and wales|the country as a whole|"
    r"the (?:police )?service as a whole|policing as a whole|all 43 (?:police )?forces|"
    # a national document named as the source: "which forces did the national report name?"
    r"the (?:national|annual) (?:report|assessment)|the state of policing)\b",
    re.IGNORECASE,
)
# Weaker cues of the national picture: they give way to a cross-force question ("which
# forces are below the national average?"), and a force's "national standard" is not one.
_NATIONAL_CUE = re.compile(
    r"\bnational\b(?!\s+(?:standards?|guidance|average|targets?|polic(?:y|ies)))|"
    r"\bstate of policing\b|\bchief inspector of constabulary\b|\bannual assessment\b",
    re.IGNORECASE,
)
PER_FORCE_K = 3
DEFINITION_K = 2  # passages searched for the term a "what is X?" question defines
NO_FORCE = {"force": None}  # the chunks of documents that name no force
# A cross-force question naming no force: only the forces whose best passage is closest
# to the question go on to sentence scoring (the answer quotes at most MAX_FORCES).
CROSS_FORCE_LIMIT = 2 * MAX_FORCES


@dataclass
class Evidence:
    """What retrieval found for a question."""

    question: str  # as searched (follow-ups made standalone)
    force: str | None
    per_force: bool
    passages: list[Passage]
    sentences: list[Sentence]
    refusal: str | None = None  # why the question cannot be answered at all
    # the documents' vocabulary (term -> IDF): how specific each word of a question is
    vocabulary: Mapping[str, float] = field(default_factory=dict)
    # a document's whole text by id: whether it speaks of a thing at all (None: unknown)
    document_text: Callable[[str], str] | None = None
    named: tuple[str, ...] = ()  # the forces the question names (or a follow-up leans on)


def _forces_followed(history: History, known: Sequence[str]) -> list[str]:
    """The forces a follow-up leans on: those the latest question naming any named, else
    the one the last answer was about (when it was about exactly one)."""
    for turn in reversed(history):
        if turn.get("role") == "user" and (named := forces_in(turn.get("content", ""), known)):
            return named
    replies = [t.get("content", "") for t in history if t.get("role") == "assistant"]
    answered = forces_in(replies[-1], known) if replies else []
    return answered if len(answered) == 1 else []


class Retrieval:
    """Searches one index: forces, passages and scored sentences for a question."""

    def __init__(self, store: IndexStore, embeddings: Embeddings, where: str) -> None:
        self.store = store
        self.embeddings = embeddings
        self.searcher = HybridSearcher(store, embeddings)
        self.vectors = SentenceVectors(embeddings)
        self.sentence_limit: int | None = CANDIDATE_SENTENCES  # None: embed every sentence
        self.where = where  # the index's location, for messages

    @property
    def forces(self) -> list[str]:
        return self.searcher.snapshot.forces

    def require_documents(self) -> None:
        """Refuse to work on an empty index, saying how to fill it."""
        if not len(self.searcher.snapshot):
            raise RagError(
                f"The index at {self.where} is empty: add documents with `rag ingest PATH`."
            )

    def resolve_force(self, name: str) -> str | None:
        """An indexed force from a user's spelling: exact, any case, or the place name alone."""
        known = self.forces
        if name in known:
            return name
        lowered = {f.lower(): f for f in known}
        if name.strip().lower() in lowered:
            return lowered[name.strip().lower()]
        named = forces_in(name, known)
        return named[0] if len(named) == 1 else None

    def inspectors(self) -> dict[str, str]:
        """The inspector named for each force, where a document names one."""
        return self.searcher.snapshot.inspectors

    def force_passages(self, force: str) -> list[Passage]:
        """Every live chunk of the force's documents, in document order."""
        snap = self.searcher.snapshot
        return [
            snap.passage(row) for row in snap.chunks(snap.document_ids({"force": force}) or set())
        ]

    def gather(
        self, question: str, force: str | None = None, history: History | None = None, k: int = 6
    ) -> Evidence:
        self.require_documents()
        searched = standalone(question, history)
        known = self.forces
        if force:
            resolved = self.resolve_force(force)
            if resolved is None:
                return Evidence(
                    searched, force, False, [], [], f"No documents on {force} are indexed."
                )
            force = resolved
        named = [force] if force else forces_in(question, known)
        if not named and (unknown := unknown_forces_in(question, known)):
            return Evidence(
                searched, None, False, [], [], f"The indexed documents do not cover {unknown[0]}."
            )
        asks_forces = bool(_CROSS_FORCE.search(question))
        national = not named and bool(
            _NATIONAL.search(question) or (_NATIONAL_CUE.search(question) and not asks_forces)
        )
        cross_force = not named and not national and asks_forces
        if (
            not named
            and not cross_force
            and not national
            and history
            and not defined_term(question)
        ):
            # "their", "it", or no force at all ("were any areas left ungraded?"): in a
            # conversation, the forces of before
            named = _forces_followed(history, known)
        per_force = len(named) > 1 or cross_force
        topic = without_forces(question, named)
        query = expanded(topic)  # "PCSOs" searched as "police community support officers" too
        vector = self.embeddings.embed_query(query)
        if searched != question:  # a follow-up: its own words lead, the previous turn adds context
            context = self.embeddings.embed_query(without_forces(searched, named))
            mixed = np.asarray(vector) + 0.5 * np.asarray(context)
            vector = list(mixed / np.linalg.norm(mixed))
        searched = topic
        if per_force:
            scores = self.searcher.scores(query, vector)  # once for every force
            groups = [
                self.searcher.search(searched, PER_FORCE_K, f, scores=scores)
                for f in (named or known)
            ]
            if not named:  # documents about no single force (national reports) are a group too
                groups.append(
                    self.searcher.search(searched, PER_FORCE_K, where=NO_FORCE, scores=scores)
                )
                groups = [g for g in groups if g]
            if not named and len(groups) > CROSS_FORCE_LIMIT:
                groups = sorted(groups, key=lambda g: -max((p.similarity for p in g), default=-2))
                groups = groups[:CROSS_FORCE_LIMIT]
            passages = [p for group in groups for p in group]
        else:
            target = named[0] if named else None
            scope = NO_FORCE if national else None
            passages = (
                self.searcher.search(query, k, where=scope, query_vector=vector) if national else []
            )
            if not passages:  # not national, or no national documents indexed
                scope = None
                passages = self.searcher.search(query, k, target, query_vector=vector)
            # "In the PEEL programme, what is Engage?"; "what was it told to do about X?"
            wanted = (
                (defined_term(topic), DEFINITION_K),
                (recommendation_query(topic), RECOMMENDATION_K),
                (office_query(topic), OFFICE_K),
            )
            for extra_query, extra_k in wanted:
                if extra_query:
                    seen = {p.chunk_id for p in passages}
                    extra = self.searcher.search(extra_query, extra_k, target, where=scope)
                    passages += [p for p in extra if p.chunk_id not in seen]
        snap = self.searcher.snapshot
        sentences = score_sentences(
            searched,
            vector,
            passages,
            self.vectors,
            snap.lexicon.bm25.term_weight,
            self.sentence_limit,
        )
        return Evidence(
            searched,
            named[0] if len(named) == 1 else None,
            per_force,
            passages,
            sentences,
            vocabulary=snap.lexicon.bm25.idf,
            document_text=snap.document_text,
            named=tuple(named),
        )
