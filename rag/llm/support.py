"""Whether a sentence the model wrote is supported by the evidence it cites.

The model writes its own sentences; each must say only what its cited evidence says.
A claim is supported when, read against the cited evidence sentences (and the force
each one is about):

- every **number** it states is there (digits, "1,240" as "1240", number words as
  digits: "three" is 3);
- every **grade** it states is there ("good", "requires improvement", ...);
- every **name** is there (a capitalised word after the first, an acronym), or is
  another spelling of a policing term the evidence uses (``rag/retrieve/glossary.txt``);
- most of its **key terms** are there (stemmed content words and glossary terms;
  at least :data:`MIN_TERM_SHARE` of them, reporting words such as "said" aside);
- a name the question uses counts as the evidence's when the claim also states a figure
  of that evidence and drops no name the evidence uses (the asker's name for
  "the programme", see :func:`check_support`);
- every **ranking** word it uses ("highest", "better", "most") is there: a claim that
  ranks what its evidence only states ("X has the highest, while Y has the lowest", from
  three forces' figures) compares where no one compared;
- it holds no link, URL or markup (an answer never needs one; a planted link stays
  inside its verbatim quote);
- its **polarity** matches: a term the claim negates ("not good", "does not
  protect", "lacks detectives") is negated where the evidence says it, and a term it
  asserts is asserted there ("good" against the evidence's "not good" fails).

The check is deliberately lexical and strict: a sentence it cannot verify is removed
(and counted), never shown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.answer.grade_patterns import GRADE
from rag.answer.values import SUPERLATIVE
from rag.index.terms import STOPWORDS, terms
from rag.retrieve.variants import surface, units

MIN_TERM_SHARE = 0.6  # share of a claim's key terms its evidence must hold
NEGATION_SCOPE = 3  # content words after a negation that it negates
# Words that report rather than claim ("the inspector said", "according to"): not key terms.
REPORTING = frozenset(
    terms(
        "according states stated notes noted mentions mentioned highlights highlighted "
        "found finds described describes explains explained told also overall evidence "
        "sources source answer question inspection assessment judged"
    )
)
_NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "  # noqa: SIM905
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": "30", "forty": "40", "fifty": "50", "hundred": "100", "dozen": "12"}
_OPENERS = (
    STOPWORDS
    | REPORTING
    | frozenset(
        "however additionally furthermore moreover yes in according although while this these "  # noqa: SIM905
        "there it its they their overall also".split()
    )
)
_DIGITS = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*")
_NAME = re.compile(r"(?<![\w'’-])(?:[A-Z][a-z'’]*[A-Z][\w'’]*|[A-Z]{2,}s?|[A-Z][a-z][\w'’-]*)")
_NEGATION = re.compile(
    r"\b(?:not(?!\s+only\b)|never|no(?:\s+longer)?|none|nothing|nobody|nor|neither|without|"
    r"cannot|\w+n[’']t|lacks?|lacking|lacked|fail(?:s|ed|ing)?\s+to|unable\s+to)\b",
    re.IGNORECASE,
)
# A URL, a Markdown link or image, an HTML tag: the citation names the source, so a
# sentence the model writes never needs one (a document's planted link stays in its quote).
_LINK_OR_MARKUP = re.compile(
    r"\b(?:https?|javascript|data|file|ftp):|\bwww\.|\]\(|!\[|<\s*/?\s*[a-z][\w-]*[\s>/]",
    re.IGNORECASE,
)
# Words that only date or head a line ("31 March 2026: 12 months to ...: Published: ..."):
# a claim made of these and figures alone copies a document's furniture, says no finding.
_DATING = frozenset(
    terms(
        "january february march april may june july august september october november "
        "december year years month months week weeks day days date published updated "
        "period quarter financial"
    )
)
# Adverbs between a negation and what it negates ("do not yet have", "is not always
# recorded"): negated themselves, but they do not use up the negation's reach.
_DEGREE = frozenset(
    """
    yet always fully consistently properly currently still really quite entirely
    sufficiently effectively routinely systematically adequately clearly
    """.split()  # noqa: SIM905 - a word list reads best as text
)
# The answer stage's superlatives, and comparatives ("more" and "less" aside: too common
# to rank by)
_RANKING = re.compile(
    rf"\b(?:{SUPERLATIVE}|higher|lower|better|worse|fewer|larger|smaller|bigger|greater|"
    r"stronger|weaker|faster|slower)\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[,;:.!?]|\b(?:but|although|though|however|whereas|while)\b", re.I)


@dataclass(frozen=True)
class Support:
    """The verdict on one claim: ``reason`` says what is missing when it is not supported."""

    supported: bool
    reason: str | None = None


def numbers(text: str) -> set[str]:
    """The figures a text states, normalised ("1,240" -> "1240", "three" -> "3")."""
    found = {m.group(0).replace(",", "").rstrip(".") for m in _DIGITS.finditer(text)}
    words = {_NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in _NUMBER_WORDS}
    return found | words


def grades(text: str) -> set[str]:
    """The grade words a text uses ("requiring improvement" read as "requires improvement")."""
    found = (m.group("grade").lower() for m in GRADE.finditer(" ".join(text.split())))
    return {re.sub(r"^requir\w* ", "requires ", grade) for grade in found}


def names(text: str) -> list[str]:
    """Capitalised words and acronyms, but "I", and a sentence's first word when it is a
    common opener ("The", "However", "Overall"): capitals there say nothing."""
    out = []
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        for i, match in enumerate(_NAME.finditer(sentence)):
            word = match.group(0)
            opener = i == 0 and match.start() == len(sentence) - len(sentence.lstrip("\"'“ "))
            if word == "I" or (opener and word.lower() in _OPENERS):
                continue
            out.append(word)
    return out


def polarities(text: str) -> dict[str, set[bool]]:
    """Each matching unit of a text -> whether it occurs negated, asserted, or both. A
    negation negates the next :data:`NEGATION_SCOPE` content words of its clause."""
    out: dict[str, set[bool]] = {}
    words = list(_WORD.finditer(text))
    cues = [(m.start(), m.end()) for m in _NEGATION.finditer(text)]
    ends = [m.start() for m in _CLAUSE_END.finditer(text)]
    scope_left, clause_end, cue_index = 0, -1, 0
    for word in words:
        while cue_index < len(cues) and cues[cue_index][1] <= word.start():
            scope_left = NEGATION_SCOPE
            clause_end = next((e for e in ends if e >= cues[cue_index][1]), len(text))
            cue_index += 1
        if any(start <= word.start() < end for start, end in cues):
            continue  # the cue itself
        if word.start() >= clause_end:
            scope_left = 0
        found = units(word.group(0))
        if not found or word.group(0).lower() in STOPWORDS:
            continue
        for unit in found:
            out.setdefault(unit, set()).add(scope_left > 0)
        if word.group(0).lower() not in _DEGREE:  # "not yet have a full ...": scope kept
            scope_left = max(0, scope_left - 1)
    return out


def check_support(
    claim: str, evidence: Sequence[str], min_term_share: float = MIN_TERM_SHARE, asked: str = ""
) -> Support:
    """Whether ``claim`` (one sentence, markers removed) says only what ``evidence`` says.
    A rewritten question may word things its own way (``min_term_share=0``): its numbers,
    grades, names and polarity must still come from the conversation.

    ``asked``: the user's question. A claim that states a figure its evidence holds (one
    the question does not state), and drops no name the evidence uses, may name what the
    question names ("Operation Kestrel cost £640,000" for "how much did Operation Kestrel
    cost?" from "The programme cost £640,000"): the fact is checked, the name is the
    asker's. The question's other words are not evidence: "devices in the queue for over a
    year" restates a qualifier the evidence gives only to some of them."""
    cited = " \n ".join(evidence)
    if not claim.strip() or not cited.strip():
        return Support(False, "cites no evidence")
    if _LINK_OR_MARKUP.search(claim):  # copied from a hostile document: the threats note
        return Support(False, "holds a link or markup, which an answer never needs")
    missing = sorted(numbers(claim) - numbers(cited))
    if missing:
        return Support(False, f"states {', '.join(missing)}, which its evidence does not")
    missing = sorted(grades(claim) - grades(cited))
    if missing:
        return Support(False, f"states the grade {missing[0]!r}, which its evidence does not")
    missing = sorted(_rankings(claim) - _rankings(cited))
    if missing:
        return Support(False, f"ranks ({missing[0]!r}) where its evidence does not")
    have = surface(cited)
    if asked and _states_a_fact(claim, cited, asked):
        named = " ".join(_proper_names(asked))  # the question's, restated around the fact
        have = have | surface(named)
        cited = f"{cited} \n {named}"
    lowered = cited.casefold()
    for name in names(claim):
        known = re.search(rf"(?<!\w){re.escape(name.casefold())}", lowered)
        if not known and not set(units(name)) <= have:
            return Support(False, f"names {name!r}, which its evidence does not")
    key = [u for u in dict.fromkeys(units(claim)) if u not in REPORTING]
    # one figure with its unit ("11 weeks") answers "how long ...?"; several, with only
    # dating words between them, copy a line's furniture
    only_dating = key and all(u in _DATING or u[0].isdigit() for u in key)
    if only_dating and len(numbers(claim)) > 1:
        return Support(False, "states only dates and figures, no finding")
    if key:
        share = sum(u in have for u in key) / len(key)
        if share < min_term_share:
            return Support(False, f"only {share:.0%} of its key terms are in its evidence")
    claimed, stated = polarities(claim), polarities(" \n ".join(evidence))
    for unit, negated in claimed.items():
        if unit in REPORTING or unit not in stated:
            continue
        if not negated & stated[unit]:
            how = "negates" if True in negated else "asserts"
            return Support(False, f"{how} {unit!r} where its evidence does the opposite")
    return Support(True)


def _rankings(text: str) -> set[str]:
    return {word.lower() for word in _RANKING.findall(text)}


def _states_a_fact(claim: str, cited: str, asked: str) -> bool:
    """Whether the claim states a figure of its evidence that the question does not state
    itself (a restated question is no fact), about what the evidence does not name
    otherwise: "Operation Kestrel cost £640,000" from "Operation Falcon cost
    £640,000" swaps the thing named. A year, "999", "101" or a figure under ten is too
    common to tie a claim to its evidence."""
    figures = {
        n
        for n in (numbers(claim) & numbers(cited)) - numbers(asked)
        if not _COMMON_FIGURE.fullmatch(n)
    }
    if not figures:
        return False
    claimed = {n.casefold() for n in names(claim)}
    said = _FORCE_LABEL.sub("", cited)  # the force it is about may go unsaid
    return all(n.casefold() in claimed for n in names(said))


_COMMON_FIGURE = re.compile(r"\d|(?:19|20)\d\d|999|101")
# an evidence line's "<Force>: " label (``Item.support``)
_FORCE_LABEL = re.compile(
    r"(?m)^\s*(?:[A-Z][\w'’&-]*\s+){1,5}(?:Police|Constabulary)[^:\n]{0,20}:\s"
)


def _proper_names(text: str) -> list[str]:
    """The names a text uses, but its first word: a question's opening capital
    ("Nationally, how many ...") names nothing."""
    first = re.match(r"\W*([\w'’-]+)", text)
    return [n for i, n in enumerate(names(text)) if i or not first or n != first.group(1)]
