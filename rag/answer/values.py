"""Values a question can ask for, as patterns a text may hold: figures, money, durations,
dates, grades, reasons, rankings and shares (what a count counts: ``counting.py``)."""

from __future__ import annotations

import re

# the months, as documents write them (capitalised)
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"

NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety|hundreds?|thousands?|millions?|dozens?"
)
_NUMBER = rf"(?:\d[\d,.]*|{NUMBER_WORDS}|a|an|several|a few)"

GRADE = re.compile(
    r"\b(judge|judged|grade|graded|rate|rated|assess|assessed|found)\b[^.]*?\b(outstanding|good|"
    r"adequate|requires? improvement|inadequate)\b|\b(outstanding|requires? improvement|"
    r"inadequate)\b|['‘\"“](good|adequate)['’\"”]|^\W*(good|adequate)\b|"
    # "The force is good at tackling ...": the inspectorate's wording of a graded area
    r"\b(?:is|was|are|were|remains|been)\s+(good|adequate)\s+at\b",
    re.I,
)
MONEY = re.compile(
    rf"[£$€]\s?\d|\b(?:\d[\d,.]*|{NUMBER_WORDS})\s?(?:(?:thousand|million|billion|bn|m|k)\s?)?"
    r"pounds\b|\b\d[\d,.]*\s?(?:million|billion|bn)\b",
    re.I,
)
# "one" as a pronoun ("one of several measures", "no one", "each one") is not a figure
_PRONOUN_ONE = r"(?<!\bno )(?<!\bany )(?<!\bevery )(?<!\beach )(?<!\bthe )\bone\b(?!\s+of\b|-off\b)"
ANY_NUMBER = re.compile(
    rf"\d|£|\bper ?cent\b|{_PRONOUN_ONE}|\b({NUMBER_WORDS.removeprefix('one|')}|billion|half|"
    r"quarter|third)\b",
    re.I,
)
# a length of time with its figure ("14 days", "a few weeks")
TIMED = (
    rf"\b{_NUMBER}\s+(?:more\s+|full\s+)?"
    r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b"
)
DURATION = re.compile(rf"{TIMED}|\b(?:hours|days|weeks|months|years)\b", re.I)
DATE = re.compile(
    r"\b(19|20)\d\d\b|\b(january|february|march|april|may|june|july|august|"
    r"september|october|november|december|last year|this year|next year)\b",
    re.I,
)
# A document saying the figure asked for is not known: "it does not currently know how
# often force is used against children", "I don't have that figure". The best evidence
# saying so means the documents do not give it, whatever number is nearby.
NO_FIGURE = re.compile(
    r"\b(?:do|does|did|could|can)(?:n['’]t|\s+not)\s+(?:currently\s+|yet\s+|fully\s+|reliably\s+)?"
    r"(?:know|tell(?:\s+us)?|say|record|measure|track)\s+(?:how\s+(?:many|much|often|long|quickly)|"
    r"the\s+(?:number|proportion|rate)|what\s+(?:proportion|share|percentage))\b|"
    r"\b(?:do|does|did)(?:n['’]t|\s+not)\s+(?:have|give|hold|publish)\s+(?:that|this|the|a|any)\s+"
    r"(?:figures?|numbers?|data|breakdown)\b|\bno\s+(?:such\s+)?(?:figures?|data)\s+(?:was|were|is|are|"
    r"has\s+been|have\s+been)\s+(?:given|available|collected|published|kept)\b",
    re.I,
)
# A text that says whether something happened is not yet known: "I will be interested to
# see whether this reduces the days lost", "it is too early to say whether ...": the
# answer to "has it cut sick days?" is that the documents do not say
OUTCOME_UNKNOWN = re.compile(
    r"\b(?:interested\s+to\s+see|too\s+early\s+to\s+(?:say|tell|judge)|remains\s+to\s+be\s+seen|"
    r"not\s+yet\s+(?:clear|known|possible\s+to\s+say))\s+(?:whether|if)\b|"
    # "he would not say whether the force will be placed in Engage": left open
    r"\b(?:would|will|could|did)\s+not\s+(?:say|confirm|speculate\s+on|pre-?empt)\s+(?:whether|if)\b|"
    r"\bdeclined\s+to\s+(?:say|confirm)\s+(?:whether|if)\b|"
    r"\b(?:has|have)\s+not\s+(?:yet\s+)?been\s+decided\s+(?:whether|if)?|"
    # "we did not have enough evidence to judge its effect"
    r"\b(?:not|n['’]t|no)\s+(?:yet\s+)?(?:have\s+)?(?:enough|sufficient)\s+evidence\s+to\s+"
    r"(?:judge|say|assess|tell|know)\b",
    re.I,
)
# A question the document asks ("That's the top grade, isn't it?"): it states nothing
ASKED_IN_TEXT = re.compile(r"\?[\"'”’)\]]*\s*$")
# A question the document reports: "a resident asked why the team had been cut" is the
# question again, not its answer ("asked about X" too); a request ("the force asked for
# 40 more detectives") is none.
_REPORTED_ASK = re.compile(
    r"\b(?:ask(?:ed|ing|s)?|wonder(?:ed|ing)|want(?:ed|ing)?\s+to\s+know)\s+(?:\w+\s+){0,3}?"
    r"(?:why|whether|how|what|when|if|about)\b",
    re.I,
)
# an answer joined to the question in its sentence
_THEN = re.compile(r",\s+(?:and|but)\s+(?=(?:the|he|she|they|it|we|[A-Z])\b)")
# a sentence that opens with the asking as a subordinate clause: "When we asked victims
# whether they were satisfied, 62 per cent said yes" (the answer follows its comma)
_ASKING_CLAUSE = re.compile(r"^\W*(?:when|if|after|asked)\b", re.I)


