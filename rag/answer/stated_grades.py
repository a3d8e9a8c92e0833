"""Answers from a force's stated grades (``grades.py`` reads them from all its documents):
the grade of the area of policing a question asks about, by any of the area's names
(``areas.py``), or the areas given the grade it asks about. A judgement table's row or a
part's opening line is often not among what retrieval found, and a grade for another area
never answers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rag.answer.areas import areas_in, asked_areas
from rag.answer.grade_patterns import OVERALL, GradeGroup
from rag.answer.periods import prior_stated
from rag.answer.question import _SENTENCE_END, Question
from rag.retrieve.evidence import Sentence

MAX_SENTENCES = 3  # a short answer; the citations hold the rest
BULLET = re.compile(r"^\s*(?:[-–•*▪◦]|\d{1,2}[.)])\s+")


def grades_asked(
    question: Question, groups: Sequence[GradeGroup], across_forces: bool = False
) -> list[Sentence]:
    """For a question about the grade of an area of policing: the sentence stating the
    force's grade for that area (by any of its names, ``areas.py``), one per grade stated,
    read from all the force's documents: a judgement table's row or a part's opening line
    is often not among what retrieval found, and a grade for another area never answers.
    ``across_forces``: ``groups`` are several forces' (:func:`grades_across`)."""
    if question.kind != "grade":
        return []
    said = _grades_asked(question, groups, across_forces)
    return [s for s in said if prior_stated(question.text, s.text)]  # "at its last ..."


def _grades_asked(
    question: Question, groups: Sequence[GradeGroup], across_forces: bool
) -> list[Sentence]:
    if across_forces:
        return grades_across(question, groups)
    asked, aside = asked_areas(question.text)
    if aside and not asked:  # "leaving aside investigations, what other grades ...?"
        return _one_per_area(g for g in groups if not areas_in(g.area) & aside)[:MAX_AREAS]
    if not asked:
        return graded_as_asked(question, groups)
    return _one_per_area(g for g in groups if asked & areas_in(g.area))[:MAX_SENTENCES]


def _one_per_area(groups: Iterable[GradeGroup]) -> list[Sentence]:
    """One sentence per area and grade: "Preventing crime: Outstanding" and "outstanding
    at preventing crime and anti-social behaviour" state the same grade twice. A sentence
    or list item reads better than a table row ("Investigating crime | Good"), and the
    shortest states this grade alone ("- requires improvement at X")."""
    stating: dict[tuple[frozenset[str] | str, str], list[Sentence]] = {}
    for group in groups:
        if group.area != OVERALL:
            area = areas_in(group.area) or group.area
            stating.setdefault((area, group.grade), []).extend(group.sentences)
    return [min(said, key=_readable) for said in stating.values()]


# "In which areas was it graded as needing to improve?": the areas given that grade
_WHICH_AREAS = re.compile(
    r"\b(?:which|what)\s+(?:\w+\s+)?(?:areas?|parts?|aspects?)\b|^\W*where\b", re.I
)
_GRADE_ASKED = [
    ("requires improvement", re.compile(r"\brequir\w* improvement|\bneed\w* to improve", re.I)),
    (
        "inadequate",
        re.compile(r"\binadequate\b|\b(?:bottom|lowest|worst)\s+(?:grade|marks?)", re.I),
    ),
    (
        "outstanding",
        re.compile(r"\boutstanding\b|\b(?:top|highest|best|full)\s+(?:grade|marks?)", re.I),
    ),
    ("adequate", re.compile(r"\badequate\b", re.I)),
    ("good", re.compile(r"\bgood\b", re.I)),
]


# "Give me all its PEEL grades", "what grades did it get in each area"
_ALL_GRADES = re.compile(
    r"\b(?:all|each|every|list|full|summar\w*)\b.*\b(?:grades|ratings|judgements)\b|"
    r"\b(?:every|each)\s+(?:single\s+)?(?:grade|rating|judgement)\b|"  # "every grade it got"
    r"\b(?:grades|ratings|judgements)\b.*\b(?:all|each|every)\b|"
    r"^\W*what (?:were|are) (?:the |its |their )?(?:[\w'’-]+ ){0,3}?(?:grades|ratings)\b",
    re.I,
)


