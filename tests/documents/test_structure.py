"""rag.documents.structure: text cleaning, banner and title reading, paragraph offsets.

Forces named Wessex, Mercia and Anglia below are fictional; their texts are invented.
"""

from __future__ import annotations

import codecs
import hashlib
import unicodedata
from pathlib import Path

import pytest

from rag.core.errors import RejectedInput
from rag.core.types import ParsedDocument
from rag.documents.loading import read_text
from rag.documents.structure import clean_text, parse_document
from tests.support import ROOT

TRANSCRIPT = ROOT / "data" / ("cambridgeshire-constabulary-hmi-assessment-transcript.txt")
TITLE = "HMI Zoë Billingham's assessment of Cambridgeshire Constabulary – Transcript"
BANNER = "Promoting improvements\nin policing to make\neveryone safer"
BODY = (
    "I am pleased with the force's work to protect vulnerable people.\n\n"
    "I am concerned about how it investigates some crimes."
)


def assert_offsets(doc: ParsedDocument) -> None:
    body = doc.text.split("\n\n")[1:] if doc.title else doc.text.split("\n\n")
    assert [p.number for p in doc.paragraphs] == list(range(1, len(body) + 1))
    assert [doc.text[p.start : p.end] for p in doc.paragraphs] == body
    assert doc.document_id == hashlib.sha256(doc.text.encode("utf-8")).hexdigest()


# --- clean_text ------------------------------------------------------------------------


def test_line_endings_and_unwrapping() -> None:
    raw = "First line\r\nwrapped here.\r\n\r\nSecond\rparagraph.\n\n\n\n  Third  \n"
    assert clean_text(raw) == "First line wrapped here.\n\nSecond paragraph.\n\nThird"


def test_blank_lines_holding_spaces_separate_paragraphs() -> None:
    assert clean_text("one\n   \t \ntwo") == "one\n\ntwo"


def test_nfc_normalisation() -> None:
    decomposed = unicodedata.normalize("NFD", "Zoë Billingham")
    assert clean_text(decomposed) == "Zoë Billingham"


def test_controls_removed_tabs_become_spaces() -> None:
    # NEL (U+0085) and VT are line breaks, so unwrap to a space; other controls vanish.
    assert clean_text("a\x00b\x07c\x7f\x85d\x9fe\tf\x0bg") == "abc de f g"


@pytest.mark.parametrize(
    "char",
    [
        "\u200b",
        "\u200c",
        "\u200d",
        "\u200e",
        "\u200f",
        "\u202a",
        "\u202b",
        "\u202c",
        "\u202d",
        "\u202e",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
        "\ufeff",
        "\u00ad",
        "\U000e0041",
    ],
)
def test_invisible_and_bidi_characters_removed(char: str) -> None:
    assert clean_text(f"in{char}tegrity") == "integrity"


def test_ansi_escape_sequences_removed() -> None:
    raw = "\x1b[1;31mConcern:\x1b[0m integrity \x1b]0;title\x07unit \x1b(Bweak\x1b[2K."
    assert clean_text(raw) == "Concern: integrity unit weak."


def test_spaces_collapsed_including_unicode_spaces() -> None:
    assert clean_text("good  \u00a0at\u2003\u3000tackling   crime") == "good at tackling crime"


def test_page_breaks_and_unicode_separators_split_paragraphs() -> None:
    assert clean_text("page one\x0cpage two\u2029three\u2028wrapped") == (
        "page one\n\npage two\n\nthree wrapped"
    )


def test_bullets_start_their_own_paragraphs() -> None:
    raw = "Areas for improvement:\n• The force should improve\nsupervision.\n- Another item"
    assert clean_text(raw) == (
        "Areas for improvement:\n\n• The force should improve supervision.\n\n- Another item"
    )


def test_clean_text_is_idempotent_and_empty_safe() -> None:
    once = clean_text(Path(TRANSCRIPT).read_text(encoding="utf-8"))
    assert clean_text(once) == once
    assert clean_text("") == clean_text(" \n\u200b\n\x00 ") == ""


# --- the real transcript ---------------------------------------------------------------


def test_shipped_transcript() -> None:
    doc = parse_document(TRANSCRIPT.read_text(encoding="utf-8"), "transcript.txt")
    assert doc.source == "transcript.txt"
    assert doc.force == "Cambridgeshire Constabulary"
    assert doc.inspector == "Zoë Billingham"
    assert doc.doc_type == "transcript"
    assert doc.title == TITLE
    assert doc.text.startswith(TITLE + "\n\nI am satisfied with most aspects")
    assert "Promoting" not in doc.text and "everyone safer" not in doc.text
    assert len(doc.paragraphs) == 11
    assert doc.paragraphs[0].start == len(TITLE) + 2
    assert doc.paragraphs[-1].end == len(doc.text)
    assert doc.text[doc.paragraphs[-1].start :].startswith("I am pleased treating people fairly")
    assert_offsets(doc)


