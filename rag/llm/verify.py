"""A model's answer checked sentence by sentence against the evidence it cites.

The model cites evidence ids ("[E2]", "[E1, E3]", "[2]", "(E2)"); each sentence is kept
only when it cites evidence that was shown and says nothing its evidence does not
(:func:`rag.llm.support.check_support`). A sentence that cites nothing, or cites what
does not support it, is cited to the one shown sentence that supports it on its own, if
any (:func:`attribute`: small models often leave out or mistake the id). Kept sentences
get ``[n]`` markers, numbered in order of first use, and each ``[n]`` is the cited
sentence itself, verbatim: a quote is exact by construction. Removed sentences are
counted; an answer left with none becomes the offline answer with a notice.

Where the offline engine abstains (its calibrated judgement that the evidence does not
answer the question), the model may agree but not answer: on the reference set, answers
the model could write from that evidence were unanswerable questions 21 times for every
2 they got right (measured with evidence sentences copied verbatim). Where the engine
answered, the model is shown the engine's quotes to write from: a refusal there shows
the engine's answer.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rag.answer.citations import normalise
from rag.answer.offline import NO_GRADE
from rag.answer.question import analyse
from rag.core.tokens import count_tokens
from rag.core.types import CANNOT_ANSWER, Answer, Citation, Usage
from rag.llm.exhibits import Item
from rag.llm.model_calls import Completion
from rag.llm.parse import cut_repetition, parse_reply
from rag.llm.support import REPORTING, Support, check_support
from rag.retrieve.variants import units

_ID = r"(?:e(?:vidence)?\s*)?\d{1,3}"
MARKERS = re.compile(
    rf"\s*(?:\[\s*({_ID}(?:\s*(?:,|;|&|and)\s*{_ID})*)\s*\]|\(\s*(e\s*\d{{1,3}})\s*\))",
    re.IGNORECASE,
)
_BARE_ID = re.compile(r"(?<![\w-])E(\d{1,3})\b")
_MARKS_AFTER_STOP = re.compile(rf"([.!?])((?:{MARKERS.pattern})+)", re.IGNORECASE)
_LINE_LABEL = re.compile(r"^\s*\[?E\d{1,3}\]?\s*(?:\([^)]*\))?\s*:\s*", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)")
# An id used as a word of the sentence ("E1 and E2 have the highest ..., while E3 has the
# lowest"), not as a citation ("... the lowest E3.", "as E2 says", "see E2 and E3")
_ID_AS_WORD = re.compile(r"(?<![\w\[(-])E\d{1,3}(?:\s*(?:,|and|or|&)\s*E\d{1,3})*\b(?=\s+[a-z])")
# Verbs whose subject speaks, wants or judges: the inspector's as often as the force's
_SPEAKER_VERB = re.compile(
    r"\s+(?:also\s+)?(?:says?|said|states?|stated|notes?|noted|wants?|wanted|would|expects?|"
    r"recommends?|recommended|asks?|asked|thinks?|believes?|judges?|judged|finds?|found|"
    r"highlights?|commends?|praises?|praised|criticis\w*|warns?|warned|"
    r"is\s+(?:pleased|concerned|worried|satisfied|disappointed|impressed)|"
    r"was\s+(?:pleased|concerned|worried|satisfied|disappointed|impressed))\b",
    re.IGNORECASE,
)
_CITING_WORD = re.compile(r"\b(?:in|from|see|by|per|to|of|as|under)\s*$", re.I)


@dataclass
class Checked:
    """The answer's kept sentences with ``[n]`` markers, their citations, and the rest."""

    text: str = ""
    citations: list[Citation] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (sentence, why)
    dropped: int = 0  # evidence ids cited but not shown (unknown, or in removed sentences)
    order: dict[int, int] = field(default_factory=dict)  # evidence number -> its [n]

    def number(self, item: Item) -> int:
        """The [n] of ``item``, given the next number (and a citation) when it has none."""
        key = int(item.id[1:])
        if key not in self.order:
            self.order[key] = len(self.order) + 1
            self.citations.append(item.citation(self.order[key]))
        return self.order[key]


def ids_in(sentence: str) -> list[int]:
    found: list[int] = []
    for match in MARKERS.finditer(sentence):
        found += [int(n) for n in re.findall(r"\d+", match.group(1) or match.group(2))]
    found += [int(n) for n in _BARE_ID.findall(MARKERS.sub("", sentence))]
    return list(dict.fromkeys(found))