def ungraded(question: Question, groups: Sequence[GradeGroup], forces: Sequence[str]) -> list[str]:
    """Of ``forces``, those whose documents state no grade for the area asked: in a
    comparison each force named is accounted for, silence included."""
    asked, _ = asked_areas(question.text)
    graded = {
        g.sentences[0].passage.force
        for g in groups
        if g.area != OVERALL and asked & areas_in(g.area)
    }
    return [f for f in forces if f not in graded] if asked else []


def _wanted_grades(question: str) -> set[str]:
    """The grades a question asks about ("the bottom grade" is inadequate; "inadequate or
    requires improvement" both)."""
    return {g for g, asks in _GRADE_ASKED if asks.search(question)}


def graded_as_asked(question: Question, groups: Sequence[GradeGroup]) -> list[Sentence]:
    """For "which areas were graded G?": the sentence stating each area graded G; for
    "all its grades": each area's."""
    wanted = _wanted_grades(question.text)
    if wanted and _WHICH_AREAS.search(question.text):
        return _one_per_area(g for g in groups if g.grade in wanted)[:MAX_AREAS]
    if not wanted and _ALL_GRADES.search(question.text) and not _MEANING.search(question.text):
        return _one_per_area(groups)[:MAX_AREAS]
    return []


# "What does each grade mean?": the scale, not the force's grades
_MEANING = re.compile(
    r"\bwhat\s+(?:does|do)\s+(?:each|every|a|the|all|these|those)\s+(?:[\w'’-]+\s+){0,2}?"
    r"(?:grades?|ratings?)\s+(?:actually\s+)?(?:mean|stand\s+for)\b|"
    r"\b(?:meaning|definition)s?\s+of\s+(?:each|every|a|the|all)\s+(?:[\w'’-]+\s+){0,2}?"
    r"(?:grades?|ratings?)\b",
    re.I,
)
MAX_AREAS = 8  # a PEEL inspection grades up to eight or nine areas
MAX_FORCES = 12  # forces listed side by side in one answer


def grades_across(question: Question, groups: Sequence[GradeGroup]) -> list[Sentence]:
    """For "which forces were graded inadequate at investigating crime?", "how were the
    forces graded for it?" or "which forces got an overall grade?": each force's sentence
    stating its grade for the area asked, or its overall grade (only the grade asked, when
    one is), forces in the order given. Nothing when neither an area nor "overall" is
    asked: the forces' standing in general is not one grade to set side by side."""
    asked, _ = asked_areas(question.text)
    overall = not asked and bool(_OVERALL.search(question.text))
    if not asked and (not overall or _JUDGED.search(question.text)):
        return []  # "graded well overall": a judgement no one grade word matches
    # "not graded good", "the better grade", "below good": not one grade to match, so each
    # force's grade for the area, side by side (never only the forces with the grade named)
    wanted = set() if _NOT_THE_GRADE.search(question.text) else _wanted_grades(question.text)
    by_force: dict[str | None, list[GradeGroup]] = {}
    for group in groups:
        if not group.sentences or (group.area == OVERALL) != overall:
            continue
        if not overall and not asked & areas_in(group.area):
            continue
        if not wanted or group.grade in wanted:
            by_force.setdefault(group.sentences[0].passage.force, []).append(group)
    forces = list(by_force.values())[:MAX_FORCES]  # a force with two grades keeps both
    if overall:
        return [min(g.sentences, key=_readable) for stated in forces for g in stated]
    return [s for stated in forces for s in _one_per_area(stated)]


_OVERALL = re.compile(r"\boverall\b", re.I)
_JUDGED = re.compile(r"\b(?:well|badly|poorly|highly|strongly|weakly|favourably)\b", re.I)


def asks_grade_across(question: Question) -> bool:
    """Whether stated grades alone answer the question across forces (an area asked): if
    no force states the grade asked, no other sentence does either."""
    return question.kind == "grade" and bool(asked_areas(question.text)[0])


# "which forces were not graded good", "below good", "worse than adequate": a negation or
# comparison the grade words alone do not read
_NOT_THE_GRADE = re.compile(
    r"\b(?:not|never|n[’']t|below|above|worse|better|lower|higher|less|more|other than|"
    r"except|apart from)\b[^?]{0,30}\b(?:outstanding|good|adequate|inadequate|requir|"
    r"grade|rated|graded)",
    re.I,
)


def _readable(sentence: Sentence) -> tuple[bool, int]:
    return (not _worded(sentence.text), len(sentence.text))


def _worded(text: str) -> bool:
    return bool(_SENTENCE_END.search(text) or BULLET.match(text))
