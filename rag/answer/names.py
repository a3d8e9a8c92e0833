"""Whether a text says who: a person's name, a role, or an organisation."""

from __future__ import annotations

import re

from rag.retrieve.variants import expanded

_NAME_WORD = r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?"
_CAPITALISED = re.compile(rf"\b{_NAME_WORD}(?:\s+{_NAME_WORD})+")
_NOT_NAMES = frozenset(
    """
    his her majesty majesty's inspector inspectors inspectorate constabulary constable chief
    police force fire rescue services service crime commissioner office home national
    county council his hm peel england wales the this that it in on at our we i she he they
    chiefs college policing association federation union ministry government parliament
    department agency authority board panel committee court crown prosecution
    deputy assistant superintendent sergeant inspector commander officer officers
    grade grades graded outstanding good adequate inadequate requires improvement
    live news echo courier times post gazette mail herald standard chronicle observer
    telegraph mercury argus press journal express star online radio bbc itv
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    """.split()  # noqa: SIM905 - a word list reads best as text
)


_ROLES = re.compile(
    r"\b(?:chief constable|deputy chief constable|chief officer|senior leader|leadership team|"
    r"police and crime commissioner|commissioner|mayor|chief inspector|inspector of "
    r"constabulary|superintendent)s?\b",
    re.I,
)


def _role(match: re.Match[str]) -> str:
    """A role as named, singular: "chief constables" is the role "chief constable"."""
    return re.sub(r"(?<!s)s$", "", match.group(0).lower())


_ORGANISATION = re.compile(
    rf"\b(?:{_NAME_WORD}\s+)+(?:Police|Constabulary|Council|Service|Services|Agency|Trust|"
    r"Authority|Office|Unit|Partnership)\b"
)
_ASKS_PARTNER = re.compile(
    r"\bwho\b.*\b(?:with|alongside)\b|\bwhich (?:forces|organisations|"
    r"partners|agencies)\b",
    re.I,
)
ROLE_ASKED = re.compile(
    r"\b(inspector|hmi|constable|commissioner|officer|leader|chair|chief|detective|spokes\w*)s?\b",
    re.I,
)


def roles_named(text: str) -> set[str]:
    """The roles a text names ("HMI" is an inspector)."""
    found = {m.group(1).lower() for m in ROLE_ASKED.finditer(text)}
    return {"inspector" if r == "hmi" else r for r in found}


# "Which HMI ...", "which chief constable ...", "which of the inspectors ...", "who is the
# commissioner ...": the person holding an office the question names, so only a name
# given with that office answers (another role, "the chief constable and her team", or
# another person's name, does not). Not "which officer": a role ("the deputy chief
# constable") answers that.
_OFFICE = (
    r"HMIC?|HMCIC|PF?CC|(?:chief\s+)?inspector|chief\s+constable|"
    r"(?:police(?:,\s+fire)?\s+and\s+crime\s+)?commissioner"
)
_WHICH_ROLE = re.compile(
    rf"\bwhich\s+(?:{_OFFICE})\b(?!s)"
    rf"|\bwhich\s+of\s+(?:the\s+)?(?:(?:His|Her)\s+Majesty['’]s\s+|HM\s+)?(?:{_OFFICE})s\b"
    rf"|\bwho\s+(?:is|was|are|were)\s+(?:the\s+|[\w-]+['’]s\s+){{1,2}}(?:{_OFFICE})\b(?!s)",
    re.I,
)

# A rank that makes a role another person: the deputy chief constable is not the chief
RANK = re.compile(r"\b(deputy|assistant|acting|temporary|interim|former|previous)\b", re.I)


def rank_held(asked: str, text: str) -> bool:
    """Whether the text has every rank a who-question names ("Who is the deputy ...")."""
    return all(re.search(rf"\b{m.group(1)}\b", text, re.I) for m in RANK.finditer(asked))


def role_held(asked: str, text: str) -> bool:
    """Whether the text has the office a "which <office>" question names, by any of its
    spellings: a charity's chief executive, named, is not "which commissioner"."""
    which = _WHICH_ROLE.search(asked)
    if which is None:
        return True
    office = which.group(0).lower()
    holder = next((h for key, h in _HOLDER.items() if key in office), None)
    return holder is None or holder.search(text) is not None


# how each office's holder is named in a text, by the office's key word in the question
_HOLDER = {
    "constable": re.compile(r"(?<!deputy )(?<!assistant )\bchief\s+constable\b", re.I),
    "commissioner": re.compile(r"\b(?:commissioner|P[FC]?CC)\b", re.I),
    "cc": re.compile(r"\b(?:commissioner|P[FC]?CC)\b", re.I),  # "which PCC"
    "inspector": re.compile(r"\b(?:inspector|HMC?IC?)\b", re.I),
    "hm": re.compile(r"\b(?:inspector|HMC?IC?)\b", re.I),  # "which HMI"
}


def names_someone(text: str, asked: str = "") -> bool:
    """Whether the text says who: a person's name, or a role the question does not
    already name ("the chief constable and his team" answers "who drove it", not "who
    is the chief constable"), but only a name answers "which <role>"; for "who ... with",
    an organisation the question does not name ("Loamshire Police")."""
    if has_name(text, asked):
        return True
    if _WHICH_ROLE.search(asked):
        return False
    if _ASKS_PARTNER.search(asked) and any(
        m.group(0) not in asked for m in _ORGANISATION.finditer(text)
    ):
        return True
    # "Who is the PFCC?": a role the question names in short is named all the same
    asked_roles = {_role(m) for m in _ROLES.finditer(expanded(asked))}
    return any(_role(m) not in asked_roles for m in _ROLES.finditer(text))


def has_name(text: str, asked: str = "") -> bool:
    """Whether the text names a person: two capitalised words, ending in one that is not
    an institution's or title's word (nor the question's)."""
    asked_words = {w.lower() for w in re.findall(r"[A-Za-z']+", asked)}
    for match in _CAPITALISED.finditer(text):
        if _PLACE_BEFORE.search(text, 0, match.start()):
            continue  # "whose home in Kirkby Amble": a place, not a person
        words = match.group(0).split()  # at a sentence's start too: "Matt Greaves said"
        names = [w for w in words if _bare(w) not in _NOT_NAMES]
        names = [w for w in names if w.lower() not in asked_words]
        if len(names) >= 2 or (names and len(words) >= 2 and words[-1] in names):
            return True
    return False


_PLACE_BEFORE = re.compile(r"\b(?:in|at|near|across|around)\s+$", re.I)


def _bare(word: str) -> str:
    """A word as _NOT_NAMES lists it: "Constabulary's" is "constabulary" ("Wessex
    Constabulary's Chief Constable" names an office, not a person)."""
    return re.sub(r"['’]s$", "", word.lower()).strip("'’")