def claim_of(sentence: str) -> str:
    """The sentence without its markers, bare ids or a copied line label ("E3 (Force): "),
    and with no brackets left round its words ("[11 weeks]": a small model's habit)."""
    text = _LINE_LABEL.sub("", sentence)
    text = _BARE_ID.sub("", MARKERS.sub("", text))
    text = " ".join(re.sub(r"\[([^\[\]]{1,80})\]", r"\1", text).split())
    text = re.sub(r"\s+([.!?,;:])", r"\1", text)
    return re.sub(r"([.!?])[.!?]+$", r"\1", text)


def named(sentence: str, by_number: dict[int, Item]) -> str | None:
    """The sentence with each id it uses as a word read as the force of its line (a small
    model's "E1 and E2 have the highest ...", "E1 is adequate at investigating crime");
    None when an id stands for what no force name can replace: a line with no force, or
    the subject of a verb of saying or wanting ("E1 wants to see ..."), whose subject is
    the inspector as often as the force. Stripping the id leaves a sentence with no
    subject; naming the force there may say the force wants what the inspector does."""
    groups = [
        m for m in _ID_AS_WORD.finditer(sentence) if not _CITING_WORD.search(sentence[: m.start()])
    ]
    if not groups:
        return sentence
    if any(_SPEAKER_VERB.match(sentence, group.end()) for group in groups):
        return None
    ids = [int(n) for m in groups for n in re.findall(r"\d+", m.group(0))]
    names = [item.passage.force if (item := by_number.get(i)) else None for i in ids]
    if None in names:
        return None
    force = dict(zip(ids, names, strict=True))
    out, last = [], 0
    for group in groups:
        worded = re.sub(r"E(\d+)", lambda n: str(force[int(n.group(1))]), group.group(0))
        out += [sentence[last : group.start()], worded]
        last = group.end()
    return "".join([*out, sentence[last:]])


def sentences_of(text: str) -> list[str]:
    """Sentences, each with the markers a model put after its full stop ("X. [E1]")."""
    moved = _MARKS_AFTER_STOP.sub(lambda m: f" {m.group(2).strip()}{m.group(1)}", text.strip())
    return [s.strip() for s in _SENTENCE.split(moved) if s.strip()]


def attribute(claim: str, items: Sequence[Item], asked: str = "") -> Item | None:
    """The shown evidence sentence that supports ``claim`` on its own (the one sharing most
    of its terms), for a sentence that cites none, or cites what does not support it.

    Small local models often copy or restate a line and leave out its id, or give the
    wrong one (Qwen2.5-Coder-0.5B: most of its usable sentences). The claim is still
    checked in full against the sentence it is cited to; only the id is not the model's."""
    wanted = set(units(claim)) - REPORTING
    if not wanted:  # "...", "Yes.": nothing to find its evidence by
        return None
    supporting = [
        item for item in items if check_support(claim, [item.support], asked=asked).supported
    ]
    if not supporting:
        return None
    return max(supporting, key=lambda item: len(wanted & set(units(item.text))))


def _why(verdict: Support | None, ids: Sequence[int]) -> str:
    if verdict is not None:
        return verdict.reason or "unsupported"
    return f"cites E{ids[0]}, which was not shown" if ids else "cites no evidence"


def check_answer(text: str, items: Sequence[Item], asked: str = "") -> Checked:
    """Each sentence of the model's answer checked against what it cites (``asked``: the
    user's question, whose names a sentence stating a checked figure may use)."""
    by_number = {int(item.id[1:]): item for item in items}
    out = Checked()
    kept: list[str] = []
    sentences = sentences_of(text)
    for index, sentence in enumerate(sentences):
        ids = own = ids_in(sentence)
        if not ids and index + 1 < len(sentences):  # "X. Y [E1].": the next one's ids cover it
            ids = ids_in(sentences[index + 1])
        shown = [by_number[i] for i in ids if i in by_number]
        worded = named(sentence, by_number)
        if worded is None:
            out.removed.append((claim_of(sentence), "uses an evidence id in place of a name"))
            out.dropped += len(own)
            continue
        claim = claim_of(worded)
        supports = [item.support for item in shown]
        verdict = check_support(claim, supports, asked=asked) if shown else None
        if verdict is None or not verdict.supported:
            found = attribute(claim, items, asked) if claim else None
            if found is None:
                unknown = [i for i in own if i not in by_number]
                out.removed.append((claim, _why(verdict, ids)))
                out.dropped += len(own) if verdict else len(unknown)
                continue
            shown = [found]  # cited to the one shown sentence that supports it
        out.dropped += sum(by_number.get(i) not in shown for i in own)
        markers = "".join(f" [{out.number(item)}]" for item in shown)
        body, stop = (claim[:-1], claim[-1]) if claim[-1:] in ".!?" else (claim, ".")
        kept.append(f"{body}{markers}{stop}")
    out.text = " ".join(kept)
    return out


