"""Every finding of a force's documents: each evaluative sentence classed as a verdict, a
strength, an area for improvement, a concern or context, with its theme and a weight
(how much a briefing paragraph should want it).

The kind comes from the inspector's cue phrases ("I am pleased", "needs to improve",
"I am concerned"), from a numbered block's heading in a long report ("Area for
improvement 3", "Cause of concern", "Recommendations"), and from a bare label sentence
that follows ("This is an area for improvement.").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.answer.citations import where
from rag.answer.grade_patterns import GRADE_WORDS
from rag.answer.themes import OVERALL, theme_of
from rag.core.safe_text import addressed_to_a_model
from rag.retrieve.evidence import Sentence, split_sentences
from rag.retrieve.search import Passage

KINDS = ("verdict", "strength", "improvement", "concern", "context")

# Cue phrases. A sentence takes the first kind whose cue it holds, in the order
# concern > improvement > strength: "good, but needs to improve" is an improvement.
CUES: dict[str, re.Pattern[str]] = {
    "concern": re.compile(
        r"\b(concern(ed|s|ing)?|serious(ly)? (weakness|failing|risk)|unacceptable|inadequate|"
        r"worr(y|ied|ying)|failing|fails to|poor|overdue)\b",
        re.I,
    ),
    "improvement": re.compile(
        r"\b(needs? to (improve|make|do|develop|better|ensure|understand)|should (do|improve|"
        r"make|reduce|restart|understand|clear|agree)|would like to see|requires? improvement|"
        r"area for improvement|more (work|to do)|still needs|must (improve|address|make)|"
        r"not yet|limited|sometimes taken away|interested to see|well enough|does not|do not|"
        r"did not|is not|are not|lacks?|inconsistent(ly)?|not always|too (many|often|slow)|"
        r"backlog|not enough|slow)\b",
        re.I,
    ),
    "strength": re.compile(
        r"\b(pleased|commend\w*|impress(ed|ive)|outstanding|good at|generally good|performing "
        r"well|working well|successful(ly)?|strong|effective(ly)?|encouraged|well-established|"
        r"good understanding|integral|leads the way|a strength|well(?! (below|short|behind))|"
        r"(has|have) (reduced|cut|cleared|improved))\b",
        re.I,
    ),
}
# The inspector's opening words carry the verdict: "I am pleased by the response to the
# concerns I raised" is praise, whatever words follow.
_OPENING = [
    (
        "strength",
        re.compile(
            r"^(I am|I was|I'm) (very )?(pleased|impressed|encouraged)|"
            r"^I (do )?commend",
            re.I,
        ),
    ),
    (
        "concern",
        re.compile(
            r"^(But |However, )?(I am|I was|I'm|I remain|I have) (also )?"
            r"(very |seriously |particularly |serious )?concern",
            re.I,
        ),
    ),
]
_VERDICT = re.compile(
    r"\boverall\b|\bsatisfied with (most|many|some|all)\b|'s performance is\b|"
    r"\bis an? (\w+ ){0,2}force\b",
    re.I,
)
_CONTEXT = re.compile(
    r"\b(look forward to|will monitor|is developing|has (a )?plans?|plans to|has begun|"
    r"is aware of|faces)\b",
    re.I,
)
# How the inspection was done, not what it found.
_METHOD = re.compile(
    r"\bgraded judgements?\b|\b(this|the) (part of the )?report\b|\bin this report\b|"
    r"\bwe set out\b|\bgrading scale\b|\bpoint scale\b|\b(an area for improvement|a cause of "
    r"concern) is an?\b|\b(examined|inspected|assessed) how\b|"
    r"\binspectorate (makes|grades|uses|publishes)\b|\bwould like to thank\b|\bgrateful to\b",
    re.I,
)
_GRADE_ROW = re.compile(rf"^[^.:]{{3,80}}:\s*(?:{GRADE_WORDS})\.?$", re.I)  # a table's row
_LABEL_ONLY = re.compile(
    r"^(this|that|it) (is|was|remains) (an? |the )?(area for improvement|cause of concern)\.?$",
    re.I,
)
_BLOCK = re.compile(
    r"^(areas? for improvement|causes? of concern|recommendations?)\b(\s*\d+)?", re.I
)
_GRADE = re.compile(
    r"\b(outstanding|inadequate|good|adequate)'? (at|in)\b|\brequires? improvement\b|"
    r"\b(is|be|as) '?(outstanding|inadequate|good|adequate)\b|\bcause of concern\b",
    re.I,
)
_FIGURE = re.compile(r"\d|\bper cent\b|\b(one|two|three|four|five|half) in\b", re.I)
_VOICE = re.compile(r"^(I|We)\b|\bI (am|was|have|would)\b")


@dataclass
class Found:
    """One finding: a sentence, its kind and theme, the numbered block it belongs to (if
    any) and its weight for the paragraph."""

    sentence: Sentence
    kind: str
    theme: str | None
    label: str | None
    weight: float

    @property
    def text(self) -> str:
        return self.sentence.text


def classify(text: str) -> str | None:
    """The kind a sentence's cue phrases give it (None: no cue)."""
    for kind, opening in _OPENING:
        if opening.search(text):
            return kind
    for kind, cue in CUES.items():
        if cue.search(text):
            return kind
    return "context" if _CONTEXT.search(text) else None


