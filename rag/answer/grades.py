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
grades``, ``rag compare`` and the app all read grades here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rag.documents.chunking import sentence_spans
from rag.retrieve.evidence import Sentence
from rag.retrieve.lexical import terms
from rag.retrieve.search import Passage

GRADES = ("outstanding", "good", "adequate", "requires improvement", "inadequate")
OVERALL = "overall"  # the area of a force's overall grade

_GRADE_WORDS = r"outstanding|good|adequate|requir(?:es|ed|e|ing) improvement|inadequate"
_OPEN = "['‘\"“]"
_CLOSE = "['’\"”]"
# a grade word, perhaps quoted; group "grade" holds the word
_GRADE = re.compile(
    rf"(?<![\w-])(?P<q>{_OPEN})?(?P<grade>{_GRADE_WORDS})(?(q){_CLOSE})(?![\w-])", re.I
)
_CAP_GRADE = (
    r"(?:Outstanding|OUTSTANDING|Good|GOOD|Adequate|ADEQUATE|Requires improvement|"
    r"Requires Improvement|REQUIRES IMPROVEMENT|Inadequate|INADEQUATE)"
)

_NAME = r"[A-Z][\w'’&-]*"
_FORCE_NAME = (
    rf"{_NAME}(?:\s+(?:and\s+|&\s+|of\s+|upon\s+)?{_NAME}){{0,3}}?\s+"
    r"(?:Constabulary|Police(?:\s+Service|\s+Force)?)"
)
# a force named as the subject of a sentence
_NAMED_SUBJECT = re.compile(rf"(?P<name>\b{_FORCE_NAME})\s*$")
_BE = r"(?:is|was|has\s+been|had\s+been|remains|remained|continues\s+to\s+be|became|has\s+become)"
_ADVERBS = r"(?:(?:also|now|still|currently|again|once\s+more|overall)\s+)*"
# the words between a force subject and its grade
_SUBJECT_GAP = re.compile(rf"^\s*(?:{_BE}\s*)?(?:[:\s\-–•]*)?{_ADVERBS}$", re.I)
_JUDGE = re.compile(
    r"\b(?:judge[ds]?|judging|grade[ds]?|grading|rate[ds]?|rating|assess(?:es|ed)?|found|"
    r"finds?|deemed|considered)\b",
    re.I,
)
# what may stand between a judging verb and the grade: the force, "to be", "as"
_OBJECT = (
    rf"(?:the\s+(?:force|constabulary|service)|it|them|"
    rf"{_NAME}(?:\s+(?:and\s+|of\s+)?{_NAME}){{0,4}})"
)
_JUDGE_GAP = re.compile(
    rf"^\s*(?:{_OBJECT}\s+)?(?:(?:to\s+be|as\s+being|as|to)\s*)?[:\s\-–•]*(?:overall\s+)?$", re.I
)
_GRADE_NOUN_BEFORE = re.compile(
    r"\b(?:grade|grading|rating|judgement|judgment)\s+(?:of|as)\s*$", re.I
)
_GRADE_NOUN_AFTER = re.compile(
    rf"^{_CLOSE}?\s+(?:overall\s+)?(?:grade|grading|rating|judgement|judgment)\b", re.I
)
_PERFORMANCE = re.compile(
    rf"(?:\b(?:its|their)|\bthe\s+force['’]s|\b{_FORCE_NAME}['’]s?)\s+"
    r"(?:performance|effectiveness)\s+(?:in|at|on)\s+(?P<areas>[^.;:]+?)\s+"
    rf"(?:is|was|has\s+been)\s+(?:(?:judged|graded|rated|assessed|found)\s+)?(?:(?:to\s+be|as)\s+)?$",
    re.I,
)
_NEGATION = re.compile(r"\b(?:not|never|no\s+longer|n['’]t|nor|neither|rather\s+than)\b", re.I)
_HEDGE = re.compile(
    r"\b(?:aims?|aimed|aiming|hopes?|hoped|hoping|wants?|wanted|wish(?:es)?|strives?|aspires?|"
    r"aspiration|ambition|could|would|might|may|should|must|will|shall|if|unless|become|"
    r"becoming|on\s+(?:track|course)|expects?|expected|seeks?|target|likely|unlikely|until|"
    r"whether|what|how\s+(?:to|it\s+can)|once|needs?\s+to\s+be)\b",
    re.I,
)
_PAST = re.compile(
    r"\b(?:(?:in|at|during|after|from|by)\s+(?:its|our|my|the|a|their|his|her)\s+"
    r"(?:previous|last|earlier|prior|former|first)\s+(?:inspection|report|assessment|peel)|"
    r"previously|formerly|used\s+to\s+be|was\s+once|in\s+the\s+past|years?\s+ago|"
    r"(?:two|three|four|five|\d+)\s+years\s+(?:ago|earlier|before))\b",
    re.I,
)
_VAGUE = re.compile(
    r"^(?:some|many|most|several|all|a\s+(?:number|few|range)|a\s+few|few|other|certain|"
    r"important|key|various|these|those|this|that|each|every|both|\d+|one|two|three|four|five|"
    r"six|seven|eight|nine|ten|its?\s+other|the\s+(?:other|remaining|rest))\b"
    r"(?:\s+\w+){0,3}?(?:\s+(?:areas?|respects?|ways?|aspects?|things?|parts?|categories))?$"
    r"|^(?:areas?|respects?|ways?|aspects?|everything|every\s+area|the\s+past|time|part|places)$",
    re.I,
)
_COUNT = re.compile(
    r"^(?:two|three|four|five|six|seven|eight|\d+)(?:\s+(?:other\s+)?(?:areas?|respects?))?$",
    re.I,
)
# where an area's words stop
_AREA_END = re.compile(
    r"\s*(?:[.;!?]|:|\s[–—-]\s|\(|\)|,?\s+(?:but|although|though|whereas|while|whilst|because|"
    r"since|after|as\s+well\s+as|and\s+(?:it|its|the|I|she|he|this|that|they|has|had|was|is|"
    r"needs|must|should)\b)\b|,\s+(?:which|where|with|having|said|says|according|when|an?)\b|"
    r",\s+(?=[A-Z])|,\s+(?:[\w'’]+\s+){0,3}(?:said|says|found|added|reported|warned)\b|"
    r",\s+and\s+(?!(?:at|in|for)\s|\w+ing\b)|"
    r",\s+(?:including|such|especially|particularly|in\s+a|in\s+its|in\s+their)\b|\s+in\s+a\s+"
    r"(?:damning|new|critical|recent|report)\b|\s+by\s+(?:the|inspectors|HMICFRS|his|her)\b)",
)
_AREA_SPLIT = re.compile(r",?\s+and\s+(?=(?:at|in|for)\s)|,\s+(?=(?:at|in|for)\s)")
_AREA_PREP = re.compile(r"^(?:at|in|for)\s+", re.I)
_LIST_ITEM = re.compile(r"^\s*(?:[-–•*▪◦]|\d{1,2}[.)])\s+")
_LEAD_IN_END = re.compile(r":\s*$")
_LABEL = re.compile(
    rf"(?P<area>[A-Z][\w'’&/-]*(?:\s+(?:[\w'’&/-]+)){{0,7}}?)\s*(?:[:|]|\s[–—-])\s*"
    rf"(?P<grade>{_CAP_GRADE})(?=\s*$|\s*[.;,|]|\s+[A-Z])"
)
_LIST_LABEL = re.compile(
    rf"^(?P<area>[\w'’&/ -]{{3,80}}?)\s*(?::|\s[–—-]|\()\s*{_OPEN}?(?P<grade>{_GRADE_WORDS})"
    rf"{_CLOSE}?\)?\s*[.;,]?\s*(?:and|or)?\s*$",
    re.I,
)
_PIPE_ROW = re.compile(
    rf"\|\s*(?P<area>[^|]{{3,80}}?)\s*\|\s*(?P<grade>{_GRADE_WORDS})\s*(?=\|)", re.I
)
_ROW = re.compile(
    rf"^(?P<area>[A-Z][\w'’&/-]*(?:\s+[\w'’&/-]+){{0,7}}?)\s+(?P<grade>{_CAP_GRADE})$"
)
_NOT_AREA_WORD = re.compile(
    r"\b(?:is|are|was|were|be|been|being|why|how|what|not|no|grade|grades|graded|grading|"
    r"means?|meaning|scale|judgements?)\b",
    re.I,
)
_OVERALL_LABEL = re.compile(
    r"^(?:overall(?:\s+(?:grade|judgement|judgment|rating|verdict))?|grade|verdict|rating)$", re.I
)
_EDITORIAL = re.compile(r"\[[^\[\]]*\]")


