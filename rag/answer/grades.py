"""Graded judgements stated in a document, in any phrasing; never one that is not stated.

An inspection grades a force on each area of policing: outstanding, good, adequate,
requires improvement or inadequate (since 2021; the older scale had no "adequate").
Documents state a grade in many ways, and this module reads them all:

- a judgement: "I judge the force to be good at ...", "was graded inadequate at ...",
  "is rated outstanding for ...", "Inspectors found the force to be adequate in ...";
- the force as subject: "The force is good at ...", "X is 'good' at ...",
  "The force requires improvement in ...", a headline "X Police good at ...";
- a performance: "Its performance in A, B and C is 'adequate'";
- a grade noun: "a grade of good for ...", "an 'inadequate' rating for ...";
- a report's label line or table: "Investigating crime: Requires improvement",
  "| Investigating crime | Inadequate |", a table row "Investigating crime Inadequate";
- a list after a lead-in: "The force was judged to be:" then "- good at X;" items;
- an overall grade: "Overall, I have graded the force as adequate", "good overall".

A sentence that is not a grading statement yields nothing: a grade word used as an
ordinary adjective ("good work with schools", "a good understanding of", "outstanding
suspects"), negated ("not good enough"), hoped for ("aims to be outstanding"), hedged
("could only be graded as good"), about a previous inspection, about vague areas ("good
in some areas"), or about another force named as the subject.

Each grade keeps the verbatim sentence it came from and its offsets, so it is cited as
every other quote is (:func:`rag.answer.citations.citation_for`). The briefing, ``rag
grades``, ``rag compare`` and the app all read grades here; the patterns are in
:mod:`rag.answer.grade_patterns`, one sentence's reading in :mod:`rag.answer.grade_sentences`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rag.answer.areas import areas_in
from rag.answer.grade_patterns import (
    BE,
    EDITORIAL,
    FORCE_NAME,
    GRADES,
    HEDGE,
    JUDGE,
    JUDGE_GAP,
    LEAD_IN_END,
    LIST_ITEM,
    NEGATION,
    OVERALL,
    GradeGroup,
    StatedGrade,
    area_key,
    canonical_grade,
    tidy_area,
)
from rag.answer.grade_sentences import read_sentence
from rag.core.safe_text import addressed_to_a_model
from rag.documents.chunking import sentence_spans
from rag.index.terms import terms
from rag.retrieve.evidence import Sentence
from rag.retrieve.search import Passage

__all__ = [  # the public names, wherever they live
    "GRADES",
    "OVERALL",
    "GradeGroup",
    "StatedGrade",
    "area_key",
    "canonical_grade",
    "grade_for_theme",
    "grouped",
    "is_lead_in",
    "overall_grade",
    "passage_grades",
    "read_grades",
    "read_sentence",
    "spans",
    "states_grade",
    "tidy_area",
]


def is_lead_in(text: str) -> bool:
    """A sentence introducing a list of grades: "The force was judged to be:", "HMICFRS
    graded the force as follows:", "the force is:"."""
    if not LEAD_IN_END.search(text) or NEGATION.search(text) or HEDGE.search(text):
        return False
    body = text.rstrip().rstrip(":").rstrip()
    body = re.sub(r"\s+as\s+follows$", "", body, flags=re.I)
    judged = any(JUDGE_GAP.match(body[v.end() :] + " ") for v in JUDGE.finditer(body))
    subject = re.search(
        rf"(?:\bthe\s+(?:force|constabulary)|\b{FORCE_NAME}|^\W*it)\s+{BE}\s*$", body, re.I
    )
    grades = re.search(r"\b(?:grades?|gradings|ratings|graded\s+judgements?)\b[^.]*$", body, re.I)
    return bool(judged or subject or grades)


def spans(text: str) -> list[tuple[int, int]]:
    """The sentences of a text as the reader sees them: every sentence, short labels and
    table rows included, but not an editor's note in square brackets."""
    return [
        (s, e)
        for s, e in sentence_spans(text, 0, len(text))
        if not EDITORIAL.fullmatch(text[s:e].strip())
    ]


def _alone(text: str, start: int, end: int) -> bool:
    before, after = text[max(0, start - 2) : start], text[end : end + 2]
    return (start == 0 or before.endswith("\n\n") or before == "\n") and (
        end >= len(text.rstrip()) or after.startswith("\n")
    )


def _walk(text: str, pieces: Sequence[tuple[int, int]]) -> Iterable[list[StatedGrade]]:
    """Each sentence's grades, in order, a list's items read with its lead-in."""
    in_list = False
    for start, end in pieces:
        sentence = text[start:end]
        item = bool(LIST_ITEM.match(sentence))
        in_list = in_list and item
        found = read_sentence(sentence, in_list=in_list, alone=_alone(text, start, end))
        yield [
            StatedGrade(
                g.area, g.grade, g.sentence, start + g.start, start + g.end, g.subject, g.table
            )
            for g in found
        ]
        if is_lead_in(sentence):
            in_list = True


