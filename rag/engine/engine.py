"""Questions to cited answers: retrieval, then the offline engine or the LLM chain,
then citation checks, accounting and the audit log."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel

from rag.answer.citations import locate
from rag.answer.offline import MAX_FORCES, Draft, abstain, offline_answer
from rag.core.errors import ConfigError, RagError
from rag.core.settings import Settings
from rag.core.types import Answer, Citation, Mode
from rag.engine.audit import AuditLog
from rag.index.embeddings import make_embeddings
from rag.index.read import open_read_store
from rag.index.store import DocumentRecord, IndexStore
from rag.retrieve.evidence import CANDIDATE_SENTENCES, Sentence, SentenceVectors, score_sentences
from rag.retrieve.followup import History, standalone
from rag.retrieve.forces import forces_in, unknown_forces_in, without_forces
from rag.retrieve.search import HybridSearcher, Passage

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


def _forces_followed(history: History, known: Sequence[str]) -> list[str]:
    """The forces a follow-up leans on: those the latest question naming any named, else
    the one the last answer was about (when it was about exactly one)."""
    for turn in reversed(history):
        if turn.get("role") == "user" and (named := forces_in(turn.get("content", ""), known)):
            return named
    replies = [t.get("content", "") for t in history if t.get("role") == "assistant"]
    answered = forces_in(replies[-1], known) if replies else []
    return answered if len(answered) == 1 else []


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
        # a model given by the caller serves both plain and streamed answers
        self._chat_models: dict[bool, BaseChatModel] = (
            {False: chat_model, True: chat_model} if chat_model else {}
        )
        self._cited_documents: dict[str, DocumentRecord] = {}
        self._lock = threading.Lock()

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

    def source_context(self, citation: Citation) -> tuple[str, tuple[int, int] | None]:
        """The paragraph a citation points into, and the quote's span in it (None if the
        quote cannot be found, e.g. the document was replaced since the answer)."""
        record = self._cited_documents.get(citation.document_id)
        if record is None:
            record = self.store.document(citation.source, with_text=True)
            if record is None or record.document_id != citation.document_id:
                return citation.quote, None
            # a document id is its content's hash: the text under it never changes
            with self._lock:
                self._cited_documents[record.document_id] = record
                while len(self._cited_documents) > 32:
                    self._cited_documents.pop(next(iter(self._cited_documents)))
        offset = citation.char_start
        if offset is None:  # an LLM citation located by paragraph only
            spans = [(p.start, p.end) for p in record.paragraphs if p.number == citation.paragraph]
        else:  # every paragraph the quote touches
            # the quote's end in the document (its spacing or quote marks may differ)
            window = record.text[offset : offset + 2 * len(citation.quote) + 64]
            found = locate(citation.quote, window)
            last = offset + (found[1] if found else max(len(citation.quote), 1))
            touched = [p for p in record.paragraphs if p.start < last and offset < p.end]
            spans = [(p.start, p.end) for p in touched]
        if not spans:
            return citation.quote, None
        text = record.text[spans[0][0] : spans[-1][1]]
        return text, locate(citation.quote, text)

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
        if not named and (unknown := unknown_forces_in(question, known)):
            return Evidence(
                searched, None, False, [], [], f"The indexed documents do not cover {unknown[0]}."
            )
        cross_force = not named and bool(_CROSS_FORCE.search(question))
        if not named and not cross_force and history and searched != question:
            named = _forces_followed(history, known)  # "their", "it": the forces of before
        per_force = len(named) > 1 or cross_force
        topic = without_forces(question, named)
        vector = self.embeddings.embed_query(topic)
        if searched != question:  # a follow-up: its own words lead, the previous turn adds context
            context = self.embeddings.embed_query(without_forces(searched, named))
            mixed = np.asarray(vector) + 0.5 * np.asarray(context)
            vector = list(mixed / np.linalg.norm(mixed))
        searched = topic
        if per_force:
            scores = self.searcher.scores(topic, vector)  # once for every force
            groups = [
                self.searcher.search(searched, PER_FORCE_K, f, scores=scores)
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
        on_text: Callable[[str], None] | None = None,
    ) -> Answer:
        """A cited answer. In LLM mode ``on_text`` receives the answer's text as it streams
        (a preview: the returned answer, checked and renumbered, is what to show at the end)."""
        return self.answer_with_evidence(question, force, mode, history, on_text)[0]

    def answer_with_evidence(
        self,
        question: str,
        force: str | None = None,
        mode: str | None = None,
        history: History | None = None,
        on_text: Callable[[str], None] | None = None,
    ) -> tuple[Answer, Evidence]:
        """Like :meth:`ask`, also returning what retrieval found (the evaluation scores
        retrieval from it instead of searching a second time)."""
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
            # the LLM stack loads only when used
            from rag.llm.answering import llm_answer, streamed_with

            ask = {}
            if on_text:
                ask["ask"] = streamed_with(on_text, self.chat_model(streaming=True))
            answer, prompt, raw = llm_answer(
                self, question, evidence, answer, history, started, **ask
            )
        self.log("ask", question, force, evidence.passages, answer, prompt, raw)
        return answer, evidence

    def chat_model(self, streaming: bool = False) -> BaseChatModel:
        """The chat model, created once per engine and kind (its HTTP client is reused)."""
        with self._lock:
            if streaming not in self._chat_models:
                from rag.llm.answers import make_chat_model

                self._chat_models[streaming] = make_chat_model(self.settings, streaming=streaming)
            return self._chat_models[streaming]

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
