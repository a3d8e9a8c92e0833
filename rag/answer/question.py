"""What a question asks for: the kind of answer and its focus, and whether a span of
text holds them.

The offline engine quotes a span only when it speaks of the question's focus (the
thing asked about, by its words or a known variant, see ``variants.py``) and, where
a kind of answer is asked ("how many", "who", "when", "why", a grade), holds a value
of that kind. A sentence on the same broad topic that lacks either is how a
confident wrong quote is made; without one the engine says the documents do not say.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from rag.answer.areas import areas_in, asked_areas
from rag.answer.asks import (
    ASKS,
    AUTHORSHIP,
    BYLINE,
    NOT_GRADED,
    NUMBERED,
    RECOMMENDS,
    WHAT_WAS_IT,
    finding_pattern,
)
from rag.answer.counting import (
    abbreviation,
    counted_qualifier,
    counted_words,
    paraphrased,
)
from rag.answer.figure_of import extreme_stated, of_what_asked, period_rate_stated
from rag.answer.figures import VALUE, holds_value
from rag.answer.force_mentions import (
    ASKS_FORCES,
    SPEAKS_OF_FORCES,
    WHICH_FORCES,
    WITH_FORCES,
    forces_named,
)
from rag.answer.grade_sentences import read_sentence
from rag.answer.matching import is_concept, known, present, weight
from rag.answer.names import names_someone, rank_held, role_held, roles_named
from rag.answer.periods import NAMED_NUMBER, deadline_stated, period_stated, prior_stated
from rag.answer.question_words import generic, set_aside, unframed
from rag.answer.speakers import speakers_asked
from rag.answer.values import (
    CAUSE,
    ORIGIN_ASKED,
    REASON,
    REFERS_TO_IT,
    TIME_OR_CHANGE,
    without_reported_questions,
)
from rag.index.terms import british, nouns
from rag.retrieve.asked import asks_recommendation, defined_term
from rag.retrieve.variants import document_concepts, units


@dataclass(frozen=True)
class Question:
    """A question analysed: the kind of answer it wants and the units of its focus."""

    text: str
    kind: str | None  # amount, duration, number, date, person, grade, ungraded, reason,
    # recommendation, ranking; None: any
    focus: tuple[str, ...]  # matching units (variants.py) of the thing asked about
    counted: tuple[str, ...] = field(default=())  # a "how many" question's counted words
    qualifier: tuple[str, ...] = field(default=())  # what qualifies them ("on the register")
    speakers: frozenset[str] = frozenset()  # roles whose words are asked ("did the PCC accept")

    def holds_kind(self, text: str, idf: Mapping[str, float] | None = None) -> bool:
        """Whether the text holds a value of the kind asked for (``idf``: the documents'
        words; a counted thing's modifier none of them uses is the asker's own)."""
        if self.kind == "reason":  # any sentence may give a reason (explains() prefers one
            # that says so), but how a change came about only one that words a cause
            # of the thing asked ("ASB fell after joint patrols" is no cause of fewer PCSOs)
            if not ORIGIN_ASKED.search(self.text):
                return True
            thing = [u for u in self.focus if not TIME_OR_CHANGE.match(u)]
            pieces = re.split(r"(?<=[.!?])\s+", text)
            return any(  # the cause is in a sentence about the thing (or referring to it)
                CAUSE.search(p)
                and (not thing or REFERS_TO_IT.match(p) or any(present(u, p) for u in thing))
                for p in pieces
            )
        if self.kind is None:
            return True
        if self.kind == "recommendation":
            return bool(RECOMMENDS.search(text))
        if self.kind == "ungraded":
            return bool(NOT_GRADED.search(text))
        if self.kind == "person":
            return (
                names_someone(text, self.text)
                and rank_held(self.text, text)
                and role_held(self.text, text)
            )
        counted = list(self.counted) if self.count_checked else None
        if counted and idf is not None:  # "seized devices" where documents say "devices"
            counted = [w for w in counted[:-1] if not paraphrased(w, counted, idf)] + [counted[-1]]
        return holds_value(self.kind, self.text, text, counted, self.qualifier)

    def names_other_force(self, text: str, force: str | None) -> bool:
        """For a question about one force asking "which forces ...": whether the text
        names a force besides it (True when no force is asked for)."""
        asks = ASKS_FORCES.search(self.text)
        if not asks and not WITH_FORCES.search(self.text):
            return True
        own = (force or "").lower()
        if any(n.lower() not in own and own not in n.lower() for n in forces_named(text)):
            return True
        return not asks and SPEAKS_OF_FORCES.search(text) is not None

    def names_forces_asked(self, text: str) -> bool:
        """For "which forces ...?": whether a text from no single force's document names
        a force (True when forces are not asked for)."""
        return not WHICH_FORCES.search(self.text) or bool(forces_named(text))

    def picks_out_force(self, text: str, idf: Mapping[str, float]) -> bool:
        """For "which forces ...?" asking no kind of value: whether a force's text speaks
        of what sets the forces asked apart (True when forces are not asked for). A force's
        best sentence on the broad topic does not put it among them."""
        return (
            self.kind is not None
            or not WHICH_FORCES.search(self.text)
            or (self.mentions_focus(text, idf))
        )

    @property
    def count_checked(self) -> bool:
        """Whether a number must be seen to count what a "how many" question counts (not
        when all it counts is a word like "times")."""
        return self.kind == "number" and bool(
            nouns(" ".join(self.counted)) or any(abbreviation(w) for w in self.counted)
        )

    def missing_focus(self, text: str, idf: Mapping[str, float]) -> list[str]:  # for diagnosis
        """The focus units the text lacks, of those the documents use at all (a word no
        document uses may be the asker's paraphrase: the meaning score judges that)."""
        return [u for u in self.focus if known(u, idf) and not present(u, text)]

    @property
    def defined(self) -> tuple[str, ...]:
        """The units of the term a "what is X?" question asks to be defined."""
        term = defined_term(self.text)
        return units(term) if term else ()

    def answered_by(self, text: str, idf: Mapping[str, float]) -> bool:
        """The text holds a value of the kind asked for and, when a value is asked for,
        speaks of the thing it is asked about: a grade, a date or a figure about
        something else in the same document does not answer."""
        text = without_reported_questions(text)  # "a resident asked why ...": a question
        if not self.holds_kind(text, idf):
            return False
        if any(not present(u, text) for u in self.defined):
            return False  # "What is Engage?": a sentence without "Engage" does not say
        aside = [u for u in units(set_aside(self.text)) if not generic(u) and known(u, idf)]
        if aside and 2 * sum(present(u, text) for u in aside) >= len(aside):
            return False  # "besides firearms and dogs, what else?": not firearms and dogs
        for finding in NUMBERED.finditer(self.text):  # "area for improvement 7" is that one
            if not re.search(
                rf"\b{finding_pattern(finding.group(1))}\s*{finding.group(2)}\b", text, re.I
            ):
                return False
        if _LIST_OF_N.search(self.text) and not (
            _LISTED.search(text) and self.mentions_focus(text, idf)
        ):
            return False  # "what are the seven areas for improvement?": not "it set out
            # seven", nor another list
        if self.kind in (None, "reason", "recommendation", "ungraded"):
            # the meaning score judges a sentence; a heading or title line must name it,
            # and never words a reason ("PEEL 2027-29: how we inspect" says no why)
            ended = _SENTENCE_END.search(text) is not None
            return ended or (self.kind != "reason" and self.mentions_focus(text, idf))
        if self.kind == "grade" and not prior_stated(self.text, text):
            return False  # "an improvement on its previous inspection?": today's grade is not
        if self.kind == "grade" and (stated := read_sentence(text)):
            # the area graded must be the one asked about: "adequate at leadership. This
            # part looks at how they plan the workforce" does not grade the workforce
            return any(self.grades_asked_area(g.area, g.grade, idf) for g in stated)
        if self.kind == "person" and self.role_named(text):
            return True  # "which inspector spoke": the name beside "Inspector" answers
        if self.kind == "person" and AUTHORSHIP.search(self.text) and BYLINE.match(text):
            return True  # "who wrote it": "By His Majesty's Chief Inspector, Sir X" answers
        if self.kind in MEASURED and not period_stated(self.text, text):
            return False  # "back in 2022": a figure for 2024 is of another year
        if self.kind in MEASURED and not (
            period_rate_stated(self.text, text)
            and extreme_stated(self.text, text)
            and (self.kind != "date" or deadline_stated(self.text, text))
        ):
            return False  # "how many a year": not a two-month sample; "the oldest": not "some"
        if not of_what_asked(self.text, self.kind == "number", self.counted, text, idf):
            return False  # "the charge rate for rape": not an arrest rate, nor all crime;
        # "what proportion of victims ...": a share of officers' time is not it
        return self.mentions_focus(text, idf) or self.counts_with_focus(text, idf)

    def counts_with_focus(self, text: str, idf: Mapping[str, float]) -> bool:
        """A number seen to count the thing asked ("1,900 wanted suspects" for "wanted
        people") needs one more word of the focus, not a share of it: the rest of a "how
        many" question is often a paraphrase ("failing to track down and arrest")."""
        if not self.count_checked:
            return False
        counted = set(units(" ".join(self.counted)))
        rest = [u for u in self.focus if u not in counted and known(u, idf)]
        return any(present(u, text) for u in rest)

    def grades_asked_area(self, area: str, grade: str, idf: Mapping[str, float]) -> bool:
        """Whether a grade stated for ``area`` is the one asked about: the same area of
        policing by any of its names (``areas.py``), else one that holds the focus."""
        asked, aside = asked_areas(self.text)
        graded = areas_in(area)
        if graded & aside:
            return False  # "apart from investigations": not that grade
        if asked and graded:
            return bool(asked & graded)
        return self.mentions_focus(f"{area} {grade}", idf)

    def role_named(self, text: str) -> bool:
        """Whether the text has the role a who-question asks about ("which inspector")."""
        return bool(roles_named(self.text) & roles_named(text))

    def terms_of_art_in(self, text: str) -> bool:
        """Whether a document's text uses every term of art the question asks about
        (its glossary concepts: "stop and search", "county lines", "vetting") and every
        year it names ("since its 2015 inspection"). Such terms are rarely paraphrased, so
        a document that never uses one does not speak of it."""
        if any(not re.search(rf"\b{n}\b", text) for n in NAMED_NUMBER.findall(self.text)):
            return False  # "its 2015 inspection", "the 101 number": named, so it must be there
        concepts = [u for u in self.focus if is_concept(u)]  # used elsewhere or not at all
        if not concepts:
            return True
        either = re.search(r"\bor\b", self.text, re.I)  # "vetting or corruption": one will do
        found = document_concepts(text)
        return (any if either else all)(u in found for u in concepts)

    def explains(self, text: str) -> bool:
        """Whether the text words a reason ("because", "limited by", "a lack of")."""
        return REASON.search(text) is not None

    def mentions_focus(self, text: str, idf: Mapping[str, float]) -> bool:
        """The text holds enough of the focus (of the units the documents use, weighted
        by how specific each is) to be about the thing asked."""
        used = [u for u in self.focus if known(u, idf)]
        if not used:
            return True
        weights = {u: weight(u, idf) for u in used}
        held = sum(w for u, w in weights.items() if present(u, text) or _recommends(u, text))
        share = FOCUS_SHARE if self.kind in MEASURED else 0.0
        return held > 0 and held >= share * sum(weights.values())


def _recommends(unit: str, text: str) -> bool:
    """A recommendation is named by its wording too: "By 31 March, the force should ..."."""
    return unit in ("recommendation", "recommend") and RECOMMENDS.search(text) is not None


# "What are the seven areas for improvement?": the items asked, which a text lists
_LIST_OF_N = re.compile(
    r"\b(?:what|which)\s+(?:are|were)\s+(?:the|its|their|those|these)\s+(?:two|three|four|five|six|"
    r"seven|eight|nine|ten|eleven|twelve|\d{1,2})\s+\w",
    re.I,
)
_LISTED = re.compile(r":\s*\S|;|\n\s*(?:[-–•*▪◦]|\d{1,2}[.)])\s")
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)\]]*\s*$")

