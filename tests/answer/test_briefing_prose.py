"""Offline briefings that cannot invent (issue 15): every sentence of every force's
briefing over the whole evaluation corpus is a fixed frame plus words of the one sentence
it cites, in their order; the paragraph has the briefing's shape; the findings list is
complete. The subsequence check is written out again here, not imported, so a bug in
the engine's own check cannot hide itself."""

from __future__ import annotations

import re
import unicodedata

import pytest

from rag.answer.deletion import is_subsequence, shape_problems
from rag.answer.prose import compress, voice_of
from rag.core.settings import Settings
from rag.core.types import Briefing
from rag.engine.engine import Engine
from rag.index.embeddings import OfflineEmbeddings
from rag.ingest.pipeline import ingest_paths
from tests.support import ROOT

CAMBS = "Cambridgeshire Constabulary"
# Every word a frame may use: who speaks and how, never what was found.
FRAME_WORDS = {
    *("the", "inspector", "inspectors", "hmi", "found", "that", "was", "has", "would", "will"),
    *("should", "can", "could", "must", "judged", "commended", "noted", "welcomed"),
    *("recognised", "considered", "believed", "saw", "remained", "expected", "looks"),
    *("report", "says", "said", "press", "release", "news", "document", "force", "force's"),
}
FIRST_PERSON = {"i", "we", "our", "us", "my", "me"}


def plain_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"\[\d+\]", " ", text).replace("’", "'").replace("‘", "'")
    return re.findall(r"[\w£%]+(?:['.,]\w+)*", text)


def in_order(body: str, source: str) -> bool:
    pool, at = plain_words(source), 0
    for word in plain_words(body):
        while at < len(pool) and pool[at] != word:
            at += 1
        if at == len(pool):
            return False
        at += 1
    return True


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, embeddings: OfflineEmbeddings) -> Engine:
    settings = Settings(
        _env_file=None,
        OPENAI_API_KEY=None,
        OPENAI_BASE_URL=None,
        index_dir=tmp_path_factory.mktemp("prose") / "index",
        chroma_url=None,
        embedding_backend="offline",
        mode="offline",
    )
    report = ingest_paths(
        [ROOT / "data", ROOT / "evals" / "corpus"], settings, embeddings=embeddings
    )
    assert report.exit_code == 0
    return Engine(settings, embeddings=embeddings)


@pytest.fixture(scope="module")
def briefings(engine: Engine) -> dict[str, Briefing]:
    return {force: engine.brief(force, "offline") for force in engine.forces}


def test_the_corpus_has_at_least_twelve_forces_to_brief(briefings: dict[str, Briefing]) -> None:
    assert len(briefings) >= 12


def test_every_sentence_is_a_frame_and_its_sources_words_in_order(
    briefings: dict[str, Briefing], engine: Engine
) -> None:
    checked = 0
    for force, briefing in briefings.items():
        by_n = {c.n: c for c in briefing.citations}
        names = set(plain_words(engine.inspectors().get(force) or ""))
        assert " ".join(s.text for s in briefing.sentences) == briefing.paragraph
        for sentence in briefing.sentences:
            assert len(sentence.citations) == 1, sentence.text
            quote = by_n[sentence.citations[0]].quote
            assert sentence.text.startswith(sentence.frame), sentence.text
            assert set(plain_words(sentence.frame)) <= FRAME_WORDS | names, sentence.frame
            body = sentence.text[len(sentence.frame) :]
            if sentence.quoted:
                assert plain_words(body) == plain_words(quote), sentence.text
                continue
            assert in_order(body, quote), (force, sentence.text, quote)
            assert not FIRST_PERSON & set(plain_words(body)), sentence.text
            checked += 1
    assert checked >= 50  # prose, not a run of quotes


def test_every_paragraph_has_the_briefing_shape(briefings: dict[str, Briefing]) -> None:
    for force, briefing in briefings.items():
        texts = [s.text for s in briefing.sentences]
        assert shape_problems(texts) == [], (force, briefing.paragraph)
        counts = [len(plain_words(t)) for t in texts]
        assert 4 <= len(texts) <= 6 and sum(counts) <= 150 and max(counts) <= 40


def test_findings_are_complete_classified_and_cited(briefings: dict[str, Briefing]) -> None:
    kinds = {"verdict", "strength", "improvement", "concern", "context"}
    for briefing in briefings.values():
        numbers = {c.n for c in briefing.citations}
        assert briefing.findings
        for finding in briefing.findings:
            assert finding.kind in kinds and finding.citations
            assert set(finding.citations) <= numbers
        listed = briefing.strengths + briefing.improvements + briefing.concerns
        assert {f.text for f in listed} <= {f.text for f in briefing.findings}


def test_cambridgeshire_findings_hold_what_the_three_a_kind_lists_missed(
    briefings: dict[str, Briefing],
) -> None:
    found = {f.text: f for f in briefings[CAMBS].findings}
    for text, theme in [
        ("The force's support to victims of domestic abuse is generally good.", "vulnerability"),
        ("The force is good at tackling serious and organised crime.", "soc"),
    ]:
        assert found[text].kind == "strength" and found[text].theme == theme
    joint = next(t for t in found if t.startswith("I do commend Cambridgeshire"))
    assert found[joint].kind == "strength" and found[joint].theme == "collaboration"


