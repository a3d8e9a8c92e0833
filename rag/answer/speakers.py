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
        # the role ends the phrase: "the view of inspectors on the commissioner's plan"
        # is the inspectors'
        rf"(?:(?!(?:on|about|to|for|over|at|inspect\w*)\b)[\w,'’]+\s+){{0,6}}?(?:{_ROLE})",
        re.I,
    ),
)
# a verb that attributes words or a stance to its subject
_SPEECH_VERB = (
    r"said|says|say|added|told|stated|wrote|replied|answered|explained|commented|"
    r"responded|responds|welcom\w*|accept\w*|reject\w*|disput\w*|acknowledg\w*|"
    r"agreed|insisted|argued|described|promis\w*|pledg\w*|vow\w*|apologi\w*"
)
# the role and the verb in one clause ("the chief constable said", "the commissioner's
# statement"): nothing between them ends a sentence or starts a clause, names another
# speaker or makes the role a passive's object ("the chief constable, inspectors said,
# had not ...", "the chief constable was told by inspectors")
_GAP = (
    r"(?:(?!\b(?:was|were)\s+(?:told|asked|informed|given|warned)\b|\bby\s+(?:the\s+)?inspect|"
    r"\b(?:inspectors?|inspectorate|we|HMICFRS|the\s+report)\s+(?:said|says|found|finds|told|"
    r"concluded|noted)\b|,\s*(?:and|but)\b)[^.;!?\n]){0,80}?"
)
_NOUN = r"(?:['’]s)?\s+(?:statement|response|reaction|comments?)"
# or a verb of saying before the role, where the role (and a name) ends the clause
# ("..., said Chief Constable Tennant."; not "explained to the chief constable", nor
# "inspectors said the chief constable had ...")
_SAID_BEFORE = r"said|says|added|stated|commented|replied|answered|insisted|argued"
_BETWEEN = r"(?:(?!(?:to|by|with|for|from|at|on|of|that)\b)[\w'’,-]+\s+){0,6}?"
WINDOW = 240  # characters before a quote where its speaker is named ("X said:")


def speakers_asked(question: str) -> frozenset[str]:
    """The roles whose reaction or words a question asks for (none for most questions)."""
    text = expanded(question)
    roles: set[str] = set()
    for pattern in _ASKED:
        for match in pattern.finditer(text):
            roles.update(k.replace("_", " ") for k, v in match.groupdict().items() if v)
    return frozenset(roles)


def said_by(roles: frozenset[str], span: str, before: str = "") -> bool:
    """Whether a quote's words are attributed to one of the roles: the role speaks in the
    span itself, in the sentence that leads into it ("Chief Constable X said:"), in the
    sentence that opened the quotation it is in, or as the speaker label of its line."""
    if not roles:
        return True
    role = "|".join(_THIRD_PARTY[r] for r in sorted(roles))
    attributed = (
        rf"\b(?:{role})\b(?:{_GAP}\b(?:{_SPEECH_VERB})\b|{_NOUN}\b)"
        rf"|\b(?:{_SAID_BEFORE})\s+{_BETWEEN}(?:{role})(?:\s+(?-i:[A-Z])[\w'’-]+){{0,3}}\s*"
    )
    says = re.compile(rf"{attributed}[,.;:!?]", re.I)
    # the span itself may end with its speaker: "“We will improve,” said Chief Constable Hale"
    says_at_end = re.compile(rf"{attributed}(?:[,.;:!?]|$)", re.I)
    # a speaker label ending its line: "PCC DEV MALHOTRA:", "> Chief Constable Hale:"
    label = re.compile(
        rf"^[ \t>*_]*(?:[\w.]+\s+){{0,2}}?(?:{role})(?:\s+(?-i:[A-Z])[\w'’.-]*){{0,3}}"
        r"[ \t*_]*:\s*[\"“]?\s*$",
        re.I,
    )
    heard: list[str] = []
    if re.search(rf"(?:[:,]|\b(?:{_SAID_BEFORE}))\s*[\"“‘']?\s*$", before, re.I):
        heard.append(_last_sentence(before))  # a lead-in: "X said:", "the chief said "
    opened = _open_quote(before)
    if opened is not None:  # the quotation the span is in was opened by the role
        heard.append(_last_sentence(before[:opened]))
    line = before[before.rfind("\n") + 1 :]
    if says_at_end.search(span) or any(says.search(t) for t in heard):
        return True
    return label.match(line) is not None


def _last_sentence(text: str) -> str:
    """The last sentence of a text (what ends it may be "said:", not a full stop)."""
    return re.split(r"(?<=[.!?])[\"”’]?\s+", text.rstrip())[-1]


def _open_quote(text: str) -> int | None:
    """Where a quotation still open at the end of the text starts, if one is."""
    curly = text.rfind("“")
    if curly >= 0 and "”" not in text[curly:]:
        return curly
    if text.count('"') % 2 == 1:
        return text.rfind('"')
    return None


def asker_speaks(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is in the turn of someone asking, not answering: a reporter's,
    presenter's or interviewer's claim ("so that must mean more than 1,600 ...") states
    nothing the documents find."""
    line = text.rfind("\n", 0, start) + 1
    labels = [m for m in _LABEL.finditer(text, line, end) if m.start() <= start]
    return bool(labels) and _ASKER.search(labels[-1].group(1)) is not None  # its turn's


# a speaker's label: "PRESENTER:", "REPORTER (Marlbury Echo):", "HM INSPECTOR JANE OKAFOR:"
_LABEL = re.compile(
    r"(?:^|(?<=\s))((?-i:[A-Z][A-Z.'’-]*)(?:\s+(?-i:[A-Z][A-Z.'’-]*)){0,4}"
    r"(?:\s*\([^)\n]{0,40}\))?|Q|Question):",
    re.M,
)
_ASKER = re.compile(
    r"^(?:reporter|presenter|interviewer|host|journalist|question|q|caller|audience)\b", re.I
)
