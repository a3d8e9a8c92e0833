"""Sentence vectors stored with each chunk, so the offline answer embeds nothing at
question time.

They come free with the chunk's own embedding ("late chunking", Günther et al.
2024): the model's token states for the whole chunk are averaged over each
sentence's tokens, instead of running the model again on each sentence alone.
Each sentence is then read in its passage's context. On the reference set this
scored as well as embedding sentences alone (accuracy 0.746 against 0.730, see
the README), and it took the offline answer from about 145 ms to a few ms at
10,000 chunks, because embedding candidate sentences was 88% of its time.

Stored in the chunk's metadata under ``SENTENCE_VECTORS_KEY`` as base64 of:
version byte, sentence count and dimension (uint16), spans (uint32 start, end
relative to the chunk), one float32 scale per vector, then the vectors as int8
(symmetric, per vector: cosine error about 0.002).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence

import numpy as np

from rag.documents.chunking import Span, sentence_spans

SENTENCE_VECTORS_KEY = "sentence_vectors"
MIN_SENTENCE_CHARS = 25  # shorter spans ("Thank you.") are never quoted as evidence
_EDITORIAL = re.compile(r"\[[^\[\]]*\]")
_VERSION = 1
_HEADER = np.dtype([("version", "u1"), ("count", "<u2"), ("dim", "<u2")])


def quotable_spans(text: str) -> list[Span]:
    """The sentences of a passage that can be evidence (the same at ingest and question
    time): not too short, and not an editor's note wholly in square brackets ("[inaudible]",
    "[FICTIONAL: …]"), which no inspector said."""
    return [
        (s, e)
        for s, e in sentence_spans(text, 0, len(text))
        if e - s >= MIN_SENTENCE_CHARS and not _EDITORIAL.fullmatch(text[s:e].strip())
    ]


def pack(spans: Sequence[Span], vectors: np.ndarray) -> str:
    """Spans and their (unit) vectors as one metadata string."""
    count, dim = vectors.shape if len(spans) else (0, 0)
    scales = np.maximum(np.abs(vectors).max(axis=1), 1e-12) / 127 if count else np.zeros(0)
    quantised = np.round(vectors / scales[:, None]).astype(np.int8) if count else np.zeros(0)
    header = np.array([(_VERSION, count, dim)], dtype=_HEADER)
    parts = [
        header.tobytes(),
        np.asarray(spans, dtype="<u4").reshape(-1).tobytes(),
        scales.astype("<f4").tobytes(),
        quantised.tobytes(),
    ]
    return base64.b64encode(b"".join(parts)).decode("ascii")


def unpack(blob: str) -> dict[Span, np.ndarray]:
    """Span -> unit vector; empty for a blob this version cannot read (the caller then
    embeds those sentences at question time, so a damaged value costs time, not answers)."""
    try:
        raw = base64.b64decode(blob, validate=True)
        header = np.frombuffer(raw, dtype=_HEADER, count=1)[0]
        count, dim = int(header["count"]), int(header["dim"])
        if int(header["version"]) != _VERSION or len(raw) != _HEADER.itemsize + count * (
            8 + 4 + dim
        ):
            return {}
        at = _HEADER.itemsize
        spans = np.frombuffer(raw, dtype="<u4", count=2 * count, offset=at).reshape(count, 2)
        at += 8 * count
        scales = np.frombuffer(raw, dtype="<f4", count=count, offset=at)
        at += 4 * count
        quantised = np.frombuffer(raw, dtype=np.int8, count=count * dim, offset=at)
    except (binascii.Error, ValueError, IndexError):
        return {}
    vectors = quantised.reshape(count, dim).astype(np.float32) * scales[:, None]
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return {(int(s), int(e)): v for (s, e), v in zip(spans, vectors, strict=True)}


def pool_spans(
    hidden: np.ndarray,
    offsets: Sequence[tuple[int, int]],
    special: Sequence[int],
    spans: Sequence[Span],
) -> tuple[list[Span], np.ndarray]:
    """Unit mean vectors of the token states inside each character span.

    ``hidden`` is one text's token states, ``offsets`` each token's character span
    and ``special`` the tokenizer's special-token mask. A span with no token (cut off
    by the model's length limit) is left out."""
    dim = hidden.shape[-1]
    rows = np.flatnonzero(~np.asarray(special[: len(hidden)], dtype=bool))
    if not rows.size or not spans:
        return [], np.zeros((0, dim), dtype=np.float32)
    where = np.asarray(offsets[: len(hidden)], dtype=np.int64).reshape(-1, 2)[rows]
    wanted = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
    # token offsets rise through the text: a span's tokens are one run of rows
    first = np.searchsorted(where[:, 0], wanted[:, 0], side="left")
    last = np.searchsorted(where[:, 1], wanted[:, 1], side="right")
    # a span running past the last token was cut by the model's length limit: left out,
    # as a vector of its first words only would stand for the whole sentence
    found = (last > first) & (wanted[:, 1] <= where[-1, 1])
    if not found.any():
        return [], np.zeros((0, dim), dtype=np.float32)
    first, last = first[found], last[found]
    # each span's mean as one matrix product: a row of weights 1/len over its tokens
    position = np.arange(rows.size)
    weights = ((position >= first[:, None]) & (position < last[:, None])).astype(np.float32)
    counts = (last - first).astype(np.float32)[:, None]
    matrix = (weights / counts) @ hidden[rows].astype(np.float32)
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    return [(int(a), int(b)) for a, b in wanted[found]], matrix
