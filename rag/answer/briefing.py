"""One-paragraph briefings on a force, every sentence cited.

Offline, the briefing is built from the inspector's own cue phrases: each
sentence of the force's documents is classed as a verdict, a strength, an area
for improvement or a concern, and the clearest of each are quoted. The LLM
writes the same schema (``rag.llm.briefing``), and its citations go through the same
checks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answer.citations import citation_for
from rag.answer.grades import GradeGroup, grouped, overall_grade, passage_grades
from rag.core.types import Briefing, Citation, Finding, StatedGradeRef
from rag.retrieve.evidence import Sentence, split_sentences
from rag.retrieve.search import Passage

# Cue phrases, strongest first. A sentence takes the first kind whose cue it holds,
# in the order concern > improvement > strength: "good, but needs to improve" is an
# improvement, not a strength.
CUES: dict[str, re.Pattern[str]] = {
    "concern": re.compile(
        r"\b(concern(ed|s|ing)?|serious(ly)? (weakness|failing|risk)|unacceptable|inadequate|"
        r"worr(y|ied|ying)|failing|fails to|poor)\b",
        re.I,
    ),
    "improvement": re.compile(
        r"\b(needs? to (improve|make|do|develop|better|ensure|understand)|should (do|improve|make)|"
        r"would like to see|requires? improvement|area for improvement|more (work|to do)|"
        r"still needs|must (improve|address|make)|not yet|limited|sometimes taken away|"
        r"interested to see|well enough|does not|do not|did not|is not|are not|lacks?|"
        r"inconsistent(ly)?)\b",
        re.I,
    ),
    "strength": re.compile(
        r"\b(pleased|commend|impress(ed|ive)|outstanding|good at|generally good|performing well|"
        r"working well|successful|strong|effective(ly)?|encouraged|well-established|"
        r"good understanding|integral|well)\b",
        re.I,
    ),
}
_VERDICT = re.compile(
    r"\b(overall|satisfied with (most|many|all)|judge \w+( \w+){0,3} to be)\b", re.I
)
LABELS = {
    "verdict": "Overall",
    "strength": "Strength",
    "improvement": "Area for improvement",
    "concern": "Concern",
}
MAX_ITEMS = 3


# The inspector's opening words carry the verdict: "I am pleased by the response to the
# concerns I raised" is praise, whatever words follow.
_OPENING = [
    (
        "strength",
        re.compile(
            r"^(I am|I was|I'm) (very )?(pleased|impressed|encouraged)|^I (do )?commend", re.I
        ),
    ),
    (
        "concern",
        re.compile(r"^(I am|I was|I'm|I remain) (very |seriously |particularly )?concerned", re.I),
    ),
]


def classify(text: str) -> str | None:
    for kind, opening in _OPENING:
        if opening.search(text):
            return kind
    for kind, cue in CUES.items():
        if cue.search(text):
            return kind
    return None


def pick(sentences: Sequence[Sentence]) -> dict[str, list[Sentence]]:
    """Sentences by kind, one per paragraph, in document order."""
    picked: dict[str, list[Sentence]] = {k: [] for k in LABELS}
    used: set[tuple[str, int]] = set()
    seen: set[str] = set()
    for sentence in sentences:
        text = sentence.text
        if text in seen:
            continue
        kind = "verdict" if _VERDICT.search(text) and not picked["verdict"] else classify(text)
        paragraph = (sentence.passage.document_id, sentence.passage.paragraph or 0)
        if kind is None or paragraph in used or len(picked[kind]) >= MAX_ITEMS:
            continue
        picked[kind].append(sentence)
        used.add(paragraph)
        seen.add(text)
    return picked


def offline_briefing(
    force: str, passages: Sequence[Passage], inspector: str | None = None
) -> Briefing:
    """The briefing from ``passages`` (the force's documents, in document order)."""
    if not passages:
        return Briefing(force=force, paragraph=f"No documents on {force} are indexed.")
    sentences = split_sentences(passages)
    picked = pick(sentences)
    # the paragraph: the verdict, then alternate the kinds so each is heard, 4 to 6 sentences
    order = [
        ("verdict", 0),
        ("strength", 0),
        ("improvement", 0),
        ("concern", 0),
        ("strength", 1),
        ("improvement", 1),
        ("concern", 1),
    ]
    in_paragraph = [(k, i) for k, i in order if i < len(picked[k])][:6]
    rest = [(k, i) for k in LABELS for i in range(len(picked[k])) if (k, i) not in in_paragraph]
    citations: list[Citation] = []
    numbers: dict[tuple[str, int], int] = {}
    for kind, index in in_paragraph + rest:  # numbered in reading order
        citations.append(citation_for(picked[kind][index], len(citations) + 1))
        numbers[(kind, index)] = len(citations)
    findings = {
        kind: [
            Finding(text=picked[kind][i].text, citations=[numbers[(kind, i)]])
            for i in range(len(picked[kind]))
        ]
        for kind in LABELS
    }
    groups = grouped(passage_grades(passages))
    grades = grade_refs(groups, citations)
    lines = [f"{LABELS[k]}: “{picked[k][i].text}” [{numbers[(k, i)]}]" for k, i in in_paragraph]
    opening = f"{force}, inspected by {inspector}" if inspector else force
    return Briefing(
        force=force,
        paragraph=f"{opening} — " + " ".join(lines),
        grade=overall_grade(groups),
        grades=grades,
        strengths=findings["strength"],
        improvements=findings["improvement"],
        concerns=findings["concern"],
        citations=citations,
    )


def grade_refs(groups: Sequence[GradeGroup], citations: list[Citation]) -> list[StatedGradeRef]:
    """The stated grades, each citing its sentences: a sentence already cited keeps its
    number, any other is appended to ``citations``."""
    refs = []
    for group in groups:
        numbers = []
        for sentence in group.sentences:
            cited = citation_for(sentence, len(citations) + 1)
            same = next(
                (
                    c.n
                    for c in citations
                    if c.document_id == cited.document_id and c.char_start == cited.char_start
                ),
                None,
            )
            if same is None:
                citations.append(cited)
                same = cited.n
            if same not in numbers:
                numbers.append(same)
        refs.append(StatedGradeRef(area=group.area, grade=group.grade, citations=sorted(numbers)))
    return refs