_OPENING_CHARS = 300  # how far back a sentence's opening is looked for


def _ends(text: str, i: int, clause: bool) -> bool:
    """Whether a reported question ends at ``i``: its sentence's end, or for an asking
    clause its comma ("1,200" is no comma: one is followed by a space)."""
    if text[i] in ".;!?\n":
        return True
    return clause and text[i] == "," and text[i + 1 : i + 2].isspace()


def without_reported_questions(text: str) -> str:
    """The text without the questions it reports, each to its clause's or sentence's end."""
    out, at = [], 0
    for match in _REPORTED_ASK.finditer(text):
        if match.start() < at:
            continue
        opens = text.rfind(". ", max(0, match.start() - _OPENING_CHARS), match.start()) + 1
        clause = _ASKING_CLAUSE.match(text[opens : match.start()]) is not None
        stop = next((i for i in range(match.end(), len(text)) if _ends(text, i, clause)), len(text))
        joined = _THEN.search(text, match.end(), stop)  # "..., and the chief said 12 went"
        stop = joined.start() if joined else stop
        out.append(text[at : match.start()])
        at = min(len(text), stop + 1)
    return "".join(out) + text[at:] if out else text


# "has it cut sick days?", "did the plan work?": a yes/no question
YES_NO = re.compile(
    r"^\W*(?:and\s+)?(?:has|have|had|did|does|do|is|are|was|were|will|can|could)\b", re.I
)
# A text that states an outcome with its figure: "has reduced abandoned calls from 23 per
# cent to 9 per cent" (so a yes/no about it is answered, whatever is still unsettled)
STATES_CHANGE = re.compile(
    r"\b(?:reduced|cut|fell|fallen|rose|risen|increased|decreased|improved|halved|doubled|"
    r"dropped|grown|grew)\b[^.;]{0,80}?\d",
    re.I,
)
# A correction a page prints: "Correction: in our 8.20am post we said that 40 per cent of
# crimes ... . The report says 34 per cent." The figure it withdraws, wherever it is still
# printed, is not the document's finding.
_CORRECTION = re.compile(
    r"\b(?:correction|clarification)\b(?:[^.]|\.(?=\d)){0,80}?\b(?:we|it)\s+(?:earlier\s+|"
    r"previously\s+|wrongly\s+|incorrectly\s+)?(?:said|reported|stated|wrote)\s+(?:that\s+)?"
    r"((?:[^.;]|\.(?=\d)){0,120})",
    re.I,
)
_FIGURE = re.compile(r"(?:£\s?)?\d[\d,.]*(?:\s*(?:per\s*cent|%|million|billion|m\b|bn\b))?", re.I)