@dataclass(frozen=True)
class StatedGrade:
    """A grade a sentence states: the area as the document words it (tidied; ``overall``
    for the force's overall grade), the grade (one of :data:`GRADES`), and the verbatim
    sentence with its offsets in the text read."""

    area: str
    grade: str
    sentence: str
    start: int
    end: int
    subject: str | None = None  # a force named as the subject, when one is


@dataclass
class GradeGroup:
    """One area's grade, with every sentence that states it (in document order)."""

    area: str
    grade: str
    sentences: list[Sentence] = field(default_factory=list)


def canonical_grade(word: str) -> str | None:
    """The grade a word names, lower case ("Requiring improvement" -> "requires
    improvement"); None for any other word."""
    text = " ".join(word.strip(" '‘’\"“”").lower().split())
    if text.startswith("requir") and text.endswith("improvement"):
        return "requires improvement"
    return text if text in GRADES else None


def tidy_area(area: str, heading: bool = False) -> str:
    """An area as the document words it, without edge punctuation, quotes, a trailing
    "and", or (for a heading or table cell) its capital letters."""
    text = " ".join(area.split()).strip(" .,;:'‘’\"“”()|-–—")
    text = re.sub(r"(?:[,;]\s*|\s+)(?:and|or)$", "", text).strip(" ,;")
    text = re.sub(r"^(?:at|in|for)\s+", "", text, flags=re.I)
    if heading:
        text = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in text.split())
    elif (
        text[:1].isupper()
        and not text[1:2].isupper()
        and text.split()[0].lower()
        in {
            "investigating",
            "protecting",
            "preventing",
            "responding",
            "managing",
            "developing",
            "tackling",
            "treating",
            "leadership",
            "police",
            "the",
            "its",
            "building",
            "planning",
        }
    ):
        text = text[0].lower() + text[1:]
    return text


