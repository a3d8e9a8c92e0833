"""Variants for matching only: a question's words found in a sentence however spelt.

A sentence speaks of what a question asks about when it has the same word stems,
or another spelling of the same policing term (``glossary.txt``: abbreviations and
their expansions, both ways), or the same compound written apart, hyphenated or
closed up ("anti-social", "antisocial"). Quotes are never changed; this decides only
whether a sentence can answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

from rag.index.terms import stem, terms

_GLOSSARY = "glossary.txt"
CONCEPT = "§"  # the prefix of a concept's key among a text's units
_WORDS = re.compile(r"[a-z0-9]+")
_LONGEST = 8  # stems in the longest glossary phrase we look for


@dataclass(frozen=True)
class Glossary:
    """Stemmed phrase -> concept key, and each concept's spellings as stem tuples."""

    concepts: dict[tuple[str, ...], str]
    spellings: dict[str, tuple[tuple[str, ...], ...]]
    names: dict[str, str]  # concept -> its first spelling, as written


def parse_glossary(text: str) -> Glossary:
    concepts: dict[tuple[str, ...], str] = {}
    spellings: dict[str, tuple[tuple[str, ...], ...]] = {}
    names: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        phrases = [tuple(terms(part)) for part in line.split("|")]
        phrases = [p for p in phrases if p]
        if not phrases:
            raise ValueError(f"{_GLOSSARY} line {number}: no word to match in {line!r}")
        key = f"{CONCEPT}{number}"
        spellings[key] = tuple(phrases)
        names[key] = line.split("|")[0].strip()
        for phrase in phrases:
            concepts.setdefault(phrase, key)
            if len(phrase) == 1 and len(phrase[0]) < 5:  # too short for the stemmer:
                concepts.setdefault((phrase[0] + "s",), key)  # "RSOs" is the RSO
    return Glossary(concepts, spellings, names)


@cache
def glossary() -> Glossary:
    return parse_glossary(files("rag.retrieve").joinpath(_GLOSSARY).read_text(encoding="utf-8"))


@lru_cache(maxsize=16384)
def units(text: str) -> tuple[str, ...]:
    """The matching units of a text, in order: a glossary concept where one of its
    spellings is (the longest first), else the word's stem."""
    stems = terms(text)
    known = glossary().concepts
    out: list[str] = []
    i = 0
    while i < len(stems):
        for n in range(min(_LONGEST, len(stems) - i), 0, -1):
            key = known.get(tuple(stems[i : i + n]))
            if key is not None:
                out.append(key)
                i += n
                break
        else:
            out.append(stems[i])
            i += 1
    return tuple(out)


@lru_cache(maxsize=16384)
def surface(text: str) -> frozenset[str]:
    """Every unit a text can be matched on: its units, and each pair of its words closed
    up, so a compound written apart or hyphenated ("anti-social", "well being") meets
    the closed form ("antisocial", "wellbeing")."""
    words = _WORDS.findall(text.lower())  # stopwords kept: "well-being" closes up too
    closed = {stem(a + b) for a, b in zip(words, words[1:], strict=False)}
    known = glossary().concepts
    closed |= {key for c in closed if (key := known.get((c,))) is not None}
    stems = terms(text)
    other = {d for s in stems for d in derived(s)}  # "planning" meets "plans"
    return frozenset(units(text)) | frozenset(stems) | closed | other


def expanded(question: str) -> str:
    """The question with each policing term it abbreviates or rewords also written in
    full ("How many PCSOs ...? police community support officer"), for searching: the
    embedding model does not know that PCSO and its expansion are one thing."""
    shared = glossary()
    asked = set(terms(question))
    extra = [
        shared.names[u]
        for u in dict.fromkeys(units(question))
        if u in shared.names and not set(shared.spellings[u][0]) <= asked
    ]
    return f"{question} ({'; '.join(extra)})" if extra else question


# sentences, and paragraphs or list items: a hard-wrapped line is not a sentence's end
_SENTENCE_BREAK = re.compile(r"(?<=[.!?;:])\s+|\n\s*\n")


