"""How a question words what it asks: the kind of answer (a count, an amount, a date, a
person, a grade, a reason, a ranking), a numbered finding, authorship, part of a count,
the thing "how much" measures, and the figures it states itself. Read by ``question.py``."""

from __future__ import annotations

import re

from rag.answer.values import MONTHS, SUPERLATIVE
from rag.index.terms import terms
from rag.retrieve.asked import RECOMMENDATION_ASKED

_WHAT_IS = r"what(?:['’]s|\s+is|\s+was|\s+are|\s+were)\s+"

# The kinds of answer a question can ask for, each with what its wording looks like.
ASKS: list[tuple[str, re.Pattern[str]]] = [
    (  # "which force has the most officers": a ranking the documents must state
        "ranking",
        re.compile(
            rf"\b(which|what)\s+(\w+\s+)?(force|forces|area|areas)\b.*\b({SUPERLATIVE})\b", re.I
        ),
    ),
    (
        "amount",
        re.compile(
            r"\bhow much\s+(?:money|funding|cash)\b|(?<!by )\bhow much\s+(?:has|have|had|did|"
            r"does|do|will|would|must|should|is|was)\b[^?]*?\b(?:save[ds]?|saving|savings|"
            r"cost|costs|spend|spent|invest|invested)\b|"
            rf"\b{_WHAT_IS}(?:the |its |their )?(?:size of (?:the |its |their )?)?"
            r"(?:[\w'’-]+ ){0,3}?"
            r"(?:budget|costs?|spending|funding|overspend|underspend|deficit|shortfall|"
            r"(?:funding|budget|financial) gap)\b|"
            r"(?:£|\b(?:budget|savings?|funding|costs?)\b)[^?]*\bhow much\b|"
            # "what savings has it made?", "what efficiency savings are planned?"
            r"(?:^|[:?]\s)\W*(?:and\s+)?what\s+(?:[\w'’-]+\s+)?savings\b(?!\s+plans?\b)|"
            # "what is the contract costing?", "what does the new system cost?"
            r"\bwhat(?:'s|’s|\s+(?:is|was|are|were|will|would|does|do|did))\b[^?]{0,60}?\bcost(?:ing)?\b"
            r"(?!\s+of\s+living)",
            re.I,
        ),
    ),
    (  # "how many days does it take": a duration, not a count of days
        "duration",
        re.compile(
            r"\bhow long\b|\bhow many (?:seconds|minutes|hours|days|weeks|months|years)\b|"
            rf"\b{_WHAT_IS}(?:the |its |their )?(?:average|typical|median|mean)\s+"
            r"(?:time|wait|delay)\b|"
            # "what's the typical turnaround for ...", "what is the waiting time"
            rf"\b{_WHAT_IS}(?:the |its |their )?(?:[\w'’-]+ ){{0,3}}?(?:turnaround|waiting time|"
            r"time taken|time it takes)\b",
            re.I,
        ),
    ),
    (
        "number",
        re.compile(
            r"\b(how (many|much|often|far|quickly|big|large|high|low)|what (number|"
            r"percentage|proportion|share|fraction|amount|figure|sum)|by how much|how many|"
            r"(?:what|which) (?:is|was|are|were) the (?:\w+ )?(?:number|percentage|proportion|"
            r"rate|amount|total) of)\b|"
            # "what's the charge rate", "what is the force's 999 answer rate": a figure
            rf"\b{_WHAT_IS}(?:the |its |their )?(?:[\w'’/-]+ ){{0,5}}?"
            r"(?:rate|ratio|percentage|proportion|average|median|level|size|total|volume|"
            r"count|headcount|tally)\b"
            r"(?! of (?:concern|confidence|detail|service|support|improvement)\b)|"
            # "what caseload per investigator", "what ceiling on officers per sergeant": a ratio
            r"\bwhat\s+(?:[\w'’-]+\s+){0,2}?(?:caseloads?|ceiling|limit|ratio|number|cost|"
            r"spend(?:ing)?|officers|cases|investigations|hours)\s+(?:[\w'’-]+\s+){0,3}?per\s+"
            r"(?!cent\b)[\w'’-]+|"
            r"\bwhat\s+(?:[\w'’-]+\s+)?(?:caseload|ceiling|quota|threshold)s?\b",
            re.I,
        ),
    ),
    (
        "date",
        # "when" asks a date at the start or before a verb ("when did", "and when will");
        # "what goes wrong when children run away" uses it as a conjunction
        re.compile(
            # not "When the inspectors went in, how many ...": a time, and then the question
            r"^\W*(?:and\s+|so\s+|but\s+)?when\b(?![^?,]*,\s*(?:how|what|which|who|whose|where|"
            r"why|did|does|do|was|were|is|are|has|have|had|can|could)\b)|\bwhen\s+(?:did|does|do|will|would|is|was|"
            r"are|were|has|have|had|should|must|can|could|might)\b|"
            r"\b(what year|which year|what date|(?:what|which) months?|what dates|since when|"
            r"deadlines?|by when)\b",
            re.I,
        ),
    ),
    (
        "person",
        re.compile(
            r"^\W*(?:and\s+|so\s+)?(?:who|whose|whom)\b|\b(?:by|to|with|from) whom\b|"
            r"^\W*which (?:of (?:the|his|her|hm)\s+)?"
            # not "which officers get screening?": a kind of officer, not a person
            r"(?:\S+\s+|police,?\s+(?:fire\s+)?and\s+crime\s+)?(?:inspectors?|officer|persons?|"
            r"chiefs?|commissioners?|leaders?|hmi|hmics?)\b|\bname of (?:the|its|his|her)\b|"
            r"^\W*(?:please\s+)?name (?:the|its|his|her)\b|"
            # "what did the commissioner say, and what's their name?"
            r"\bwhat(?:'s|’s|\s+(?:is|are|was|were))\s+(?:their|his|her)\s+names?\s*(?:[?,;]|$)",
            re.I,
        ),
    ),
    (  # "were any areas left without a grade?": what was not graded, with no grade in it
        "ungraded",
        re.compile(
            r"\b(?:without|no)\s+(?:a\s+)?grades?\b(?!\s+(?:lower|higher|below|above|worse|better)\b)|"
            r"\bungraded\b|"
            r"\b(?:not|n[o’']t|never)\s+(?:been\s+|yet\s+)?(?:graded|given\s+a\s+grade)\b"
            r"(?!\s+(?:as|at|on|for|in|good|outstanding|adequate|inadequate|requir)\b)",
            re.I,
        ),
    ),
    (
        "grade",
        re.compile(
            r"\b(grades?|graded|grading|ratings?|rated|judge[ds]?|judgements?|verdict)\b|"
            # "what did it score on ...", "in which areas did it earn a 'good'"
            r"\bwhat (?:did|does|do|has|have) (?:[\w'’-]+ ){0,3}score\b|"
            r"\bhow (?:did|does|do|has|have) (?:[\w'’-]+ ){0,3}score[ds]? (?:on|at|for|in)\b|"
            r"\b(?:top|full|highest|bottom|lowest)\s+marks?\b|"
            r"\b(?:earn|earned|earns|get|got|gets|receive[ds]?|achieve[ds]?|awarded|given)\s+"
            r"(?:a|an|the)\s+['‘\"“]?(?:outstanding|good|adequate|inadequate|"
            r"requires improvement)\b['’\"”]?(?=\s*(?:[?.,;]|$)|\s+(?:from|at|for|in|on|"
            r"overall|grade|rating)\b)|"
            r"\bhow (?:did|does|do|would|has|have|had)\b[^?]*\brate\b(?!\s+(?:of|for)\b)|"
            # "where did the force land on safeguarding?": where on the grading scale
            r"\bwhere (?:did|does|do|has|have|had|would|will) (?:the force|it|they|"
            r"(?-i:[A-Z][\w'’-]*(?: [A-Z][\w'’-]*){0,2})) (?:land(?:ed)?|"
            r"come out|end(?:ed)? up|sit|fall|fell)\s+(?:on|for|in|at|over)\b|"
            # "which areas did it get 'requires improvement' in?": the areas given a grade
            r"\b(?:which|what) (?:\w+ )?(?:areas?|parts?|aspects?)\b(?!\s+for\s+improvement)"
            r"[^?]*?(?:['‘\"“](?:outstanding|good|adequate|inadequate|requir\w* improvement)"
            r"['’\"”]|(?<!still )(?<!remain )\b(?:outstanding|inadequate|requir\w* improvement)"
            r"\b(?!\s+(?:staffing|resourc\w*)))|"
            # "which forces are outstanding at preventing crime?": the forces given a grade
            r"\b(?:which|what) (?:\w+ )?forces (?:are|were|got|received) (?:\w+ )?(?:outstanding|"
            r"good|adequate|inadequate|requir\w* improvement)\b",
            re.I,
        ),
    ),
    ("recommendation", RECOMMENDATION_ASKED),  # "what has it been told to do about it?"
    (
        "reason",
        re.compile(
            r"\bwhy\b|\bwhat (?:is|was|are|were) (?:the )?(?:reasons?|causes?)\b|\bhow come\b|"
            r"\bwhat (?:caused|explains|is behind|lies behind)\b|"
            # an obstacle asks what limits it: "what's getting in the way of ...?"
            r"\bwhat(?:['’]s| is| was)\s+(?:getting|standing)\s+in\s+the\s+way\b|"
            r"\bwhat(?:['’]s| is| was)\s+(?:holding|keeping)\s+(?:it|them|the\s+\w+)\s+back\b|"
            r"\bwhat(?:['’]s| is| was)\s+(?:stopping|preventing|limiting|hampering|hindering)\b",
            re.I,
        ),
    ),
]
# What says an area was not graded ("did not grade the force's leadership", "ungraded")
NOT_GRADED = re.compile(
    r"\b(?:not|n[o’']t|never)\s+(?:been\s+|yet\s+)?(?:grade[ds]?|given\s+a\s+grade)\b"
    r"(?!\s+(?:correctly|accurately|properly|appropriately|in\s+line)\b)|"  # calls graded
    r"\bungraded\b|\b(?:without|no)\s+(?:a\s+)?grade\b",
    re.I,
)
# What a recommendation says, in any voice: "the force should", "we expect it to", "the
# Home Office must", "needs to"; what an answer to "what has it been told to do" holds.
RECOMMENDS = re.compile(
    r"\b(?:(?:should|must)(?!\s+(?:not\s+)?(?:have|be\s+(?:commended|praised|proud|"
    r"congratulated|pleased))\b)|needs? to|ought to|(?:is|are|was|were) (?:required|expected|"
    r"asked) to|(?:we|I) recommend|recommended that|(?:we|I) (?:expect|want|would like) "
    r"(?:to see |the |it |forces |chief )|calls? on (?:the )?(?:force|forces|all|every|chief|"
    r"government|home office|police)\b|ha(?:s|ve) to (?!date\b))",
    re.I,
)
# a numbered finding asked about: "AFI 7", "recommendation 2"
NUMBERED = re.compile(
    r"\b(areas? for improvement|AFI|recommendation|cause of concern)\s*(?:no\.?\s*)?(\d{1,2})\b",
    re.I,
)


