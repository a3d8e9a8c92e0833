"""The offline answer engine: verbatim, cited sentences from the documents, or an abstention.

Deterministic and model-free apart from the embedding model. It quotes the
sentences that best answer the question, each with a citation, and abstains
with the shared phrase when the best evidence scores below a threshold
calibrated on the evaluation set (see ``evals/README.md``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.citations import CANNOT_ANSWER, Citation
from rag.evidence import Sentence
from rag.lexical import stem, terms
from rag.retrieval import Passage

MAX_SENTENCES = 3  # a short answer; the citations hold the rest
MARGIN = 0.12  # a further sentence must score within this of the best one
MAX_FORCES = 6  # cross-force answers: one quote per force, at most this many


_GRADE = re.compile(
    r"\b(judge|judged|grade|graded|rate|rated|assess|assessed)\b[^.]*?\b(outstanding|good|"
    r"adequate|requires? improvement|inadequate)\b|\b(outstanding|requires? improvement|"
    r"inadequate)\b",
    re.I,
)

# What a question asks for, and what a sentence must hold to answer it. A
# "how many" question is not answered by a sentence without a number, however
# close its topic: that is the commonest way to invent an answer.
_ANSWER_TYPES: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (  # "how much money / has it saved": an amount of money, not any number
        re.compile(
            r"(?<!by )\bhow much\b[^?]*?\b(money|sav(e|es|ed|ing|ings)|cost|costs|spend|spent|"
            r"budget|reserves?|fund(s|ed|ing)?|invest(s|ed|ment)?|deficit|gap)\b",
            re.I,
        ),
        re.compile(r"[£$€]\s?\d|\b\d[\d,.]*\s?(pounds|million|billion|bn)\b", re.I),
    ),
    (
        _ASKS_NUMBER := re.compile(
            r"\b(how (many|much|long|often|far|quickly|big|large|high|low)|what (number|"
            r"percentage|proportion|share|fraction|amount|figure|sum)|by how much|how many)\b",
            re.I,
        ),
        re.compile(
            r"\d|£|\bper ?cent\b|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
            r"twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|half|quarter|"
            r"third|dozen)\b",
            re.I,
        ),
    ),
    (
        re.compile(r"\b(grade|graded|grading|rating|rated|judge[ds]?|judgement|verdict)\b", re.I),
        _GRADE,  # a graded judgement, not just the word "good"
    ),
    (
        re.compile(r"\b(when|what year|which year|what date|since when)\b", re.I),
        re.compile(
            r"\b(19|20)\d\d\b|\b(january|february|march|april|may|june|july|august|"
            r"september|october|november|december|last year|this year)\b",
            re.I,
        ),
    ),
]


# "How many officers ...": the number must count what was asked about ("three forces"
# does not answer "how many officers"). The counted words end at the verb or a preposition.
_HOW_MANY = re.compile(
    r"\bhow many\s+(.+?)(?=\s+(?:do|does|did|are|is|was|were|has|have|had|will|can|could|"
    r"would|in|at|of|on|for|across|by|per)\b|[?.,;]|$)",
    re.I,
)
_WORD = re.compile(r"[A-Za-z0-9£%]+")
_COUNT = re.compile(
    r"£?\d+%?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|hundreds|thousand|thousands|million|dozen|dozens",
    re.I,
)
_COUNT_WINDOW = 5  # words after a number that may name what it counts


def counted_terms(question: str) -> set[str]:
    """The (stemmed) words a "how many" question counts; empty if it asks no count."""
    match = _HOW_MANY.search(question)
    return set(terms(match.group(1))) if match else set()


def counts(sentence: str, counted: set[str]) -> bool:
    """Whether a number in the sentence is followed closely by a counted word, or by the
    words an abbreviation of it stands for (96 police community support officers: PCSOs)."""
    words = _WORD.findall(sentence)
    for i, word in enumerate(words):
        if not _COUNT.fullmatch(word):
            continue
        window = words[i + 1 : i + 1 + _COUNT_WINDOW]
        if counted & {stem(w.lower()) for w in window}:
            return True
        initials = "".join(w[0].lower() for w in window)
        if any(initials[:n] in counted for n in range(2, len(initials) + 1)):
            return True
    return False


def answers_type(question: str, sentence: str) -> bool:
    """Whether the sentence holds the kind of fact the question asks for."""
    for asks, holds in _ANSWER_TYPES:
        if asks.search(question):
            if holds.search(sentence) is None:
                return False
            counted = counted_terms(question) if asks is _ASKS_NUMBER else set()
            return counts(sentence, counted) if counted else True
    return True


@dataclass
class Draft:
    """An answer before accounting: its text and verified citations."""

    text: str
    citations: list[Citation]
    abstained: bool


def citation_for(sentence: Sentence, n: int) -> Citation:
    passage: Passage = sentence.passage
    meta = passage.metadata
    offset = int(meta.get("char_start", 0)) + sentence.start
    return Citation(
        n=n,
        document_id=passage.document_id,
        source=str(meta.get("source", "")),
        force=passage.force,
        paragraph=paragraph_at(passage, offset),
        quote=sentence.text,
        chunk_id=passage.chunk_id,
        char_start=offset,
    )


def paragraph_at(passage: Passage, offset: int) -> int | None:
    """The paragraph number holding a document offset (chunks may span paragraphs)."""
    for number, start, end in passage.extras.get("paragraphs", []):
        if start <= offset < end:
            return int(number)
    return passage.paragraph


def abstain(reason: str | None = None) -> Draft:
    return Draft(f"{CANNOT_ANSWER} {reason}".strip() if reason else CANNOT_ANSWER, [], True)


def choose(
    sentences: Sequence[Sentence], min_score: float, per_force: bool, question: str = ""
) -> list[Sentence]:
    """The best sentence, plus close runners-up (or the best per force, across forces)."""
    sentences = [s for s in sentences if answers_type(question, s.text)]
    if not sentences or sentences[0].score < min_score:
        return []
    best = sentences[0].score
    chosen: list[Sentence] = []
    seen_text: set[str] = set()
    forces: set[str | None] = set()
    for sentence in sentences:
        if sentence.score < min_score or sentence.text in seen_text:
            continue
        if per_force:
            if sentence.passage.force in forces:
                continue
            forces.add(sentence.passage.force)
        elif sentence.score < best - MARGIN:
            break
        chosen.append(sentence)
        seen_text.add(sentence.text)
        if len(chosen) >= (MAX_FORCES if per_force else MAX_SENTENCES):
            break
    return chosen


def compose(chosen: Sequence[Sentence]) -> Draft:
    """Quote each chosen sentence with its [n]; name the force once, or per quote."""
    citations = [citation_for(s, n) for n, s in enumerate(chosen, start=1)]
    forces = list(dict.fromkeys(c.force or "Unknown force" for c in citations))
    if len(forces) == 1:
        quotes = " ".join(f"“{c.quote}” [{c.n}]" for c in citations)
        text = f"{forces[0]}: {quotes}"
    else:
        text = "\n".join(f"{c.force or 'Unknown force'}: “{c.quote}” [{c.n}]" for c in citations)
    return Draft(text, citations, False)


def offline_answer(
    sentences: Sequence[Sentence], min_score: float, per_force: bool, question: str = ""
) -> Draft:
    chosen = choose(sentences, min_score, per_force, question)
    return compose(chosen) if chosen else abstain()
