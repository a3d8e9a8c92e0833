"""How a question or a text speaks of police forces: other forces asked about ("which
neighbouring forces ...?", "with neighbouring forces"), forces spoken of without a name
("two neighbouring forces", "tri-force"), and the forces a text names ("Kent Police")."""

from __future__ import annotations

import re

# "which neighbouring forces does it work with?": the answer is another force, named
ASKS_FORCES = re.compile(
    r"\b(?:which|what)\s+(?:other|neighbouring|neighboring|nearby|partner|surrounding|"
    r"fellow|regional)\s+(?:police\s+)?forces?\b",
    re.I,
)
# "how does it work with neighbouring forces?": the answer is about other forces, named
# or spoken of as such, not about its neighbours or its partners in general
WITH_FORCES = re.compile(
    r"\bwith\s+(?:its\s+|the\s+)?(?:other|neighbouring|neighboring|nearby|partner|surrounding|"
    r"fellow|regional)\s+(?:police\s+)?forces\b",
    re.I,
)
SPEAKS_OF_FORCES = re.compile(
    r"\b(?:other|neighbouring|neighboring|nearby|partner|surrounding|fellow|regional|two|three|"
    r"four|five|six)\s+(?:police\s+)?forces\b|\b(?:bi|tri|multi)-force\b|\bforces in the region\b",
    re.I,
)
FORCE_NAMED = re.compile(r"\b(?:[A-Z][a-z]+[\s-]+)+(?:Police|Constabulary)\b")
# capitalised words before a force's name that are not part of it ("The", "Since", "National
# Police Chiefs' Council", "the Police and Crime Commissioner")
NOT_A_PLACE = frozenset(
    """
    The A An In At On By Since For From With And But Our Its National Local Police Crime
    Fire Chief Chiefs Deputy Assistant Many All Some Every Each Most Several Other Two Three
    Four Five Six Special Home Office Neighbourhood Transport Military
    """.split()  # noqa: SIM905 - a word list reads best as text
)
# "which forces ...?", "name the forces that ...": the answer is forces, named
WHICH_FORCES = re.compile(
    r"\b(?:which|what)\s+(?:(?!(?:do|does|did|should|must|can|could|will|would|are|were|is|"
    r"was|have|has|had|need|needs|might|may)\b)[\w'’-]+\s+)?forces\b|"
    r"\bname\s+(?:the\s+)?forces\b",
    re.I,
)


def forces_named(text: str) -> list[str]:
    """The forces a text names ("Kent Police"), without the words before a name that are
    not part of it ("Since Kent Police" is Kent Police; "National Police" is no force)."""
    out = []
    for match in FORCE_NAMED.finditer(text):
        if re.match(r"\s+and\s+Crime\b", text[match.end() :]):
            continue  # "Police and Crime Commissioners": an office, not a force
        words = match.group(0).split()
        while words and words[0] in NOT_A_PLACE:
            words = words[1:]
        if len(words) >= 2:
            out.append(" ".join(words))
    return out
