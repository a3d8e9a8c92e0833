"""A text's content terms: lower-cased words, stopwords dropped, lightly stemmed.

The one tokenizer of the lexical index (``rag.index.bm25``) and of every word match
of question to evidence, so both always agree on what a term is."""

from __future__ import annotations

import re
from functools import lru_cache

from breame.data.spelling_constants import AMERICAN_ENGLISH_SPELLINGS

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
ENGLISH_STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers him his how i if in into
    is it its itself just me more most my no nor not now of off on once only or other
    our out over own same she should so some such than that the their theirs them then
    there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your yours tell say said says
    """.split()  # noqa: SIM905 - a word list reads best as text
)
# Words in every inspection document: too common to search by, yet things a number can
# count ("how many inspectors", "all 43 police forces"), so ``nouns`` keeps them.
DOMAIN_WORDS = frozenset(
    """
    inspector inspectors hmi report transcript force forces police constabulary document
    documents
    """.split()  # noqa: SIM905 - a word list reads best as text
)
STOPWORDS = ENGLISH_STOPWORDS | DOMAIN_WORDS


# Singular nouns ending in "s": "summons" is no plural, so "summonsed" meets it
_SINGULAR_IN_S = frozenset({"summons", "news", "series", "species"})
_SIBILANT_PLURAL = ("sses", "xes", "zes", "ches", "shes")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A deliberately light suffix stripper: enough to match plurals and verb forms.
    A final 'e' goes too, so crime/crimes and investigate/investigated meet."""
    if word.endswith("ss") or len(word) < 5 or word in _SINGULAR_IN_S:
        return word
    if word.endswith("ies"):
        word = word[:-3] + "y"
    elif word.endswith(_SIBILANT_PLURAL):
        word = word[:-2]
    elif word.endswith(("ing", "ed", "ly", "s")):
        for suffix in ("ing", "ed", "ly", "s"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


# "spends £600 million a year on IT": the abbreviation, not the pronoun "it" (a stopword),
# unless the words around it are capitals too ("IT IS", a heading in capitals)
_IT = re.compile(r"(?<![A-Z][\s-])(?<![A-Z])\bIT\b(?![\s-]*[A-Z]{2})")
IT_TERM = "ict"  # information technology, as the glossary spells it


# American spellings read as British ones, for matching only ("organized crime" meets
# "organised crime", "behavior" meets "behaviour"): the documents are British, many askers
# and most chat models are not. breame's word list (Apache-2.0, 1,706 words), not rules:
# by a "-ize" rule, "prize" would become "prise", another word.
_BRITISH: dict[str, str] = AMERICAN_ENGLISH_SPELLINGS


_LETTERS = re.compile(r"[A-Za-z]+")


def british(text: str) -> str:
    """``text`` with its American spellings made British, capitals kept ("What was the
    judgment on organized crime?" -> "... judgement on organised crime?"): for the
    patterns that read a question, which are written in the documents' spelling."""

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        found = _BRITISH.get(word.lower())
        if found is None:
            return word
        if word.isupper() and len(word) > 1:
            return found.upper()
        return found[0].upper() + found[1:] if word[0].isupper() else found

    return _LETTERS.sub(swap, text)


def _words(text: str) -> list[str]:
    if "IT" in text:
        text = _IT.sub(IT_TERM, text)
    words = (w.removesuffix("'s") for w in _WORD.findall(text.lower()))
    return [_BRITISH.get(w, w) for w in words]


def terms(text: str) -> list[str]:
    """Content terms of a text, stemmed, stopwords dropped."""
    return [stem(w) for w in _words(text) if w not in STOPWORDS]


def nouns(text: str) -> list[str]:
    """Like ``terms``, but the inspection's own words stay: what a count may count."""
    return [stem(w) for w in _words(text) if w not in ENGLISH_STOPWORDS]