def test_document_id_is_stable_across_encodings_and_line_endings(tmp_path: Path) -> None:
    raw = TRANSCRIPT.read_text(encoding="utf-8")
    reference = parse_document(raw, "a").document_id
    assert parse_document(raw, "b").document_id == reference
    assert parse_document(raw.replace("\n", "\r\n"), "c").document_id == reference
    path = tmp_path / "copy.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + raw.replace("\n", "\r\n").encode("utf-16-le"))
    assert parse_document(read_text(path, 1_000_000), "d").document_id == reference
    assert parse_document(raw + " Extra.", "e").document_id != reference


# --- banner ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "banner",
    [
        BANNER,
        "Promoting improvements in policing to make everyone safer",
        "PROMOTING IMPROVEMENTS IN POLICING\nTO MAKE EVERYONE SAFER",
        "Promoting\n\nimprovements in policing\n\nto make everyone safer",
        "Promoting improvements in policing and fire & rescue services to make everyone safer",
    ],
)
def test_banner_variants_are_dropped(banner: str) -> None:
    doc = parse_document(f"\n\n{banner}\n\n{TITLE}\n\n{BODY}", "x")
    assert doc.title == TITLE
    assert doc.text.startswith(TITLE) and "safer" not in doc.text
    assert len(doc.paragraphs) == 2
    assert_offsets(doc)


def test_banner_glued_to_title_without_blank_line() -> None:
    doc = parse_document(f"{BANNER}\n{TITLE}\n\n{BODY}", "x")
    assert doc.title == TITLE and doc.force == "Cambridgeshire Constabulary"
    assert_offsets(doc)


def test_short_masthead_lines_before_title_are_dropped() -> None:
    doc = parse_document(f"{BANNER}\n\nHMICFRS\n\n{TITLE}\n\n{BODY}", "x")
    assert doc.title == TITLE and "HMICFRS" not in doc.text
    assert len(doc.paragraphs) == 2


def test_banner_words_later_in_the_body_are_kept() -> None:
    body = "The inspectorate exists for promoting improvements in policing to make everyone safer."
    doc = parse_document(f"{TITLE}\n\n{body}", "x")
    assert doc.text.endswith(body)


# --- title variants --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "force", "inspector", "doc_type"),
    [
        (TITLE, "Cambridgeshire Constabulary", "Zoë Billingham", "transcript"),
        (
            "HMI Zoë Billingham’s assessment of Wessex Constabulary — Transcript",
            "Wessex Constabulary",
            "Zoë Billingham",
            "transcript",
        ),
        (
            "HMI Zoë Billingham's assessment of Wessex Constabulary - Transcript",
            "Wessex Constabulary",
            "Zoë Billingham",
            "transcript",
        ),
        (
            "HMI Zoë Billingham's assessment of Wessex Constabulary",
            "Wessex Constabulary",
            "Zoë Billingham",
            "assessment",
        ),
        (
            "HM Inspector Matt Parr's assessment of Avon and Somerset Constabulary",
            "Avon and Somerset Constabulary",
            "Matt Parr",
            "assessment",
        ),
        (
            "Her Majesty's Inspector of Constabulary Wendy Williams's assessment of Mercia Police",
            "Mercia Police",
            "Wendy Williams",
            "assessment",
        ),
        (
            "Her Majesty’s Inspector of Constabulary Wendy Williams’ assessment of the "
            "Metropolitan Police Service – Transcript",
            "Metropolitan Police Service",
            "Wendy Williams",
            "transcript",
        ),
        (
            "HMI Mike Cunningham's PEEL 2016 assessment of Devon & Cornwall Police",
            "Devon & Cornwall Police",
            "Mike Cunningham",
            "assessment",
        ),
        (
            "Transcript: HMI Anne O'Neill's assessment of Dyfed-Powys Police",
            "Dyfed-Powys Police",
            "Anne O'Neill",
            "transcript",
        ),
        (
            "HMI Zoë Billingham's assessment of Wessex 2016",
            "Wessex",
            "Zoë Billingham",
            "assessment",
        ),
        (
            "PEEL: Police effectiveness 2017 – An inspection of Wessex Constabulary",
            "Wessex Constabulary",
            None,
            "report",
        ),
        (
            "PEEL 2021/22 – An inspection of City of London Police",
            "City of London Police",
            None,
            "report",
        ),
        (
            "PEEL 2023–2025: An inspection of the Police Service of Northern Ireland",
            "Police Service of Northern Ireland",
            None,
            "report",
        ),
        ("Anglia Police – PEEL assessment 2016", "Anglia Police", None, "assessment"),
        ("Anglia Police: PEEL 2023–25 inspection report", "Anglia Police", None, "report"),
    ],
)
def test_title_variants(title: str, force: str, inspector: str | None, doc_type: str) -> None:
    doc = parse_document(f"{BANNER}\n\n{title}\n\n{BODY}", "x")
    assert (doc.title, doc.force, doc.inspector, doc.doc_type) == (
        title,
        force,
        inspector,
        doc_type,
    )
    assert len(doc.paragraphs) == 2
    assert_offsets(doc)


def test_wrapped_title_is_one_line() -> None:
    raw = f"PEEL: Police effectiveness 2017 – An\ninspection of Wessex Constabulary\n\n{BODY}"
    doc = parse_document(raw, "x")
    assert doc.title == "PEEL: Police effectiveness 2017 – An inspection of Wessex Constabulary"