def finding_pattern(name: str) -> str:
    if name.lower() in ("afi", "area for improvement", "areas for improvement"):
        return r"(?:area for improvement|AFI)"
    return re.escape(name)


AUTHORSHIP = re.compile(r"\b(?:wrote|written|writes|authors?|authored|signed|by whom)\b", re.I)
# a byline under a title ("By Sir Edmund Larkhill"), not a deadline ("By 30 June 2028, ...")
BYLINE = re.compile(rf"^\W*By\s+(?!(?:{MONTHS}|The)\b)[A-Z][^\d]{{0,100}}$")
# "how many of the cases were ...", "of the staff whose vetting lapsed, how many are ..."
SUBSET = re.compile(
    r"\bhow many of (?:the|its|their|these|those)\b|^\W*(?:and\s+|so\s+)?(?:of|out of|among|"
    r"amongst)\s+(?:the|its|their|these|those)\b[^,?]*,\s*how many\b",
    re.I,
)
SUBSET_VERB = re.compile(
    r"\b(?:were|was|are|is|had|have|has|did|do|does|got|received|showed|went)\b", re.I
)
HOW_MUCH = re.compile(r"\bhow much\s+([a-z]+)", re.I)
NOT_MEASURED = frozenset(
    """money funding cash time more less of the it its their has have had did does do will
    would must should is was are were can could has been""".split()  # noqa: SIM905
)
STATED = re.compile(
    r"£?\d[\d,./]*\d(?:\s?(?:million|billion|bn|%))?|£?\d(?:\s?(?:million|billion))?"
)


