"""The offline answer engine: verbatim, cited sentences from the documents, or an abstention.

Deterministic and model-free apart from the embedding model. It quotes the
sentences that best answer the question, each with a citation, and abstains
with the shared phrase when the best evidence scores below a threshold
calibrated on the evaluation set (see ``evals/README.md``), or when no candidate
holds what the question asks for (``question.py``) in a document that speaks of it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rag.answer.citations import citation_for
from rag.answer.compose import spans_for
from rag.answer.grade_patterns import GradeGroup
from rag.answer.question import MEASURED, Question, analyse
from rag.answer.speakers import WINDOW, asker_speaks, said_by
from rag.answer.stated_grades import (
    BULLET,
    MAX_SENTENCES,
    asks_grade_across,
    grades_asked,
    ungraded,
)
from rag.answer.values import (
    ASKED_IN_TEXT,
    NO_FIGURE,
    NO_NAME,
    NO_REASON,
    OUTCOME_UNKNOWN,
    STATES_CHANGE,
    YES_NO,
    prints_withdrawn,
    withdrawn_figures,
)
from rag.core.safe_text import addressed_to_a_model
from rag.core.types import CANNOT_ANSWER, Answer, Citation
from rag.retrieve.evidence import Sentence
from rag.retrieve.gather import MAX_FORCES, Evidence

NO_GRADE = "no grade for this area was found in its documents."
MARGIN = 0.12  # a further sentence must score within this of the best one
# "Which areas were not graded?" is answered only by a sentence saying so ("did not grade
# its leadership"), whose words are the question's generic ones: it may score this share
# of the threshold
UNGRADED_SCORE_SHARE = 0.5


@dataclass
class Draft:
    """An answer before accounting: its text and verified citations."""

    text: str
    citations: list[Citation]
    abstained: bool


def abstain(reason: str | None = None) -> Draft:
    return Draft(f"{CANNOT_ANSWER} {reason}".strip() if reason else CANNOT_ANSWER, [], True)


def answering_span(
    sentence: Sentence, question: Question, idf: Mapping[str, float]
) -> Sentence | None:
    """The shortest span around the sentence that holds what the question asks for
    (for a "why" question, the shortest that words a reason, if one does; for a question
    asking no kind of value, a thing introduced with the sentence describing it)."""
    fitting = [
        c
        for c in spans_for(sentence)
        if question.answered_by(c.evidence, idf)
        and not (c.whole_list and question.kind)
        and (question.kind == "reason" or not c.continued)
    ]
    if question.kind == "reason":
        fitting.sort(key=lambda c: not question.explains(c.evidence))  # stable: shortest first
    elif question.kind is None:  # "what's in the plan?": the plan with what it includes;
        fitting.sort(key=lambda c: not (c.described or c.whole_list))  # a lead-in, its list
    return fitting[0].span if fitting else None


def choose(
    sentences: Sequence[Sentence],
    min_score: float,
    per_force: bool,
    question: str = "",
    idf: Mapping[str, float] | None = None,
    document_text: Callable[[str], str] | None = None,
) -> list[Sentence]:
    """The best answering span, plus close runners-up (or the best per force, across
    forces). Only sentences scoring at least ``min_score`` are considered, best first,
    and only from documents that use the question's terms of art (``document_text``)."""
    asked = analyse(question)
    idf = idf or {}
    speaks: dict[str, bool] = {}

    withdrawn: dict[str, frozenset[str]] = {}

    def corrected(span: Sentence) -> bool:  # a figure the document's correction withdraws
        if document_text is None:
            return False
        doc = span.passage.document_id
        if doc not in withdrawn:
            withdrawn[doc] = withdrawn_figures(document_text(doc))
        return prints_withdrawn(span.text, withdrawn[doc])

    def speaks_of_it(document_id: str) -> bool:
        if document_text is None:
            return True
        if document_id not in speaks:
            speaks[document_id] = asked.terms_of_art_in(document_text(document_id))
        return speaks[document_id]

    chosen: list[Sentence] = []
    taken: list[Sentence] = []
    forces: set[str | None] = set()
    best: float | None = None
    if asked.kind == "ungraded":  # its words are the generic "grade", "area": it scores
        min_score *= UNGRADED_SCORE_SHARE  # low, and the kind check itself is strict
    top = [s for s in sentences if s.score >= max(min_score, _best(sentences) - MARGIN)]
    near = max(min_score, _best(sentences) - 2 * MARGIN)
    if (
        asked.kind is None
        and YES_NO.match(asked.text)
        and any(
            s.score >= near
            and OUTCOME_UNKNOWN.search(s.text)
            and (s in top or asked.mentions_focus(s.text, idf))
            and speaks_of_it(s.passage.document_id)
            for s in sentences
        )
        and not any(STATES_CHANGE.search(s.text) for s in top)
    ):
        # "has it cut sick days?": "I will be interested to see whether it does" (among the
        # best, or a little below them when it names what was asked about)
        return []
    for sentence in sentences:
        if sentence.score < min_score:
            break
        if best is not None and not per_force and sentence.score < best - MARGIN:
            break
        if per_force and sentence.passage.force in forces:
            continue
        if not speaks_of_it(sentence.passage.document_id):
            continue
        if not chosen and _says_unknown(asked, sentence, sentences[0], idf):
            return []  # the best evidence says the figure is not known: the documents do not say
        span = answering_span(sentence, asked, idf)
        if span is None or any(_overlaps(span, t) for t in taken):
            continue
        if sentence.passage.force is None and not asked.names_forces_asked(span.text):
            continue  # "which forces ...?": a national report's "in six forces" names none
        if per_force and not asked.picks_out_force(span.text, idf):
            continue  # "which forces lack vetting?": not each force's best sentence
        if not per_force and not asked.names_other_force(span.text, sentence.passage.force):
            continue  # "which neighbouring forces does it work with?": another force, named
        if corrected(span):
            continue  # "40 per cent" where a correction says the report says 34 per cent
        if ASKED_IN_TEXT.search(span.text) or asker_speaks(span.passage.text, span.start, span.end):
            continue  # a question the document asks (a presenter's "That's the top grade,
            # isn't it?") states nothing
        if not said_by(asked.speakers, span.text, _lead_in_text(span)):
            continue  # "how did the commissioner react?": the report's finding is not that
        if addressed_to_a_model(span.text):
            continue  # planted text speaking to a model ("ignore previous ..."), not a finding
        if asked.kind == "reason" and NO_REASON.search(span.text) and not chosen:
            return []  # the best answer says nobody knows why: the documents do not say
        best = sentence.score if best is None else best
        forces.add(sentence.passage.force)
        chosen.append(span)
        taken.append(span)
        if len(chosen) >= (MAX_FORCES if per_force else MAX_SENTENCES):
            break
    return chosen


