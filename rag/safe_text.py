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
  dropped (four would start a code block, where escapes show as backslashes).
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


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else (
        f"\\U{code:08x}"
    )


def terminal_safe(text: str, one_line: bool = False) -> str:
    """``text`` with every control and invisible character shown as an escape; with
    ``one_line`` newlines and tabs too (for file names in one-line messages)."""
    pattern = _UNSAFE_ONE_LINE if one_line else _UNSAFE_KEEP_LINES
    return pattern.sub(_visible, text)


def inert_markdown(text: str) -> str:
    """``text`` escaped for Markdown: renders as exactly its own characters, nothing live.

    Line breaks are kept (as paragraph text); controls and invisible characters are
    shown as escapes first (see :func:`terminal_safe`).
    """
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", terminal_safe(text))
    return _LEADING_SPACE.sub("", escaped)  # an indented line would be a code block