# a count the question states in words ("before it took on the extra forty"); not "one"
_WORD_COUNT = (
    r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety)"
)
_STATED_WORDS = re.compile(rf"(?<![\w-]){_WORD_COUNT}(?:-{_WORD_COUNT})?(?![\w-])", re.I)


def unstated(text: str, question: str) -> str:
    """The text without the figures the question itself states ("Of the £2.1 billion,
    how much in the first year?" is not answered by "£2.1 billion over four years"), and,
    unless a change is asked about, without figures of a change: "its budget rose by £9.5
    million" does not say what the budget is."""
    for value in sorted({m.group(0) for m in STATED.finditer(question)}, key=len, reverse=True):
        # with its unit, however written: "£1.4m" asked is "£1.4 million" in the text
        unit = r"(?:\s?(?:million|billion|bn|m|k)\b)?" if value[-1].isdigit() else ""
        text = re.sub(rf"(?<![\d.,£]){re.escape(value)}(?![\d]){unit}", " ", text)
    for word in {m.group(0).lower() for m in _STATED_WORDS.finditer(question)}:
        text = re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", " ", text, flags=re.I)
    text = LABELLED.sub(" ", text)  # "Area for improvement 6", "section 136": names
    return text if ASKS_CHANGE.search(question) else CHANGE.sub(" ", text)