def test_numbered_blocks_of_a_long_report_are_findings_with_page_and_section(
    briefings: dict[str, Briefing],
) -> None:
    briefing = briefings["Wyvernshire Constabulary"]
    by_n = {c.n: c for c in briefing.citations}
    labelled = [f for f in briefing.findings if f.label]
    blocks = {f.label for f in labelled}
    assert {f"Area for improvement {n}" for n in range(1, 13)} <= blocks  # the report's 12
    assert {"Cause of concern", "Recommendations"} <= blocks
    # a PDF heading runs on over the text after its block: that text is not the block
    praise = "The force is good at using civil orders to manage the risk posed by sex offenders."
    assert praise in {f.text for f in briefing.findings}
    assert praise not in {f.text for f in labelled}
    dated = [f.text for f in labelled if f.label == "Recommendations"]
    assert len(dated) == 4 and all(t.startswith("By ") for t in dated)  # with their deadline
    for finding in labelled:
        cited = by_n[finding.citations[0]]
        assert cited.page is not None and cited.section
        assert finding.kind in {"improvement", "concern"}


# --- the compression itself, on sentences no document holds -------------------------------

TRANSCRIPT = voice_of("transcript", "document")
PRESS = voice_of(None, "press release")


def test_the_speakers_opening_becomes_a_third_person_frame() -> None:
    prose = compress(
        "However, I am concerned that the Ruritania Police does not review 40 per cent of "
        "its cases, which I raised last year.",
        TRANSCRIPT,
        "Ruritania Police",
    )
    assert prose is not None and prose.frame == "The inspector was"
    assert prose.body == (
        "concerned that the Ruritania Police does not review 40 per cent of its cases"
    )


def test_a_press_release_never_has_its_first_person_rewritten() -> None:
    # in a press release "I" may be anyone it quotes
    pleased = "I am pleased with the force's progress on burglary."
    assert compress(pleased, PRESS, "X Police") is None
    assert compress('"The force must act now," she said.', PRESS, "X Police") is None
    prose = compress("The force was judged good at investigating crime.", PRESS, "X Police")
    assert prose is not None and prose.text.startswith("The press release says that")


def test_an_inspectors_aside_goes_but_not_one_holding_a_figure() -> None:
    aside = compress("At the time of our inspection, 140 visits were overdue.", TRANSCRIPT, "X")
    assert aside is not None and aside.text == "The inspector found that 140 visits were overdue"
    # "83" means nothing without "of the 130 investigations": not cut, so not framed
    counted = "Of the 130 investigations we reviewed, we found that 83 were effective."
    assert compress(counted, TRANSCRIPT, "X") is None
    titled = voice_of("assessment", "press release", "Jo Bloggs")  # a press release, titled
    assert titled.who is None and not titled.we


def test_a_sentence_leaning_on_the_one_before_is_not_framed_alone() -> None:
    assert compress("This is a serious failing in its work.", TRANSCRIPT, "X Police") is None
    follows = compress(
        "It has cut the backlog by half.",
        TRANSCRIPT,
        "X Police",
        previous="The force has a backlog of 300 cases.",
    )
    assert follows is not None
    assert follows.text == "The inspector found that the force has cut the backlog by half"


def test_the_subsequence_check_refuses_a_word_the_source_lacks() -> None:
    source = "The force has a backlog of 1,200 digital devices."
    assert is_subsequence("the force has a backlog of 1,200 devices", source)
    assert not is_subsequence("the force has cleared a backlog of 1,200 devices", source)
    assert not is_subsequence("devices the force has", source)  # order matters
    assert not is_subsequence("a backlog of 1,300 devices", source)


def test_shape_problems_names_each_broken_rule() -> None:
    long = "The inspector found that " + "word " * 41 + "[1]."
    problems = shape_problems(["One [1].", "Two [2].", long, "“" + "quoted " * 30 + "”"])
    assert any("over 40" in p for p in problems)
    assert any("quotation marks" in p for p in problems)
    assert any("without a citation" in p for p in problems)
    assert any("3 sentences" in p for p in shape_problems(["A [1].", "B [2].", "C [3]."]))


def test_a_theme_from_the_words_and_a_tie_from_the_heading() -> None:
    from rag.answer.themes import theme_of

    rso = "Local policing teams should know the identities of registered sex offenders."
    assert theme_of(rso) == "offenders"  # the specific theme before the general one
    assert theme_of("The force saved £4.2 million.") == "finance"
    assert theme_of("It was a busy year.") is None
    tied = "Officers use force fairly and investigations are quick."  # one word of each
    assert theme_of(tied) == "investigation"
    assert theme_of(tied, "Police powers and public treatment > Use of force") == "fairness"


def test_a_question_heading_or_a_grade_row_is_no_finding() -> None:
    from rag.answer.findings import all_findings
    from rag.retrieve.search import Passage

    text = (
        "What did we find about protecting vulnerable people? The force is too slow to act "
        "on referrals about children at risk.\n\nInvestigating crime: Requires improvement."
        "\n\nManaging offenders and suspects: Outstanding."
    )
    passage = Passage("c1", text, {"document_id": "d1", "force": "X Police", "char_start": 0})
    found = [f.text for f in all_findings([passage])]
    assert found == ["The force is too slow to act on referrals about children at risk."]
