"""Reading a chat model's reply tolerantly. Nothing here raises on model output.

Small and weak models wrap JSON in code fences or prose, cut it off, give numbers
as strings, cite "[1]" or "Source 1", or loop on one sentence. :func:`parse_reply`
turns any of that into one normalised dict; :func:`check_citations` marks citations
whose source was not in the context or whose quote is not in that source;
:func:`build_reply` does both and guards against loops, giving an :class:`LLMReply`.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from langchain_core.utils.json import parse_partial_json

from rag.answer.citations import MARKER, RawCitation, check_citations, normalise
from rag.answer.grades import GRADES
from rag.core.tokens import count_tokens
from rag.core.types import CANNOT_ANSWER, Finding
from rag.llm.types import BriefReply, LLMReply

if TYPE_CHECKING:
    from rag.retrieve.search import Passage

_ANSWER_KEYS = ("answer", "briefing", "response", "text")
_KNOWN_KEYS = {*_ANSWER_KEYS, "citations", "question", "grade"}
_FENCE = re.compile(r"```[a-zA-Z]*[ \t]*\n?(.*?)(?:```|$)", re.DOTALL)
_LABEL = re.compile(r"^\[?\s*(?:s(?:ource)?\s*)?(\d{1,4})\s*\]?$", re.IGNORECASE)
_LABEL_IN_TEXT = re.compile(r"\bS(?:ource)?\s*(\d{1,4})\b|\[(\d{1,4})\]", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“](.+?)[\"”]", re.DOTALL)
_ANSWER_START = re.compile(r'"(?:answer|briefing)"\s*:\s*"')
_STRING_BODY = re.compile(r'(?:[^"\\]|\\.)*')
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")
_PHRASE_LOOP = re.compile(r"(\w.{7,79}?)(?:\s*\1){3,}", re.DOTALL)
_MAX_STARTS = 50  # '{' positions tried when hunting for an embedded object


def load_json_object(text: str) -> tuple[dict[str, Any] | None, bool]:
    """The reply's JSON object in ``text`` (fenced, after prose, before junk) and whether it
    was complete; a cut-off object is completed as far as it goes. An object with none of
    the reply's keys (a citation inside a cut-off reply) is the last resort."""
    fenced = _FENCE.search(text)
    body = fenced.group(1) if fenced and "{" in fenced.group(1) else text
    decoder = json.JSONDecoder(strict=False)  # raw newlines inside strings are common
    starts = [i for i, char in enumerate(body) if char == "{"][:_MAX_STARTS]
    fallback: dict[str, Any] | None = None
    for start in starts:
        try:
            value, _ = decoder.raw_decode(body, start)
        except ValueError:
            continue
        if isinstance(value, dict) and _KNOWN_KEYS & value.keys():
            return value, True
        fallback = fallback or (value if isinstance(value, dict) else None)
    for start in starts:
        try:
            value = parse_partial_json(body[start:], strict=False)
        except ValueError:
            continue
        if isinstance(value, dict) and _KNOWN_KEYS & value.keys():
            return value, False
    return fallback, fallback is not None


def parse_reply(text: str) -> dict[str, Any]:
    """Normalised reply: ``answer`` (str), ``citations`` (RawCitation list), ``grade``
    (str or None), ``strengths``/``improvements``/``concerns`` (Finding lists),
    ``structured`` (False when no JSON object was found) and ``complete``."""
    obj, complete = load_json_object(text)
    if obj is None:
        return {
            "answer": text.strip(),
            "citations": [],
            "grade": None,
            "strengths": [],
            "improvements": [],
            "concerns": [],
            "structured": False,
            "complete": True,
        }
    answer = next((obj[key] for key in _ANSWER_KEYS if key in obj), "")
    if isinstance(answer, list):
        answer = " ".join(str(part) for part in answer)
    return {
        "answer": str(answer or "").strip(),
        "citations": _citations(obj.get("citations", obj.get("sources"))),
        "grade": _grade(obj.get("grade")),
        "strengths": _findings(obj.get("strengths")),
        "improvements": _findings(obj.get("improvements", obj.get("areas_for_improvement"))),
        "concerns": _findings(obj.get("concerns", obj.get("causes_of_concern"))),
        "structured": True,
        "complete": complete,
    }


def _number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    match = _LABEL.match(str(value).strip()) if isinstance(value, str) else None
    return int(match.group(1)) if match else None


def _label(value: Any) -> str:
    number = _number(value)
    if number is not None:
        return f"S{number}"
    return str(value).strip() if value is not None else ""


def _citation(item: Any, position: int) -> RawCitation:
    if isinstance(item, dict):
        n = _number(item.get("n", item.get("id", item.get("number"))))
        label = _label(item.get("source", item.get("source_id", item.get("label"))))
        quote = item.get("quote", item.get("text", ""))
        quote = " ... ".join(map(str, quote)) if isinstance(quote, list) else str(quote or "")
    else:  # "S2", 2, "[2] \"quoted words\""
        text, n = str(item), None
        found = _LABEL_IN_TEXT.search(text)
        label = f"S{found.group(1) or found.group(2)}" if found else ""
        if _number(item) is not None:
            label = _label(item)
        quoted = _QUOTED.search(text)
        quote = quoted.group(1) if quoted else ""
    if not label and n is not None:
        label = f"S{n}"  # models often number the markers after the sources
    if n is None:
        n = _number(label) or position
    return RawCitation(n=n, source_label=label, quote=quote.strip())