def withdrawn_figures(document: str) -> frozenset[str]:
    """The figure each of a document's corrections withdraws: the first one after "we said
    that" ("40 per cent of crimes ... within 24 hours" withdraws 40 per cent)."""
    firsts = (_FIGURE.search(m.group(1)) for m in _CORRECTION.finditer(document))
    return frozenset(f.group().strip() for f in firsts if f is not None)


def prints_withdrawn(text: str, withdrawn: frozenset[str]) -> bool:
    """Whether a text (not the correction itself) still gives a withdrawn figure."""
    if not withdrawn or _CORRECTION.search(text):
        return False
    return any(re.search(rf"(?<![\d,.]){re.escape(f)}(?![\d,])", text) for f in withdrawn)


# A text that says a person is not named: "One woman, who asked not to be named, ..."
NO_NAME = re.compile(
    r"\b(?:asked|wished|wanted|preferred|chose)\s+not\s+to\s+be\s+(?:named|identified)\b|"
    r"\bwho\s+(?:cannot|can\s*not|could\s+not)\s+be\s+(?:named|identified)\b|\bunnamed\b",
    re.I,
)
# A text that says the reason is not known: for a "why" question, the documents do not say
NO_REASON = re.compile(
    r"\b(?:(?:does|do|did) not (?:fully |yet |really )?(?:understand|know)|(?:is|was|are|were|"
    r"remains?) (?:not (?:yet )?(?:clear|known|understood)|unclear|unknown)|no (?:clear )?"
    r"(?:reason|explanation) (?:was|has been|is) (?:given|offered)|could not (?:explain|"
    r"establish|say)) (?:why|the reasons?)\b",
    re.I,
)
REASON = re.compile(
    r"\b(because|due to|owing to|as a result|result(?:s|ed)? (?:of|from)|limited by|caused by|"
    r"driven by|reasons?|since|so that|, so|means? that|meaning that|lack of|lacks?|too few|"
    r"not enough|insufficient|shortage|without|unable|cannot|could not|did not|does not|"
    r"do not|has not|have not|no longer|fail(?:s|ed|ing)? to|explain|why)\b",
    re.I,
)

# "Why did the backlog build up in the first place?": the cause of a past change, which
# only a sentence wording a cause answers (the force's remedy, or the backlog's size, does
# not say how it came about). "Why is the inspector worried?" is answered by any finding.
ORIGIN_ASKED = re.compile(
    r"\bin the first place\b|\bhow did\b[^?]*\b(?:come about|arise|happen)\b|\bwhy did\b[^?]*"
    r"\b(?:build|pile|fall|grow|rise|happen|start|begin|arise|develop|go wrong|slip|worsen|"
    r"deteriorate|increase|drop|decline|stall|stop|cease|lapse|get (?:so|this|that))\b|"
    # "why has the panel stopped meeting?", "why have complaints risen?"
    r"\bwhy (?:has|have|had)\b[^?]*\b(?:built|piled|fallen|grown|risen|started|begun|arisen|"
    r"developed|gone wrong|slipped|worsened|deteriorated|increased|dropped|declined|stalled|"
    r"stopped|ceased|lapsed)\b|"
    # "why has it ended up with so many fewer PCSOs than three years ago?": a change
    r"\bwhy\b[^?]{0,80}?\b(?:fewer|more|less|lower|higher)\b[^?]{0,60}?\bthan\b[^?]{0,40}?"
    r"\b(?:ago|before|last|previously|in\s+(?:19|20)\d\d)\b",
    re.I,
)
# What words a cause (not a consequence, "as a result", nor a failing, "did not")
CAUSE = re.compile(
    r"\b(?:because|due to|owing to|result(?:s|ed)? from|caused by|driven by|down to|reasons?|"
    r"lack of|too few|not enough|insufficient|shortage|led to)\b|"
    # "since", "after" of a cause, not of a date: "has not met since October 2024"
    r"\b(?:since|after|following)\b(?!\s+(?:the\s+)?(?:\d|then|early|late|mid|"
    r"last\s+(?:PEEL\s+)?(?:year|month|week|inspection|report|visit|review|assessment|time|"
    rf"spring|summer|autumn|winter|{MONTHS})|"
    r"(?:start|end|beginning|middle)\s+of|"
    rf"(?:{MONTHS}|Christmas|Easter|spring|summer|autumn|winter)\b))",
    re.I,
)