def read_grades(text: str, force: str | None = None) -> list[StatedGrade]:
    """Every grade a document's text states, in document order. With ``force`` (the
    document's force), a grade whose sentence names another force as its subject is left
    out."""
    found = [g for grades in _walk(text, spans(text)) for g in grades]
    return [g for g in _as_tabled(found) if _same_force(g.subject, force)]


# a table's rows are what a report grades (at least this many areas make one a table)
_TABLE_ROWS = 3
_NOT_AREA = frozenset({"using", "force", "forc", "it", "its"})


def _as_tabled(found: Sequence[StatedGrade]) -> list[StatedGrade]:
    """A document's grades, checked against its judgement table when it has one: the
    table names the areas the report grades, so a sentence grading something else ("The
    force is good at using civil orders ...", a finding, often a heading) or giving a
    table area another grade states a finding, not a grade. The overall grade stands."""
    rows = [g for g in found if g.table]
    if len({area_key(g.area) for g in rows}) < _TABLE_ROWS:
        return list(found)
    tabled = [(g.grade, _area_terms(g.area) - _NOT_AREA) for g in rows]
    return [
        g
        for g in found
        if g.table
        or g.area == OVERALL
        or any(grade == g.grade and words & _area_terms(g.area) for grade, words in tabled)
    ]


def _same_force(subject: str | None, force: str | None) -> bool:
    if not subject or not force:
        return True
    place = subject.split()[0].casefold().rstrip("'’s")
    return place in force.casefold() or force.split()[0].casefold() in subject.casefold()


def passage_grades(passages: Sequence[Passage]) -> list[tuple[Sentence, StatedGrade]]:
    """The grades stated in a force's passages (its chunks, in document order), each with
    its sentence for citing. Chunks overlap: a sentence read twice counts once."""
    out: list[tuple[Sentence, StatedGrade]] = []
    seen: set[tuple[str, int, str, str]] = set()
    for passage in passages:
        base = int(passage.metadata.get("char_start", 0))
        for found in _walk(passage.text, spans(passage.text)):
            for grade in found:
                key = (passage.document_id, base + grade.start, area_key(grade.area), grade.grade)
                if key in seen or not _same_force(grade.subject, passage.force):
                    continue
                seen.add(key)
                sentence = Sentence(passage, grade.start, grade.end)
                if addressed_to_a_model(sentence.text):
                    continue  # planted text speaking to a model states no grade
                out.append((sentence, grade))
    kept: set[int] = set()
    for document in {s.passage.document_id for s, _ in out}:  # each against its own table
        mine = [g for s, g in out if s.passage.document_id == document]
        kept |= {id(g) for g in _as_tabled(mine)}
    return [(s, g) for s, g in out if id(g) in kept]


def grouped(found: Sequence[tuple[Sentence, StatedGrade]]) -> list[GradeGroup]:
    """One group per area and grade (first stated first), with every sentence stating it;
    the overall grade first."""
    groups: dict[tuple[str, str], GradeGroup] = {}
    for sentence, grade in found:
        key = (area_key(grade.area), grade.grade)
        group = groups.setdefault(key, GradeGroup(grade.area, grade.grade))
        if all(s.text != sentence.text for s in group.sentences):
            group.sentences.append(sentence)
    ordered = list(groups.values())
    return [g for g in ordered if g.area == OVERALL] + [g for g in ordered if g.area != OVERALL]


def overall_grade(groups: Sequence[GradeGroup]) -> str | None:
    """The overall grade, only where a sentence states one."""
    return next((g.grade for g in groups if g.area == OVERALL), None)


_GENERIC = frozenset({"way", "well", "good", "grade", "graded", "how", "work", "approach", "us"})


def _area_terms(text: str) -> set[str]:
    return {t for t in terms(text) if t not in _GENERIC}


def grade_for_theme(theme: str, groups: Sequence[GradeGroup]) -> GradeGroup | None:
    """The stated grade for a theme: the area of policing the theme names (by any of its
    names, ``areas.py``), else the area sharing most of its words with the theme
    (at least two thirds of the area's words, half of the theme's); None when no area
    matches or two that match equally carry different grades. The overall grade only for
    a theme that says "overall"."""
    wanted = _area_terms(theme)
    if re.search(r"\boverall\b", theme, re.I):
        return next((g for g in groups if g.area == OVERALL), None)
    if asked := areas_in(theme):  # the same area of policing by any of its names
        named = [g for g in groups if g.area != OVERALL and asked & areas_in(g.area)]
        if named:
            return named[0] if len({g.grade for g in named}) == 1 else None
    scored = []
    for group in groups:
        have = _area_terms(group.area)
        if group.area == OVERALL or not have or not wanted:
            continue
        shared = len(have & wanted)
        if shared / len(have) >= 2 / 3 and shared / len(wanted) >= 1 / 2:
            scored.append((shared / len(have) + shared / len(wanted), group))
    if not scored:
        return None
    best = max(score for score, _ in scored)
    top = [g for score, g in scored if score == best]
    return top[0] if len({g.grade for g in top}) == 1 else None


def states_grade(text: str) -> bool:
    """Whether a sentence states a grade (for a question that asks for one)."""
    return bool(read_sentence(text))