# --- no title: the force is read from the opening text ---------------------------------


def test_fallback_force_from_body() -> None:
    doc = parse_document(BODY.replace("the force's", "Wessex Constabulary's"), "x")
    assert (doc.title, doc.force, doc.inspector, doc.doc_type) == (
        None,
        "Wessex Constabulary",
        None,
        None,
    )
    assert doc.paragraphs[0].start == 0
    assert_offsets(doc)


@pytest.mark.parametrize(
    ("text", "force"),
    [
        ("Avon and Somerset Constabulary has improved.", "Avon and Somerset Constabulary"),
        ("The Police Service of Northern Ireland is good.", "Police Service of Northern Ireland"),
        ("The Chief Constable of Mercia Police leads well.", "Mercia Police"),
        ("In Devon & Cornwall Police, staff are proud.", "Devon & Cornwall Police"),
        ("Since Anglia Police merged its units, Anglia Police has improved.", "Anglia Police"),
        ("Bedfordshire Police and Hertfordshire Constabulary.", "Bedfordshire Police"),
        ("City of London Police is good. City of London Police improved.", "City of London Police"),
        (
            "Wessex Constabulary works with Mercia Police and Anglia Police. Mercia Police and "
            "Wessex Constabulary share a unit. Wessex Constabulary leads it.",
            "Wessex Constabulary",
        ),
        ("Her Majesty's Inspector of Constabulary found the force good.", None),
        ("The police are good at preventing crime.", None),
    ],
)
def test_fallback_force_variants(text: str, force: str | None) -> None:
    assert parse_document(text, "x").force == force


def test_a_round_up_of_several_forces_is_about_no_single_force() -> None:
    text = (
        "Three forces in the region have had their PEEL results. Brantwick Police was rated "
        "good at investigating crime. Sedgecombe Constabulary was rated inadequate at "
        "protecting vulnerable people. Holmbury Police requires improvement. Brantwick "
        "Police's chief constable welcomed it; Sedgecombe Constabulary's did not. Holmbury "
        "Police said it would improve."
    )
    assert parse_document(text, "round-up.txt").force is None  # not the first one named
    # a partner force named less often does not make a force's document a round-up
    single = text.replace("Holmbury Police", "Brantwick Police")
    assert parse_document(single, "x.txt").force == "Brantwick Police"


def test_fallback_only_reads_the_opening() -> None:
    filler = "I am pleased with the force's work. " * 80
    assert parse_document(filler + "Mercia Police is mentioned late.", "x").force is None


def test_title_without_readable_force_falls_back_to_body() -> None:
    title = "HMI Zoë Billingham's assessment of the force – Transcript"
    doc = parse_document(f"{title}\n\nWessex Constabulary is good.", "x")
    assert (doc.title, doc.force, doc.inspector) == (title, "Wessex Constabulary", "Zoë Billingham")


# --- force_override and rejection ------------------------------------------------------


def test_force_override_replaces_detected_force() -> None:
    raw = TRANSCRIPT.read_text(encoding="utf-8")
    doc = parse_document(raw, "x", force_override="  Wessex Constabulary ")
    assert doc.force == "Wessex Constabulary" and doc.inspector == "Zoë Billingham"
    assert parse_document(raw, "x", force_override="  ").force == "Cambridgeshire Constabulary"


@pytest.mark.parametrize(
    "raw", ["", "   \n\n\t", "\u200b\x00\u202e", BANNER, f"{BANNER}\n\n{TITLE}", TITLE]
)
def test_no_body_text_is_rejected(raw: str) -> None:
    with pytest.raises(RejectedInput, match="no body text"):
        parse_document(raw, "x")


# --- documents of other genres: force and inspector read from the body -----------------

PRESS_RELEASE = """Inspectors praise force's response to domestic abuse

Published 3 March 2026

A report into the performance of Northfen Police has found the force good at
investigating crime.

HM Inspector of Constabulary Ada Fairweather said: "Northfen Police has improved."

Northfen Police was judged to be:

- good at investigating crime;
- adequate at preventing crime.
"""

NATIONAL_PAGE = """About PEEL inspections

Inspectors assess every force in England and Wales on a five-point scale, from
outstanding to inadequate. His Majesty's Chief Inspector of Constabulary Ivor Brook
publishes an annual assessment of policing.
"""


def test_a_press_release_names_its_force_and_inspector_in_the_body() -> None:
    doc = parse_document(PRESS_RELEASE, "northfen-press-release.md")
    assert doc.force == "Northfen Police"
    assert doc.inspector == "Ada Fairweather"


def test_a_document_about_no_single_force_has_no_force() -> None:
    doc = parse_document(NATIONAL_PAGE, "peel.md")
    assert doc.force is None
    assert doc.inspector == "Ivor Brook"


def test_a_police_rank_is_not_an_inspector_of_constabulary() -> None:
    text = "Northfen Police said Detective Chief Inspector Sam Hill led the case.\n\nMore text."
    assert parse_document(text, "news.md").inspector is None
