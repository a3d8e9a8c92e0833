"""Reading a chat model's reply tolerantly. Nothing here raises on model output.

Small and weak models wrap JSON in code fences or prose, cut it off, give numbers
as strings, cite "E2", "[2]" or "Evidence 2", or loop on one sentence. :func:`parse_reply`
turns any of that into one normalised dict; :func:`cut_repetition` finds a loop.
"""

from __future__ import annotations

import json
import re
from typing import Any

from langchain_core.utils.json import parse_partial_json

from rag.core.types import Finding

_ANSWER_KEYS = ("answer", "briefing", "response", "text")
_KNOWN_KEYS = {*_ANSWER_KEYS, "citations", "question", "strengths"}
_FENCE = re.compile(r"```[a-zA-Z]*[ \t]*\n?(.*?)(?:```|$)", re.DOTALL)
_LABEL = re.compile(r"^\[?\s*(?:e(?:vidence)?\s*)?(\d{1,4})\s*\]?$", re.IGNORECASE)
_ANSWER_START = re.compile(r'"(?:answer|briefing)"\s*:\s*"')
_STRING_BODY = re.compile(r'(?:[^"\\]|\\.)*')
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")
_PHRASE_LOOP = re.compile(r"(\w.{7,79}?)(?:\s*\1){3,}", re.DOTALL)
_MARKER = re.compile(r"\s?\[[^\]]{0,20}\]")
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
    """Normalised reply: ``answer`` (str), ``strengths``/``improvements``/``concerns``
    (Finding lists, citing evidence numbers: "E2" is 2),
    ``structured`` (False when no JSON object was found) and ``complete``."""
    obj, complete = load_json_object(text)
    if obj is None:
        return {
            "answer": text.strip(),
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


def _findings(value: Any) -> list[Finding]:
    if not isinstance(value, list):
        return []
    out = []
    for item in value:
        if isinstance(item, dict):
            text = str(item.get("text", "")).strip()
            cited = item.get("evidence", item.get("citations", []))
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
        key = " ".join(_MARKER.sub("", match.group(0)).split()).casefold()
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
