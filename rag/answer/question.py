"""What a question asks for: the kind of answer and its focus, and whether a span of
text holds them.

The offline engine quotes a span only when it speaks of the question's focus (the
thing asked about, by its words or a known variant, see ``variants.py``) and, where
a kind of answer is asked ("how many", "who", "when", "why", a grade), holds a value
of that kind. A sentence on the same broad topic that lacks either is how a
confident wrong quote is made; without one the engine says the documents do not say.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rag.retrieve.lexical import stem, terms
from rag.retrieve.variants import CONCEPT, surface, unit_stems, units

NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety|hundreds?|thousands?|millions?|dozens?"
)
_NUMBER = rf"(?:\d[\d,.]*|{NUMBER_WORDS}|a|an|several|a few)"

GRADE = re.compile(
    r"\b(judge|judged|grade|graded|rate|rated|assess|assessed|found)\b[^.]*?\b(outstanding|good|"
    r"adequate|requires? improvement|inadequate)\b|\b(outstanding|requires? improvement|"
    r"inadequate)\b|['‘\"“](good|adequate)['’\"”]|^\W*(good|adequate)\b",
    re.I,
)
_MONEY = re.compile(
    rf"[£$€]\s?\d|\b(?:\d[\d,.]*|{NUMBER_WORDS})\s?(?:(?:thousand|million|billion|bn|m|k)\s?)?"
    r"pounds\b|\b\d[\d,.]*\s?(?:million|billion|bn)\b",
    re.I,
)
_ANY_NUMBER = re.compile(
    rf"\d|£|\bper ?cent\b|\b({NUMBER_WORDS}|billion|half|quarter|third)\b", re.I
)
_DURATION = re.compile(
    rf"\b{_NUMBER}\s+(?:more\s+|full\s+)?(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b"
    r"|\b(?:hours|days|weeks|months|years)\b",
    re.I,
)
_DATE = re.compile(
    r"\b(19|20)\d\d\b|\b(january|february|march|april|may|june|july|august|"
    r"september|october|november|december|last year|this year|next year)\b",
    re.I,
)
_REASON = re.compile(
    r"\b(because|due to|owing to|as a result|result(?:s|ed)? (?:of|from)|limited by|caused by|"
    r"driven by|reasons?|since|so that|means? that|meaning that|lack of|lacks?|too few|"
    r"not enough|insufficient|shortage|without|unable|cannot|could not|did not|does not|"
    r"do not|has not|have not|no longer|fail(?:s|ed|ing)? to|explain|why)\b",
    re.I,
)

# A proper name: two capitalised words, neither an institution's word.
_NAME_WORD = r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?"
_CAPITALISED = re.compile(rf"\b{_NAME_WORD}(?:\s+{_NAME_WORD})+")
_NOT_NAMES = frozenset(
    """
    his her majesty majesty's inspector inspectors inspectorate constabulary constable chief
    police force fire rescue services service crime commissioner office home national
    county council his hm peel england wales the this that it in on at our we i she he they
    deputy assistant superintendent sergeant inspector commander officer officers
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    """.split()  # noqa: SIM905 - a word list reads best as text
)


_ROLES = re.compile(
    r"\b(chief constable|deputy chief constable|chief officers?|senior leaders?|leadership team|"
    r"police and crime commissioner|commissioner|mayor|chief inspector|inspector of "
    r"constabulary|superintendent|sergeants?|supervisors?|detectives?)\b",
    re.I,
)


_ORGANISATION = re.compile(
    rf"\b(?:{_NAME_WORD}\s+)+(?:Police|Constabulary|Council|Service|Services|Agency|Trust|"
    r"Authority|Office|Unit|Partnership)\b"
)
_ASKS_PARTNER = re.compile(
    r"\bwho\b.*\b(?:with|alongside)\b|\bwhich (?:forces|organisations|"
    r"partners|agencies)\b",
    re.I,
)
_ROLE_ASKED = re.compile(
    r"\b(inspector|constable|commissioner|officer|leader|chair|chief|detective|spokes\w*)s?\b",
    re.I,
)


def names_someone(text: str, asked: str = "") -> bool:
    """Whether the text says who: a person's name, or a role the question does not
    already name ("the chief constable and his team" answers "who drove it", not "who
    is the chief constable"); for "who ... with", an organisation the question does not
    name ("Loamshire Police")."""
    if has_name(text, asked):
        return True
    if _ASKS_PARTNER.search(asked) and any(
        m.group(0) not in asked for m in _ORGANISATION.finditer(text)
    ):
        return True
    asked_roles = {m.group(0).lower() for m in _ROLES.finditer(asked)}
    return any(m.group(0).lower() not in asked_roles for m in _ROLES.finditer(text))


def has_name(text: str, asked: str = "") -> bool:
    """Whether the text names a person: two capitalised words not at the start of a
    sentence, at least one not an institution's or title's word, and not in the question."""
    asked_words = {w.lower() for w in re.findall(r"[A-Za-z']+", asked)}
    for match in _CAPITALISED.finditer(text):
        words = match.group(0).split()
        before = text[: match.start()].rstrip()
        if not before or before[-1] in '.!?\n"“:':
            words = words[1:]  # a sentence's first word is capitalised anyway
        names = [w for w in words if w.lower().strip("'") not in _NOT_NAMES]
        names = [w for w in names if w.lower() not in asked_words]
        if len(names) >= 2 or (names and len(words) >= 2 and words[-1] in names):
            return True
    return False


_SUPERLATIVE = (
    r"most|least|highest|lowest|largest|smallest|biggest|best|worst|fewest|greatest|"
    r"strongest|weakest|fastest|slowest"
)
# The kinds of answer a question can ask for, each with what its wording looks like.
_ASKS: list[tuple[str, re.Pattern[str]]] = [
    (  # "which force has the most officers": a ranking the documents must state
        "ranking",
        re.compile(
            rf"\b(which|what)\s+(\w+\s+)?(force|forces|area|areas)\b.*\b({_SUPERLATIVE})\b", re.I
        ),
    ),
    (
        "amount",
        re.compile(
            r"\bhow much\s+(?:money|funding|cash)\b|(?<!by )\bhow much\s+(?:has|have|had|did|"
            r"does|do|will|would|must|should|is|was)\b[^?]*?\b(?:save[ds]?|saving|savings|"
            r"cost|costs|spend|spent|invest|invested)\b",
            re.I,
        ),
    ),
    ("duration", re.compile(r"\bhow long\b|\bfor how many (days|weeks|months|years)\b", re.I)),
    (
        "number",
        re.compile(
            r"\b(how (many|much|often|far|quickly|big|large|high|low)|what (number|"
            r"percentage|proportion|share|fraction|amount|figure|sum)|by how much|how many)\b",
            re.I,
        ),
    ),
    (
        "date",
        re.compile(r"\b(when|what year|which year|what date|since when|deadline|by when)\b", re.I),
    ),
    (
        "person",
        re.compile(
            r"^\W*(?:and\s+|so\s+)?(?:who|whose|whom)\b|\b(?:by|to|with|from) whom\b|"
            r"^\W*which (?:of (?:the|his|her|hm)\s+)?(?:\S+\s+)?(?:inspector|officer|person|"
            r"chief|commissioner|leader)s?\b|\bname of (?:the|its|his|her)\b",
            re.I,
        ),
    ),
    (
        "grade",
        re.compile(r"\b(grade|graded|grading|rating|rated|judge[ds]?|judgement|verdict)\b", re.I),
    ),
    (
        "reason",
        re.compile(
            r"\bwhy\b|\bwhat (?:is|was|are|were) (?:the )?(?:reasons?|causes?)\b|\bhow come\b|"
            r"\bwhat (?:caused|explains|is behind|lies behind)\b",
            re.I,
        ),
    ),
]
_VALUE = {
    "ranking": re.compile(
        rf"\bthe (?:{_SUPERLATIVE})\b|\b(?:{_SUPERLATIVE.replace('most|least|', '')})\b|\b("
        r"more than any|of all (?:the )?forces|the only force|"
        r"(?:higher|lower|more|fewer|better|worse) than (?:any|every|all|most))\b",
        re.I,
    ),
    "amount": _MONEY,
    "duration": _DURATION,
    "number": _ANY_NUMBER,
    "date": _DATE,
    "grade": GRADE,
}

# Words that say what kind of answer is wanted, or that every question about an
# inspection uses: they are never the thing asked about.
_GENERIC = frozenset(
    terms(
        """
        many much long often far quickly big large high low number percentage proportion
        share figure amount sum total grade graded grading rating rated rate judge judged
        judgement verdict date year deadline name named person people reason reasons cause
        why come whose inspect inspected inspection inspectorate hmicfrs find found finding
        findings think view views make made get got give given describe described mention
        mentioned anything something things thing well do doing done area areas aspect
        aspects performance perform performing happen happened see saw feel felt
        comment comments state stated according current currently latest recent recently
        know known look looked like way ways kind sort exactly actually really his majesty
        majesty's majestys receive received get gets getting take takes taking taken took
        put puts keep keeps kept show shows showed need needs needed want wants use uses
        using used go goes going went come comes bring brings hold holds held seem seems
        try tries tried let lets able
        """
    )
)
_WINDOW_AFTER, _WINDOW_BEFORE = 8, 4  # words after (or before) a number that it counts
_HOW_MANY = re.compile(r"\bhow many\s+(?:of\s+(?:the|its|their|his|her)\s+)?([^?.,;:!]+)", re.I)
_FUNCTION_WORDS = frozenset(
    """
    do does did are is was were has have had will can could would should in at of on
    for across by per the a an there than that which who to from with and or over under
    """.split()  # noqa: SIM905 - a word list reads best as text
)
_WORD = re.compile(r"[A-Za-z0-9£%]+")
_COUNT = re.compile(rf"£?\d[\d,.]*%?|{NUMBER_WORDS}", re.I)
_ASKS_SHARE = re.compile(r"percentage|proportion|share|fraction|how often", re.I)
_PROPORTION = re.compile(r"^(?:in|out|per|percent)$", re.I)


def _plural(word: str) -> bool:
    return len(word) > 3 and word.lower().endswith("s") and not word.lower().endswith("ss")


def _abbreviation(word: str) -> str | None:
    """ "PCSOs" -> "pcso": a word in capitals (a trailing plural s allowed), else None."""
    letters = word[:-1] if word.endswith("s") else word
    return letters.lower() if len(letters) >= 2 and letters.isupper() else None


def counted_words(question: str) -> list[str]:
    """The words of the noun phrase a "how many" question counts (empty: no count asked).
    It ends at a function word or its first plural ("police community support officers")."""
    match = _HOW_MANY.search(question)
    words: list[str] = []
    for word in _WORD.findall(match.group(1)) if match else []:
        if word.lower() in _FUNCTION_WORDS or (words and word.lower().endswith(("ed", "ing"))):
            break  # "how many staff lacked ...": the phrase ends before its verb
        words.append(word)
        if _plural(word) or len(words) >= 5:
            break
    return words


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


def counts(
    sentence: str, counted: list[str], proportion_ok: bool = False, qualifier: Sequence[str] = ()
) -> bool:
    """Whether a number in the sentence counts the ``counted`` words: one of them close
    after it (or just before it), or the same thing abbreviated either way ("96 police
    community support officers" for "PCSOs"). A proportion ("one in eight", "40 per
    cent") is not a count unless ``proportion_ok``."""
    head = set(terms(counted[-1])) if counted else set()
    modifiers = set(terms(" ".join(counted[:-1])))
    qualified = set(units(" ".join(qualifier)))
    asked_abbreviations = {a for w in counted if (a := _abbreviation(w))}
    asked_initials = "".join(w[0].lower() for w in counted) if len(counted) > 1 else None
    words = _WORD.findall(sentence)
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
        near = after + words[max(0, i - _WINDOW_BEFORE) : i]
        found = {stem(w.lower()) for w in near} | set(units(" ".join(near)))
        # the counted thing with most of its modifiers: "student officers" are not PCSOs
        if head & found and 2 * len(modifiers & found) >= len(modifiers):
            return True
        if qualified and qualified <= found:  # "1,140 registered sex offenders"
            return True
        if after and asked_initials and _abbreviation(after[0]) == asked_initials:
            return True
        for n in range(2, len(after) + 1):  # a noun phrase after the number, ending in a plural
            if _plural(after[n - 1]):
                if "".join(w[0].lower() for w in after[:n]) in asked_abbreviations:
                    return True
                break
    return False


@dataclass(frozen=True)
class Question:
    """A question analysed: the kind of answer it wants and the units of its focus."""

    text: str
    kind: str | None  # amount, duration, number, date, person, grade, reason; None: any
    focus: tuple[str, ...]  # matching units (variants.py) of the thing asked about
    counted: tuple[str, ...] = field(default=())  # a "how many" question's counted words
    qualifier: tuple[str, ...] = field(default=())  # what qualifies them ("on the register")

    def holds_kind(self, text: str) -> bool:
        """Whether the text holds a value of the kind asked for."""
        if self.kind is None or self.kind == "reason":
            return True  # any sentence may give a reason; explains() prefers one that says so
        if self.kind == "person":
            return names_someone(text, self.text)
        if _VALUE[self.kind].search(text) is None:
            return False
        if self.kind == "number" and self.counted:
            names = terms(" ".join(self.counted)) or any(_abbreviation(w) for w in self.counted)
            proportion_ok = bool(_ASKS_SHARE.search(self.text))
            counted = list(self.counted)
            return counts(text, counted, proportion_ok, self.qualifier) if names else True
        return True

    def missing_focus(self, text: str, idf: Mapping[str, float]) -> list[str]:  # for diagnosis
        """The focus units the text lacks, of those the documents use at all (a word no
        document uses may be the asker's paraphrase: the meaning score judges that)."""
        return [u for u in self.focus if known(u, idf) and not present(u, text)]

    def answered_by(self, text: str, idf: Mapping[str, float]) -> bool:
        """The text holds a value of the kind asked for and, when a value is asked for,
        speaks of the thing it is asked about: a grade, a date or a figure about
        something else in the same document does not answer."""
        if not self.holds_kind(text):
            return False
        if self.kind is None or self.kind == "reason":
            return True
        if self.kind == "person" and self.role_named(text):
            return True  # "which inspector spoke": the name beside "Inspector" answers
        return self.mentions_focus(text, idf)

    def role_named(self, text: str) -> bool:
        """Whether the text has the role a who-question asks about ("which inspector")."""
        roles = {m.group(1).lower() for m in _ROLE_ASKED.finditer(self.text)}
        return bool(roles & {m.group(1).lower() for m in _ROLE_ASKED.finditer(text)})

    def terms_of_art_in(self, text: str) -> bool:
        """Whether a document's text uses every term of art the question asks about
        (its glossary concepts: "stop and search", "county lines", "vetting") and every
        year it names ("since its 2015 inspection"). Such terms are rarely paraphrased, so
        a document that never uses one does not speak of it."""
        if any(year not in text for year in _YEAR.findall(self.text)):
            return False
        concepts = [u for u in self.focus if is_concept(u)]  # used elsewhere or not at all
        if not concepts:
            return True
        either = re.search(r"\bor\b", self.text, re.I)  # "vetting or corruption": one will do
        return (any if either else all)(present(u, text) for u in concepts)

    def explains(self, text: str) -> bool:
        """Whether the text words a reason ("because", "limited by", "a lack of")."""
        return _REASON.search(text) is not None

    def mentions_focus(self, text: str, idf: Mapping[str, float]) -> bool:
        """The text holds enough of the focus (of the units the documents use, weighted
        by how specific each is) to be about the thing asked."""
        used = [u for u in self.focus if known(u, idf)]
        if not used:
            return True
        weights = {u: weight(u, idf) for u in used}
        held = sum(w for u, w in weights.items() if present(u, text))
        share = FOCUS_SHARE if self.kind in _MEASURED else 0.0
        return held > 0 and held >= share * sum(weights.values())


# A text asked for a figure must hold at least this share of the focus (by weight): a
# figure about the DA backlog's size does not say how long its cases waited. A grade or
# a person needs one unit of it: areas of policing are named in many ways.
FOCUS_SHARE = 0.34
_MEASURED = frozenset({"amount", "duration", "number", "date"})
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def is_concept(unit: str) -> bool:
    return unit.startswith(CONCEPT)


def present(unit: str, text: str) -> bool:
    """Whether a unit is in the text: itself, or every word of one of its spellings
    (a glossary phrase split or reordered: "calls to the non-emergency 101 number")."""
    found = surface(text)
    return unit in found or any(all(s in found for s in sp) for sp in unit_stems(unit))


def known(unit: str, idf: Mapping[str, float]) -> bool:
    """Whether some spelling of the unit is in the documents' vocabulary."""
    return any(all(s in idf for s in spelling) for spelling in unit_stems(unit))


def weight(unit: str, idf: Mapping[str, float]) -> float:
    """How specific a unit is: the IDF of its best-known spelling (mean over its stems)."""
    spellings = [sp for sp in unit_stems(unit) if all(s in idf for s in sp)]
    return max((sum(idf[s] for s in sp) / len(sp) for sp in spellings), default=0.0)


@lru_cache(maxsize=4096)
def analyse(question: str) -> Question:
    kind = next((name for name, asks in _ASKS if asks.search(question)), None)
    counted = tuple(counted_words(question)) if kind == "number" else ()
    qualifier = tuple(counted_qualifier(question)) if counted else ()
    wanted = (u for u in units(question) if u not in _GENERIC and not u.isdigit())
    focus = tuple(dict.fromkeys(wanted))
    return Question(question, kind, focus, counted, qualifier)


def answers_type(question: str, sentence: str) -> bool:
    """Whether the sentence holds the kind of fact the question asks for."""
    return analyse(question).holds_kind(sentence)
