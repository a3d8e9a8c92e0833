"""Briefing prose that cannot invent: a source sentence compressed by deletion only,
behind a short third-person frame ("The inspector found that", "The inspector was",
"Inspectors").

The frame says who speaks, from what the document is: a transcript's or report's "I"
is its inspector and "we" the inspectors; any other document (a press release, a news
page) may quote other people, so its first person is never rewritten, and its frame is
"The press release says that". What the frame replaces is the speaker's opening ("I am
pleased by" becomes "The inspector was pleased by"), a leading connective ("However,")
or an aside naming the inspectors ("At the time of our inspection,"). Every result is
checked (:func:`rag.answer.deletion.is_subsequence`); one that fails is not used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer.deletion import FIRST_PERSON, MAX_SENTENCE_WORDS, is_subsequence, words

_CONNECTIVE = re.compile(
    r"^(however|although|but|and|also|in addition|furthermore|moreover|nonetheless|overall|"
    r"in summary|"
    r"nevertheless|similarly|importantly|finally|encouragingly)\b,?\s+",
    re.I,
)
_CONCESSION = re.compile(r"^(although|while|whilst|though)\s+[^,]{3,120},\s+", re.I)
_ASIDE = re.compile(r"\s*\([^()]*\)")
# A leading phrase that speaks as the inspectors ("At the time of our inspection,"); never
# one with a figure ("Of the 130 cases we reviewed,"), which the rest depends on.
_LEAD = re.compile(r"^(?=[^,]*\b(?:our|we|us)\b)[^,\d]{0,120},\s+", re.I)
_BE = re.compile(r"^I (am|was|'m)\s+", re.I)
_HAVE = re.compile(r"^I (have|'ve)\s+", re.I)
_MODAL = re.compile(r"^I (would|will|should|can|could|must)\s+", re.I)
_VERBS = {
    "judge": "judged", "found": "found", "find": "found", "commend": "commended",
    "note": "noted", "noted": "noted", "welcome": "welcomed", "recognise": "recognised",
    "consider": "considered", "believe": "believed", "saw": "saw", "remain": "remained",
    "expect": "expected", "judged": "judged", "look": "looks",
}  # fmt: skip
_VERB = re.compile(r"^I (do |also )?(" + "|".join(_VERBS) + r")\b\s*", re.I)
_WE = re.compile(r"^We\s+(?=\w)", re.I)
# where a trailing clause may be cut off: what it says goes, nothing is changed
_BOUND = re.compile(
    r",\s+(which|so that|so they|including|and|but|as well as|while|although|though|"
    r"whereas)\b|\s+but\b|;\s+",
    re.I,
)
_PERSON = re.compile(r"\b(I|[Ww]e|[Oo]ur|[Uu]s|[Mm]y|[Mm]e)\b")
# "the concerns I raised": the pronoun goes and the verb reads as a participle; never after
# a word that makes it a clause's subject ("which I raised", "when we inspected")
_AFTER_NOUN = re.compile(r"(\w+) (I|we) (?=\w+ed\b)")
_CLAUSE_OPENERS = frozenset(
    ["when", "if", "that", "as", "which", "who", "whom", "where", "while", "because"]
    + ["since", "before", "after", "until", "what", "how", "and", "but", "or", "so", "than"]
)
_DEPENDENT = re.compile(r"^(this|these|that|those|they|their|it|its|such|as a result)\b", re.I)
# words that point back at the sentence before: without it the body would not say what
# the source says ("maintaining this commitment")
_POINTS_BACK = re.compile(r"\b(this|these|those)\b(?! (year|month|week|report|inspection))", re.I)
_DATELINE = re.compile(r"^[^.–—]{0,40}\d{4}\s*[–—-]\s+")
_SPEECH = re.compile(r"[\"“”]")
_VOICE_TYPES = {"transcript", "report", "assessment"}


@dataclass(frozen=True)
class Voice:
    """Who speaks in a document: ``who`` for its "I" (None: never rewritten), whether its
    "we" are the inspectors, and the frame of a sentence with no speaker of its own."""

    who: str | None
    we: bool
    neutral: str


def voice_of(doc_type: str | None, label: str, name: str | None = None) -> Voice:
    """The voice of a document: ``label`` names it ("press release") when it is not the
    inspectorate's own; ``name`` is its inspector, when the frame may name them. A
    press release or a news page is never the inspector's voice, whatever its title."""
    if doc_type in _VOICE_TYPES and label == "document":
        plain = name and re.fullmatch(r"[^\W\d][\w'’.-]*( [^\W\d][\w'’.-]*){0,4}", name)
        who = f"HMI {name}" if plain else "The inspector"
        neutral = "The report found that" if doc_type == "report" else f"{who} found that"
        return Voice(who, True, neutral)
    return Voice(None, False, f"The {label} says that")