@lru_cache(maxsize=64)
def document_concepts(text: str) -> frozenset[str]:
    """The glossary concepts a whole document uses: a spelling written out, or all its
    words within one sentence ("calls to the non-emergency 101 number"). Not all its
    words anywhere in the document: a long report has "public" and "order" somewhere
    without ever speaking of public order. Cached apart: a few large texts, reused by
    every question, must not crowd the sentence cache (nor be held by it)."""
    where: dict[str, set[int]] = {}  # unit -> the sentences holding it
    for n, sentence in enumerate(s for s in _SENTENCE_BREAK.split(text) if s.strip()):
        for unit in surface.__wrapped__(sentence):
            where.setdefault(unit, set()).add(n)
    found = {u for u in where if u.startswith(CONCEPT)}

    def in_one_sentence(spelling: tuple[str, ...]) -> bool:
        held = [where.get(s, set()) for s in spelling]
        return all(held) and bool(set.intersection(*held))

    for key, spelt in glossary().spellings.items():
        if key not in found and any(in_one_sentence(sp) for sp in spelt):
            found.add(key)
    return frozenset(found)


def unit_stems(unit: str) -> tuple[tuple[str, ...], ...]:
    """The stem tuples a unit stands for (a concept's spellings, or the stem itself)."""
    return glossary().spellings.get(unit, ((unit,),))


_DOUBLED = re.compile(r"([bdfglmnprt])\1$")
# Irregular verbs the light stemmer cannot meet: "how long without hearing" is answered by
# "heard nothing for eight months", "how much did it spend" by "it spent".
_IRREGULAR = """
    hear heard | tell told | find found | make made | hold held |
    take took taken | give gave given | keep kept | seek sought | catch caught |
    bring brought | spend spent | pay paid | sell sold | build built |
    lose lost | fall fell fallen | rise rose risen | begin began begun | send sent |
    choose chose chosen | write wrote written | run ran | see saw seen | know knew known |
    grow grew grown | speak spoke spoken | think thought | buy bought | feel felt |
    go went gone | fight fought | teach taught | break broke broken | steal stole stolen
"""


# Plain words askers use for the documents' own (not terms of art: a document need not
# use any of them to speak of the thing): "empty posts" are vacant ones, "happy" victims
# satisfied ones. Only words with no other policing sense ("late", "fired" have one).
_SAME_MEANING = """
    empty vacant unfilled | happy satisfied | sacked dismissed |
    cops officers | cars vehicles | jobs posts
"""


def _forms(table: str) -> dict[str, tuple[str, ...]]:
    """Each stem of the table -> the other stems of its word."""
    out: dict[str, tuple[str, ...]] = {}
    for group in table.split("|"):
        stems = tuple(dict.fromkeys(stem(w) for w in group.split()))
        out |= {s: tuple(o for o in stems if o != s) for s in stems}
    return out


_FORMS = _forms(_IRREGULAR) | _forms(_SAME_MEANING)


def derived(stem_: str) -> tuple[str, ...]:
    """Other stems of the same word, for matching only ("planning" -> "plan", "financial"
    -> "financ" as in "finances"): the light stemmer keeps a doubled consonant and the
    adjective's ending. Short stems get none ("special" is not "spec")."""
    out = list(_FORMS.get(stem_, ()))
    if _DOUBLED.search(stem_) and len(stem_) >= 5:
        out.append(stem_[:-1])
    if stem_.endswith("ial") and len(stem_) >= 8:
        out.append(stem_[:-3])
    if stem_.endswith(("ancy", "ency")) and len(stem_) >= 7:  # "vacancies" -> "vacant"
        out.append(stem_[:-2] + "t")
    if stem_.endswith("ation") and len(stem_) >= 10:  # "examination" -> "examin(ed)",
        out += [stem_[:-5], stem_[:-3]]  # "investigation" -> "investigat(ed)"
    return tuple(out)