def _citations(value: Any) -> list[RawCitation]:
    if isinstance(value, dict | str | int):
        value = [value]
    if not isinstance(value, list):
        return []
    return [_citation(item, i) for i, item in enumerate(value, start=1) if item not in (None, "")]


def _grade(value: Any) -> str | None:
    text = " ".join(str(value).split()).casefold() if isinstance(value, str) else ""
    return text if text in GRADES else None


def _findings(value: Any) -> list[Finding]:
    if not isinstance(value, list):
        return []
    out = []
    for item in value:
        if isinstance(item, dict):
            text, cited = str(item.get("text", "")).strip(), item.get("citations", [])
        else:
            text, cited = str(item).strip(), []
        numbers = [_number(c) for c in (cited if isinstance(cited, list) else [cited])]
        if text:
            out.append(Finding(text=text, citations=[n for n in numbers if n is not None]))
    return out


def answer_so_far(buffer: str) -> str:
    """The answer text readable from a reply still arriving (JSON or plain text)."""
    start = _ANSWER_START.search(buffer)
    if start is None:
        head = buffer.lstrip()
        # plain text: shown once it is clearly not the start of a JSON object
        if len(head) < 40 or head.startswith(("{", "`")) or "{" in head[:40]:
            return ""
        return head
    body = _STRING_BODY.match(buffer, start.end())
    segment = body.group(0) if body else ""
    segment = re.sub(r"\\u[0-9a-fA-F]{0,3}$", "", segment)  # an escape still arriving
    try:
        return str(json.loads(f'"{segment}"', strict=False))
    except ValueError:
        return segment


def cut_repetition(text: str, times: int = 3) -> str | None:
    """``text`` cut before a loop (a sentence said ``times``+ times, or a phrase repeated
    back to back), keeping the first occurrence; None when there is no loop."""
    seen: dict[str, list[int]] = {}
    for match in _SENTENCE.finditer(text):
        key = " ".join(MARKER.sub("", match.group(0)).split()).casefold()
        if len(key) < 12:
            continue
        starts = seen.setdefault(key, [])
        starts.append(match.start())
        if len(starts) >= times:
            return text[: starts[1]].rstrip()
    loop = _PHRASE_LOOP.search(text)
    if loop:
        return text[: loop.start() + len(loop.group(1))].rstrip()
    return None


def build_reply(
    raw: str,
    prompt: str,
    labels: dict[str, Passage],
    encoding: str,
    usage: dict[str, Any] | None = None,
    cut_off: str | None = None,
    brief: bool = False,
) -> LLMReply:
    """Parse, guard and check a finished reply; ``cut_off`` says why it ended early, if it did
    (a broken stream, the token limit). ``usage`` is LangChain's usage_metadata, if any."""
    parsed = parse_reply(raw)
    answer: str = parsed["answer"]
    partial = [cut_off] if cut_off else []
    problems = (
        []
        if parsed["structured"]
        else ["the reply was not JSON: shown as plain text, without citations"]
    )
    if not answer:
        problems.append("the reply had no answer text")
    if not parsed["complete"]:
        partial.append("the reply's JSON was cut off")
    looped = cut_repetition(answer)
    if looped is not None:
        answer = looped
        partial.append("the model repeated itself: the answer was cut")
    citations: list[RawCitation] = parsed["citations"]
    if not answer or normalise(MARKER.sub("", answer)) == normalise(CANNOT_ANSWER):
        answer, citations = CANNOT_ANSWER, []
    check_citations(citations, labels)
    if usage:  # the server's own count beats our estimate
        tokens = {
            "prompt_tokens": int(usage.get("input_tokens") or 0),
            "completion_tokens": int(usage.get("output_tokens") or 0),
        }
    else:
        tokens = {
            "prompt_tokens": count_tokens(prompt, encoding),
            "completion_tokens": count_tokens(raw, encoding),
        }
    reply = LLMReply(
        answer=answer,
        citations=citations,
        raw=raw,
        prompt=prompt,
        usage=tokens,
        partial=bool(partial),
        structured=parsed["structured"],
        problems=partial + problems,
        labels=labels,
    )
    if not brief:
        return reply
    grade = parsed["grade"]
    if grade and not any(normalise(grade) in normalise(p.text) for p in labels.values()):
        reply.problems.append(f"grade {grade!r} is not stated in any source: dropped")
        grade = None
    return BriefReply(
        **vars(reply),
        grade=grade,
        strengths=parsed["strengths"],
        improvements=parsed["improvements"],
        concerns=parsed["concerns"],
    )