def area_key(area: str) -> str:
    """The form under which two wordings of an area count as one."""
    return " ".join(re.sub(r"[^\w\s]", " ", area.casefold()).split())


def _clause_start(text: str, at: int) -> int:
    """Where the clause holding position ``at`` begins."""
    ends = re.finditer(r"[;:]|,\s+(?:but|and|while|whereas)\b|—", text[:at])
    return ([0] + [m.end() for m in ends])[-1]


def _window(text: str, at: int, words: int = 7) -> str:
    """Up to ``words`` words before ``at``, within its clause."""
    clause = text[_clause_start(text, at) : at]
    return " ".join(clause.split()[-words:])


def _areas_after(text: str, at: int, stops: Sequence[int]) -> list[str] | None:
    """The areas named after a grade that ends at ``at``: "at X", "at X and at Y", or a
    count with a list ("in two areas: X, and Y"). None when no area follows."""
    rest = text[at:]
    quote = re.match(rf"^{_CLOSE}", rest)
    if quote:
        rest, at = rest[quote.end() :], at + quote.end()
    prep = re.match(r"^\s+(?:at|in|for)\s+", rest, re.I)
    if not prep:
        return None
    start = at + prep.end()
    limit = min([s for s in stops if s > start] + [len(text)])
    segment = text[start:limit]
    end = _AREA_END.search(segment)
    area_text = segment[: end.start()] if end else segment
    if _COUNT.match(area_text.strip()) and end and segment[end.start() :].lstrip().startswith(":"):
        listed = segment[end.end() :]
        listed = re.split(r"[.;]", listed)[0]
        items = re.split(r",\s+(?:and\s+)?|\s+and\s+(?=\w+ing\b)", listed)
        return [tidy_area(i) for i in items if tidy_area(i)]
    parts = _AREA_SPLIT.split(area_text)
    return [tidy_area(_AREA_PREP.sub("", p)) for p in parts if tidy_area(_AREA_PREP.sub("", p))]


