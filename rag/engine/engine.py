"""The engine the CLI, the app and the evaluation share: one per index and settings.

It answers through the offline engine or the LangChain answer chain (``rag.llm.chain``;
the mode is resolved by ``Settings.answer_mode``), briefs and locates citations, and
records every answer in the audit log. The LLM stage is imported inside the methods
that use it: importing it (openai, langchain_openai) costs more than a whole offline
answer, and offline commands never need it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings

from rag.answer.briefing import offline_briefing
from rag.answer.grades import GradeGroup, grouped, passage_grades
from rag.answer.offline import offline_result
from rag.answer.question import analyse
from rag.core.errors import RagError
from rag.core.settings import Settings
from rag.core.types import Answer, Briefing, Mode
from rag.engine.audit import AuditLog
from rag.index.embeddings import make_embeddings
from rag.index.opening import open_read_store
from rag.index.store import IndexStore
from rag.retrieve.followup import History
from rag.retrieve.gather import Evidence, Retrieval
from rag.retrieve.search import Passage

if TYPE_CHECKING:  # importing LangChain's chat models costs 0.6 s that offline never needs
    from langchain_core.language_models import BaseChatModel
    from langchain_core.runnables import Runnable, RunnableConfig


class Engine(Retrieval):
    """Retrieval on one index, plus answers in either mode, briefings and the audit log."""

    def __init__(
        self,
        settings: Settings,
        embeddings: Embeddings | None = None,
        store: IndexStore | None = None,
        chat_model: BaseChatModel | None = None,
    ) -> None:
        self.settings = settings
        super().__init__(
            store or open_read_store(settings),
            embeddings or make_embeddings(settings),
            where=settings.chroma_url or str(settings.index_dir),
        )
        self.audit = AuditLog(settings.index_dir / "audit.sqlite")
        self._chat_model = chat_model  # made from the settings when first needed
        self._chain: Runnable[dict[str, Any], Answer] | None = None
        self._lock = threading.Lock()
        self._grades: tuple[object, dict[str, list[GradeGroup]]] = (None, {})

    def resolve_mode(self, mode: str | None) -> Mode:
        return self.settings.answer_mode(mode)

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
        self.check_question(question, history)
        resolved = self.resolve_mode(mode)
        evidence = self.gather(question, force, history)
        if resolved == "offline":
            grades = self.asked_grades(evidence)
            answer = offline_result(
                question, evidence, self.settings.offline_min_score, started, grades
            )
            self.log("ask", question, force, evidence.passages, answer)
            return answer, evidence
        from rag.llm.audit_trail import AuditTrail  # LLM mode only

        trail = AuditTrail()
        request = {
            "question": question,
            "force": force,
            "history": list(history or []),
            "evidence": evidence,  # searched once: the chain's retriever is not asked again
        }
        config: RunnableConfig = {"callbacks": [trail]}
        if on_text is None:
            answer = self.answer_chain().invoke(request, config)
        else:
            answer = None
            for item in self.answer_chain().stream(request, config):
                if isinstance(item, str):
                    on_text(item)
                else:
                    answer = item
            if answer is None:
                raise RagError("The answer stream ended without an answer.")
        self.log("ask", question, force, evidence.passages, answer, trail.prompt, trail.raw)
        return answer, evidence

    def check_question(self, question: str, history: History | None = None) -> None:
        """Refuse a question longer than the setting allows (pasted text, or hostile
        input that would make every pattern run long), naming the setting; a follow-up's
        earlier questions are read with it, so they are held to the same bound."""
        limit = self.settings.max_question_chars
        asked = [question] + [
            t.get("content", "") for t in history or [] if t.get("role") == "user"
        ]
        longest = max(asked, key=len)
        if len(longest) > limit:
            which = "question" if longest is question else "earlier question in the history"
            raise RagError(
                f"The {which} is {len(longest):,} characters long; the longest accepted is "
                f"{limit:,} (RAG_MAX_QUESTION_CHARS). Ask it in fewer words."
            )

    def stated_grades(self, force: str) -> list[GradeGroup]:
        """The grades the force's documents state (the overall grade first), with the
        sentences stating each; read once per force and index snapshot."""
        snapshot = self.searcher.snapshot
        with self._lock:
            if self._grades[0] is not snapshot:
                self._grades = (snapshot, {})
            cached = self._grades[1].get(force)
        if cached is None:
            cached = grouped(passage_grades(self.force_passages(force)))
            with self._lock:
                if self._grades[0] is snapshot:
                    self._grades[1][force] = cached
        return cached

    def asked_grades(self, evidence: Evidence) -> list[GradeGroup]:
        """The stated grades when the question asks a grade: the force's, or, across
        forces, those of every force it names (all the indexed forces when it names none:
        "which forces were graded inadequate at ...")."""
        if evidence.refusal or analyse(evidence.question).kind != "grade":
            return []
        if evidence.per_force:
            return [g for f in evidence.named or self.forces for g in self.stated_grades(f)]
        return self.stated_grades(evidence.force) if evidence.force else []

    def answer_chain(self) -> Runnable[dict[str, Any], Answer]:
        """The LangChain answer chain over this index and chat model, built once."""
        with self._lock:
            if self._chain is None:
                from rag.llm.chain import answer_chain  # LLM mode only
                from rag.llm.model_calls import make_chat_model

                if self._chat_model is None:
                    self._chat_model = make_chat_model(self.settings)
                self._chain = answer_chain(self, self.settings, self._chat_model, self.asked_grades)
            return self._chain

    def chat_model(self) -> BaseChatModel:
        """The chat model, created once per engine (its HTTP client is reused)."""
        self.answer_chain()
        assert self._chat_model is not None
        return self._chat_model

    def brief(self, force: str, mode: str | None = None) -> Briefing:
        """The briefing on a force named in any spelling the user might type, in the mode
        asked. Raises RagError naming the indexed forces when the force is not among them."""
        self.require_documents()
        resolved = self.resolve_force(force)
        if resolved is None:
            raise RagError(
                f"No documents on {force!r} are indexed; indexed forces: "
                f"{', '.join(self.forces) or 'none'}."
            )
        passages = self.force_passages(resolved)
        offline = offline_briefing(resolved, passages, self.inspectors().get(resolved))
        if self.resolve_mode(mode) == "offline":
            return offline
        from rag.llm.briefing import llm_briefing  # LLM mode only

        return llm_briefing(self.chat_model(), resolved, passages, offline, self.settings)

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
