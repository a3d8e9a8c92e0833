"""Citation checks and the LLM-free answer metrics: known inputs, hand-computed scores."""

from __future__ import annotations

import pytest

from rag.answer.citations import locate, quote_in_passage
from rag.evaluation import metrics

PASSAGE = (
    "I am concerned about the force’s ability to identify, monitor and understand risks "
    "to the integrity of the organisation, including staff corruption.\n\nThe force’s "
    "counter‑corruption unit is well-resourced — but it lacks\u00a0capacity."
)

# --- quote_in_passage -------------------------------------------------------------------


@pytest.mark.parametrize(
    "quote",
    [
        # straight apostrophe for a curly one
        "the force's ability to identify, monitor and understand risks",
        # case and a line break inside the quote
        "THE INTEGRITY OF THE\n   ORGANISATION, including staff corruption",
        # ASCII hyphen for a non-breaking hyphen, hyphen for an em dash, space for NBSP
        "counter-corruption unit is well-resourced - but it lacks capacity",
        # edge punctuation and quote marks are trimmed
        '"including staff corruption."',
        "“including staff corruption”",
        "... including staff corruption ...",
    ],
)
def test_normalised_quote_is_found(quote: str) -> None:
    assert quote_in_passage(quote, PASSAGE)


@pytest.mark.parametrize(
    "quote",
    [
        "I am concerned about the force’s ability ... including staff corruption",
        "I am concerned … understand risks … counter-corruption unit",
        "the force's ability...staff corruption",
    ],
)
def test_ellipsis_joins_pieces_in_order(quote: str) -> None:
    assert quote_in_passage(quote, PASSAGE)


def test_ellipsis_pieces_out_of_order_are_rejected() -> None:
    assert not quote_in_passage("counter-corruption unit ... I am concerned", PASSAGE)
    assert not quote_in_passage("including staff corruption … the force’s ability", PASSAGE)


def test_a_missing_ellipsis_piece_is_rejected() -> None:
    assert not quote_in_passage("I am concerned ... about the budget of the force", PASSAGE)


@pytest.mark.parametrize(
    "quote",
    [
        "the force’s ability to identify, monitor and assess risks",  # one word changed
        "including senior staff corruption",  # word inserted
        "the force is concerned about staff corruption",  # paraphrase
    ],
)
def test_misquote_is_rejected(quote: str) -> None:
    assert not quote_in_passage(quote, PASSAGE)


def test_too_short_quote_is_rejected_even_when_present() -> None:
    assert "the force" in PASSAGE.lower()
    assert not quote_in_passage("the force", PASSAGE)
    assert not quote_in_passage('"the force."', PASSAGE)  # trimmed before measuring
    assert not quote_in_passage("", PASSAGE)
    assert not quote_in_passage("...", PASSAGE)


def test_minimum_length_boundary() -> None:
    assert quote_in_passage("staff corrup", PASSAGE)  # 12 characters
    assert not quote_in_passage("taff corrup", PASSAGE)  # 11 characters


def test_fragments_joined_by_ellipses_are_rejected() -> None:
    assert not quote_in_passage("the … the … the … the", PASSAGE)


# --- locate -----------------------------------------------------------------------------


TEXT = "Overall, the force is\n  good at tackling crime. The FORCE is good."


def test_locate_is_case_and_whitespace_tolerant() -> None:
    span = locate("the force is good at", TEXT)
    assert span is not None
    start, end = span
    assert TEXT[start:end] == "the force is\n  good at"


def test_locate_finds_the_first_occurrence() -> None:
    span = locate("the force is good", TEXT)
    assert span == (TEXT.index("the force"), TEXT.index(" at tackling"))


def test_locate_trims_edge_punctuation() -> None:
    span = locate('"tackling crime."', TEXT)
    assert span is not None
    assert TEXT[span[0] : span[1]] == "tackling crime"


def test_locate_misses() -> None:
    assert locate("the force is bad", TEXT) is None
    assert locate("", TEXT) is None
    assert locate(" ... ", TEXT) is None