LABELLED = re.compile(
    r"\b(?:areas? for improvement|recommendation|cause of concern|section|s\.?|paragraph|"
    r"page|figure|table|chapter|part|annex|appendix|schedule|article)\s*\d{1,3}[a-z]?\b",
    re.I,
)


_CHANGED = (
    r"(?:rise|rises|rose|risen|rising|increase|increases|increased|grow|grew|grown|fall|falls|"
    r"fell|fallen|cut|cuts|reduced|dropped|drop|decrease|decreased|decreases|went up|went down|"
    r"gone up|gone down|up|down)"
)
_FIGURE = r"£?\d[\d,.]*(?:\s?(?:million|billion|bn|m|k))?(?:\s?(?:%|per\s?cent))?"
# a figure that says by how much something changed, not how big it is
CHANGE = re.compile(
    rf"\b{_CHANGED}\s+by\s+(?:almost|nearly|about|around|more than|over|some\s+)?{_FIGURE}"
    rf"|\b(?:an?\s+)?(?:increase|rise|fall|cut|reduction|drop|decrease)\s+of\s+{_FIGURE}",
    re.I,
)
ASKS_CHANGE = re.compile(
    r"\b(?:rise|rose|risen|increase|increased|grow|grew|grown|growth|fall|fell|fallen|cut|"
    r"cuts|reduc\w*|drop|dropped|decrease|decreased|chang\w*|more|less|fewer|up|down|compared?|"
    r"since|save|saved|saving|savings|improve\w*|worse|better|extra|additional)\b",
    re.I,
)


# "what is the charge rate for rape offences?": the rate's own word and what it is
# a rate among (crimes in general say nothing)
RATE = re.compile(
    r"\b([\w'’/-]+)\s+(rate|ratio)\b(?:\s+(?:for|of|among|in|on)\s+(?:the\s+)?([^?.,;]+))?",
    re.I,
)
# "how many officers per sergeant?", "crimes for every 1,000 people": what the figure is
# per (a period is checked apart, "per cent" is a share, "per head" any count of people)
PER = re.compile(
    r"\b(?:per|for\s+(?:each|every)|to\s+(?:each|every))\s+(?:(?:\d[\d,]*|one|a|an)\s+)?"
    r"(?!(?:cent|centage|head|capita|people|persons|population|residents|year|annum|month|"
    r"week|day|hour)s?\b)([a-z][\w'’-]+)",
    re.I,
)
ANY_CRIME = frozenset(terms("crime crimes offence offences case cases incident incidents"))
# "Attendance now averages 19 minutes. What was it before?": a figure of the kind stated
WHAT_WAS_IT = re.compile(
    r"(?<=[.!?]\s)\s*what (?:was|were) (?:it|that|this|they)\s*(?:\?|at\b|in\b|before\b|then\b|"
    r"previously\b|last\b|when\b|a year\b)",
    re.I,
)
