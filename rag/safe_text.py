"""Text from documents and models, made inert for Markdown renderers.

Streamlit renders Markdown (GitHub-flavoured, with its own `:color[...]`,
emoji-shortcode and `$math$` extensions). A document or a model could
otherwise smuggle in a live link, a `javascript:` URL, a remote image that
leaks data when fetched, or HTML. Every Markdown-significant character is
backslash-escaped, so the text shows exactly as written and nothing is live.
"""

from __future__ import annotations

import re

# ASCII punctuation that CommonMark, GFM or Streamlit's extensions give a meaning;
# "." and ":" break bare-URL autolinks (www.x.org, http://x) and shortcodes (:smile:).
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&=\"'^@%])")
_LEADING_SPACE = re.compile(r"^[ \t]+", re.MULTILINE)  # 4 spaces would start a code block
# GFM turns bare URLs and e-mail addresses into links even through backslash escapes;
# inside a code span they stay text.
_LINKISH = re.compile(
    r"(?:\b[a-z][a-z0-9+.\-]*:/{1,3}|\bwww\.)[^\s<>]+|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+",
    re.IGNORECASE,
)


def _code_span(text: str) -> str:
    fence = "`" * (max((len(r) for r in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def inert_markdown(text: str) -> str:
    """``text`` escaped so that a Markdown renderer shows it literally, line breaks kept;
    URLs and addresses appear as code, never as links."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _LEADING_SPACE.sub("", text)
    pieces, last = [], 0
    for match in _LINKISH.finditer(text):
        link = match.group().rstrip(").,;:!?'\"]")  # sentence punctuation is not the URL's
        pieces += [_SPECIAL.sub(r"\\\1", text[last : match.start()]), _code_span(link)]
        last = match.start() + len(link)
    pieces.append(_SPECIAL.sub(r"\\\1", text[last:]))
    # a single newline would be folded into the paragraph; keep the author's lines
    return "".join(pieces).replace("\n", "  \n")


def highlighted(passage: str, span: tuple[int, int] | None) -> str:
    """The passage as inert Markdown with ``span`` (the verified quote) in bold."""
    if span is None:
        return inert_markdown(passage)
    start, end = span
    before, quote, after = passage[:start], passage[start:end].strip(), passage[end:]
    return f"{inert_markdown(before)}**{inert_markdown(quote)}**{inert_markdown(after)}"
