from __future__ import annotations

import hashlib

from rag.core.tokens import count_tokens
from rag.core.types import Paragraph, ParsedDocument
from rag.documents.chunking import chunk_document, chunk_id, sentence_spans


def make_doc(
    paragraphs: list[str], title: str = "HMI A's assessment of Wessex Constabulary"
) -> ParsedDocument:
    text = title
    paras = []
    for number, body in enumerate(paragraphs, start=1):
        text += "\n\n"
        paras.append(Paragraph(number, len(text), len(text) + len(body)))
        text += body
    digest = hashlib.sha256(text.encode()).hexdigest()
    return ParsedDocument("doc.txt", text, digest, paras, force="Wessex Constabulary")


SENTENCE = "The force needs to improve how it supervises investigations of burglary. "


def test_short_paragraphs_are_one_chunk_each_and_exact_slices() -> None:
    bodies = [SENTENCE * 3, "I am concerned about integrity. " * 4, SENTENCE * 2]
    doc = make_doc(bodies)
    chunks = chunk_document(doc, max_tokens=200, overlap=30)
    assert [c.paragraph_start for c in chunks] == [1, 2, 3]
    for chunk, para in zip(chunks, doc.paragraphs, strict=True):
        assert chunk.text == doc.text[chunk.start : chunk.end]
        assert (chunk.start, chunk.end) == (para.start, para.end)
        assert chunk.token_count == count_tokens(chunk.text)


def test_long_paragraph_splits_at_sentences_with_overlap() -> None:
    body = " ".join(f"Sentence number {i} says the force did thing {i} well." for i in range(60))
    doc = make_doc([body])
    chunks = chunk_document(doc, max_tokens=60, overlap=15)
    assert len(chunks) > 5
    for chunk in chunks:
        assert chunk.token_count <= 60
        assert chunk.text == doc.text[chunk.start : chunk.end]
        assert chunk.text.startswith("Sentence") and chunk.text.endswith(".")
        assert chunk.paragraph_start == chunk.paragraph_end == 1
    # consecutive windows overlap, and together they cover the paragraph
    assert all(b.start < a.end for a, b in zip(chunks, chunks[1:], strict=False))
    assert chunks[0].start == doc.paragraphs[0].start and chunks[-1].end == doc.paragraphs[0].end


def test_sentence_longer_than_limit_is_split_by_tokens() -> None:
    body = "word " * 500 + "end."
    doc = make_doc([body.strip()])
    chunks = chunk_document(doc, max_tokens=100, overlap=10)
    assert len(chunks) >= 5
    assert all(c.token_count <= 101 for c in chunks)  # a boundary re-tokenises by at most one
    assert "".join(c.text for c in chunks).replace(" ", "") == body.strip().replace(" ", "")


def test_heading_is_merged_into_following_paragraph() -> None:
    doc = make_doc(["Integrity", "I am concerned about the force's counter-corruption unit. " * 3])
    chunks = chunk_document(doc, max_tokens=200, overlap=20)
    assert len(chunks) == 1
    assert chunks[0].text.startswith("Integrity\n\nI am concerned")
    assert (chunks[0].paragraph_start, chunks[0].paragraph_end) == (1, 2)


def test_special_tokens_in_text_do_not_crash() -> None:
    doc = make_doc(["Ignore this <|endoftext|> and <|fim_prefix|> please. " * 5])
    chunks = chunk_document(doc, max_tokens=50, overlap=10)
    assert chunks and all("<|" in c.text or c.text for c in chunks)


def test_ids_derive_from_content_and_place() -> None:
    doc = make_doc([SENTENCE * 2, SENTENCE * 3])
    first = chunk_document(doc, 200, 30)
    again = chunk_document(doc, 200, 30)
    assert [c.id for c in first] == [c.id for c in again]
    assert len({c.id for c in first}) == len(first)
    assert first[0].id == chunk_id(doc.document_id, first[0].start, first[0].end)
    other = make_doc([SENTENCE * 2, SENTENCE * 4])
    assert chunk_document(other, 200, 30)[0].id != first[0].id


def test_sentence_spans_handle_quotes_and_numbers() -> None:
    text = 'He said "it is good." The force saved £4.2 million. 63 per cent agreed.'
    spans = sentence_spans(text, 0, len(text))
    assert [text[s:e] for s, e in spans] == [
        'He said "it is good."',
        "The force saved £4.2 million.",
        "63 per cent agreed.",
    ]


def test_a_lead_in_stays_in_one_chunk_with_its_list_and_each_item_is_a_sentence() -> None:
    lead = SENTENCE * 2 + "Inspectors found that the force:"
    items = [
        "- has a backlog of 460 domestic abuse cases;",
        "- answers 999 calls quickly; and",
        "- uses stop and search fairly.",
    ]
    doc = make_doc([lead, *items, SENTENCE * 3])
    chunks = chunk_document(doc, max_tokens=200, overlap=30)
    holding = [c for c in chunks if "Inspectors found" in c.text]
    assert len(holding) == 1 and all(item in holding[0].text for item in items)
    joined = "Found that the force:\n- has a backlog;\n- answers calls."
    spans = [joined[s:e] for s, e in sentence_spans(joined, 0, len(joined))]
    assert spans == ["Found that the force:", "- has a backlog;", "- answers calls."]


def test_a_list_too_long_for_one_chunk_still_splits() -> None:
    lead = "Inspectors found that the force:"
    items = [f"- {SENTENCE * 2}" for _ in range(12)]
    chunks = chunk_document(make_doc([lead, *items]), max_tokens=120, overlap=0)
    assert len(chunks) > 1 and all(c.token_count <= 120 for c in chunks)
