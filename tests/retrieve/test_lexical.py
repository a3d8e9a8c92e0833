"""Lexical matching: the light stemmer, content terms and the BM25 index."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from rag.index.bm25 import BM25Index
from rag.index.terms import STOPWORDS, stem, terms

# --- stem / terms --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plural", "singular"),
    [
        ("officers", "officer"),
        ("victims", "victim"),
        ("policies", "policy"),
        ("vulnerabilities", "vulnerability"),
        ("processes", "process"),
        ("witnesses", "witness"),
    ],
)
def test_plural_and_singular_share_a_term(plural: str, singular: str) -> None:
    assert terms(plural) == terms(singular)
    assert len(terms(plural)) == 1


@pytest.mark.parametrize("word", ["investigated", "investigating", "investigates"])
def test_verb_forms_share_a_term(word: str) -> None:
    assert terms(word) == terms("investigated")


@pytest.mark.parametrize("word", ["process", "business", "class"])
def test_words_ending_in_double_s_are_not_stripped(word: str) -> None:
    assert stem(word) == word


def test_short_words_keep_their_suffix() -> None:
    # stripping would leave fewer than four letters: "bus" is not "bu", "used" is not "us"
    assert stem("bus") == "bus"
    assert stem("used") == "used"
    assert stem("sing") == "sing"


def test_possessive_is_the_word_itself() -> None:
    assert terms("Cambridgeshire's approach") == terms("Cambridgeshire approach")
    assert len(terms("Cambridgeshire's approach")) == 2
    assert terms("the victim's needs") == terms("victim need")
    assert terms("The officers' training") == terms("officer train")


def test_stopwords_and_domain_words_are_dropped() -> None:
    assert terms("What did the inspector say about the police force in this report?") == []
    assert terms("The constabulary HMI transcript says that it would") == []
    assert {"the", "police", "inspector", "report"} <= STOPWORDS


def test_a_singular_noun_ending_in_s_meets_its_verb() -> None:
    # "charged or summonsed" and "a charge or summons": one term, not "summon" and "summons"
    assert stem("summonsed") == stem("summons") == "summons"
    assert stem("news") == "news"
    assert stem("promised") == stem("promise")  # a verb in -sed keeps meeting its noun


def test_the_abbreviation_it_is_a_term_and_the_pronoun_is_not() -> None:
    # "on IT" is information technology, as the glossary spells it; "It is" is a stopword
    assert terms("The service spends £600 million a year on IT.") == [
        "servic",
        "spend",
        "600",
        "million",
        "year",
        "ict",
    ]
    assert terms("Its IT-enabled change programme") == ["ict", "enabl", "chang", "programm"]
    assert terms("It is good. It said it would.") == ["good"]
    assert terms("WHAT IT IS") == []  # a heading in capitals: the pronoun


def test_terms_lowercase_and_keep_numbers_and_order() -> None:
    assert terms("Backlog of LAPTOPS awaiting examination, 2021") == [
        "backlog",
        "laptop",
        "await",
        "examination",
        "2021",
    ]
    assert terms("£4.2 million") == ["4", "2", "million"]


def test_plural_of_word_ending_in_e_matches_singular() -> None:
    assert terms("crimes") == terms("crime")


def test_american_spellings_are_read_as_british_ones() -> None:
    pairs = [
        ("organized crime", "organised crime"),
        ("neighborhood behavior", "neighbourhood behaviour"),
        ("the prevention program", "the prevention programme"),
        ("a sound judgment", "a sound judgement"),
        ("analyzed offenses", "analysed offences"),
    ]
    for american, british in pairs:
        assert terms(american) == terms(british), american
    # a word list, not a rule: "prize" is not "prise", nor "size" "sise"
    assert terms("prize") != terms("prise")
    assert terms("size") == ["size"]


def test_possessive_of_a_stopword_is_dropped() -> None:
    assert terms("the force's ability") == terms("ability")


# --- BM25 ---------------------------------------------------------------------------


def reference_bm25(texts: list[str], query: str, k1: float = 1.2, b: float = 0.75) -> list[float]:
    """Okapi BM25 written out independently, over the same terms()."""
    docs = [Counter(terms(t)) for t in texts]
    lengths = [sum(d.values()) for d in docs]
    avg = max(sum(lengths) / len(docs), 1.0)
    out = []
    for doc, length in zip(docs, lengths, strict=True):
        score = 0.0
        for term in set(terms(query)):
            df = sum(term in d for d in docs)
            if not doc[term]:
                continue
            idf = math.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
            tf = doc[term]
            score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avg))
        out.append(score)
    return out


TEXTS = [
    "Officers officers officers attended officers briefings about officers rotas.",
    "Officers reviewed the vetting backlog and cleared the vetting backlog quickly.",
    "Neighbourhood officers patrolled the town centre at night.",
    "The budget was balanced and reserves were kept for next year.",
    "Officers cleared a backlog of digital devices.",
]


def test_scores_match_an_independent_bm25() -> None:
    index = BM25Index(TEXTS)
    for query in ["vetting backlog officers", "budget reserves", "night patrol officers"]:
        got = index.scores(query)
        assert got.shape == (len(TEXTS),)
        np.testing.assert_allclose(got, reference_bm25(TEXTS, query), rtol=1e-5, atol=1e-6)


def test_rare_query_terms_rank_their_document_first() -> None:
    index = BM25Index(TEXTS)
    ranked = index.top("officers vetting backlog", k=5)
    # text 0 repeats the common term "officers" but lacks the rare ones
    assert ranked[0][0] == 1
    assert ranked[1][0] == 4  # the other document with "backlog"
    scores = [s for _, s in ranked]
    assert scores == sorted(scores, reverse=True)


def test_query_forms_match_document_forms() -> None:
    index = BM25Index(TEXTS)
    assert index.top("patrolling neighbourhoods", k=3)[0][0] == 2


def test_zero_score_documents_are_excluded() -> None:
    index = BM25Index(TEXTS)
    got = index.top("budget", k=10)
    assert [i for i, _ in got] == [3]
    assert all(score > 0 for _, score in got)
    assert index.top("zebra crossings", k=10) == []
    assert index.top("what did the inspector say", k=10) == []  # stopwords only


def test_k_limits_the_results() -> None:
    index = BM25Index(TEXTS)
    everything = index.top("officers", k=10)
    assert len(everything) == 4  # texts 0, 1, 2, 4 mention officers
    assert index.top("officers", k=2) == everything[:2]


def test_allowed_mask_is_respected() -> None:
    index = BM25Index(TEXTS)
    allowed = np.array([True, False, True, True, True])
    got = index.top("officers vetting backlog", k=5, mask=allowed)
    ids = [i for i, _ in got]
    assert 1 not in ids
    assert ids[0] == 4  # the best allowed one
    assert set(ids) == {0, 2, 4}
    nothing = np.zeros(len(TEXTS), dtype=bool)
    assert index.top("officers", k=5, mask=nothing) == []


def test_empty_index() -> None:
    index = BM25Index([])
    assert index.size == 0
    assert index.scores("anything").shape == (0,)
    assert index.top("anything", k=5) == []


def test_index_of_stopword_only_texts() -> None:
    index = BM25Index(["the police", "of the force", ""])
    assert index.top("police force", k=3) == []
    assert not np.isnan(index.scores("anything")).any()


def test_a_saved_index_maps_back_with_the_same_scores_and_vocabulary(tmp_path) -> None:
    index = BM25Index(TEXTS)
    index.save(tmp_path / "bm25")
    loaded = BM25Index.load(tmp_path / "bm25")
    for query in ["vetting backlog officers", "budget reserves", "nothing matches this"]:
        np.testing.assert_allclose(loaded.scores(query), index.scores(query), rtol=1e-6)
    assert dict(loaded.idf) == dict(index.idf) and "backlog" in loaded.idf
    assert "" not in loaded.idf and "unknownword" not in loaded.idf
    assert loaded.term_weight("unknownword") > loaded.term_weight("officer")
    empty = BM25Index([])
    empty.save(tmp_path / "empty")
    assert BM25Index.load(tmp_path / "empty").top("officers", k=3) == []
