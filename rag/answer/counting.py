"""Counts: what a "how many" question counts ("how many student officers", with its
qualifier and its class: phones are devices), and whether a number in a text counts that
thing ("214 PCSOs" does not answer "how many student officers", nor does "one in eight")."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from rag.answer.matching import is_concept, known
from rag.answer.values import NUMBER_WORDS
from rag.index.terms import nouns, stem, terms
from rag.retrieve.variants import CONCEPT, derived, glossary, units

_WINDOW_AFTER, _WINDOW_BEFORE = 8, 4  # words after (or before) a number that it counts
_SUBJECT_WINDOW = 10  # words before a number where what it counts may be named as subject
_HOW_MANY = re.compile(
    r"\b(?:how many|number of)\s+(?:of\s+(?:the|its|their|his|her|(?-i:[A-Z])[\w-]*['’]s)\s+)?"
    r"([^?.,;:!]+)",
    re.I,
)
_SHARE_OF = re.compile(
    r"\b(?:percentage|proportion|share|fraction|per ?cent)\s+of\s+(?:(?:the|its|their|all|"
    r"those|these)\s+)?([^?.,;:!]+)",
    re.I,
)
_FUNCTION_WORDS = frozenset(
    """
    do does did are is was were has have had will can could would should in at of on
    for across by per the a an there than that which who to from with and or over under
    """.split()  # noqa: SIM905 - a word list reads best as text
)
_WORD = re.compile(r"[A-Za-z0-9£%]+")
_LABEL = re.compile(
    r"section|s|article|paragraph|para|page|clause|chapter|schedule|part|annex|appendix|"
    r"figure|table|act|improvement|recommendation|concern|no|number|phase|tier|level|grade",
    re.I,
)
_YEAR_NUMBER = re.compile(r"(?:19|20)\d\d")
_COUNT = re.compile(rf"£?\d[\d,.]*%?|{NUMBER_WORDS}", re.I)
_PROPORTION = re.compile(r"^(?:in|out|per|percent)$", re.I)


_PLURAL_NOUNS = frozenset(["people", "children", "men", "women", "staff", "personnel"])


def _plural(word: str) -> bool:
    low = word.lower()
    return low in _PLURAL_NOUNS or (len(low) > 3 and low.endswith("s") and not low.endswith("ss"))


def abbreviation(word: str) -> str | None:
    """ "PCSOs" -> "pcso": a word in capitals (a trailing plural s allowed), else None."""
    letters = word[:-1] if word.endswith("s") else word
    return letters.lower() if len(letters) >= 2 and letters.isupper() else None


def _term_continued(words: list[str], following: list[str]) -> list[str]:
    """The words after a plural that complete a policing term with it ("areas" "for
    improvement", "causes" "of concern"): the term is what is counted, not "areas"."""
    concepts, own = glossary().concepts, terms(" ".join(words))
    for end in range(len(following), 0, -1):
        longer = terms(" ".join(words + following[:end]))
        if (
            own  # "how many forces does the PEEL ...": forces are counted, not PEEL
            and longer[: len(own)] == own
            and len(longer) > len(own)
            and terms(following[end - 1])
            and tuple(longer) in concepts
        ):
            return following[:end]
    return []


def counted_words(question: str) -> list[str]:
    """The words of the noun phrase a "how many" question counts (empty: no count asked).
    It ends at a function word or its first plural ("police community support officers")."""
    match = _HOW_MANY.search(question)
    return _noun_phrase(match.group(1)) if match else []


def share_population(question: str) -> list[str]:
    """The words of what a "what proportion of X ..." question takes a share of ("victims"
    in "what percentage of victims were satisfied"): a share of anything else is not it."""
    match = _SHARE_OF.search(question)
    return _noun_phrase(match.group(1)) if match else []


def _noun_phrase(text: str) -> list[str]:
    words: list[str] = []
    phrase = _WORD.findall(text)
    for n, word in enumerate(phrase):
        if word.lower() in _FUNCTION_WORDS or (words and word.lower().endswith(("ed", "ing"))):
            break  # "how many staff lacked ...": the phrase ends before its verb
        if word.lower() == "s" and words:
            words = []  # "the hub's police staff posts": the hub owns what is counted
            continue
        words.append(word)
        following = phrase[n + 1] if n + 1 < len(phrase) else ""
        if word.lower() in ("staff", "personnel") and _plural(following):
            continue  # "police staff posts": staff is a modifier here
        if _plural(word) or len(words) >= 5:
            words += _term_continued(words, phrase[n + 1 : n + 4])
            break
    if words and words[0].lower().endswith("ed") and not any(_plural(w) for w in words):
        return []  # "out of the files, how many showed no sign ...": counted before the verb
    return words


# Heads that any of their kind counts: "how many people" is answered by "twelve officers
# and staff", "how many of the files" by "14 of the 40 cases".
_HEAD_CLASSES = [
    frozenset(
        terms(
            "people persons individuals officers staff victims offenders children "
            "women men girls boys residents suspects detectives volunteers constables "
            "investigators handlers members employees workers"
        )
    ),
    frozenset(terms("cases files records investigations referrals reports")),
    frozenset(terms("gangs networks groups lines")),  # "county lines gangs" are networks
]
_CLASS_HEADS = frozenset(terms("people persons individuals cases files records gangs networks"))
# Things counted under a general name: "how many phones" is answered by "1,200 devices"
_COUNTED_AS = {m: stem("devices") for m in terms("phones laptops computers tablets mobiles")}


def head_class(head: set[str]) -> set[str]:
    """The counted head with the others of its class, for a general head."""
    out = set(head) | {_COUNTED_AS[h] for h in head if h in _COUNTED_AS}
    for members in _HEAD_CLASSES:
        if head & members & _CLASS_HEADS:
            out |= members
    return out


_GENERAL_HEADS = frozenset(
    ["people", "persons", "individuals", "cases", "incidents", "records", "files"]
)
_QUALIFIER = re.compile(
    r"^\s*(?:on|in|under|from|at)\s+(?:the|a|an|its|their|his|her)?\s*([^?.,;:!]+)", re.I
)


def counted_qualifier(question: str) -> list[str]:
    """The content words of what qualifies a counted thing named only in general ("people
    *on the sex offenders register*"): a number attached to them counts it too."""
    match = _HOW_MANY.search(question)
    counted = counted_words(question)
    if not match or len(counted) != 1 or counted[0].lower() not in _GENERAL_HEADS:
        return []
    rest = match.group(1)
    tail = rest[rest.lower().find(counted[-1].lower()) + len(counted[-1]) :]
    qualifier = _QUALIFIER.match(tail)
    words: list[str] = []
    for word in _WORD.findall(qualifier.group(1)) if qualifier else []:
        if word.lower() in _FUNCTION_WORDS or word.lower().endswith(("ed", "ing")):
            break
        words.append(word)
        if len(words) >= 4:
            break
    return [w for w in words if terms(w)]


def counted_terms(question: str) -> set[str]:
    """The (stemmed) content words a "how many" question counts."""
    return set(terms(" ".join(counted_words(question))))


_NOUN_AFTER = 4  # the words after a number in which the thing it counts is named
# Words saying a count is of more of a thing, in any wording: "how many extra detectives"
# is answered by "sixty additional detectives"
_ADDED = frozenset(terms("extra additional further"))  # not "new": new cases are not all
# how a text says a count is of added ones: "60 additional detectives", "recruit 12 more"
_ADDED_STATED = frozenset(
    terms("extra additional further more new recruit recruited recruiting another added uplift")
)


def _counts_something_else(after: list[str], wanted: set[str], abbreviations: set[str]) -> bool:
    """Whether the noun phrase right after a number (up to its first plural, with a
    coordinated "and staff") names something other than what is counted."""
    for n, word in enumerate(after[:_NOUN_AFTER]):
        if word.lower() in {"of", "per", "in", "to", "for"}:
            return False  # "460 of the cases", "14 in every": the phrase is not here
        if _plural(word):
            phrase = after[: n + 1]
            if n + 2 < len(after) and after[n + 1].lower() in {"and", "or"}:
                phrase = after[: n + 3]
            if len(after) > len(phrase) and after[len(phrase)].lower() == "as":
                return False  # "twelve officers and staff as wellbeing champions"
            named = {stem(w.lower()) for w in phrase} | set(units(" ".join(phrase)))
            # a term continued past its plural: "eleven areas for improvement" are AFIs
            named |= {u for u in units(" ".join(after[: n + 3])) if is_concept(u)}
            named |= {a for w in phrase if (a := abbreviation(w))}
            return not (named & (wanted | abbreviations))
    return False


_HAS = re.compile(r"^(?:had|has|have|holds?|held|faced|faces)$", re.I)


def _subject_of(words: list[str], places: list[int], sentence: str, i: int) -> set[str]:
    """The stems of the (up to three) words before the clause's "had"/"has" that leads
    to the number at ``i`` (none when no such verb is in its clause)."""
    clause = max(sentence.rfind(c, 0, places[i]) for c in ",;:.") + 1
    for j in range(i - 1, max(-1, i - _SUBJECT_WINDOW), -1):
        if places[j] < clause:
            break
        if _HAS.match(words[j]):
            subject = [
                w
                for k, w in enumerate(words[max(0, j - 3) : j], max(0, j - 3))
                if places[k] >= clause
            ]
            stems = {stem(w.lower()) for w in subject}
            return stems | {d for s in stems for d in derived(s)}
    return set()


def counts(
    sentence: str, counted: list[str], proportion_ok: bool = False, qualifier: Sequence[str] = ()
) -> bool:
    """Whether a number in the sentence counts the ``counted`` words: one of them close
    after it (or just before it), or the same thing abbreviated either way ("96 police
    community support officers" for "PCSOs"). A proportion ("one in eight", "40 per
    cent") is not a count unless ``proportion_ok``."""
    head = head_class(set(nouns(counted[-1]))) if counted else set()
    head |= {d for h in head for d in derived(h)}
    modifiers = set(terms(" ".join(counted[:-1]))) - _ADDED  # "extra" is "additional"
    added = bool(set(terms(" ".join(counted[:-1]))) & _ADDED)  # "how many extra ...": added ones
    qualified = set(units(" ".join(qualifier)))
    asked_units = units(" ".join(counted))
    asked = set(asked_units)  # "PCSOs" as a concept: its expansion counts too
    whole = asked_units[-1] if asked_units and asked_units[-1].startswith(CONCEPT) else None
    asked_abbreviations = {a for w in counted if (a := abbreviation(w))}
    asked_initials = "".join(w[0].lower() for w in counted) if len(counted) > 1 else None
    matches = list(_WORD.finditer(sentence))
    words = [m.group() for m in matches]
    places = [m.start() for m in matches]
    for i, word in enumerate(words):
        if not _COUNT.fullmatch(word):
            continue
        after = words[i + 1 : i + 1 + _WINDOW_AFTER]
        before = words[i - 2 : i]
        in_ratio = len(before) == 2 and before[1].lower() == "in" and _COUNT.fullmatch(before[0])
        if not proportion_ok and (
            word.endswith("%") or in_ratio or (after and _PROPORTION.match(after[0]))
        ):
            continue  # "one in eight", "40 per cent": a proportion, not a count
        if after and after[0].lower() in ("each", "apiece"):
            continue  # "caseloads of about seventy each": a figure per person, not a count
        if before and _LABEL.fullmatch(before[-1]) or _YEAR_NUMBER.fullmatch(word):
            continue  # "section 136", "the Mental Health Act 1983": a name, not a count
        if _counts_something_else(after, head | modifiers | qualified | asked, asked_abbreviations):
            continue  # "96 overdue visits to registered sex offenders" counts visits
        near = after + words[max(0, i - _WINDOW_BEFORE) : i]
        found = {stem(w.lower()) for w in near} | set(units(" ".join(near)))
        found |= {d for f in found for d in derived(f)}  # "vacant posts" for "vacancies"
        if added and not found & _ADDED_STATED:
            continue  # "how many extra offender managers": not the ones it has now
        # the counted thing with most of its modifiers: "student officers" are not PCSOs
        held = modifiers & found | {m for m in modifiers if set(units(m)) & found}  # "RSO"
        if head & found and 2 * len(held) >= len(modifiers):
            return True
        # the modifiers naming the clause's subject, which has the thing counted: "the
        # safeguarding hub had a backlog of 640 referrals" counts the hub's referrals
        next_word = {stem(w.lower()) for w in after[:1]}
        if modifiers and head & next_word and modifiers <= _subject_of(words, places, sentence, i):
            return True
        if qualified and qualified <= found:  # "1,140 registered sex offenders"
            return True
        if whole is not None and whole in found:  # "340 domestic abuse risk assessments"
            return True  # for "DASH forms": the counted phrase is one glossary term
        if after and asked_initials and abbreviation(after[0]) == asked_initials:
            return True
        for n in range(2, len(after) + 1):  # a noun phrase after the number, ending in a plural
            if _plural(after[n - 1]):
                if "".join(w[0].lower() for w in after[:n]) in asked_abbreviations:
                    return True
                break
    return False


def paraphrased(word: str, counted: Sequence[str], idf: Mapping[str, float]) -> bool:
    """A plain modifier of the counted thing that no document uses ("seized devices"): the
    asker's own word, not a word of a policing term ("trainee constables", "DASH forms")."""
    own = units(word)
    phrase = set(units(" ".join(counted)))
    plain = all(not is_concept(u) for u in own) and set(own) <= phrase
    return bool(own) and plain and not all(known(u, idf) for u in own)