def test_locate_finds_every_verified_quote() -> None:
    quote = "the force's ability to identify"
    assert quote_in_passage(quote, PASSAGE)
    assert locate(quote, PASSAGE) is not None


# --- metrics ----------------------------------------------------------------------------


def test_tokens_normalise_and_keep_pounds_and_percent() -> None:
    assert metrics.tokens("Saved £4.2M — 63% of “Officers’” TIME") == [
        "saved",
        "£4",
        "2m",
        "63%",
        "of",
        "officers",
        "time",
    ]


@pytest.mark.parametrize(
    ("prediction", "reference", "expected"),
    [
        ("the force is good", "the force is good", 1.0),
        # P = 4/4, R = 4/5 -> 2 * 0.8 / 1.8
        ("the force is good", "the force is very good", 8 / 9),
        # duplicates count once per reference occurrence: P = 1/2, R = 1/1
        ("good good", "good", 2 / 3),
        # P = 2/3, R = 2/4 -> 2 * (2/3 * 1/2) / (2/3 + 1/2) = 4/7
        ("response times improved", "response times were slow", 4 / 7),
        ("THE Force’s", "the force's", 1.0),
        ("nothing shared", "the force is good", 0.0),
        ("", "the force is good", 0.0),
        ("the force", "", 0.0),
    ],
)
def test_token_f1(prediction: str, reference: str, expected: float) -> None:
    assert metrics.token_f1(prediction, reference) == pytest.approx(expected)


def test_key_fact_recall() -> None:
    answer = "Response times improved to 12 minutes, and the force’s budget is balanced."
    assert metrics.key_fact_recall(answer, ["12 minutes", "RESPONSE TIMES", "reserves"]) == (
        pytest.approx(2 / 3)
    )
    assert metrics.key_fact_recall(answer, ["the force's budget"]) == 1.0
    assert metrics.key_fact_recall(answer, ["14 minutes"]) == 0.0
    assert metrics.key_fact_recall(answer, []) == 1.0


GOLD = "The force has a well-resourced counter-corruption unit that seeks intelligence."


@pytest.mark.parametrize(
    ("quote", "gold", "expected"),
    [
        ("a well-resourced counter-corruption unit", GOLD, True),  # quote inside gold
        (f"Overall: {GOLD} It also vets staff.", GOLD, True),  # gold inside quote
        ("THE FORCE HAS A WELL‑RESOURCED", GOLD, True),  # normalised containment
        # 3 of the shorter side's 5 distinct tokens shared: 0.6
        ("alpha beta gamma delta epsilon", "alpha beta gamma x y z w", True),
        # 2 of 5: 0.4
        ("alpha beta kappa delta epsilon", "alpha beta gamma x y z w", False),
        ("response times are slow in rural areas", GOLD, False),
    ],
)
def test_supports(quote: str, gold: str, expected: bool) -> None:
    assert metrics.supports(quote, gold) is expected


def test_citation_precision_and_recall() -> None:
    golds = [GOLD, "Response times to emergencies average 14 minutes in urban areas."]
    quotes = [
        "a well-resourced counter-corruption unit",  # supports gold 0
        "The budget is balanced.",  # supports nothing
        "counter-corruption unit that seeks intelligence",  # supports gold 0 again
    ]
    assert metrics.citation_precision(quotes, golds) == pytest.approx(2 / 3)
    assert metrics.citation_recall(quotes, golds) == pytest.approx(1 / 2)
    all_golds = [*quotes, "average 14 minutes in urban areas"]
    assert metrics.citation_recall(all_golds, golds) == 1.0


def test_citation_precision_and_recall_none_cases() -> None:
    assert metrics.citation_precision([], [GOLD]) is None  # nothing cited
    assert metrics.citation_recall([GOLD], []) is None  # no gold
    assert metrics.citation_precision(["a well-resourced unit that"], []) == 0.0
    assert metrics.citation_recall([], [GOLD]) == 0.0


