"""The words every question about an inspection uses ("how many", "the inspectorate",
"found", "performance"): they say what kind of answer is wanted or are common to all
questions, so they are never the thing a question asks about (its focus)."""

from __future__ import annotations

import re

from rag.answer.matching import is_concept
from rag.index.terms import terms
from rag.retrieve.variants import unit_stems

# Words that say what kind of answer is wanted, that every question about an
# inspection uses, or that report speech ("spoke to", like "said"): they are never the
# thing asked about.
GENERIC = frozenset(
    terms(
        """
        many much long often far quickly big large high low number percentage proportion
        share figure amount sum total grade graded grading rating rated rate judge judged
        judgement verdict date year deadline name named person people reason reasons cause
        why come whose inspect inspected inspection inspectorate hmicfrs find found finding
        findings think view views make made get got give given describe described mention
        mentioned anything something things thing well do doing done area areas aspect
        aspects performance perform performing happen happened see saw feel felt
        comment comments state stated according current currently latest recent recently
        know known look looked like way ways kind sort exactly actually really his majesty
        majesty's majestys receive received get gets getting take takes taking taken took
        put puts keep keeps kept show shows showed need needs needed want wants use uses
        using used go goes going went come comes bring brings hold holds held seem seems
        try tries tried let lets able across england wales nationally country
        per someone anyone somebody anybody everyone roughly approximately around nearly
        almost estimated estimate specifically particularly particular precisely
        please spoke speak speaks spoken talked still facing one
        headline handed came set fix fixing handle handles handled books gone
        intend intends intended period
        worst best strongest weakest biggest greatest
        """
    )
)


def generic(unit: str) -> bool:
    """A word every inspection question uses, or a concept spelt by one ("the
    inspectorate" for HMICFRS: the author of every document, not a topic of one)."""
    if unit in GENERIC:
        return True
    return is_concept(unit) and any(len(sp) == 1 and sp[0] in GENERIC for sp in unit_stems(unit))


# a source the answer is said to be in: "the report", "the inspectors", "HMICFRS"
_SOURCE = (
    r"(?:(?:the|this|that|its|their|HMICFRS['’]s?)\s+)?(?:[\w'’-]+\s+){0,3}?(?:report|"
    r"assessment|review|inspectorate|inspectors?|HMICFRS|HMIC?|watchdog|document|letter|"
    r"page|article|release|transcript|minutes|findings)\b"
)

# the same at a question's end, where "according to the THRIVE assessment" or "according
# to its risk review" is how something is done: only the inspection's own sources
_END_SOURCE = (
    r"(?:(?:the|this|that|its|their)\s+)?(?:[\w'’-]+\s+){0,2}?(?:report|inspectorate|"
    r"inspectors?|inspection|HMICFRS|HMIC?|watchdog|letter|findings|PEEL)\b"
)

# How a request is framed, not what it asks: "For a briefing: ...", "for the board
# paper, ...", "the paper spoke to ...", "in the press coverage of ..." ("How good are its
# shift briefings?" keeps its briefings)
FRAMING = re.compile(
    r"^\W*for\s+(?:a|an|my|our|the|this|next\s+week's)\s+(?:[\w'’-]+\s+){0,2}?(?:briefing|"
    r"brief|paper|note|report|meeting|board|panel|committee)s?\b[^:,]{0,30}[:,]|"
    # "I'm briefing councillors: ...", "I am writing a paper for the panel, so ..."
    r"^\W*I(?:'m|’m|\s+am)\s+(?:briefing|writing|preparing|drafting)\b[^:,]{0,40}[:,]|"
    # where the answer is said to be: "According to the chief inspector's assessment, ..."
    # (with no comma when it names a document: "According to the report what are ..."),
    # or at the end: "..., according to the inspectors?" (not "according to demand?")
    rf"^\W*according\s+to\s+(?:[^,?]{{3,60}},|{_SOURCE})|"
    rf",?(?<!\s)\s+according\s+to\s+{_END_SOURCE}[^?]{{0,30}}(?=\?\s*$)|"
    # a sentence on the asker's errand before the question: "Our office is preparing a
    # briefing for the panel.", "For a journalist:", "We're writing to the board."
    # (an errand's verb, or whom it is for: not a worry, "Our safeguarding board is worried
    # about X:", nor "My question is about the scrutiny panel:", which ask of X)
    r"^\W*(?:I|I'm|I’m|we|we're|we’re|my|our)\s(?![^.?!:]*\b(?:worried|concerned|anxious)\b)"
    r"[^.?!:]{0,60}(?:\b(?:brief(?:s|ed|ing)|reporting|writ\w*|prepar\w*|draft\w*|compil\w*|"
    r"putting\s+together)\b|\b(?:for|to)\s+(?:the|our|my|a|next\s+week's)\s+(?:[\w'’-]+\s+)?"
    r"(?:panel|board|committee|meeting)s?\b)"
    r"[^.?!:]{0,40}[.:]\s|^\W*for\s+(?:a|an|the)\s+(?:journalist|reporter|councillor|"
    r"member|reader)s?\s*[:,]|"
    r"\b(?:the|this|that)\s+(?:news\s*)?(?:paper|newspaper|article|story|piece)\b|"
    r"\b(?:in\s+)?the\s+(?:press|news|media)\s+coverage\s+of\b|"
    # the document itself ("the annual assessment mentions ...", "the State of Policing
    # report"): where the answer is, not what it is about
    r"\b(?:the|this|that|its|their)\s+(?:(?:latest|last|recent|new|national|annual|full|"
    r"main|inspectorate's|inspectorate’s|watchdog's|watchdog’s|HMICFRS|PEEL)\s+)+"
    r"(?:assessment|report|review)s?\b|"
    r"\b(?:the\s+)?State\s+of\s+Policing(?:\s+(?:report|assessment))?\b|"
    # when the figure was taken, not what it counts: "when inspectors arrived, how many"
    r"\b(?:when|by\s+the\s+time|at\s+the\s+time)\s+(?:the\s+)?(?:inspectors?|inspection\s+team|"
    r"inspectorate|HMICFRS|watchdog)\s+(?:arrived|came|visited|went\s+in|were\s+there)\b",
    re.I,
)


def unframed(question: str) -> str:
    """The question without the words that frame the request."""
    return FRAMING.sub(" ", question)


# "Besides firearms, dogs and major crime, what else does it share?": what the asker
# already knows, so a text saying only that is not the answer
_SET_ASIDE = re.compile(
    r"^\W*(?:besides|apart\s+from|aside\s+from|other\s+than|beyond|except(?:\s+for)?|"
    r"leaving\s+aside|setting\s+aside)\s+(.+?),\s*(?=(?:what|which|how|who|where|is|are|"
    r"does|do|did|has|have|was|were)\b)",
    re.I,
)


def set_aside(question: str) -> str:
    """The things a question sets aside as known ("" when it sets none aside)."""
    match = _SET_ASIDE.search(question)
    return match.group(1) if match else ""
