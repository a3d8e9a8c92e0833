"""A document about no single force (a programme page, a national report) on a real index
beside a force's transcript: found by questions across forces, quoted without a force (never
as an "unknown force"), and cited by its document alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.core.settings import Settings
from rag.core.types import place
from rag.engine.engine import Engine
from rag.index.embeddings import OfflineEmbeddings
from rag.ingest.pipeline import ingest_paths
from tests.support import SHIPPED

NATIONAL = """About PEEL inspections (fictional test document)

Every force is graded on a five-point scale: outstanding, good, adequate, requires
improvement or inadequate.

The grade of adequate was added to the scale in 2021.

Nationally, 64 per cent of emergency calls were answered within ten seconds.

[FICTIONAL: this document is invented for testing and describes no real police force.]
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, embeddings: OfflineEmbeddings) -> Engine:
    base = tmp_path_factory.mktemp("national")
    page = base / "peel-programme.md"
    page.write_text(NATIONAL, encoding="utf-8")
    settings = Settings(
        _env_file=None, OPENAI_API_KEY=None, OPENAI_BASE_URL=None, index_dir=base / "index"
    )
    report = ingest_paths([SHIPPED, page], settings, embeddings=embeddings)
    assert [d.force for d in report.documents].count(None) == 1
    return Engine(settings, embeddings=embeddings)


def test_a_question_across_forces_finds_the_national_document(engine: Engine) -> None:
    answer = engine.ask("On what scale are all forces graded?", mode="offline")
    assert not answer.abstained
    national = [c for c in answer.citations if c.force is None]
    assert national and "five-point scale" in national[0].quote
    assert "Unknown force" not in answer.answer
    assert place(national[0]) == f"{national[0].source} · paragraph {national[0].paragraph}"


def test_a_question_naming_no_force_finds_it_too(engine: Engine) -> None:
    answer = engine.ask("When was the middle grade introduced to the scale?", mode="offline")
    assert not answer.abstained and "Unknown force" not in answer.answer
    assert any("2021" in c.quote for c in answer.citations)


def test_a_national_question_is_answered_from_the_national_document_only(engine: Engine) -> None:
    # the shipped transcript names no call figure, but a force's own sentences on calls
    # must never stand in for the national picture
    answer = engine.ask(
        "Across England and Wales, what share of emergency calls were answered quickly?",
        mode="offline",
    )
    assert not answer.abstained
    assert answer.citations and all(c.force is None for c in answer.citations)
    assert "64 per cent" in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "How well does the police service as a whole protect vulnerable people?",
        "How well do all 43 forces protect vulnerable people?",
    ],
)
def test_the_service_as_a_whole_is_the_national_picture(engine: Engine, question: str) -> None:
    # the transcript speaks of its force's vulnerable people; the national page does not,
    # and one force's sentences never stand in for the service as a whole
    answer = engine.ask(question, mode="offline")
    assert all(c.force is None for c in answer.citations), answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "How does the force protect vulnerable people, in the national assessment?",
        "Why does HM Chief Inspector of Constabulary think emergency calls matter?",
    ],
)
def test_a_national_cue_searches_the_national_document_only(engine: Engine, question: str) -> None:
    # "national", "HM Chief Inspector of Constabulary": the national picture (and the
    # Chief Inspector's title is not an unknown force)
    answer = engine.ask(question, mode="offline")
    assert "do not cover" not in answer.answer
    assert all(c.force is None for c in answer.citations)


def test_a_national_document_named_as_the_source_outweighs_which_forces(engine: Engine) -> None:
    # "which forces did the national report ...": the report is the source asked about,
    # so a force's own sentences never answer (a weak cue like "national" gives way)
    answer = engine.ask(
        "Which forces did the national report find answered emergency calls quickly?",
        mode="offline",
    )
    assert all(c.force is None for c in answer.citations), answer.answer


GRADING = """How we grade forces (fictional test document)

We grade every force on a five-point scale. The grades on the scale are outstanding,
good, adequate, requires improvement and inadequate.

We grade each force against published criteria for every area of policing. A force's
grade for an area is set by the inspection team and checked by a moderation panel.

Every force is graded again in each programme, and a force may move up or down the
scale between programmes.

On the five-point scale, every force's grade for investigating crime is
published with the evidence for it, and the force can comment on its grade.

On the five-point scale, every force's grade for responding to the public is
published with the evidence for it, and the force can comment on its grade.

On the five-point scale, every force's grade for protecting vulnerable people is
published with the evidence for it, and the force can comment on its grade.

On the five-point scale, every force's grade for managing offenders is
published with the evidence for it, and the force can comment on its grade.

On the five-point scale, every force's grade for preventing crime is
published with the evidence for it, and the force can comment on its grade.

On the five-point scale, every force's grade for treating the public fairly is
published with the evidence for it, and the force can comment on its grade.

On the five-point scale, every force's grade for building the workforce is
published with the evidence for it, and the force can comment on its grade.

A force that makes too little progress is moved into enhanced monitoring, which we
call Engage.

[FICTIONAL: this document is invented for testing and describes no real police force.]
"""


def test_a_term_to_define_is_searched_for_on_its_own(
    tmp_path: Path, embeddings: OfflineEmbeddings
) -> None:
    # the rest of the question ("the grading scale ... every force") must not outrank it
    (tmp_path / "grading.md").write_text(GRADING, encoding="utf-8")
    settings = Settings(
        _env_file=None,
        OPENAI_API_KEY=None,
        index_dir=tmp_path / "index",
        chunk_tokens=40,
        chunk_overlap=0,
    )
    ingest_paths([SHIPPED, tmp_path / "grading.md"], settings, embeddings=embeddings)
    answer = Engine(settings, embeddings=embeddings).ask(
        "On the five-point grading scale used for every force, what is Engage?", mode="offline"
    )
    assert not answer.abstained and "Engage" in answer.citations[0].quote