@dataclass(frozen=True)
class Prose:
    frame: str
    body: str  # words of the source, in order, some deleted

    @property
    def text(self) -> str:
        return f"{self.frame} {self.body}".strip()


def compress(
    text: str, voice: Voice, force: str, previous: str = "", first: bool = True, around: str = ""
) -> Prose | None:
    """``text`` as a framed sentence by deletion, or None when it cannot be (its first
    person cannot be framed, it leans on a sentence before it, it stays too long).
    After the ``first`` sentence, a force named as the subject again is "the force";
    ``around`` (the passage) tells a common word from a name when it opens the body."""
    if _SPEECH.search(text):
        return None  # reported speech: whose words they are is the quote's to show
    body = _DATELINE.sub("", _ASIDE.sub("", text.strip()).rstrip(" .!?;:"), count=1)
    body = re.sub(r"^[-•*]\s+", "", body)
    if not body[:1].isupper():
        return None  # a list item that continues a lead-in: not a sentence of its own
    for _ in range(3):  # "However, although ..., at the time of our inspection, ..."
        body = _CONNECTIVE.sub("", _CONCESSION.sub("", body, count=1), count=1)
        if voice.we:
            body = _LEAD.sub("", body, count=1)
    frame = _speaker(body, voice)
    if frame is not None:
        frame, body = frame
    elif _DEPENDENT.match(body):
        subject = _force_subject(previous, force)
        if subject is None or not re.match(r"^it\b(?!s)", body, re.I):
            return None
        frame, body = f"{voice.neutral} {subject}", body[2:].lstrip()
    else:
        frame = voice.neutral
        named = re.match(rf"^{re.escape(force)}('s)?\s", body, re.I)
        if named and not first:
            frame, body = f"{frame} the force{named.group(1) or ''}", body[named.end() :]
    if voice.we:
        body = _AFTER_NOUN.sub(
            lambda m: m.group(0) if m.group(1).lower() in _CLAUSE_OPENERS else f"{m.group(1)} ",
            body,
        )
    while len(words(f"{frame} {body}")) > MAX_SENTENCE_WORDS or _PERSON.search(body):
        shorter = _cut(body)
        if shorter == body:
            return None
        body = shorter
    if len(words(body)) < 4 or FIRST_PERSON & set(words(body)) or _POINTS_BACK.search(body):
        return None
    if not is_subsequence(body, text):
        return None
    return Prose(frame, _lower_first(body, around))


def _speaker(body: str, voice: Voice) -> tuple[str, str] | None:
    """The frame for a first-person opening, and the body after it."""
    if voice.who is not None:
        for pattern, frame in ((_BE, "was"), (_HAVE, "has")):
            if match := pattern.match(body):
                return f"{voice.who} {frame}", body[match.end() :]
        if match := _MODAL.match(body):
            return f"{voice.who} {match.group(1).lower()}", body[match.end() :]
        if match := _VERB.match(body):
            return f"{voice.who} {_VERBS[match.group(2).lower()]}", body[match.end() :]
    if voice.we and (match := _WE.match(body)):
        return "Inspectors", body[match.end() :]
    return None


def _force_subject(previous: str, force: str) -> str | None:
    """What a sentence's opening "It" stands for: the force, when the sentence before
    it has the force as its subject."""
    if re.match(rf"^({re.escape(force)}|the force)\b", previous.strip(), re.I):
        return "the force"
    return None


def _cut(body: str) -> str:
    """``body`` without its last trailing clause, or without the clause where its first
    person starts (which no frame can carry)."""
    bounds = [m.start() for m in _BOUND.finditer(body)]
    person = _PERSON.search(body)
    if person:
        bounds = [b for b in bounds if b < person.start()]
    return body[: bounds[-1]] if bounds else body


def _lower_first(body: str, around: str) -> str:
    """The body's first letter in lower case after a frame, unless it starts a name: a
    word the passage also writes in lower case is not a name."""
    first = re.match(r"[^\W\d]+", body)
    if first and (
        first.group(0).lower() in _COMMON or re.search(rf"\b{first.group(0).lower()}\b", around)
    ):
        return body[0].lower() + body[1:]
    return body


_COMMON = frozenset(
    ["the", "a", "an", "its", "it", "there", "most", "many", "some", "all", "every", "each"]
    + ["no", "only", "one"]
)
