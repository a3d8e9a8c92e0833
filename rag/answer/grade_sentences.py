"""The grades one sentence states (:func:`read_sentence`): a judgement, the force as
subject, a performance, a grade noun, a label line or table row, a list item after a
lead-in, an overall grade; nothing for a grade word used any other way (see
:mod:`rag.answer.grades`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answer.grade_patterns import (
    ADVERBS,
    AREA_END,
    BE,
    CLOSE,
    FORCE_NAME,
    GRADE,
    GRADE_NOUN_AFTER,
    GRADE_NOUN_BEFORE,
    GRADE_WORDS,
    HEDGE,
    JUDGE,
    JUDGE_GAP,
    LABEL,
    LIST_ITEM,
    LIST_LABEL,
    MAX_AREA_CHARS,
    NAMED_SUBJECT,
    NEGATION,
    NOT_AREA_WORD,
    OPEN,
    OVERALL,
    OVERALL_LABEL,
    PAST,
    PERFORMANCE,
    PIPE_ROW,
    ROW,
    ROW_LABEL,
    SUBJECT_GAP,
    VAGUE,
    StatedGrade,
    area_key,
    canonical_grade,
    tidy_area,
)
from rag.answer.graded_areas import areas_after, split_listed


def _clause_start(text: str, at: int) -> int:
    """Where the clause holding position ``at`` begins."""
    ends = re.finditer(r"[;:]|,\s+(?:but|and|while|whereas)\b|—", text[:at])
    return ([0] + [m.end() for m in ends])[-1]


def _window(text: str, at: int, words: int = 7) -> str:
    """Up to ``words`` words before ``at``, within its clause."""
    clause = text[_clause_start(text, at) : at]
    return " ".join(clause.split()[-words:])


def _overall_follows(text: str, at: int) -> bool:
    rest = re.sub(rf"^{CLOSE}", "", text[at:])
    return bool(re.match(r"^\s+overall\b", rest, re.I))


def _clause_ends(text: str, at: int) -> bool:
    rest = re.sub(rf"^{CLOSE}", "", text[at:])
    return bool(re.match(r"^\s*(?:[.;!?\"”’]|,\s+(?:but|and|although|though|while)\b|$)", rest))


def _licensed(text: str, start: int, accepted: Sequence[int]) -> tuple[bool, str | None]:
    """Whether the grade word at ``start`` is stated as a grade, and the force named as its
    subject (if one is)."""
    before = text[:start]
    # a force subject just before it: "The force is good", "X Police good at" (headline),
    # "The force requires improvement in"
    head = re.search(
        rf"(?P<subject>\bthe\s+(?:force|constabulary)|\b{FORCE_NAME}|(?:^|[.;]\s+|^\W*(?:however|"
        rf"overall|also|in\s+addition|honestly|frankly|well|so|now),?\s+)\b[Ii]t(?:['’]s)?)(?P<gap>\s*(?:{BE}\s*)?[:\s\-–•]*{ADVERBS})$",
        before,
        re.I,
    )
    if head and SUBJECT_GAP.match(head.group("gap")):
        named = NAMED_SUBJECT.search(head.group("subject") + " ")
        name = named.group("name") if named else None
        has_be = re.search(rf"\b{BE}\b", head.group("gap"), re.I) or re.search(
            r"['’]s$",
            head.group("subject"),  # spoken: "It's good at responding to ..."
        )
        verb = text[start:].lower().lstrip("'‘\"“").startswith("requires")
        if has_be or name or verb or ":" in head.group("gap"):
            return True, name
    # a judging verb with the grade as its complement: "judged to be good", "rated it good"
    for verb in JUDGE.finditer(before):
        if JUDGE_GAP.match(before[verb.end() :]):
            subject = re.search(rf"(?P<name>\b{FORCE_NAME})", before[verb.end() :])
            return True, subject.group("name") if subject else None
    # a grade noun: "a grade of good", "an overall rating of 'outstanding'", "a 'good' rating"
    noun_after = GRADE_NOUN_AFTER.match(text[_grade_end(text, start) :])
    if GRADE_NOUN_BEFORE.search(before) or noun_after:
        return True, None
    # a quoted grade with a force in the sentence before it: "the force 'requires improvement'"
    if text[start] in "'‘\"“" and re.search(
        rf"\b(?:force|constabulary|police|it)\b|{FORCE_NAME}", before, re.I
    ):
        return True, None
    # a further grade in a sentence already grading: "good at X and adequate at Y"
    if accepted:
        gap = text[accepted[-1] : start]
        if not re.search(r"\b(?:are|were|is|was|has|have)\b", gap) or re.search(
            rf"(?:\bthe\s+force|\bit)\s+(?:{BE}\s+)?{ADVERBS}$", gap, re.I
        ):
            return True, None
    return False, None


def _grade_end(text: str, start: int) -> int:
    match = GRADE.match(text, start)
    return match.end("grade") if match else start


def read_sentence(text: str, in_list: bool = False, alone: bool = False) -> list[StatedGrade]:
    """The grades one sentence states (offsets relative to ``text``). ``in_list``: the
    sentence is an item of a list whose lead-in grades ("The force was judged to be:");
    ``alone``: the sentence is a whole paragraph (a table row or a heading)."""
    found: list[tuple[str, str, str | None]] = []
    if text.rstrip().rstrip("\"”’'").endswith("?"):
        return []  # a question states nothing
    body = LIST_ITEM.sub("", text) if in_list else text
    if in_list:
        item = re.match(
            rf"^\W*{OPEN}?(?P<grade>{GRADE_WORDS}){CLOSE}?(?:\s+(?:at|in|for)\b|\s*$|\s*[.;,])",
            body,
            re.I,
        )
        if item:
            areas = areas_after(body, item.end("grade"), [])
            grade = canonical_grade(item.group("grade"))
            if grade and areas:
                found += [(a, grade, None) for a in areas if not VAGUE.match(a)]
        label = LIST_LABEL.match(body)
        if not found and label and not NOT_AREA_WORD.search(label.group("area")):
            grade = canonical_grade(label.group("grade"))
            if grade:
                found.append((_label_area(label.group("area")), grade, None))
    found += _sentence_grades(body)
    table = _table_grades(body, alone)
    found += table
    rows = table if alone else []  # a paragraph that is one row of a table
    start = len(text) - len(text.lstrip())
    seen: set[tuple[str, str]] = set()
    out = []
    for area, grade, subject in found:
        key = (area_key(area), grade)
        if key in seen or not area:
            continue
        seen.add(key)
        row = (area, grade, subject) in rows
        out.append(StatedGrade(area, grade, text.strip(), start, len(text.rstrip()), subject, row))
    return out


def _label_area(area: str) -> str:
    tidy = tidy_area(area, heading=True)
    return OVERALL if OVERALL_LABEL.match(tidy) else tidy


def _table_grades(text: str, alone: bool) -> list[tuple[str, str, str | None]]:
    """ "Area: Grade" labels (one or several in a line), "| Area | Grade |" rows, and a
    paragraph that is a table row, "Investigating crime Inadequate"."""
    out: list[tuple[str, str, str | None]] = []
    for row in PIPE_ROW.finditer(text):
        grade = canonical_grade(row.group("grade"))
        area = row.group("area")
        if grade and not NOT_AREA_WORD.search(area) and not set(area) <= set("-: "):
            out.append((_label_area(area), grade, None))
    if out:
        return out
    for label in LABEL.finditer(text):
        area = label.group("area")
        if NOT_AREA_WORD.search(area) and not OVERALL_LABEL.match(tidy_area(area, True)):
            continue
        if re.search(r"\d", area):
            continue
        grade = canonical_grade(label.group("grade"))
        if grade:
            out.append((_label_area(area), grade, None))
    if not out and alone:
        row = ROW_LABEL.match(text.strip()) or ROW.match(text.strip())
        if row and not NOT_AREA_WORD.search(row.group("area")):
            grade = canonical_grade(row.group("grade"))
            if grade:
                out.append((_label_area(row.group("area")), grade, None))
    return out


def _sentence_grades(text: str) -> list[tuple[str, str, str | None]]:
    """Grades stated in running prose."""
    matches = list(GRADE.finditer(text))
    if not matches:
        return []
    starts = [m.start() for m in matches]
    out: list[tuple[str, str, str | None]] = []
    accepted: list[int] = []
    for m in matches:
        grade = canonical_grade(m.group("grade"))
        if grade is None:
            continue
        word_start = m.start("grade") - (1 if m.group("q") else 0)
        # "or as requiring improvement", "good or outstanding": a choice, not a grade
        after = text[m.end() :]
        choice = re.search(r"\bor\s+(?:as\s+)?$", text[:word_start])
        if choice or re.match(rf"^{CLOSE}?,?\s+or\b", after):
            continue
        if re.match(r"^\s+enough\b", after, re.I):
            continue
        window = _window(text, word_start)
        if NEGATION.search(window) or HEDGE.search(window):
            continue
        clause_start = _clause_start(text, word_start)
        clause_end = AREA_END.search(text, m.end(), m.end() + MAX_AREA_CHARS)
        clause = text[clause_start : clause_end.end() if clause_end else len(text)]
        rest_of_clause = re.split(r";|,\s+(?:but|whereas|while)\b", text[clause_start:])[0]
        if PAST.search(rest_of_clause) or PAST.search(clause):
            continue  # a grade of an earlier inspection
        # "Its performance in A, B and C is 'adequate'": the areas come first
        performance = PERFORMANCE.search(text[:word_start])
        if performance:
            areas = split_listed(performance.group("areas"))
            out += [(a, grade, None) for a in areas if a and not VAGUE.match(a)]
            accepted.append(m.end())
            continue
        licensed, subject = _licensed(text, word_start, accepted)
        if not licensed:
            continue
        end = m.end("grade")
        areas = areas_after(text, end, [s for s in starts if s > m.start()])
        if areas is None:
            noun = GRADE_NOUN_AFTER.match(text[end:])  # "a 'good' rating for X"
            if noun:
                areas = areas_after(text, end + noun.end(), [])
            elif _overall_follows(text, end) or (
                _clause_ends(text, end) and _overall_statement(text, word_start)
            ):
                areas = [OVERALL]
        if not areas:
            continue
        accepted.append(m.end())  # "adequate in four areas": stated, but not where
        out += [(a, grade, subject) for a in areas if not VAGUE.match(a)]
    return out


def _overall_statement(text: str, at: int) -> bool:
    """A grade with no area that grades the force as a whole: "Overall, I have graded the
    force as adequate", "I judge the force to be good."."""
    before = text[:at]
    judged = any(JUDGE_GAP.match(before[v.end() :]) for v in JUDGE.finditer(before))
    return (
        bool(re.search(r"\boverall\b", text, re.I))
        or (
            judged and bool(re.search(r"\b(?:I|we|inspectors?|HMICFRS|the inspectorate)\b", before))
        )
        or bool(GRADE_NOUN_BEFORE.search(before))
    )