def _overall_follows(text: str, at: int) -> bool:
    rest = re.sub(rf"^{_CLOSE}", "", text[at:])
    return bool(re.match(r"^\s+overall\b", rest, re.I))


def _clause_ends(text: str, at: int) -> bool:
    rest = re.sub(rf"^{_CLOSE}", "", text[at:])
    return bool(re.match(r"^\s*(?:[.;!?\"”’]|,\s+(?:but|and|although|though|while)\b|$)", rest))


def _licensed(text: str, start: int, accepted: Sequence[int]) -> tuple[bool, str | None]:
    """Whether the grade word at ``start`` is stated as a grade, and the force named as its
    subject (if one is)."""
    before = text[:start]
    # a force subject just before it: "The force is good", "X Police good at" (headline),
    # "The force requires improvement in"
    head = re.search(
        rf"(?P<subject>\bthe\s+(?:force|constabulary)|\b{_FORCE_NAME}|(?:^|[.;]\s+|^\W*(?:however|"
        rf"overall|also|in\s+addition),?\s+)\b[Ii]t)(?P<gap>\s*(?:{_BE}\s*)?[:\s\-–•]*{_ADVERBS})$",
        before,
        re.I,
    )
    if head and _SUBJECT_GAP.match(head.group("gap")):
        named = _NAMED_SUBJECT.search(head.group("subject") + " ")
        name = named.group("name") if named else None
        has_be = re.search(rf"\b{_BE}\b", head.group("gap"), re.I)
        verb = text[start:].lower().lstrip("'‘\"“").startswith("requires")
        if has_be or name or verb or ":" in head.group("gap"):
            return True, name
    # a judging verb with the grade as its complement: "judged to be good", "rated it good"
    for verb in _JUDGE.finditer(before):
        if _JUDGE_GAP.match(before[verb.end() :]):
            subject = re.search(rf"(?P<name>\b{_FORCE_NAME})", before[verb.end() :])
            return True, subject.group("name") if subject else None
    # a grade noun: "a grade of good", "an overall rating of 'outstanding'", "a 'good' rating"
    noun_after = _GRADE_NOUN_AFTER.match(text[_grade_end(text, start) :])
    if _GRADE_NOUN_BEFORE.search(before) or noun_after:
        return True, None
    # a quoted grade with a force in the sentence before it: "the force 'requires improvement'"
    if text[start] in "'‘\"“" and re.search(
        rf"\b(?:force|constabulary|police|it)\b|{_FORCE_NAME}", before, re.I
    ):
        return True, None
    # a further grade in a sentence already grading: "good at X and adequate at Y"
    if accepted:
        gap = text[accepted[-1] : start]
        if not re.search(r"\b(?:are|were|is|was|has|have)\b", gap) or re.search(
            rf"(?:\bthe\s+force|\bit)\s+(?:{_BE}\s+)?{_ADVERBS}$", gap, re.I
        ):
            return True, None
    return False, None


def _grade_end(text: str, start: int) -> int:
    match = _GRADE.match(text, start)
    return match.end("grade") if match else start