# what a "why has X changed?" question says of time and change, not of the thing: the
# cause must be of X ("ASB fell after joint patrols three years ago" is none for PCSOs)
TIME_OR_CHANGE = re.compile(
    r"^(?:fewer|more|less|lower|higher|than|ago|year|month|week|day|one|two|thre|three|four|"
    r"five|six|seven|eight|nine|ten|last|since|ended|end|up|grown|grow|risen|rise|fallen|fall|"
    r"increas\w*|decreas\w*|drop\w*|declin\w*|stopp\w*|stop|start\w*)$"
)
# a sentence about the thing named before it: "This is largely due to a shortage of staff."
REFERS_TO_IT = re.compile(
    r"^\W*(?:this|that|it|these|those|the\s+(?:rise|fall|increase|drop|decline|"
    r"change|reduction|growth|backlog))\b",
    re.I,
)
SUPERLATIVE = (
    r"most|least|highest|lowest|largest|smallest|biggest|best|worst|fewest|greatest|"
    r"strongest|weakest|fastest|slowest"
)
RANKING = re.compile(
    rf"\bthe (?:{SUPERLATIVE})\b|\b(?:{SUPERLATIVE.replace('most|least|', '')})\b|\b("
    r"more than any|of all (?:the )?forces|the only force|"
    r"(?:higher|lower|more|fewer|better|worse) than (?:any|every|all|most))\b",
    re.I,
)

ASKS_SHARE = re.compile(r"percentage|proportion|share|fraction|how often", re.I)
# "what proportion of ...", "what percentage": a share is asked, and only a share answers
# (a count of all of them, "almost 1,900 wanted suspects", says nothing of the part asked)
SHARE_ASKED = re.compile(
    r"\b(?:what|which|the|a|its|their)\s+(?:\w+\s+)?(?:percentage|proportion|share|fraction)"
    r"\b|\bwhat per ?cent\b|\bhow many in (?:every|each)\b|"
    # an outcome rate is a share of the cases: "its charge rate for rape" is not a count
    r"\b(?:charge|charging|detection|solved|arrest|conviction|outcome|attrition|withdrawal|"
    r"satisfaction|abandonment|hit|find|success)\s+rates?\b",
    re.I,
)
SHARE = re.compile(
    rf"\d\s?%|\bper ?cent\b|\b(?:\d[\d,]*|{NUMBER_WORDS})\s+(?:in|out of|of (?:the|its|their|"
    rf"these|those)(?:\s+\w+)?)\s+(?:\d[\d,]*|{NUMBER_WORDS}|every|each)\b|\b(?:half|halves|"
    r"thirds?|quarters?|fifths?|tenths?|majority|minority)\b",
    re.I,
)
_ANOTHER_ASK = re.compile(
    r"(?:,|\b(?:or|and))\s+(?:how|what|which|who|when|were|was|did|do|does|is|are|has|have)\b",
    re.I,
)


def only_a_share(question: str) -> bool:
    """Whether a question asks for a share and nothing else ("what proportion of victims
    withdrew, or were officers dismissed?" also asks a count)."""
    asked = SHARE_ASKED.search(question)
    return bool(asked) and not _ANOTHER_ASK.search(question, asked.end())
