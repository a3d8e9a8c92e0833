"""Whose words a quote is: a third party's reaction is answered only by words the text
attributes to that role, in one clause with a verb of speaking, or by their speaker label."""

from __future__ import annotations

import pytest

from rag.answer.speakers import said_by

CHIEF = frozenset({"chief constable"})
PCC = frozenset({"commissioner"})


@pytest.mark.parametrize(
    ("roles", "span", "before"),
    [
        # the quotation opened by the sentence leading into it
        (
            CHIEF,
            'We have already put 85 more detectives into a new hub."',
            'It was rated inadequate. Chief Constable Mark Tennant said: "We accept it. ',
        ),
        (CHIEF, "“We accept every finding,” said Chief Constable Owain Bellamy.", ""),
        (CHIEF, "The chief constable accepted all five recommendations.", ""),
        (PCC, "We will hold the chief constable to account.", "PCC DEV MALHOTRA: "),
        (PCC, "I will fund 40 more officers.", "Intro.\n\nThe commissioner’s response:\n\n"),
    ],
)
def test_words_attributed_to_the_role_are_theirs(
    roles: frozenset[str], span: str, before: str
) -> None:
    assert said_by(roles, span, before)


@pytest.mark.parametrize(
    ("roles", "span", "before"),
    [
        # the inspectors speak; the chief constable is only their subject
        (CHIEF, "Inspectors said the chief constable had not set clear priorities.", ""),
        (CHIEF, "The chief constable, inspectors said, had not set priorities.", ""),
        (CHIEF, "The chief constable was told by inspectors that it must improve.", ""),
        (CHIEF, "Inspectors said the chief constable had not planned, and the force accepted.", ""),
        (CHIEF, "The findings were explained to the chief constable.", ""),
        # the role and a verb of speech nearby, but not in one clause with the span
        (PCC, "The force was described as inadequate.", "The commissioner took office in 2024. "),
        # a whole sentence before the span is no lead-in to it
        (PCC, "Inspectors graded the force inadequate at it.", "The PCC welcomed the report. "),
        # the inspector opened the quotation, writing to the chief constable
        (
            CHIEF,
            'The force has still not put right its crime recording."',
            'HM Inspector Laurence Mottram wrote to the chief constable: "We are concerned. ',
        ),
        (CHIEF, "The force is failing victims.”", "Inspectors said the chief constable “had not. "),
        # a closed quotation earlier does not carry over to the next sentence
        (CHIEF, "The backlog is 845.", "“We accept it,” said the chief constable. Then: "),
        # a line with the role and a colon is a label only when the colon ends it
        (
            PCC,
            "The force is inadequate at protecting vulnerable people.",
            "The commissioner set out three aims for the year: to cut crime and help victims. ",
        ),
    ],
)
def test_words_near_the_role_are_not_theirs(roles: frozenset[str], span: str, before: str) -> None:
    assert not said_by(roles, span, before)


def test_the_office_of_the_commissioner_is_the_commissioner() -> None:
    from rag.answer.speakers import speakers_asked

    assert speakers_asked("What was the statement from the office of the PCC?") == PCC


def test_no_role_asked_needs_no_speaker() -> None:
    assert said_by(frozenset(), "The force is good at investigating crime.", "")


@pytest.mark.parametrize(
    ("span", "before"),
    [
        ("The chief constable, who was appointed in 2023, said the force would improve.", ""),
        ("The chief constable, speaking after the report was published, said it was fair.", ""),
        ("“We will improve,” said Chief Constable Jo Hale", ""),
        ("The force will act on every recommendation.", "Responding, the chief constable said "),
    ],
)
def test_an_aside_or_a_lead_in_ending_in_said_keeps_the_speaker(span: str, before: str) -> None:
    assert said_by(CHIEF, span, before)
