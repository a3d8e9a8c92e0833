"""Questions to cited answers: retrieval, then the offline engine or the LLM chain,
then citation checks, accounting and the audit log."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel

from rag.audit import AuditLog
from rag.embeddings import make_embeddings
from rag.errors import ConfigError, RagError
from rag.evidence import CANDIDATE_SENTENCES, Sentence, SentenceVectors, score_sentences
from rag.followup import History, last_user_turn, standalone
from rag.forces import forces_in, unknown_forces_in, without_forces
from rag.offline import MAX_FORCES, Draft, abstain, offline_answer
from rag.retrieval import HybridSearcher, Passage
from rag.schemas import Answer, Mode
from rag.service import open_read_store
from rag.settings import Settings
from rag.store import IndexStore

_CROSS_FORCE = re.compile(
    r"\b(which|what|all|any|each|both|several|many|other)\s+(\w+\s+)?forces\b|\bforces'|"
    r"\b(compare|comparison|across|between)\b",
    re.IGNORECASE,
)
PER_FORCE_K = 3
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


class Engine:
    """Shared by the CLI and the app: one per index and settings."""

    def __init__(
        self,
        settings: Settings,
        embeddings: Embeddings | None = None,
        store: IndexStore | None = None,
        chat_model: BaseChatModel | None = None,
    ) -> None:
        self.settings = settings
        self.embeddings = embeddings or make_embeddings(settings)
        self.store = store or open_read_store(settings)
        self.searcher = HybridSearcher(self.store, self.embeddings)
        self.vectors = SentenceVectors(self.embeddings)
        self.sentence_limit: int | None = CANDIDATE_SENTENCES  # None: embed every sentence
        self.audit = AuditLog(settings.index_dir / "audit.sqlite")
        self._chat_model: BaseChatModel | None = chat_model

    @property
    def forces(self) -> list[str]:
        return self.searcher.snapshot.forces

    def require_documents(self) -> None:
        """Refuse to work on an empty index, saying how to fill it."""
        if not len(self.searcher.snapshot):
            where = self.settings.chroma_url or self.settings.index_dir
            raise RagError(f"The index at {where} is empty: add documents with `rag ingest PATH`.")

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

    def resolve_mode(self, mode: str | None) -> Mode:
        mode = mode or self.settings.mode
        if mode == "llm" and not self.settings.llm_configured:
            raise ConfigError(
                "LLM mode needs OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (a compatible server); "
                "set one, or use --mode offline."
            )
        if mode == "auto":
            return "llm" if self.settings.llm_configured else "offline"
        return "llm" if mode == "llm" else "offline"

    # --- retrieval -------------------------------------------------------------------
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
        if not named and history:
            previous = last_user_turn(history)
            named = forces_in(previous, known)[:1] if previous and searched != question else []
        if not named and (unknown := unknown_forces_in(question, known)):
            return Evidence(
                searched, None, False, [], [], f"The indexed documents do not cover {unknown[0]}."
            )
        per_force = len(named) > 1 or (not named and bool(_CROSS_FORCE.search(question)))
        topic = without_forces(question, named)
        vector = self.embeddings.embed_query(topic)
        if searched != question:  # a follow-up: its own words lead, the previous turn adds context
            context = self.embeddings.embed_query(without_forces(searched, named))
            mixed = np.asarray(vector) + 0.5 * np.asarray(context)
            vector = list(mixed / np.linalg.norm(mixed))
        searched = topic
        if per_force:
            groups = [
                self.searcher.search(searched, PER_FORCE_K, f, query_vector=vector)
                for f in (named or known)
            ]
            if not named and len(groups) > CROSS_FORCE_LIMIT:
                groups = sorted(groups, key=lambda g: -max((p.similarity for p in g), default=-2))
                groups = groups[:CROSS_FORCE_LIMIT]
            passages = [p for group in groups for p in group]
        else:
            target = named[0] if named else None
            passages = self.searcher.search(searched, k, target, query_vector=vector)
        sentences = score_sentences(
            searched,
            vector,
            passages,
            self.vectors,
            self.searcher.snapshot.bm25.term_weight,
            self.sentence_limit,
        )
        return Evidence(
            searched, named[0] if len(named) == 1 else None, per_force, passages, sentences
        )

    # --- answers ---------------------------------------------------------------------
    def ask(
        self,
        question: str,
        force: str | None = None,
        mode: str | None = None,
        history: History | None = None,
    ) -> Answer:
        started = time.perf_counter()
        resolved = self.resolve_mode(mode)
        evidence = self.gather(question, force, history)
        draft = self.offline_draft(evidence)
        answer = Answer(
            question=question,
            answer=draft.text,
            abstained=draft.abstained,
            mode="offline",
            citations=draft.citations,
            latency_ms=round((time.perf_counter() - started) * 1000, 2),
            standalone_question=evidence.question,
        )
        prompt = raw = None
        if resolved == "llm":
            from rag.llm_answering import llm_answer  # the LLM stack loads only when used

            answer, prompt, raw = llm_answer(self, question, evidence, answer, history, started)
        self.log("ask", question, force, evidence.passages, answer, prompt, raw)
        return answer

    def chat_model(self) -> BaseChatModel:
        """The chat model, created once per engine (its HTTP client is reused)."""
        if self._chat_model is None:
            from rag.llm import make_chat_model

            self._chat_model = make_chat_model(self.settings)
        return self._chat_model

    def offline_draft(self, evidence: Evidence) -> Draft:
        if evidence.refusal:
            return abstain(evidence.refusal)
        return offline_answer(
            evidence.sentences,
            self.settings.offline_min_score,
            evidence.per_force,
            evidence.question,
        )

    def log(
        self,
        kind: str,
        question: str,
        force: str | None,
        passages: Sequence[Passage],
        answer: Answer,
        prompt: str | None = None,
        raw_reply: str | None = None,
    ) -> None:
        self.audit.record(
            kind,
            question,
            answer.mode,
            [
                {
                    "chunk_id": p.chunk_id,
                    "source": p.metadata.get("source"),
                    "force": p.force,
                    "paragraph": p.paragraph,
                    "score": round(p.score, 5),
                    "similarity": round(p.similarity, 4),
                }
                for p in passages
            ],
            answer.to_json(),
            force=force,
            prompt=prompt,
            raw_reply=raw_reply,
            usage=answer.usage.model_dump(),
            latency_ms=answer.latency_ms,
        )
