"""Which forces a question names, and making an elliptical follow-up stand alone."""

from __future__ import annotations

import pytest

from rag.retrieve.followup import last_user_turn, standalone
from rag.retrieve.forces import aliases, forces_in, unknown_forces_in, without_forces

KNOWN = [
    "Wessex Constabulary",
    "Cambridgeshire Constabulary",
    "Loamshire Police",
    "Essex Police",
]

# --- aliases / forces_in ------------------------------------------------------------


def test_aliases_are_the_full_name_and_the_place() -> None:
    assert aliases("Wessex Constabulary") == ["wessex constabulary", "wessex"]
    assert aliases("Loamshire Police") == ["loamshire police", "loamshire"]
    assert aliases("Avon and Somerset Police Service") == [
        "avon and somerset police service",
        "avon and somerset",
    ]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How does Wessex Constabulary handle 999 calls?", ["Wessex Constabulary"]),
        ("what did the inspector say about loamshire?", ["Loamshire Police"]),  # place alone
        ("Is Wessex's budget balanced?", ["Wessex Constabulary"]),  # possessive
        ("Is Wessex’s budget balanced?", ["Wessex Constabulary"]),  # curly possessive
        ("How good is CAMBRIDGESHIRE CONSTABULARY?", ["Cambridgeshire Constabulary"]),
        ("How does Essex Police compare?", ["Essex Police"]),
        ("How are officers vetted?", []),
    ],
)
def test_forces_in(question: str, expected: list[str]) -> None:
    assert forces_in(question, KNOWN) == expected


def test_no_match_inside_another_word() -> None:
    # "essex" occurs inside "wessex" but is not a word of its own there
    assert "Essex Police" not in forces_in("What did Wessex say about vetting?", KNOWN)
    assert forces_in("What did Wessex say about vetting?", KNOWN) == ["Wessex Constabulary"]
    assert forces_in("Is Loamshireton a town?", KNOWN) == []


def test_two_forces_named() -> None:
    got = forces_in("Compare Essex and Wessex on vetting", KNOWN)
    assert sorted(got) == ["Essex Police", "Wessex Constabulary"]
    got = forces_in("Compare Loamshire Police with Cambridgeshire", KNOWN)
    assert sorted(got) == ["Cambridgeshire Constabulary", "Loamshire Police"]


def test_longest_name_wins() -> None:
    known = ["Wessex Police", "West Wessex Police"]
    assert forces_in("What did West Wessex Police say?", known) == ["West Wessex Police"]
    assert forces_in("What did West Wessex say?", known) == ["West Wessex Police"]
    assert forces_in("What did Wessex say?", known) == ["Wessex Police"]


def test_duplicates_in_known_are_reported_once() -> None:
    assert forces_in("Wessex?", ["Wessex Constabulary", "Wessex Constabulary"]) == [
        "Wessex Constabulary"
    ]


def test_longest_name_wins_across_suffixes() -> None:
    known = ["Wessex Constabulary", "West Wessex Police"]
    assert forces_in("What did West Wessex say?", known) == ["West Wessex Police"]


def test_shorter_force_named_separately_is_kept() -> None:
    known = ["Wessex Police", "West Wessex Police"]
    got = forces_in("Compare West Wessex with Wessex", known)
    assert sorted(got) == ["Wessex Police", "West Wessex Police"]


# --- unknown_forces_in ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What did Kent Police say", ["Kent Police"]),
        ("Tell me about Thames Valley Police", ["Thames Valley Police"]),
        ("Does Greater Manchester Police vet its staff?", ["Greater Manchester Police"]),
        ("How does Devon and Cornwall Police handle calls?", ["Devon and Cornwall Police"]),
        ("Which Norfolk Constabulary units were inspected?", ["Norfolk Constabulary"]),
        # known forces are not reported, by full name or by place
        ("What did Wessex Constabulary say?", []),
        ("What did Loamshire Police say?", []),
        # no force-shaped name at all
        ("How do the police vet officers?", []),
        ("What did the Police say?", []),  # a single capitalised word is not a name
        # an inspector's title is named like a force, but is not one
        ("Why does HM Chief Inspector of Constabulary see a problem?", []),
        ("What did His Majesty's Inspectorate of Constabulary find?", []),
    ],
)
def test_unknown_forces_in(question: str, expected: list[str]) -> None:
    assert unknown_forces_in(question, KNOWN) == expected


def test_unknown_force_containing_a_known_place_is_reported() -> None:
    assert unknown_forces_in("What did Wessex Police say?", ["Essex Police"]) == ["Wessex Police"]


def test_two_unknown_forces_are_reported_separately() -> None:
    got = unknown_forces_in("Compare Kent Police and Essex Police", ["Wessex Constabulary"])
    assert got == ["Kent Police", "Essex Police"]


# --- without_forces ------------------------------------------------------------------


def test_without_forces_removes_full_name_place_and_possessive() -> None:
    got = without_forces(
        "How does Wessex Constabulary's counter-corruption unit compare with Wessex’s "
        "vetting and wessex training?",
        ["Wessex Constabulary"],
    )
    assert got == "How does counter-corruption unit compare with vetting and training?"


def test_without_forces_leaves_other_words_alone() -> None:
    question = "What did Wessex say about Essex-based officers?"
    assert without_forces(question, ["Essex Police"]) == question
    assert without_forces("Budget of Loamshire", []) == "Budget of Loamshire"


def test_without_forces_never_returns_an_empty_question() -> None:
    assert without_forces("Wessex Constabulary", ["Wessex Constabulary"]) == "Wessex Constabulary"


# --- followup.standalone ---------------------------------------------------------------

HISTORY = [
    {"role": "user", "content": "How does Wessex Constabulary tackle corruption?"},
    {"role": "assistant", "content": "Wessex Constabulary: “a well-resourced unit” [1]"},
]


@pytest.mark.parametrize(
    "question",
    [
        "And what about their finances?",
        "What about finances?",
        "How well do they manage offenders?",
        "Same for vetting",
        "Did she say she would publish any figures?",  # a person of the last answer
    ],
)
def test_elliptical_followup_gets_previous_question(question: str) -> None:
    assert standalone(question, HISTORY) == (
        f"{question} (following: How does Wessex Constabulary tackle corruption?)"
    )


@pytest.mark.parametrize(
    "question",
    [
        "How good is Loamshire Police at answering 999 calls?",
        "Which forces have a counter-corruption unit?",
        "Anderton station opening hours in Loamshire?",  # "and" only as a word's prefix
    ],
)
def test_self_contained_question_is_unchanged(question: str) -> None:
    assert standalone(question, HISTORY) == question


@pytest.mark.parametrize("history", [None, [], [{"role": "assistant", "content": "Hello."}]])
def test_no_previous_user_turn_leaves_question_unchanged(history: list | None) -> None:
    assert standalone("And what about their finances?", history) == (
        "And what about their finances?"
    )


def test_the_latest_non_blank_user_turn_is_used() -> None:
    history = [
        {"role": "user", "content": "How does Wessex Constabulary tackle corruption?"},
        {"role": "assistant", "content": "..."},
        {"role": "user", "content": "  How good is Loamshire Police at vetting?  "},
        {"role": "assistant", "content": "..."},
        {"role": "user", "content": "   "},
    ]
    assert last_user_turn(history) == "How good is Loamshire Police at vetting?"
    assert standalone("And their finances?", history) == (
        "And their finances? (following: How good is Loamshire Police at vetting?)"
    )