# A text asked for a figure must hold at least this share of the focus (by weight): a
# figure about the DA backlog's size does not say how long its cases waited. A grade or
# a person needs one unit of it: areas of policing are named in many ways.
FOCUS_SHARE = 0.34
MEASURED = frozenset({"amount", "duration", "number", "date"})


@lru_cache(maxsize=4096)
def analyse(question: str) -> Question:
    question = british(question)  # the patterns below are in the documents' spelling
    # the kind asked first: "which inspector ..., and for which year?" asks for a person;
    # in "On the grading scale, what is Engage?" the words before the "what is" are context
    term = defined_term(question)
    after = question.rfind(term) if term else 0
    found = [
        (m.start(), n, name)
        for n, (name, asks) in enumerate(ASKS)
        if (m := asks.search(question)) and m.end() > after
    ]
    if not asks_recommendation(question):  # "what progress on the recommendations"
        found = [f for f in found if f[2] != "recommendation"]
    kind = min(found)[2] if found else None
    if kind is None and (then := WHAT_WAS_IT.search(question)):
        # "... averages 19 minutes. What was it before?": a figure of the kind stated before
        stated = question[: then.start()]
        kind = next((k for k in ("amount", "duration", "number") if VALUE[k].search(stated)), None)
    speakers = speakers_asked(question)
    if speakers and kind == "grade":  # "the commissioner's reaction to the inadequate
        kind = None  # rating": their words are asked, not the grade
    counted = tuple(counted_words(question)) if kind == "number" else ()
    qualifier = tuple(counted_qualifier(question)) if counted else ()
    wanted = (u for u in units(unframed(question)) if not generic(u) and not u.isdigit())
    focus = tuple(dict.fromkeys(wanted))
    return Question(question, kind, focus, counted, qualifier, speakers)


def answers_type(question: str, sentence: str) -> bool:
    """Whether the sentence holds the kind of fact the question asks for."""
    return analyse(question).holds_kind(sentence)
