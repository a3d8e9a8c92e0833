"""Text from documents, file names and models, made safe to show.

- :func:`terminal_safe`: for a terminal. Control characters (ANSI escapes, carriage
  returns, bells) and invisible or bidi-reordering characters are shown as visible
  ``\\x1b`` / ``\\u202e`` escapes, so a file name or a model's reply cannot recolour,
  clear, rewrite or visually reorder what the user sees.
- :func:`inert_markdown`: for a Markdown renderer (the app's ``st.markdown``). Every
  ASCII punctuation character is backslash-escaped (CommonMark renders an escaped
  character literally), so no link, image, autolink, raw HTML, heading, list, table,
  math (``$``) or emoji/colour directive (``:red[..]``) can form: the reader sees exactly
  the original characters and nothing is live or fetched. Leading spaces of a line are
  dropped (four would start a code block, where escapes show as backslashes). GitHub's
  Markdown (Streamlit's) links bare URLs and e-mail addresses even through escapes, so
  those are set as code spans, where nothing is ever a link.
- :func:`addressed_to_a_model`: whether a document's sentence speaks to a model
  ("ignore previous instructions", "SYSTEM:"): planted text, never a finding.
"""

from __future__ import annotations

import re
import string

# C0 and C1 controls (tab and newline handled apart), DEL, and invisible or bidi
# formatting characters: zero-width, LRM/RLM, embeddings/overrides/isolates, BOM, tags.
_INVISIBLE = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f"
)
_UNSAFE_KEEP_LINES = re.compile(f"[{_INVISIBLE}]")
_UNSAFE_ONE_LINE = re.compile(f"[{_INVISIBLE}\t\n]")
_LEADING_SPACE = re.compile(r"^[ \t]+", re.MULTILINE)
_MARKDOWN_SPECIAL = re.compile("([" + re.escape(string.punctuation) + "])")
# No word boundary before a scheme or www.: GFM links them after any punctuation, "_"
# included ("_www.x.org"); matching too much only costs a harmless code span.
_LINKISH = re.compile(
    r"(?:[a-z][a-z0-9+.\-]*:/{1,3}|www\.)[^\s<>]+|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+",
    re.IGNORECASE,
)
# Text addressed to a model, not a finding (prompt injection: the threats note): never shown
# as evidence to a model nor quoted as an answer. The LLM prompt fences evidence as data as
# well; this keeps a small model, which follows instructions loosely, from reading them.
_ADDRESSED_TO_A_MODEL = re.compile(
    # "ignore all previous instructions", "disregard your rules": not "officers ignore the
    # rules for grading calls", a finding
    r"\b(?:ignore|disregard|forget|override)\s+(?:(?:all|any|your|my|the|these)\s+){0,2}"
    r"(?:(?:previous|prior|above|earlier|preceding|system|all)\s+)?(?:instructions?|prompts?)\b|"
    r"\b(?:ignore|disregard|forget|override)\s+(?:all|any|your|my)\s+(?:(?:previous|prior|"
    r"above|earlier)\s+)?rules\b|"
    r"\bsystem\s+prompt\b|\bdeveloper\s+mode\b|\bjailbreak\b|\b(?:and|then)\s+obey\b|"
    r"\b(?:say|output|print|reply|respond)\s+(?:only\s+)?(?:the\s+word|exactly)\b|"
    r"(?:^|\n)\s*(?:system|assistant)\s*:|<\|",
    re.IGNORECASE,
)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else (f"\\U{code:08x}")
    )


def terminal_safe(text: str, one_line: bool = False) -> str:
    """``text`` with every control and invisible character shown as an escape; with
    ``one_line`` newlines and tabs too (for file names in one-line messages)."""
    pattern = _UNSAFE_ONE_LINE if one_line else _UNSAFE_KEEP_LINES
    return pattern.sub(_visible, text)


def _code_span(text: str) -> str:
    fence = "`" * (max((len(r) for r in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def inert_markdown(text: str) -> str:
    """``text`` escaped for Markdown: renders as exactly its own characters, nothing live.

    Line breaks are kept (as hard breaks); controls and invisible characters are shown
    as escapes first (see :func:`terminal_safe`); URLs and addresses become code spans.
    """
    text = terminal_safe(text)
    text = _LEADING_SPACE.sub("", text)  # an indented line would be a code block
    pieces, last = [], 0
    for match in _LINKISH.finditer(text):
        link = match.group().rstrip(").,;:!?'\"]")  # sentence punctuation is not the URL's
        pieces += [_MARKDOWN_SPECIAL.sub(r"\\\1", text[last : match.start()]), _code_span(link)]
        last = match.start() + len(link)
    pieces.append(_MARKDOWN_SPECIAL.sub(r"\\\1", text[last:]))
    return "".join(pieces).replace("\n", "  \n")


def highlighted(passage: str, span: tuple[int, int] | None) -> str:
    """The passage as inert Markdown with ``span`` (the verified quote) in bold; the
    spaces around the quote stay outside the bold, so that it always closes."""
    if span is None:
        return inert_markdown(passage)
    start, end = span
    quote = passage[start:end]
    core = quote.strip()
    if not core:
        return inert_markdown(passage)
    lead = quote[: len(quote) - len(quote.lstrip())]
    trail = quote[len(quote.rstrip()) :]
    after = passage[end:]
    gap = trail + after[: len(after) - len(after.lstrip(" \t"))]  # spaces the escaping drops
    return (
        f"{inert_markdown(passage[:start] + lead)}**{inert_markdown(core)}**"
        f"{' ' if gap else ''}{inert_markdown(after)}"
    )


def addressed_to_a_model(text: str) -> bool:
    """Whether a sentence speaks to a model ("ignore previous instructions", "SYSTEM:")."""
    return bool(_ADDRESSED_TO_A_MODEL.search(text))
