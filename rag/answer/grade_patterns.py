"""The vocabulary of graded judgements: the grades, the patterns that state one, the
grade and area types, and the tidying of an area's wording. Read by
:mod:`rag.answer.grade_sentences` (one sentence) and :mod:`rag.answer.grades` (a document)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.retrieve.evidence import Sentence

GRADES = ("outstanding", "good", "adequate", "requires improvement", "inadequate")
OVERALL = "overall"  # the area of a force's overall grade

GRADE_WORDS = r"outstanding|good|adequate|requir(?:es|ed|e|ing) improvement|inadequate"
OPEN = "['‘\"“]"
CLOSE = "['’\"”]"
# a grade word, perhaps quoted; group "grade" holds the word
GRADE = re.compile(rf"(?<![\w-])(?P<q>{OPEN})?(?P<grade>{GRADE_WORDS})(?(q){CLOSE})(?![\w-])", re.I)
_CAP_GRADE = (
    r"(?:Outstanding|OUTSTANDING|Good|GOOD|Adequate|ADEQUATE|Requires improvement|"
    r"Requires Improvement|REQUIRES IMPROVEMENT|Inadequate|INADEQUATE)"
)

_NAME = r"[A-Z][\w'’&-]*"
FORCE_NAME = (
    rf"{_NAME}(?:\s+(?:and\s+|&\s+|of\s+|upon\s+)?{_NAME}){{0,3}}?\s+"
    r"(?:Constabulary|Police(?:\s+Service|\s+Force)?)"
)
# a force named as the subject of a sentence
NAMED_SUBJECT = re.compile(rf"(?P<name>\b{FORCE_NAME})\s*$")
BE = r"(?:is|was|has\s+been|had\s+been|remains|remained|continues\s+to\s+be|became|has\s+become)"
ADVERBS = r"(?:(?:also|now|still|currently|again|once\s+more|overall)\s+)*"
# the words between a force subject and its grade
SUBJECT_GAP = re.compile(rf"^\s*(?:{BE}\s*)?(?:[:\s\-–•]*)?{ADVERBS}$", re.I)
JUDGE = re.compile(
    r"\b(?:judge[ds]?|judging|grade[ds]?|grading|rate[ds]?|rating|assess(?:es|ed)?|found|"
    r"finds?|deemed|considered)\b",
    re.I,
)
# what may stand between a judging verb and the grade: the force, "to be", "as"
_OBJECT = (
    rf"(?:the\s+(?:force|constabulary|service)|it|them|"
    rf"{_NAME}(?:\s+(?:and\s+|of\s+)?{_NAME}){{0,4}})"
)
JUDGE_GAP = re.compile(
    rf"^\s*(?:{_OBJECT}\s+)?(?:(?:to\s+be|as\s+being|as|to)\s*)?[:\s\-–•]*(?:overall\s+)?$", re.I
)
GRADE_NOUN_BEFORE = re.compile(
    r"\b(?:grade|grading|rating|judgement|judgment)\s+(?:of|as)\s*$", re.I
)
GRADE_NOUN_AFTER = re.compile(
    rf"^{CLOSE}?\s+(?:overall\s+)?(?:grade|grading|rating|judgement|judgment)\b", re.I
)
PERFORMANCE = re.compile(
    rf"(?:\b(?:its|their)|\bthe\s+force['’]s|\b{FORCE_NAME}['’]s?)\s+"
    r"(?:performance|effectiveness)\s+(?:in|at|on)\s+(?P<areas>[^.;:]+?)\s+"
    rf"(?:is|was|has\s+been)\s+(?:(?:judged|graded|rated|assessed|found)\s+)?(?:(?:to\s+be|as)\s+)?$",
    re.I,
)
NEGATION = re.compile(r"\b(?:not|never|no\s+longer|n['’]t|nor|neither|rather\s+than)\b", re.I)
HEDGE = re.compile(
    r"\b(?:aims?|aimed|aiming|hopes?|hoped|hoping|wants?|wanted|wish(?:es)?|strives?|aspires?|"
    r"aspiration|ambition|could|would|might|may|should|must|will|shall|if|unless|become|"
    r"becoming|on\s+(?:track|course)|expects?|expected|seeks?|target|likely|unlikely|until|"
    r"whether|what|how\s+(?:to|it\s+can)|once|needs?\s+to\s+be)\b",
    re.I,
)
PAST = re.compile(
    r"\b(?:(?:in|at|during|after|from|by)\s+(?:its|our|my|the|a|their|his|her)\s+"
    r"(?:previous|last|earlier|prior|former|first)\s+(?:inspection|report|assessment|peel)|"
    r"previously|formerly|used\s+to\s+be|was\s+once|in\s+the\s+past|years?\s+ago|"
    r"(?:two|three|four|five|\d+)\s+years\s+(?:ago|earlier|before))\b",
    re.I,
)
VAGUE = re.compile(
    r"^(?:some|many|most|several|all|a\s+(?:number|few|range)|a\s+few|few|other|certain|"
    r"important|key|various|these|those|this|that|each|every|both|\d+|one|two|three|four|five|"
    r"six|seven|eight|nine|ten|its?\s+other|the\s+(?:other|remaining|rest))\b"
    r"(?:\s+\w+){0,3}?(?:\s+(?:areas?|respects?|ways?|aspects?|things?|parts?|categories))?$"
    r"|^(?:areas?|respects?|ways?|aspects?|everything|every\s+area|the\s+past|time|part|places)$",
    re.I,
)
COUNT = re.compile(
    r"^(?:two|three|four|five|six|seven|eight|\d+)(?:\s+(?:other\s+)?(?:areas?|respects?))?$",
    re.I,
)
# An area of policing is named in far fewer characters: the end of one is looked for only
# this far (AREA_END backtracks over runs of spaces, so an unbounded search of hostile
# text full of them is cubic)
MAX_AREA_CHARS = 300
# where an area's words stop
AREA_END = re.compile(
    r"\s*(?:[.;!?]|:|\s[–—-]\s|\(|\)|,?\s+(?:but|although|though|whereas|while|whilst|because|"
    r"since|after|as\s+well\s+as|and\s+(?:it|its|the|I|she|he|this|that|they|has|had|was|is|"
    r"needs|must|should)\b)\b|,\s+(?:which|where|with|having|said|says|according|when|an?)\b|"
    r",\s+(?=[A-Z])|,\s+(?:and\s+)?(?:it|it['’]s|I['’]m)\s|"  # spoken: "..., it's adequate at"
    r",\s+(?:[\w'’]+\s+){0,3}(?:said|says|found|finds|added|adds|reported|"
    r"reports|warned|warns|concluded|concludes|revealed|reveals)\b|"
    r",\s+and\s+(?!(?:at|in|for)\s|\w+ing\b)|"
    r",\s+(?:including|such|especially|particularly|in\s+a|in\s+its|in\s+their)\b|"
    # "..., the first time the force ...", "... managing offenders is a tribute to ..."
    r",\s+(?:the|a)\s+(?:first|second|third|only|best|worst|highest|lowest|same)\b|"
    r"\s+(?:is|was)\s+(?:a|an|the)\s+(?:tribute|credit|testament|reflection|sign)\b|\s+in\s+a\s+"
    r"(?:damning|new|critical|recent|report)\b|\s+by\s+(?:the|inspectors|HMICFRS|[Hh]is|[Hh]er)\b)",
)
AREA_SPLIT = re.compile(r",?\s+and\s+(?=(?:at|in|for)\s)|,\s+(?=(?:at|in|for)\s)")
AREA_PREP = re.compile(r"^(?:at|in|for)\s+", re.I)
LIST_ITEM = re.compile(r"^\s*(?:[-–•*▪◦]|\d{1,2}[.)])\s+")
LEAD_IN_END = re.compile(r":\s*$")
LABEL = re.compile(
    rf"(?P<area>(?!(?:Since|In|By|After|Overall|However|From|On|For|At)\b)[A-Z][\w'’&/-]*"
    rf"(?:,?\s+(?:[\w'’&/-]+)){{0,7}}?)\s*(?:[:|]|\s[–—-])\s*"
    rf"(?P<grade>{_CAP_GRADE})(?=\s*$|\s*[.;,|]|\s+[A-Z])"
)
LIST_LABEL = re.compile(
    rf"^(?P<area>[\w'’&/ -]{{3,80}}?)\s*(?::|\s[–—-]|\()\s*{OPEN}?(?P<grade>{GRADE_WORDS})"
    rf"{CLOSE}?\)?\s*[.;,]?\s*(?:and|or)?\s*$",
    re.I,
)
PIPE_ROW = re.compile(
    rf"\|\s*(?P<area>[^|]{{3,80}}?)\s*\|\s*(?P<grade>{GRADE_WORDS})\s*(?=\|)", re.I
)
# a paragraph that is one row of a table, read "Area: Grade": the area may hold commas
# ("Building, supporting and protecting the workforce: Good")
ROW_LABEL = re.compile(rf"^(?P<area>[A-Z][^:.;!?|]{{2,100}}?)\s*:\s*(?P<grade>{_CAP_GRADE})\.?$")
ROW = re.compile(rf"^(?P<area>[A-Z][\w'’&/-]*(?:\s+[\w'’&/-]+){{0,7}}?)\s+(?P<grade>{_CAP_GRADE})$")
NOT_AREA_WORD = re.compile(
    r"\b(?:is|are|was|were|be|been|being|why|how|what|not|no|grade|grades|graded|grading|"
    r"means?|meaning|scale|judgements?)\b",
    re.I,
)
OVERALL_LABEL = re.compile(
    r"^(?:overall(?:\s+(?:grade|judgement|judgment|rating|verdict))?|grade|verdict|rating)$", re.I
)
EDITORIAL = re.compile(r"\[[^\[\]]*\]")


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
    table: bool = False  # read from a row of a judgement table (a paragraph of its own)


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