def read_sentence(text: str, in_list: bool = False, alone: bool = False) -> list[StatedGrade]:
    """The grades one sentence states (offsets relative to ``text``). ``in_list``: the
    sentence is an item of a list whose lead-in grades ("The force was judged to be:");
    ``alone``: the sentence is a whole paragraph (a table row or a heading)."""
    found: list[tuple[str, str, str | None]] = []
    if text.rstrip().rstrip("\"”’'").endswith("?"):
        return []  # a question states nothing
    body = _LIST_ITEM.sub("", text) if in_list else text
    if in_list:
        item = re.match(
            rf"^\W*{_OPEN}?(?P<grade>{_GRADE_WORDS}){_CLOSE}?(?:\s+(?:at|in|for)\b|\s*$|\s*[.;,])",
            body,
            re.I,
        )
        if item:
            areas = _areas_after(body, item.end("grade"), [])
            grade = canonical_grade(item.group("grade"))
            if grade and areas:
                found += [(a, grade, None) for a in areas if not _VAGUE.match(a)]
        label = _LIST_LABEL.match(body)
        if not found and label and not _NOT_AREA_WORD.search(label.group("area")):
            grade = canonical_grade(label.group("grade"))
            if grade:
                found.append((_label_area(label.group("area")), grade, None))
    found += _sentence_grades(body)
    found += _table_grades(body, alone)
    start = len(text) - len(text.lstrip())
    seen: set[tuple[str, str]] = set()
    out = []
    for area, grade, subject in found:
        key = (area_key(area), grade)
        if key in seen or not area:
            continue
        seen.add(key)
        out.append(StatedGrade(area, grade, text.strip(), start, len(text.rstrip()), subject))
    return out


def _label_area(area: str) -> str:
    tidy = tidy_area(area, heading=True)
    return OVERALL if _OVERALL_LABEL.match(tidy) else tidy


def _table_grades(text: str, alone: bool) -> list[tuple[str, str, str | None]]:
    """ "Area: Grade" labels (one or several in a line), "| Area | Grade |" rows, and a
    paragraph that is a table row, "Investigating crime Inadequate"."""
    out: list[tuple[str, str, str | None]] = []
    for row in _PIPE_ROW.finditer(text):
        grade = canonical_grade(row.group("grade"))
        area = row.group("area")
        if grade and not _NOT_AREA_WORD.search(area) and not set(area) <= set("-: "):
            out.append((_label_area(area), grade, None))
    if out:
        return out
    for label in _LABEL.finditer(text):
        area = label.group("area")
        if _NOT_AREA_WORD.search(area) and not _OVERALL_LABEL.match(tidy_area(area, True)):
            continue
        if re.search(r"\d", area):
            continue
        grade = canonical_grade(label.group("grade"))
        if grade:
            out.append((_label_area(area), grade, None))
    if not out and alone:
        row = _ROW.match(text.strip())
        if row and not _NOT_AREA_WORD.search(row.group("area")):
            grade = canonical_grade(row.group("grade"))
            if grade:
                out.append((_label_area(row.group("area")), grade, None))
    return out


def _sentence_grades(text: str) -> list[tuple[str, str, str | None]]:
    """Grades stated in running prose."""
    matches = list(_GRADE.finditer(text))
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
        if choice or re.match(rf"^{_CLOSE}?,?\s+or\b", after):
            continue
        if re.match(r"^\s+enough\b", after, re.I):
            continue
        window = _window(text, word_start)
        if _NEGATION.search(window) or _HEDGE.search(window):
            continue
        clause_start = _clause_start(text, word_start)
        clause_end = _AREA_END.search(text, m.end())
        clause = text[clause_start : clause_end.end() if clause_end else len(text)]
        rest_of_clause = re.split(r";|,\s+(?:but|whereas|while)\b", text[clause_start:])[0]
        if _PAST.search(rest_of_clause) or _PAST.search(clause):
            continue  # a grade of an earlier inspection
        # "Its performance in A, B and C is 'adequate'": the areas come first
        performance = _PERFORMANCE.search(text[:word_start])
        if performance:
            areas = _split_listed(performance.group("areas"))
            out += [(a, grade, None) for a in areas if a and not _VAGUE.match(a)]
            accepted.append(m.end())
            continue
        licensed, subject = _licensed(text, word_start, accepted)
        if not licensed:
            continue
        end = m.end("grade")
        areas = _areas_after(text, end, [s for s in starts if s > m.start()])
        if areas is None:
            noun = _GRADE_NOUN_AFTER.match(text[end:])  # "a 'good' rating for X"
            if noun:
                areas = _areas_after(text, end + noun.end(), [])
            elif _overall_follows(text, end) or (
                _clause_ends(text, end) and _overall_statement(text, word_start)
            ):
                areas = [OVERALL]
        if not areas:
            continue
        accepted.append(m.end())  # "adequate in four areas": stated, but not where
        out += [(a, grade, subject) for a in areas if not _VAGUE.match(a)]
    return out