@dataclass
class Attempt:
    """What the chain asked and got: for the answer, the audit log and its usage."""

    question: str
    items: list[Item]
    prompt: str
    completion: Completion
    encoding: str
    started: float
    asked: str = ""  # the user's own question (``question`` may be the model's rewrite)


def usage_of(attempt: Attempt) -> Usage:
    usage = attempt.completion.usage
    if usage:  # the server's own count beats our estimate
        return Usage(
            prompt_tokens=int(usage.get("input_tokens") or 0),
            completion_tokens=int(usage.get("output_tokens") or 0),
        )
    return Usage(
        prompt_tokens=count_tokens(attempt.prompt, attempt.encoding),
        completion_tokens=count_tokens(attempt.completion.raw, attempt.encoding),
    )


def verified_answer(
    attempt: Attempt, offline: Answer, fallback: Callable[[str, dict[str, object]], Answer]
) -> Answer:
    """The model's answer, checked; ``fallback(notice, changes)`` (the offline answer with a
    notice) when nothing it says survives the checks."""
    parsed = parse_reply(attempt.completion.raw)
    text: str = parsed["answer"]
    partial = attempt.completion.cut_off is not None or not parsed["complete"]
    looped = cut_repetition(text)
    if looped is not None:
        text, partial = looped, True
    usage = usage_of(attempt)
    latency = round((time.perf_counter() - attempt.started) * 1000, 2)
    base = {"question": offline.question, "mode": "llm", "usage": usage, "latency_ms": latency}
    if not text.strip():  # nothing readable is no refusal: the offline answer stands
        notice = "The model's reply had no answer text, so the offline answer is shown."
        return fallback(notice, {"usage": usage})
    if not re.search(r"[^\W\d_]", claim_of(text)):  # "[1]", "E2": a pick, not an answer
        notice = "The model replied with evidence ids and no sentence; the offline answer is shown."
        return fallback(notice, {"usage": usage})
    if normalise(claim_of(text)).startswith(normalise(CANNOT_ANSWER)):
        if not offline.abstained:  # it was shown the engine's own quotes, which answer
            notice = "The model gave no answer from the quotes found; the offline answer is shown."
            return fallback(notice, {"usage": usage})
        return Answer(**base, answer=CANNOT_ANSWER, abstained=True, partial=partial)
    checked = check_answer(text, attempt.items, attempt.asked)
    counts = {"dropped_citations": checked.dropped, "unsupported_sentences": len(checked.removed)}
    if not checked.citations:
        why = checked.removed[0][1] if checked.removed else "no answer text"
        notice = (
            f"The model's answer could not be checked against the documents "
            f"({len(checked.removed)} sentence(s) removed; first: {why}), so the offline "
            "answer is shown."
        )
        return fallback(notice, {**counts, "usage": usage})
    if offline.abstained:  # the evidence does not answer: the model may only agree
        notice = (
            "The model answered, but the evidence found does not answer the question "
            "(the offline engine found nothing that does), so the offline answer is shown."
        )
        return fallback(notice, {**counts, "usage": usage})
    wanted = analyse(attempt.question)
    if wanted.holds_kind(claim_of(offline.answer)) and not wanted.holds_kind(
        claim_of(checked.text)
    ):
        notice = (  # "how many ...?" answered without the count: true, but no answer
            f"The model's answer did not give the {wanted.kind} asked for, so the offline "
            "answer is shown."
        )
        return fallback(notice, {**counts, "usage": usage})
    return Answer(
        **base,
        answer="\n".join([completed(checked, attempt.items), *silences(offline)]),
        abstained=False,
        citations=checked.citations,
        partial=partial,
        **counts,
    )


def silences(offline: Answer) -> list[str]:
    """The offline answer's "<force>: no grade for this area was found ..." lines: in a
    comparison, a force whose documents grade nothing asked is accounted for, whoever
    wrote the rest of the answer."""
    return [line for line in offline.answer.splitlines() if line.endswith(NO_GRADE)]


def completed(checked: Checked, items: Sequence[Item]) -> str:
    """The kept sentences, then (quoted, cited) each of the engine's quotes the model left
    out: the engine chose each as part of the answer (a lead-in and its list, one per
    force), and a small model often restates one and drops the rest."""
    left_out = [item for item in items if int(item.id[1:]) not in checked.order]
    forces = {item.passage.force for item in items}
    quotes = []
    for item in left_out:  # across forces, each quote says whose it is (as offline)
        about = f"{item.passage.force}: " if len(forces) > 1 and item.passage.force else ""
        quotes.append(f"{about}“{' '.join(item.text.split())}” [{checked.number(item)}]")
    return " ".join([checked.text, *quotes])
