"""Token-aware chunking aligned to paragraphs and sentences.

An inspector's paragraph is one theme, so a paragraph is the natural passage:
it becomes one chunk when it fits. Short paragraphs (headings, bullets) are
merged into the next; long ones are split at sentence boundaries with a
sentence-aligned overlap; a sentence longer than the limit is split at token
boundaries. Every chunk is an exact slice ``text[start:end]`` of the stored
document text, so citations can be checked against it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from rag.core.tokens import get_encoding
from rag.core.types import Chunk, Paragraph, ParsedDocument

# A paragraph below this many tokens is a heading or bullet: merged into the next.
MERGE_BELOW_TOKENS = 25
# a sentence ends at . ! ? before a capital or digit, and always at a paragraph break
# (a title line or heading has no full stop but is never part of the next sentence) and
# before a list item on its own line (each item is quotable alone)
_SENTENCE_END = re.compile(
    r"""(?<=[.!?])(["'’”)\]]*)\s+(?=["'‘“(\[]?[A-Z0-9£])|[ \t]*\n[ \t]*\n\s*"""
    r"""|[ \t]*\n(?=[ \t]*(?:[-–•*▪◦]|\d{1,2}[.)])[ \t])"""
)
# a lead-in ("Inspectors found that the force:") stays in one chunk with its list
_LEAD_IN = re.compile(r":\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-–•*▪◦]|\d{1,2}[.)])\s")

Span = tuple[int, int]


def chunker_signature(max_tokens: int, overlap: int, encoding: str) -> str:
    """Identifies the chunking of a document: a change means re-chunking."""
    # v2: chunks carry their sentence vectors (rag.index.sentence_vectors); v1 chunks gain them
    # v3: a lead-in is kept with its list, and each list item is a sentence
    # v4: chunks and paragraphs carry their PDF page and section (a PDF's text is read anew)
    # v5: a web page's headings give its paragraphs and chunks their section; a PDF's table
    # of contents is dropped, its columns, justified lines and wrapped table cells read anew
    return f"v5:{encoding}:{max_tokens}:{overlap}:{MERGE_BELOW_TOKENS}"


def sentence_spans(text: str, start: int, end: int) -> list[Span]:
    """Sentence spans inside ``text[start:end]``, as absolute offsets."""
    spans: list[Span] = []
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, end):
        # keep a closing quote with its sentence; a paragraph break ends where it starts
        spans.append((cursor, match.end(1) if match.group(1) is not None else match.start()))
        cursor = match.end()
    if cursor < end:
        spans.append((cursor, end))
    return [(s, e) for s, e in spans if text[s:e].strip()]


class _Counter:
    def __init__(self, encoding: str) -> None:
        self.encoding = get_encoding(encoding)

    def __call__(self, text: str) -> int:
        return len(self.encoding.encode(text, disallowed_special=()))

    def hard_split(self, text: str, span: Span, max_tokens: int) -> list[Span]:
        """Split one over-long sentence into windows of at most ``max_tokens``."""
        start, end = span
        tokens = self.encoding.encode(text[start:end], disallowed_special=())
        _, offsets = self.encoding.decode_with_offsets(tokens)
        pieces: list[Span] = []
        for i in range(0, len(tokens), max_tokens):
            piece_start = start + offsets[i]
            piece_end = start + offsets[i + max_tokens] if i + max_tokens < len(tokens) else end
            if piece_end > piece_start:
                pieces.append((piece_start, piece_end))
        return pieces


def _windows(
    sentences: list[Span], sizes: list[int], max_tokens: int, overlap: int
) -> Iterator[Span]:
    """Greedy packing of sentences into windows, each next window re-using
    the previous window's trailing sentences up to ``overlap`` tokens."""
    i = 0
    while i < len(sentences):
        total, j = 0, i
        while j < len(sentences) and (j == i or total + sizes[j] <= max_tokens):
            total += sizes[j]
            j += 1
        yield sentences[i][0], sentences[j - 1][1]
        if j >= len(sentences):
            return
        back, carried = j, 0
        while back - 1 > i and carried + sizes[back - 1] <= overlap:
            back -= 1
            carried += sizes[back]
        i = back


def _paragraph_groups(
    text: str, paragraphs: list[Paragraph], count: _Counter, max_tokens: int
) -> Iterator[tuple[int, int, Span, int]]:
    """(first number, last number, span, tokens): short paragraphs merged into the next,
    and a lead-in ending in a colon merged with the list items after it (while they fit)."""
    pending: Paragraph | None = None
    listing = False  # the group so far ends in a lead-in or one of its items
    for i, para in enumerate(paragraphs):
        first = pending or para
        span = (first.start, para.end)
        tokens = count(text[span[0] : span[1]])
        own = text[para.start : para.end]
        listing = bool(_LEAD_IN.search(own)) or (listing and bool(_LIST_ITEM.match(own)))
        after = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        list_goes_on = (
            listing
            and after is not None
            and bool(_LIST_ITEM.match(text[after.start : after.end]))
            and count(text[span[0] : after.end]) <= max_tokens
        )
        if after is not None and (tokens < MERGE_BELOW_TOKENS or list_goes_on):
            pending = first
            continue
        pending = None
        yield first.number, para.number, span, tokens


def chunk_document(
    doc: ParsedDocument, max_tokens: int, overlap: int, encoding: str = "cl100k_base"
) -> list[Chunk]:
    """Split ``doc`` into chunks of at most ``max_tokens`` tokens."""
    count = _Counter(encoding)
    spans: list[tuple[int, int, Span]] = []
    for first, last, span, tokens in _paragraph_groups(doc.text, doc.paragraphs, count, max_tokens):
        if tokens <= max_tokens:
            spans.append((first, last, span))
            continue
        sentences: list[Span] = []
        for sentence in sentence_spans(doc.text, *span):
            if count(doc.text[sentence[0] : sentence[1]]) > max_tokens:
                sentences.extend(count.hard_split(doc.text, sentence, max_tokens))
            else:
                sentences.append(sentence)
        # each sentence counted with the gap before it (a paragraph break is a token too)
        starts = [span[0], *(end for _, end in sentences[:-1])]
        sizes = [
            count(doc.text[min(gap, s) : e]) for gap, (s, e) in zip(starts, sentences, strict=True)
        ]
        for window in _windows(sentences, sizes, max_tokens, overlap):
            numbers = [
                p.number for p in doc.paragraphs if p.start < window[1] and p.end > window[0]
            ]
            spans.append((numbers[0], numbers[-1], window))

    chunks = []
    for index, (first, last, (start, end)) in enumerate(spans):
        text = doc.text[start:end]
        chunks.append(
            Chunk(
                id=chunk_id(doc.document_id, start, end),
                document_id=doc.document_id,
                index=index,
                text=text,
                start=start,
                end=end,
                paragraph_start=first,
                paragraph_end=last,
                token_count=count(text),
            )
        )
    return chunks


def chunk_id(document_id: str, start: int, end: int) -> str:
    """Content-derived: the document's hash plus the chunk's place in it."""
    return hashlib.sha256(f"{document_id}:{start}:{end}".encode()).hexdigest()[:32]