def test_retrieval_ranks() -> None:
    passages = [
        "The budget is balanced.",
        "The force’s counter-corruption unit is well resourced.",
        "Response times average 14 minutes.",
    ]
    golds = ["the force's counter-corruption", "a wellbeing strategy", "RESPONSE TIMES", "the"]
    # 'the' is first contained in passage 1
    assert metrics.retrieval_ranks(passages, golds) == [2, None, 3, 1]
    assert metrics.retrieval_ranks([], golds[:1]) == [None]
    assert metrics.retrieval_ranks(passages, []) == []


def test_recall_at_k() -> None:
    ranks = [2, None, 1, 5]
    assert metrics.recall_at_k(ranks, 1) == 0.25
    assert metrics.recall_at_k(ranks, 2) == 0.5
    assert metrics.recall_at_k(ranks, 5) == 0.75
    assert metrics.recall_at_k([None, None], 10) == 0.0
    assert metrics.recall_at_k([], 3) is None


def test_reciprocal_rank() -> None:
    assert metrics.reciprocal_rank([3, None, 2]) == 0.5  # best found rank is 2
    assert metrics.reciprocal_rank([1]) == 1.0
    assert metrics.reciprocal_rank([4, 8]) == 0.25
    assert metrics.reciprocal_rank([None, None]) == 0.0
    assert metrics.reciprocal_rank([]) is None


def test_abstention_scores() -> None:
    abstained = [True, True, False, False, True]
    answerable = [False, True, False, True, False]
    # abstained on unanswerable: items 0 and 4; abstentions: 0, 1, 4; unanswerable: 0, 2, 4;
    # correct decisions: 0, 3, 4
    assert metrics.abstention_scores(abstained, answerable) == pytest.approx(
        {
            "abstention_precision": 2 / 3,
            "abstention_recall": 2 / 3,
            "abstention_accuracy": 3 / 5,
        }
    )


def test_abstention_scores_degenerate_cases() -> None:
    # never abstained, everything answerable: nothing to get wrong
    assert metrics.abstention_scores([False, False], [True, True]) == {
        "abstention_precision": 1.0,
        "abstention_recall": 1.0,
        "abstention_accuracy": 1.0,
    }
    # never abstained on one unanswerable question: recall 0
    scores = metrics.abstention_scores([False, False], [False, True])
    assert scores["abstention_recall"] == 0.0
    assert scores["abstention_accuracy"] == 0.5
    assert scores["abstention_precision"] == 1.0
    assert metrics.abstention_scores([], [])["abstention_accuracy"] == 1.0
    with pytest.raises(ValueError):
        metrics.abstention_scores([True], [True, False])


def test_mean_skips_missing_values() -> None:
    assert metrics.mean([1.0, None, 4.0]) == 2.5
    assert metrics.mean([None, None]) is None
    assert metrics.mean([]) is None


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([5.0, 1.0, 3.0, 2.0, 4.0], 0, 1.0),
        ([5.0, 1.0, 3.0, 2.0, 4.0], 100, 5.0),
        ([5.0, 1.0, 3.0, 2.0, 4.0], 50, 3.0),  # rank ceil(2.5) = 3
        ([5.0, 1.0, 3.0, 2.0, 4.0], 95, 5.0),  # rank ceil(4.75) = 5
        ([5.0, 1.0, 3.0, 2.0, 4.0], 30, 2.0),  # rank ceil(1.5) = 2
        ([1.0, 2.0, 3.0, 4.0], 50, 2.0),  # rank ceil(2) = 2
        ([7.0], 50, 7.0),
        ([], 50, 0.0),
    ],
)
def test_percentile_nearest_rank(values: list[float], q: float, expected: float) -> None:
    assert metrics.percentile(values, q) == expected


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([float(v) for v in range(1, 11)], 50, 5.0),  # rank ceil(5) = 5
        ([float(v) for v in range(1, 11)], 90, 9.0),  # rank ceil(9) = 9
        ([10.0, 20.0], 50, 10.0),  # rank ceil(1) = 1
        ([float(v) for v in range(1, 21)], 95, 19.0),  # rank ceil(19) = 19
    ],
)
def test_percentile_nearest_rank_at_exact_ranks(
    values: list[float], q: float, expected: float
) -> None:
    assert metrics.percentile(values, q) == expected
