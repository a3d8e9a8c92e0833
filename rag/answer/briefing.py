"""One-paragraph briefings on a force, every sentence cited, and all its findings.

Offline, every evaluative sentence of the force's documents is a finding
(:mod:`rag.answer.findings`); the paragraph takes the weightiest of each kind (a
verdict, then strengths, areas for improvement and concerns, on different themes), each
written as a frame plus the source sentence's own words in order
(:mod:`rag.answer.prose`), or quoted whole when it cannot be. The LLM writes the same
schema (``rag.llm.briefing``) and meets the same checks (:mod:`rag.answer.deletion`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answer.citations import citation_for
from rag.answer.deletion import MAX_SENTENCES, MAX_WORDS, MIN_SENTENCES, words
from rag.answer.findings import Found, all_findings
from rag.answer.grades import GradeGroup, grouped, overall_grade, passage_grades
from rag.answer.prose import Prose, Voice, compress, voice_of
from rag.core.types import Briefing, BriefingSentence, Citation, Finding, StatedGradeRef
from rag.retrieve.search import Passage

# The paragraph's slots in reading order: the verdict, then each kind heard in turn.
SLOTS = ("verdict", "strength", "improvement", "concern", "strength", "improvement", "concern")
SECTIONS = {"strength": "strengths", "improvement": "improvements", "concern": "concerns"}


def offline_briefing(
    force: str, passages: Sequence[Passage], inspector: str | None = None
) -> Briefing:
    """The briefing from ``passages`` (the force's documents, in document order)."""
    if not passages:
        return Briefing(force=force, paragraph=f"No documents on {force} are indexed.")
    found = all_findings(passages)
    one_document = len({p.document_id for p in passages}) == 1
    around = " ".join(p.text for p in passages)  # tells a common word from a name
    picked = choose(found, force, inspector if one_document else None, around)
    citations: list[Citation] = []
    numbers: dict[int, int] = {}  # id of a finding's sentence -> its [n]

    def number(f: Found) -> int:
        if id(f) not in numbers:
            citations.append(citation_for(f.sentence, len(citations) + 1))
            numbers[id(f)] = len(citations)
        return numbers[id(f)]

    sentences = [_sentence(f, prose, number(f)) for f, prose in picked]  # numbered first
    findings = [
        Finding(text=f.text, citations=[number(f)], kind=f.kind, theme=f.theme, label=f.label)
        for f in found
    ]
    groups = grouped(passage_grades(passages))
    paragraph = " ".join(s.text for s in sentences) or (
        f"The documents on {force} state no findings a briefing can report."
    )
    return Briefing(
        force=force,
        paragraph=paragraph,
        grade=overall_grade(groups),
        grades=grade_refs(groups, citations),
        sentences=sentences,
        findings=findings,
        **{field: [f for f in findings if f.kind == kind] for kind, field in SECTIONS.items()},
        citations=citations,
    )


def choose(
    found: Sequence[Found], force: str, inspector: str | None, around: str = ""
) -> list[tuple[Found, Prose | None]]:
    """The paragraph's findings, each with its prose (None: quoted whole): the weightiest
    of each slot's kind whose prose passes, on a theme not yet heard, within 150 words;
    then any theme; then quotes, while at most a third of the words are quoted."""
    ranked = {k: sorted((f for f in found if f.kind == k), key=lambda f: -f.weight) for k in SLOTS}
    chosen: list[tuple[Found, Prose | None]] = []

    def fits(f: Found, prose: Prose | None) -> bool:
        count = len(words(prose.text if prose else f.text)) + (0 if prose else 3)
        total = sum(len(words(p.text if p else g.text)) + (0 if p else 3) for g, p in chosen)
        quoted = sum(len(words(g.text)) for g, p in chosen if p is None)
        if total + count > MAX_WORDS:
            return False
        return prose is not None or 3 * (quoted + count - 3) <= total + count

    # passes: new themes only; then any theme for a kind not yet heard; then any theme
    # until there are 4 sentences; then quotes as well
    for strict, missing, quoting in (
        (True, False, False), (False, True, False), (False, False, False), (False, False, True)
    ):  # fmt: skip
        for slot in SLOTS:
            if len(chosen) >= (MAX_SENTENCES if strict or missing else MIN_SENTENCES):
                break
            taken = [g for g, _ in chosen]
            heard = {g.kind for g in taken}
            if (slot == "verdict" or missing) and slot in heard:
                continue
            themes = {g.theme for g in taken}
            for f in ranked[slot]:
                if f in taken or (strict and f.theme in themes):
                    continue
                prose = _prose(f, force, None if chosen else inspector, not chosen, around)
                if (prose is not None or quoting) and fits(f, prose):
                    chosen.append((f, prose))
                    break
    order = {id(f): i for i, f in enumerate(found)}
    head = [c for c in chosen if c[0].kind == "verdict"]
    return head + sorted(
        (c for c in chosen if c[0].kind != "verdict"),
        key=lambda c: (SLOTS.index(c[0].kind), order[id(c[0])]),
    )


def _prose(f: Found, force: str, inspector: str | None, first: bool, around: str) -> Prose | None:
    voice = _voice(f.sentence.passage.metadata, inspector)
    return compress(f.text, voice, force, _previous(f), first, around)


def _voice(meta: dict[str, object], inspector: str | None) -> Voice:
    named = f"{meta.get('source', '')} {meta.get('title', '')}"
    label = (
        "press release" if re.search(r"press[\s_-]*release", named, re.I)
        else "news report" if re.search(r"\bnews\b", named, re.I)
        else "document"
    )  # fmt: skip
    doc_type = meta.get("doc_type")
    return voice_of(doc_type if isinstance(doc_type, str) else None, label, inspector)


def _previous(f: Found) -> str:
    """The text just before the finding's sentence in its passage (what "It" refers to)."""
    before = f.sentence.passage.text[: f.sentence.start].rstrip()
    return re.split(r"(?<=[.!?])\s+", before)[-1] if before else ""


def _sentence(f: Found, prose: Prose | None, n: int) -> BriefingSentence:
    if prose is not None:
        return BriefingSentence(text=f"{prose.text} [{n}].", frame=prose.frame, citations=[n])
    frame = _voice(f.sentence.passage.metadata, None)
    said = f"{frame.who} said:" if frame.who else f"{frame.neutral.rsplit(' ', 1)[0]}:"
    text = f"{said} “{f.text.strip().strip(chr(34) + '“”')}” [{n}]"
    return BriefingSentence(text=text, frame=said, citations=[n], quoted=True)


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
