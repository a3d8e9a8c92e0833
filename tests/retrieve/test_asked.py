"""The term a "what is X?" question asks to define, searched for on its own."""

from __future__ import annotations

import pytest

from rag.retrieve.asked import defined_term, office_query, recommendation_query


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("In the PEEL programme, what is Engage?", "Engage"),
        ("What does PEEL stand for?", "PEEL"),
        ("What is a cause of concern?", "cause of concern"),
        ("What is the force doing about missing children in care homes?", None),  # a question
        ("How many officers does it have?", None),
        # a second question joined on, not a term to define
        ("How many offenders does it manage, and what is the caseload per manager?", None),
    ],
)
def test_defined_term(question: str, term: str | None) -> None:
    assert defined_term(question) == term


@pytest.mark.parametrize(
    ("question", "query"),
    [
        (
            "What does the inspectorate recommend on investigations?",
            "the force should on investigations",
        ),
        ("What has the force been told to do about vetting?", "the force should about vetting"),
        ("What progress has it made on the recommendations?", None),
        ("How many investigations were reviewed?", None),
        ("What is the deadline for the recommendation?", None),  # a date is asked
    ],
)
def test_a_recommendation_asked_for_is_searched_as_one_is_worded(
    question: str, query: str | None
) -> None:
    assert recommendation_query(question) == query


def test_a_question_asking_who_holds_an_office_also_searches_for_its_named_line() -> None:
    assert office_query("Which HMI fronted the findings?") == (
        "His Majesty's Inspector of Constabulary said"
    )
    assert office_query("Who is the force's chief constable?") == "Chief Constable said"
    assert office_query("Who is Northmoor's PCC?") == "the Police and Crime Commissioner said"
    # not asking who, or no office named: no extra search
    assert office_query("What did the chief constable say about vetting?") is None
    assert office_query("Who was let down by the force?") is None
