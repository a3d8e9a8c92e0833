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

from rag.answer.citations import citation_for
from rag.core.types import CANNOT_ANSWER, Citation
from rag.retrieve.evidence import Sentence
from rag.retrieve.gather import MAX_FORCES
from rag.retrieve.lexical import stem, terms

MAX_SENTENCES = 3  # a short answer; the citations hold the rest
MARGIN = 0.12  # a further sentence must score within this of the best one


_GRADE = re.compile(
    r"\b(judge|judged|grade|graded|rate|rated|assess|assessed)\b[^.]*?\b(outstanding|good|"
    r"adequate|requires? improvement|inadequate)\b|\b(outstanding|requires? improvement|"
    r"inadequate)\b",
    re.I,
)

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety|hundreds?|thousands?|millions?|dozens?"
)

# What a question asks for, and what a sentence must hold to answer it. A
# "how many" question is not answered by a sentence without a number, however
# close its topic: that is the commonest way to invent an answer.
_ANSWER_TYPES: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (  # "how much money", "how much has it saved": an amount of money, not any number
        re.compile(
            r"\bhow much\s+(?:money|funding|cash)\b|(?<!by )\bhow much\s+(?:has|have|had|did|"
            r"does|do|will|would|must|should|is|was)\b[^?]*?\b(?:save[ds]?|saving|savings|"
            r"cost|costs|spend|spent|invest|invested)\b",
            re.I,
        ),
        re.compile(
            r"[£$€]\s?\d|\b\d[\d,.]*\s?(?:(?:thousand|million|billion|bn|m|k)\s?)?pounds\b|"
            r"\b\d[\d,.]*\s?(?:million|billion|bn)\b",
            re.I,
        ),
    ),
    (
        _ASKS_NUMBER := re.compile(
            r"\b(how (many|much|long|often|far|quickly|big|large|high|low)|what (number|"
            r"percentage|proportion|share|fraction|amount|figure|sum)|by how much|how many)\b",
            re.I,
        ),
        re.compile(
            rf"\d|£|\bper ?cent\b|\b({_NUMBER_WORDS}|billion|half|quarter|third)\b",
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
# does not answer "how many officers"). The counted noun phrase ends at a function word
# or at its first plural ("police community support officers", "PCSOs", "teams").
_HOW_MANY = re.compile(r"\bhow many\s+([^?.,;:!]+)", re.I)
_FUNCTION_TEXT = (
    "do does did are is was were has have had will can could would should in at of on "
    "for across by per the a an there than that which who to from with and or over under"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())
_WORD = re.compile(r"[A-Za-z0-9£%]+")
_COUNT = re.compile(rf"£?\d+%?|{_NUMBER_WORDS}", re.I)
_AFTER, _BEFORE = 8, 4  # words after (or before: "officer numbers stood at 1,200") a number


def _plural(word: str) -> bool:
    return len(word) > 3 and word.lower().endswith("s") and not word.lower().endswith("ss")


def _abbreviation(word: str) -> str | None:
    """ "PCSOs" -> "pcso": a word in capitals (a trailing plural s allowed), else None."""
    letters = word[:-1] if word.endswith("s") else word
    return letters.lower() if len(letters) >= 2 and letters.isupper() else None


def counted_words(question: str) -> list[str]:
    """The words of the noun phrase a "how many" question counts (empty: no count asked)."""
    match = _HOW_MANY.search(question)
    words: list[str] = []
    for word in _WORD.findall(match.group(1)) if match else []:
        if word.lower() in _FUNCTION_WORDS:
            break
        words.append(word)
        if _plural(word) or len(words) >= 5:
            break
    return words


def counted_terms(question: str) -> set[str]:
    """The (stemmed) content words a "how many" question counts."""
    return set(terms(" ".join(counted_words(question))))


def counts(sentence: str, counted: list[str]) -> bool:
    """Whether a number in the sentence counts the ``counted`` words: one of them close
    after it (or just before it), or the same thing abbreviated either way ("96 police
    community support officers" for "PCSOs", "96 PCSOs" for the words in full)."""
    wanted = set(terms(" ".join(counted)))
    asked_abbreviations = {a for w in counted if (a := _abbreviation(w))}
    asked_initials = "".join(w[0].lower() for w in counted) if len(counted) > 1 else None
    words = _WORD.findall(sentence)
    for i, word in enumerate(words):
        if not _COUNT.fullmatch(word):
            continue
        after = words[i + 1 : i + 1 + _AFTER]
        near = after + words[max(0, i - _BEFORE) : i]
        if wanted & {stem(w.lower()) for w in near}:
            return True
        if after and asked_initials and _abbreviation(after[0]) == asked_initials:
            return True
        for n in range(2, len(after) + 1):  # a noun phrase after the number, ending in a plural
            if _plural(after[n - 1]):
                if "".join(w[0].lower() for w in after[:n]) in asked_abbreviations:
                    return True
                break
    return False


def answers_type(question: str, sentence: str) -> bool:
    """Whether the sentence holds the kind of fact the question asks for."""
    for asks, holds in _ANSWER_TYPES:
        if asks.search(question):
            if holds.search(sentence) is None:
                return False
            counted = counted_words(question) if asks is _ASKS_NUMBER else []
            # "how many forces": no content word to count (force is a stopword), any number
            names = terms(" ".join(counted)) or any(_abbreviation(w) for w in counted)
            return counts(sentence, counted) if names else True
    return True


@dataclass
class Draft:
    """An answer before accounting: its text and verified citations."""

    text: str
    citations: list[Citation]
    abstained: bool


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


def _quoted(citations: Sequence[Citation], force: str | None) -> str:
    """``Force: “quote” [n] ...``; a document about no single force (a national report, a
    programme page) is quoted without a force, never as an "unknown" one."""
    quotes = " ".join(f"“{c.quote}” [{c.n}]" for c in citations)
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
    sentences: Sequence[Sentence], min_score: float, per_force: bool, question: str = ""
) -> Draft:
    chosen = choose(sentences, min_score, per_force, question)
    return compose(chosen) if chosen else abstain()
