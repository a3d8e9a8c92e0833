"""Questions about what someone other than the inspectors said: "how did the commissioner
react to the report?", "what did the chief constable say about the backlog?".

Only words attributed to that person's role answer. The report's own finding on the
subject, or its headline grade, is not their reaction: quoting it would put the
inspectors' words in the commissioner's mouth.
"""

from __future__ import annotations

import re

from rag.retrieve.variants import expanded

# Roles whose words a document reports; the inspector is the author of most documents,
# so "what did the inspector say about X" asks for the document's own findings.
_THIRD_PARTY = {
    "commissioner": r"commissioner|P[FC]?CC",
    "chief constable": r"chief\s+constable",
    "mayor": r"mayor",
    "minister": r"minister|home\s+secretary",
    "spokesperson": r"spokes(?:wo)?(?:man|person)",
    "federation": r"federation",
}
_ROLE = "|".join(f"(?P<{k.replace(' ', '_')}>{v})" for k, v in _THIRD_PARTY.items())
_REACTS = (
    r"say|said|respon\w*|react\w*|comment\w*|make\s+of|think|thought|view|verdict|"
    r"statement|welcom\w*|accept\w*|reject\w*|disput\w*"
)
# "did the chief constable accept ...", "the commissioner's reaction", "the response of
# the PFCC", "how has Ambleshire's commissioner responded"
_ASKED = (
    re.compile(rf"\b(?:{_ROLE})(?:['’]s)?(?:[\s,]+[\w'’]+){{0,3}}?[\s,]+(?:{_REACTS})\b", re.I),
    re.compile(
        r"\b(?:reaction|response|comments?|view|verdict|statement)\s+(?:of|from|by)\s+"
        rf"(?:[\w,'’]+\s+){{0,6}}?(?:{_ROLE})",
        re.I,
    ),
)
# what attributes words or a stance to someone
_ATTRIBUTED = re.compile(
    r"\b(?:said|says|say|added|told|welcom\w*|accept\w*|reject\w*|disput\w*|respon\w*|"
    r"react\w*|statement|describ\w*|promis\w*|pledg\w*|vow\w*|apologi\w*)\b|[\"“”]",
    re.I,
)
WINDOW = 240  # characters before a quote where its speaker is named ("X said:")


def speakers_asked(question: str) -> frozenset[str]:
    """The roles whose reaction or words a question asks for (none for most questions)."""
    text = expanded(question)
    roles: set[str] = set()
    for pattern in _ASKED:
        for match in pattern.finditer(text):
            roles.update(k.replace("_", " ") for k, v in match.groupdict().items() if v)
    return frozenset(roles)


def said_by(roles: frozenset[str], context: str) -> bool:
    """Whether the text (a quote with what comes before it) attributes words to one of
    the roles: the role is named and something is said, accepted or promised."""
    if not roles:
        return True
    named = any(re.search(rf"\b(?:{_THIRD_PARTY[r]})\b", context, re.I) for r in roles)
    return named and _ATTRIBUTED.search(context) is not None
