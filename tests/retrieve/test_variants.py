"""The glossary of policing variants: well-formed, and matching both ways."""

from __future__ import annotations

import pytest

from rag.answer.matching import present
from rag.retrieve.variants import glossary, parse_glossary, surface, units


def test_the_shipped_glossary_parses() -> None:
    shipped = glossary()
    assert len(shipped.spellings) >= 50
    assert sum(len(spellings) >= 2 for spellings in shipped.spellings.values()) >= 40


def test_a_line_with_nothing_to_match_is_refused_with_its_line_number() -> None:
    with pytest.raises(ValueError, match="line 2"):
        parse_glossary("# comment\nthe | of\n")


@pytest.mark.parametrize(
    ("asked", "text"),
    [
        ("PCSOs", "96 police community support officers"),
        ("police community support officers", "its PCSOs"),
        ("DA cases", "460 domestic abuse cases"),
        ("ASB", "anti-social behaviour"),
        ("antisocial behaviour", "anti-social behaviour"),
        ("VAWG", "violence against women and girls"),
        ("serious and organised crime", "SOC"),
        ("non-emergency calls", "calls to the non-emergency 101 number"),
        ("kids", "children who go missing"),
        ("financial planning", "the way it plans its finances"),  # derived forms
        ("how it plans", "its financial planning"),
        ("RSOs", "1,140 registered sex offenders"),  # a short abbreviation's plural
        ("IOMs", "integrated offender management"),
        ("detective vacancies", "112 vacant detective posts"),  # -ancy meets -ant
        ("hit rate", "officers found what they were looking for in 24 per cent"),
        ("forensic examination", "devices waiting for forensic teams to be examined"),
        ("closer watch", "moved into enhanced monitoring"),
        ("burglary", "whose home was burgled in 2023"),
        ("hearing from the police", "she had heard nothing from the police"),
        ("it spends", "it spent £3 million"),  # irregular forms meet
        ("crime fell", "crime has fallen"),
        ("motorways", "its roads policing unit"),
        ("how disproportionate", "black people are 5.2 times more likely than white people"),
        ("racial disparity", "the disproportionate use of stop and search"),
        ("IT spending", "it spends £600 million a year on information technology"),
        ("in the towns and cities", "response times in its urban areas"),
        ("youngsters", "children who go missing from home"),
        ("budget hole", "it has a projected funding gap of £6.8 million"),
        ("budget shortfall", "a budget deficit of £2 million"),
        ("empty posts", "19 police staff posts, of which 7 were vacant"),  # plain synonyms
        ("happy victims", "victims were satisfied with the service"),
        ("officers sacked", "officers were dismissed"),
    ],
)
def test_a_term_is_found_under_another_spelling(asked: str, text: str) -> None:
    assert all(present(unit, text) for unit in units(asked)), (units(asked), surface(text))


def test_irregular_forms_that_are_other_words_do_not_meet() -> None:
    # "left the force" is not "sick leave", "the Met" is not "met"
    assert not present(units("left")[0], "42 officers were on long-term sick leave.")
    assert not present(units("met")[0], "It will meet the standard next year.")


@pytest.mark.parametrize(
    ("asked", "text"),
    [
        ("PCSOs", "96 police officers"),
        ("domestic abuse", "abuse of position for a sexual purpose"),
        ("stop and search", "the force's use of force"),
        ("special constables", "a spectrum of crime"),  # a short stem derives nothing
        ("IT", "It is more likely than not"),  # the pronoun is not the abbreviation
        ("shortfall in detectives", "it forecasts a funding gap of £9.6 million"),  # not money
        ("break up gangs", "burglary fell by 12 per cent"),  # "break" alone is no break-in
        ("sensitive roles", "staff in sensitive posts"),  # a role is not a post
    ],
)
def test_a_different_thing_is_not_a_variant(asked: str, text: str) -> None:
    assert not all(present(unit, text) for unit in units(asked))


def test_compounds_meet_however_written() -> None:
    assert set(units("wellbeing")) <= surface("the well-being of staff")
    assert set(units("cybercrime")) <= surface("cyber crime")


def test_a_question_is_searched_with_its_terms_written_in_full() -> None:
    from rag.retrieve.variants import expanded

    assert "police community support officer" in expanded("How many PCSOs are there?")
    assert "domestic abuse" in expanded("What about DA?")
    # a question that already writes the term in full is searched as asked
    assert expanded("How is domestic abuse handled?") == "How is domestic abuse handled?"
    assert expanded("How quickly are calls answered?") == "How quickly are calls answered?"