def _best(sentences: Sequence[Sentence]) -> float:
    return sentences[0].score if sentences else 0.0


def _says_unknown(
    asked: Question, sentence: Sentence, best: Sentence, idf: Mapping[str, float]
) -> bool:
    """Whether a sentence among the best says the figure a question asks for is not known
    (of the thing asked: "does not know how many victims withdraw" says nothing of officers)."""
    if sentence.score < best.score - MARGIN:
        return False
    if asked.kind == "person":  # "what's the name of the woman ...?": "asked not to be named"
        return NO_NAME.search(sentence.text) is not None and asked.mentions_focus(
            sentence.text, idf
        )
    if asked.kind not in MEASURED:
        return False
    return NO_FIGURE.search(sentence.text) is not None and asked.mentions_focus(sentence.text, idf)


def _lead_in_text(span: Sentence) -> str:
    """The text before a span that may name its speaker ("X said: “...”")."""
    return span.passage.text[max(0, span.start - WINDOW) : span.start]


def _overlaps(a: Sentence, b: Sentence) -> bool:
    return a.passage.document_id == b.passage.document_id and (
        a.text in b.text or b.text in a.text or a.text == b.text
    )


_ITEM_END = re.compile(r"\s*(?:;\s*(?:and|or)?|,)\s*$")


def shown(quote: str) -> str:
    """A quote as the answer shows it: on one line, a lone list item without its bullet
    or its trailing "; and" (the citation keeps the exact text)."""
    if BULLET.match(quote) and "\n" not in quote.strip():
        quote = _ITEM_END.sub("", BULLET.sub("", quote))
    return " ".join(quote.split())


def _quoted(citations: Sequence[Citation], force: str | None) -> str:
    """``Force: “quote” [n] ...``; a document about no single force (a national report, a
    programme page) is quoted without a force, never as an "unknown" one."""
    quotes = " ".join(f"“{shown(c.quote)}” [{c.n}]" for c in citations)
    return f"{force}: {quotes}" if force else quotes


def compose(chosen: Sequence[Sentence]) -> Draft:
    """Quote each chosen sentence with its [n]; name the force once, or per quote."""
    citations = [citation_for(s, n) for n, s in enumerate(chosen, start=1)]
    forces = list(dict.fromkeys(c.force for c in citations))
    if len(forces) == 1:
        text = _quoted(citations, forces[0])
    else:
        text = "\n".join(_quoted([c], c.force) for c in citations)
    return Draft(text, citations, False)


def offline_answer(
    sentences: Sequence[Sentence],
    min_score: float,
    per_force: bool,
    question: str = "",
    idf: Mapping[str, float] | None = None,
    document_text: Callable[[str], str] | None = None,
) -> Draft:
    chosen = choose(sentences, min_score, per_force, question, idf, document_text)
    return compose(chosen) if chosen else abstain()


def draft_for(evidence: Evidence, min_score: float, grades: Sequence[GradeGroup] = ()) -> Draft:
    """The offline answer to what retrieval found: its refusal, the stated grade for the
    area asked about (``grades``: the force's, or the forces' across forces, when the
    question asks a grade), or the quoted sentences."""
    if evidence.refusal:
        return abstain(evidence.refusal)
    asked = analyse(evidence.question)
    if chosen := grades_asked(asked, grades, evidence.per_force):
        draft = compose(chosen)
        if evidence.per_force:  # "compare A and B on ...": B's silence is said, not hidden
            silent = ungraded(asked, grades, evidence.named)
            draft.text = "\n".join([draft.text, *(f"{f}: {NO_GRADE}" for f in silent)])
        return draft
    if evidence.per_force and grades and asks_grade_across(asked):
        return abstain()  # no force states the grade asked: another sentence does not either
    return offline_answer(
        evidence.sentences,
        min_score,
        evidence.per_force,
        evidence.question,
        evidence.vocabulary,
        evidence.document_text,
    )


def offline_result(
    question: str,
    evidence: Evidence,
    min_score: float,
    started: float,
    grades: Sequence[GradeGroup] = (),
) -> Answer:
    """The offline answer as the engine returns it (``started``: ``time.perf_counter()``)."""
    draft = draft_for(evidence, min_score, grades)
    return Answer(
        question=question,
        answer=draft.text,
        abstained=draft.abstained,
        mode="offline",
        citations=draft.citations,
        latency_ms=round((time.perf_counter() - started) * 1000, 2),
        standalone_question=evidence.question,
    )
