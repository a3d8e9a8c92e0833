"""The offline engine's answer types: a question asking for a count, an amount of money,
a grade or a date is only answered by a sentence that holds one (and, for a count, one
counting what was asked)."""

from __future__ import annotations

import pytest

from rag.answer.counting import counted_terms, counted_words, counts
from rag.answer.question import answers_type


@pytest.mark.parametrize(
    ("question", "sentence", "answers"),
    [
        (
            "How many PCSOs does Midsomer have?",
            "Its 96 police community support officers are known.",
            True,
        ),
        ("How many officers does it employ?", "The three forces share 40 officers.", True),
        ("How many officers does it employ?", "The three forces share a unit.", False),
        (
            "How many neighbourhood teams are there?",
            "Each of its 58 neighbourhood teams has a sergeant.",
            True,
        ),
        ("How many forces are graded good?", "Two of the forces are graded good.", True),
        ("How long do victims wait?", "Victims wait four weeks.", True),
        ("What did the inspector say?", "No number here.", True),
        ("How much money does the force need to save?", "It has 2,000 rural watch members.", False),
        ("How much money does the force need to save?", "It must save £6.8 million.", True),
        ("How much has the force saved?", "It saved 4.2 million pounds.", True),
        ("By how much did burglary fall?", "Burglary fell by 12 per cent.", True),
        # found in review: the counted phrase ends at its plural, abbreviations both ways
        ("How many police community support officers?", "It has 96 PCSOs.", True),
        ("How many PCs does it have?", "Its 96 police community support officers.", False),
        ("How many officers joined the service?", "Two services were merged.", False),
        ("How many officers joined the service?", "Officer numbers stood at 1,200.", True),
        ("How many calls went unanswered?", "Of 4,000 of the emergency and other calls.", True),
        ("How many officers were dismissed?", "Eighty officers were dismissed.", True),
        # only a question about money needs money
        ("How much time do officers spend on paperwork?", "They spend 40% of it.", True),
        ("How much did crime fall after the force cut its budget?", "It fell by 12%.", True),
        ("How much time did the new system save?", "It saved 2,000 officer hours.", True),
        ("How much has the force saved?", "It saved 40 thousand pounds.", True),
        ("How much has the force saved?", "It saved 1.2m pounds.", True),
        # a term continued past its plural, asked by its abbreviation
        ("How many AFIs were there?", "It set out eleven areas for improvement.", True),
        ("How many AFIs were there?", "It set out eleven recommendations.", False),
        # a modifier asked by its abbreviation: "RSO visits" are visits to sex offenders
        (
            "How many RSO visits were overdue?",
            "There were 312 overdue visits to registered sex offenders.",
            True,
        ),
        ("How many RSO visits were overdue?", "There were 312 overdue visits to victims.", False),
        # an outcome rate is a share, not a count (nor an action's number in a table)
        ("What's the charge rate for rape?", "2: Action Provide the charge rate for rape.", False),
        ("What's the charge rate for rape?", "Its charge rate for rape was 6 per cent.", True),
    ],
)
def test_a_count_must_count_what_was_asked(question: str, sentence: str, answers: bool) -> None:
    assert answers_type(question, sentence) is answers


def test_counted_terms() -> None:
    assert counted_terms("How many police community support officers does it have?") == {
        "community",
        "support",
        "officer",
    }
    assert counted_terms("What did the inspector say?") == set()
    assert counted_words("How many officers joined the service?") == ["officers"]
    assert counts("There are 12 PCSOs.", ["PCSOs"])


def test_a_policing_term_after_the_plural_is_what_is_counted() -> None:
    # "areas for improvement" are counted, not areas: "eight areas of policing" is not it
    counted = counted_words("Typically, how many areas for improvement does a force get?")
    assert counted == ["areas", "for", "improvement"]
    assert not counts("HMICFRS assessed the force in eight areas of policing.", counted)
    assert counts("The report set out nine areas for improvement.", counted)
    # words after the plural that are no term with it are not counted
    assert counted_words("How many PCSOs for each ward?") == ["PCSOs"]
    assert counted_words("How many officers from other forces?") == ["officers"]
    assert counted_words("How many forces does the PEEL programme cover?") == ["forces"]
    assert counted_words("How many forces' PEEL inspections were used?") == ["forces"]


def test_a_verb_after_how_many_means_the_count_was_named_before() -> None:
    assert counted_words("Of the files sampled, how many showed no sign of a check?") == []
    assert counted_words("How many reported crimes were solved?") == ["reported", "crimes"]
    assert counted_words("What is the number of sick days per officer?") == ["sick", "days"]


@pytest.mark.parametrize(
    ("sentence", "answers"),
    [
        ("Almost 1,900 wanted suspects had not been arrested, some for more than a year.", False),
        ("It manages around 280 offenders who commit the most neighbourhood crime.", False),
        ("Of these suspects, 12 per cent had been wanted for more than a year.", True),
        ("In 41 of the 100 investigations we reviewed, victims were not updated.", True),
        ("One in three wanted suspects had been wanted for more than a year.", True),
        ("About half of them had been wanted for more than a year.", True),
    ],
)
def test_a_share_asked_is_answered_only_by_a_share(sentence: str, answers: bool) -> None:
    question = "What proportion of wanted suspects have been at large for over a year?"
    assert answers_type(question, sentence) is answers


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What's the annual volume of 999 calls coming into the force?", "number"),
        ("What is the headcount of its neighbourhood teams?", "number"),
        ("What's the typical turnaround for examining a seized phone?", "duration"),
        ("What is the waiting time for a device to be examined?", "duration"),
        ("What did the force score on treating the public fairly?", "grade"),
        ("In which areas did it earn a 'good' from inspectors?", "grade"),
        ("Was it given an inadequate rating?", "grade"),
        ("Did the report get a good press?", None),  # a grade word, no grade asked
    ],
)
def test_the_kind_asked_by_other_wordings(question: str, kind: str | None) -> None:
    from rag.answer.question import analyse

    assert analyse(question).kind == kind


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("How many of the hub's police staff posts were empty?", ["police", "staff", "posts"]),
        ("How many police staff work there?", ["police", "staff"]),
        ("How many of Ambleshire's detectives left?", ["detectives"]),
    ],
)
def test_what_a_count_counts_after_an_owner_or_staff(question: str, words: list[str]) -> None:
    assert counted_words(question) == words


def test_a_count_whose_modifiers_name_the_clauses_subject() -> None:
    asked = ["safeguarding", "hub", "referrals"]
    assert counts("The safeguarding hub had a backlog of 640 referrals.", asked)
    # the modifiers in another clause, or not the subject that has the count, do not
    asked = ["domestic", "abuse", "officers"]
    assert not counts("Domestic abuse cases rose, and the force has 40 officers in its hub.", asked)
    assert not counts("Domestic abuse cases rose and the force has 40 officers in its hub.", asked)


def test_a_figure_each_or_a_count_of_what_exists_is_no_count_of_extra_ones() -> None:
    text = "Its offender managers are carrying caseloads of about seventy each."
    assert not counts(text, ["offender", "managers"])  # seventy each: a caseload
    text = "The force manages 1,150 offenders, and its 40 offender managers are overworked."
    assert counts(text, ["offender", "managers"])
    assert not counts(text, ["extra", "offender", "managers"])  # the ones it has
    assert counts(
        "It will recruit 12 additional offender managers.", ["extra", "offender", "managers"]
    )
