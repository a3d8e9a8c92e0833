"""One-paragraph briefings on a force, every sentence cited.

Offline, the briefing is built from the inspector's own cue phrases: each
sentence of the force's documents is classed as a verdict, a strength, an area
for improvement or a concern, and the clearest of each are quoted. The LLM
writes the same schema, and its citations go through the same checks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rag.answer.citations import citation_for
from rag.core.types import Briefing, Citation, Finding
from rag.retrieve.evidence import Sentence, split_sentences
from rag.retrieve.search import Passage

if TYPE_CHECKING:
    from rag.engine.engine import Engine

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
_OVERALL_GRADE = re.compile(
    r"\b(outstanding|good|adequate|requires? improvement|inadequate)\s+overall\b|"
    r"\boverall\b[^.]{0,60}?\b(outstanding|good|adequate|requires? improvement|inadequate)\b",
    re.I,
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


def stated_grade(sentences: Sequence[Sentence]) -> str | None:
    """The overall grade, only where a sentence states one."""
    for sentence in sentences:
        match = _OVERALL_GRADE.search(sentence.text)
        if match:
            grade = (match.group(1) or match.group(2)).lower()
            return "requires improvement" if grade.startswith("require") else grade
    return None


def force_passages(engine: Engine, force: str) -> list[Passage]:
    """Every live chunk of the force's documents, in document order."""
    snap = engine.searcher.snapshot
    rows = [i for i, m in enumerate(snap.metadatas) if m.get("force") == force]
    rows.sort(key=lambda i: (snap.metadatas[i]["document_id"], snap.metadatas[i]["char_start"]))
    return [snap.passage(i) for i in rows]


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


def offline_briefing(engine: Engine, force: str) -> Briefing:
    passages = force_passages(engine, force)
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
    lines = [f"{LABELS[k]}: “{picked[k][i].text}” [{numbers[(k, i)]}]" for k, i in in_paragraph]
    inspector = engine.searcher.snapshot.inspectors.get(force)
    opening = f"{force}, inspected by {inspector}" if inspector else force
    return Briefing(
        force=force,
        paragraph=f"{opening} — " + " ".join(lines),
        grade=stated_grade(sentences),
        strengths=findings["strength"],
        improvements=findings["improvement"],
        concerns=findings["concern"],
        citations=citations,
    )


def llm_briefing(engine: Engine, force: str) -> Briefing:
    """The model's briefing, its citations checked; the offline one if it fails."""
    from rag.answer.citations import renumbered, rewrite_markers, verified_citations
    from rag.core.errors import LLMError
    from rag.llm.answers import brief_with_llm

    offline = offline_briefing(engine, force)
    passages = force_passages(engine, force)
    try:
        reply = brief_with_llm(engine.chat_model(), force, passages, engine.settings)
    except LLMError as exc:
        return offline.model_copy(update={"notice": f"{exc} Showing the offline briefing."})
    kept = verified_citations(reply.citations, reply.labels)
    paragraph, renumber = rewrite_markers(reply.answer, kept)
    for old in kept:  # findings may cite what the paragraph does not
        renumber.setdefault(old, len(renumber) + 1)
    citations = renumbered(kept, renumber)
    if not paragraph or not citations:
        return offline.model_copy(
            update={
                "notice": "The model's briefing could not be checked against the documents, "
                "so the offline briefing is shown.",
                "dropped_citations": len(reply.citations),
            }
        )

    def checked(items: Sequence[Any]) -> list[Finding]:
        out = []
        for item in items:
            refs = [renumber[n] for n in item.citations if n in renumber]
            if refs:
                out.append(Finding(text=item.text, citations=refs))
        return out

    return Briefing(
        force=force,
        paragraph=paragraph,
        grade=reply.grade,
        strengths=checked(reply.strengths),
        improvements=checked(reply.improvements),
        concerns=checked(reply.concerns),
        citations=citations,
        mode="llm",
        dropped_citations=len(reply.citations) - len(citations),
    )


def brief(engine: Engine, force: str, mode: str | None = None) -> Briefing:
    """The briefing on a force named in any spelling the user might type, in the mode asked.

    Raises RagError naming the indexed forces when the force is not among them.
    """
    from rag.core.errors import RagError

    engine.require_documents()
    resolved = engine.resolve_force(force)
    if resolved is None:
        raise RagError(
            f"No documents on {force!r} are indexed; indexed forces: "
            f"{', '.join(engine.forces) or 'none'}."
        )
    make = llm_briefing if engine.resolve_mode(mode) == "llm" else offline_briefing
    return make(engine, resolved)