def _split_listed(areas: str) -> list[str]:
    """ "investigating crime, responding to the public and developing a positive
    workplace": three areas (a list of "-ing" phrases)."""
    items = re.split(r",\s+(?:and\s+)?(?=\w+ing\b)|\s+and\s+(?=\w+ing\b)", areas)
    return [tidy_area(i) for i in items]


def _overall_statement(text: str, at: int) -> bool:
    """A grade with no area that grades the force as a whole: "Overall, I have graded the
    force as adequate", "I judge the force to be good."."""
    before = text[:at]
    judged = any(_JUDGE_GAP.match(before[v.end() :]) for v in _JUDGE.finditer(before))
    return (
        bool(re.search(r"\boverall\b", text, re.I))
        or (
            judged and bool(re.search(r"\b(?:I|we|inspectors?|HMICFRS|the inspectorate)\b", before))
        )
        or bool(_GRADE_NOUN_BEFORE.search(before))
    )


def is_lead_in(text: str) -> bool:
    """A sentence introducing a list of grades: "The force was judged to be:", "HMICFRS
    graded the force as follows:", "the force is:"."""
    if not _LEAD_IN_END.search(text) or _NEGATION.search(text) or _HEDGE.search(text):
        return False
    body = text.rstrip().rstrip(":").rstrip()
    body = re.sub(r"\s+as\s+follows$", "", body, flags=re.I)
    judged = any(_JUDGE_GAP.match(body[v.end() :] + " ") for v in _JUDGE.finditer(body))
    subject = re.search(
        rf"(?:\bthe\s+(?:force|constabulary)|\b{_FORCE_NAME}|^\W*it)\s+{_BE}\s*$", body, re.I
    )
    grades = re.search(r"\b(?:grades?|gradings|ratings|graded\s+judgements?)\b[^.]*$", body, re.I)
    return bool(judged or subject or grades)


def spans(text: str) -> list[tuple[int, int]]:
    """The sentences of a text as the reader sees them: every sentence, short labels and
    table rows included, but not an editor's note in square brackets."""
    return [
        (s, e)
        for s, e in sentence_spans(text, 0, len(text))
        if not _EDITORIAL.fullmatch(text[s:e].strip())
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
        item = bool(_LIST_ITEM.match(sentence))
        in_list = in_list and item
        found = read_sentence(sentence, in_list=in_list, alone=_alone(text, start, end))
        yield [
            StatedGrade(g.area, g.grade, g.sentence, start + g.start, start + g.end, g.subject)
            for g in found
        ]
        if is_lead_in(sentence):
            in_list = True


def read_grades(text: str, force: str | None = None) -> list[StatedGrade]:
    """Every grade a document's text states, in document order. With ``force`` (the
    document's force), a grade whose sentence names another force as its subject is left
    out."""
    return [g for found in _walk(text, spans(text)) for g in found if _same_force(g.subject, force)]


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
                out.append((Sentence(passage, grade.start, grade.end), grade))
    return out


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
    """The stated grade for a theme: the area sharing most of its words with the theme
    (at least two thirds of the area's words, half of the theme's); None when no area
    matches or two that match equally carry different grades. The overall grade only for
    a theme that says "overall"."""
    wanted = _area_terms(theme)
    if re.search(r"\boverall\b", theme, re.I):
        return next((g for g in groups if g.area == OVERALL), None)
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
