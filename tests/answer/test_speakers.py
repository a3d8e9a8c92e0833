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
        # the role named nearby, and a verb of speech nearby, but not in one clause
        (PCC, "The force is inadequate at protecting people.", "The commissioner was asked. "),
        (PCC, "The force was described as inadequate.", "The commissioner took office in 2024. "),
        (PCC, "The plan is due in March.", "Her office is near. The commissioner's view is known."),
        # a closed quotation earlier does not carry over to the next sentence
        (CHIEF, "The backlog is 845.", "“We accept it,” said the chief constable. Then: "),
    ],
)
def test_words_near_the_role_are_not_theirs(roles: frozenset[str], span: str, before: str) -> None:
    assert not said_by(roles, span, before)


def test_no_role_asked_needs_no_speaker() -> None:
    assert said_by(frozenset(), "The force is good at investigating crime.", "")