def _is_sentence(text: str) -> bool:
    """Prose, not a heading, a table row, a list of contents or a question (a Q&A page's
    "What did we find about ...?" heading states nothing)."""
    words = text.split()
    return (
        len(words) >= 5
        and text.rstrip().endswith((".", "!"))
        and "•" not in text
        and not _GRADE_ROW.match(text)
    )


def _block(section: str | None) -> tuple[str | None, str | None]:
    """The numbered block a heading names: (label, kind)."""
    match = _BLOCK.match(section or "")
    if not match:
        return None, None
    label = match.group(0).strip()
    kind = "improvement" if label.lower().startswith("area") else "concern"
    return label[0].upper() + label[1:], kind


_ACTION = re.compile(r"\b(the force|it) (should|must) \w|^By \d{1,2} \w+ \d{4}", re.I)


class _Blocks:
    """Which paragraphs under a numbered block's heading are the block: its first
    paragraph, then each next one while it says what the force should do. A PDF's
    heading runs on until the next one, over the report's text after the block."""

    def __init__(self) -> None:
        self._state: dict[tuple[str, str], tuple[object, bool]] = {}  # -> (paragraph, open)

    def holds(self, sentence: Sentence, section: str | None, paragraph: object, text: str) -> bool:
        key = (sentence.passage.document_id, section or "")
        if key not in self._state:
            self._state[key] = (paragraph, True)
            return True
        first, open_ = self._state[key]
        if paragraph == first or not open_:
            return open_
        open_ = bool(_ACTION.search(text))
        self._state[key] = (paragraph, open_)
        return open_


def all_findings(passages: Sequence[Passage]) -> list[Found]:
    """Every finding of ``passages`` (a force's documents, in document order), each
    sentence once."""
    sentences = split_sentences(passages)
    found: list[Found] = []
    seen: set[str] = set()
    blocks = _Blocks()
    for i, sentence in enumerate(sentences):
        text = sentence.text.strip()
        if text in seen or not _is_sentence(text) or _LABEL_ONLY.match(text):
            continue
        if addressed_to_a_model(text):
            continue  # planted text speaking to a model, not a finding
        seen.add(text)
        offset = int(sentence.passage.metadata.get("char_start", 0)) + sentence.start
        place = where(sentence.passage, offset)
        section = place["section"] if isinstance(place["section"], str) else None
        label, kind = _block(section)
        if label is not None and not blocks.holds(sentence, section, place["paragraph"], text):
            label = kind = None  # the report's text goes on under the block's heading
        following = sentences[i + 1].text.strip() if i + 1 < len(sentences) else ""
        if kind is None and _LABEL_ONLY.match(following):
            kind = "concern" if "concern" in following.lower() else "improvement"
            label = "Cause of concern" if kind == "concern" else "Area for improvement"
        if kind is None:
            if _METHOD.search(text):
                continue
            kind = "verdict" if _VERDICT.search(text) else classify(text)
        theme = OVERALL if kind == "verdict" else theme_of(text, section)
        if kind is None and theme is not None and _FIGURE.search(text):
            kind = "context"  # a figure on a theme: the evidence behind a finding
        if kind is None:
            continue
        theme = OVERALL if kind == "verdict" else theme_of(text, section)
        weight = _weight(text, kind, label, i) - (1.5 if theme is None else 0.0)
        found.append(Found(sentence, kind, theme, label, weight))
    return found


def _weight(text: str, kind: str, label: str | None, position: int) -> float:
    """Stated grades, causes of concern and the inspector's own voice weigh most; long
    sentences and late ones a little less (a document puts its summary first)."""
    weight = 1.0
    weight += 2.0 if _GRADE.search(text) else 0.0
    weight += 1.5 if label and "concern" in label.lower() else 0.0
    weight += 1.0 if _VOICE.search(text) and kind != "context" else 0.0
    weight += 0.5 if re.search(r"\d", text) else 0.0
    weight -= 0.02 * max(0, len(text.split()) - 25)
    weight -= 0.002 * position
    return weight
