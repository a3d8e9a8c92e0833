"""Reading a model's answer sentence by sentence: the evidence ids it cites, in the shapes
small models write them, and the kept sentences renumbered with the cited sentence as the
quote. Force names are fictional."""

from __future__ import annotations

import pytest

from rag.llm.exhibits import Item
from rag.llm.verify import check_answer, claim_of, ids_in, sentences_of
from rag.retrieve.search import Passage

FORCE = "Exampleshire Police"
TEXTS = [
    "I judge the force to be good at preventing crime and anti-social behaviour.",
    "The force needs to improve the supervision of its investigations.",
    "Exampleshire Police has 214 PCSOs.",
]


def items() -> list[Item]:
    out = []
    for n, text in enumerate(TEXTS, start=1):
        meta = {"document_id": "d", "source": "exampleshire.txt", "force": FORCE, "char_start": 100}
        out.append(Item(f"E{n}", Passage(chunk_id=f"c{n}", text=text, metadata=meta), 0, len(text)))
    return out


@pytest.mark.parametrize(
    ("sentence", "ids"),
    [
        ("Good at crime [E1].", [1]),
        ("Good at crime [e1] [E3].", [1, 3]),
        ("Good at crime [E1, E3].", [1, 3]),
        ("Good at crime [E1; 3 and E2].", [1, 3, 2]),
        ("Good at crime [1].", [1]),
        ("Good at crime (E2).", [2]),
        ("Good at crime, as E2 says.", [2]),
        ("Good at crime [Evidence 3].", [3]),
        ("Good at crime.", []),
        ("Good at crime [see above].", []),
    ],
)
def test_ids_in_the_shapes_models_write(sentence: str, ids: list[int]) -> None:
    assert ids_in(sentence) == ids


def test_markers_after_the_full_stop_belong_to_that_sentence() -> None:
    assert sentences_of("One thing. [E1] Another thing [E2]. A third.[E3][E1]") == [
        "One thing [E1].",
        "Another thing [E2].",
        "A third [E3][E1].",
    ]
    assert claim_of("A third [E3][E1]..") == "A third."
    assert claim_of("[11 weeks] [E3].") == "11 weeks."


def test_kept_sentences_are_renumbered_and_quote_their_evidence() -> None:
    text = (
        "Exampleshire Police has 214 PCSOs [E3]. It is good at preventing crime [E1][E3]. "
        "It is outstanding at everything [E2]. It invented this [E7]. No citation here."
    )
    checked = check_answer(text, items())
    assert checked.text == (
        "Exampleshire Police has 214 PCSOs [1]. It is good at preventing crime [2] [1]."
    )
    assert [(c.n, c.quote) for c in checked.citations] == [(1, TEXTS[2]), (2, TEXTS[0])]
    assert all(c.force == FORCE and c.char_start == 100 for c in checked.citations)
    assert [why for _, why in checked.removed] == [
        "states the grade 'outstanding', which its evidence does not",
        "cites E7, which was not shown",
        "cites no evidence",
    ]
    assert checked.dropped == 2  # E2 of the removed sentence, and the unknown E7


def test_a_claim_may_name_the_force_its_evidence_line_names() -> None:
    checked = check_answer(
        "Exampleshire Police needs to improve the supervision of investigations [E2]. "
        "Northmoor Constabulary needs to improve the supervision of investigations [E2].",
        items(),
    )
    assert len(checked.citations) == 1 and checked.removed[0][1].startswith("names 'Northmoor'")


def test_a_copied_evidence_line_is_its_own_sentence() -> None:
    """Small models copy the line, id and force label included."""
    checked = check_answer(f"E3 ({FORCE}): {TEXTS[2]}", items())
    assert [c.quote for c in checked.citations] == [TEXTS[2]] and not checked.removed
    assert checked.text == "Exampleshire Police has 214 PCSOs [1]."


def test_a_sentence_without_ids_is_checked_against_the_next_ones_evidence() -> None:
    """Models often cite once after two sentences taken from one piece of evidence."""
    checked = check_answer(
        "The force needs to improve. The supervision of its investigations is weak [E2]. "
        "It has invented a new unit. It has 214 PCSOs [E3].",
        items(),
    )
    assert checked.text == (
        "The force needs to improve [1]. The supervision of its investigations is weak [1]. "
        "It has 214 PCSOs [2]."
    )
    assert [why for _, why in checked.removed] == ["only 0% of its key terms are in its evidence"]
    assert checked.dropped == 0  # the removed sentence cited nothing itself


def forces_items() -> list[Item]:
    lines = [
        ("Glebeshire Constabulary", "Sickness absence among officers is the highest in years."),
        ("Barsetshire Police", "It has reduced sickness absence among officers."),
    ]
    out = []
    for n, (force, text) in enumerate(lines, start=1):
        meta = {"document_id": f"d{n}", "source": f"{n}.txt", "force": force, "char_start": 0}
        out.append(Item(f"E{n}", Passage(chunk_id=f"c{n}", text=text, metadata=meta), 0, len(text)))
    return out


def test_ids_used_as_names_of_forces_are_read_as_those_forces() -> None:
    # a small model across forces: "E1 ... while E2 ...", where stripping the ids left
    # "and have the highest ..., while has the lowest"
    checked = check_answer("E1 has high sickness absence, while E2 has reduced it.", forces_items())
    assert checked.text.startswith("Glebeshire Constabulary has high sickness absence, while ")
    assert "Barsetshire Police has reduced it" in checked.text
    assert len(checked.citations) == 2


def test_an_id_standing_for_what_no_name_replaces_removes_its_sentence() -> None:
    # "E1 wants to see ...": the inspector, or the force? Never "wants to see ..." shown
    checked = check_answer(
        "E2 wants to see the supervision of its investigations improve.", items()
    )
    assert checked.text == ""
    assert checked.removed == [
        (
            "wants to see the supervision of its investigations improve.",
            "uses an evidence id in place of a name",
        ),
    ]
    kept = check_answer(
        "The force must improve supervision of investigations, as E2 says.", items()
    )
    assert kept.citations
