"""What a question's wording asks to be searched for beyond its topic: the term a
"what is X?" question asks to define (a definition lives in the one passage that uses
the term; the rest of the question, "in the PEEL programme", must not outrank it), and
what a force was told to do (a recommendation is worded "the force should ...", which
"what has it been told to do about X?" is not like)."""

from __future__ import annotations

import re

_DEFINITION = re.compile(
    r"\bwhat (?:is|are) (?:the |an? )?([^?,]+?)\s*\?*\s*$|\bwhat does (?:the |an? )?([^?,]+?) "
    r"(?:mean|stand for)\b",
    re.I,
)
_JOINED = re.compile(r"\b(?:and|or)\s*$", re.I)
_DEFINED_WORDS = 4  # longer: a question, not a term ("what is the force doing about ...")


def defined_term(question: str) -> str | None:
    """The term a "what is X?" or "what does X mean?" question asks to define, if any."""
    match = _DEFINITION.search(question)
    if match and _JOINED.search(question[: match.start()]):
        return None  # "How many X, and what is the caseload per manager?": a second question
    term = (match.group(1) or match.group(2)) if match else None
    return term if term and len(term.split()) <= _DEFINED_WORDS else None


# "what has the force been told to do about it?", "what does the report recommend?"
RECOMMENDATION_ASKED = re.compile(
    r"\brecommend(?:s|ed)?\b|\b(?:what|which) (?:are |were )?(?:the |its |their )?"
    r"(?:[\w'’-]+ )?recommendations\b|"
    r"\b(?:told|tell|asked|required|urged|directed)\b(?:\s+[\w'’]+){0,3}?\s+to\s+(?:do|make|"
    r"improve|change|put|take|act|fix|address|tackle|ensure)\b|"
    r"\bwhat (?:more |else )?(?:does|do|did|would|will) (?:the )?(?:inspector|inspectorate|"
    r"inspectors|HMI|she|he|they) (?:want|like)\b|"
    r"\bwhat (?:should|must)\b|\bwhat (?:does|do|did|will) (?:the |this |that |its )?"
    r"(?:force|it|they|chief constable) (?:need|have) to (?:do|change|improve)\b",
    re.I,
)
# "what progress has it made on the recommendations": not what they say
PROGRESS_ASKED = re.compile(
    r"\b(?:progress|implement\w*|acted on|met|complet\w+|achiev\w+|carried out)\b[^?]{0,40}"
    r"\brecommendations?\b|\brecommendations?\b[^?]{0,40}\b(?:progress|implement\w*|"
    r"acted on|met|complet\w+|achiev\w+|carried out)\b",
    re.I,
)


# the words that ask, not what about: left out of the search worded as a recommendation
_ASKING = frozenset(
    """
    what which has have had does do did will is are was were the a an inspectorate
    inspectors inspector report force it they been told asked required urged directed to
    recommend recommends recommended recommendation recommendations should must need
    needs make want wants expect expects like more else she he tell
    """.split()  # noqa: SIM905 - a word list reads best as text
)
RECOMMENDATION_K = 4  # passages searched for what was recommended


def asks_recommendation(question: str) -> bool:
    """Whether the question asks what a force (or anyone) was told or recommended to do."""
    return bool(RECOMMENDATION_ASKED.search(question)) and not PROGRESS_ASKED.search(question)


def recommendation_query(question: str) -> str | None:
    """For a question asking what was recommended: a search worded as recommendations
    are ("should ... investigations"), the asking words left out; else None."""
    if not asks_recommendation(question):
        return None
    rest = [w for w in re.findall(r"[\w'’-]+", question) if w.lower() not in _ASKING]
    return " ".join(["the force should", *rest])


# "Which HMI led it?", "who is the PCC?": the answer is often a short line naming the
# office-holder ("His Majesty's Inspector of Constabulary Owen Tredgold said:"), which a
# search by the question's topic does not reach. Searched as such lines are worded.
_WHO = re.compile(r"\bwho\b|\bwhich\s+(?:HMI|inspector|chief|commissioner|PCC)\b", re.I)
_OFFICES = (
    (
        re.compile(
            r"\bHMIs?\b|\bHM\s+inspector|\binspector\s+of\s+constabulary|\binspector\b", re.I
        ),
        "His Majesty's Inspector of Constabulary said",
    ),
    (re.compile(r"\bchief\s+constable\b", re.I), "Chief Constable said"),
    (
        re.compile(r"\bPCCs?\b|\bpolice\s+and\s+crime\s+commissioner", re.I),
        "the Police and Crime Commissioner said",
    ),
)
OFFICE_K = 2  # passages searched for the line naming an office-holder


def office_query(question: str) -> str | None:
    """For a question asking who holds an office: a search worded as the line naming
    them is; else None."""
    if not _WHO.search(question):
        return None
    return next((query for office, query in _OFFICES if office.search(question)), None)
