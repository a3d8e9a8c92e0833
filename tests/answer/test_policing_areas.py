"""Areas of policing by their many names (rag/answer/areas.py, policing_areas.txt), and
grade questions answered from the force's stated grades for the area asked about."""

from __future__ import annotations

import pytest

from rag.answer.areas import areas_in, parse_areas, policing_areas
from rag.answer.grades import grade_for_theme, grouped, passage_grades
from rag.answer.question import analyse
from rag.answer.stated_grades import grades_asked, ungraded
from rag.index.bm25 import BM25Index
from rag.retrieve.search import Passage

RESPONSE = "responding to the public"
INVESTIGATION = "investigating crime"
WORKFORCE = "the workforce"
RESOURCES = "leadership and use of resources"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("How was the force graded on dealing with calls and getting to incidents?", {RESPONSE}),
        ("What rating did it get for answering 999 calls?", {RESPONSE}),
        ("What grade did the watchdog give the force for its detective work?", {INVESTIGATION}),
        ("How did the inspectorate rate the force's investigations?", {INVESTIGATION}),
        ("Is the force rated well for how it treats its own officers and staff?", {WORKFORCE}),
        ("building, supporting and protecting its workforce", {WORKFORCE}),
        ("developing a positive workplace", {WORKFORCE}),
        ("leadership and force management", {RESOURCES}),
        ("the way it plans its finances", {RESOURCES}),
        ("What grade did the force get for its leadership and use of resources?", {RESOURCES}),
        ("Was any force judged inadequate at anything?", set()),
        ("What's the force's overall rating?", set()),
    ],
)
def test_an_area_is_read_by_any_of_its_names(text: str, expected: set[str]) -> None:
    assert areas_in(text) == expected


def test_the_force_itself_names_no_area() -> None:
    # "use of force" would make every sentence about "the force" about fairness
    assert areas_in("the force makes use of its resources") == {RESOURCES}
    assert not any("forc" in cue for a in policing_areas() for cue in a.words)


def test_the_data_file_is_read_one_area_per_line() -> None:
    areas = parse_areas("# comment\n\ninvestigating crime | detective work\n")
    assert [a.name for a in areas] == ["investigating crime"]
    assert ("detect", "work") in areas[0].words or ("detectiv", "work") in areas[0].words
    assert len({a.name for a in policing_areas()}) == len(policing_areas()) >= 10


REPORT = [
    "Northmoor Police was graded as follows:\n"
    "- good at investigating crime;\n"
    "- requires improvement at responding to the public; and\n"
    "- adequate at building, supporting and protecting the workforce.",
    "The force is adequate at leadership and force management. This part of the report "
    "looks at how leaders plan the workforce.",
]


def passages() -> list[Passage]:
    return [
        Passage(
            chunk_id=f"d:{n}",
            text=text,
            metadata={"document_id": "d", "source": "d.md", "force": "Northmoor Police"},
        )
        for n, text in enumerate(REPORT)
    ]


def test_a_grade_question_is_answered_by_the_grade_of_the_area_it_names() -> None:
    groups = grouped(passage_grades(passages()))
    chosen = grades_asked(analyse("What rating did it get for dealing with 999 calls?"), groups)
    assert [s.text for s in chosen] == ["- requires improvement at responding to the public; and"]
    chosen = grades_asked(analyse("Is it rated well for how it treats officers and staff?"), groups)
    assert ["adequate at building" in s.text for s in chosen] == [True]
    # an area no grade is stated for, or no area named: the sentence search decides
    assert grades_asked(analyse("What grade did it get for preventing crime?"), groups) == []
    assert grades_asked(analyse("What grade did it get overall?"), groups) == []
    assert grades_asked(analyse("How many calls were answered?"), groups) == []


def test_one_grade_stated_in_two_places_is_quoted_once() -> None:
    # a judgement table's row and the part's opening line name the area differently
    text = [
        "Preventing crime: Outstanding",
        "The force is outstanding at preventing crime and anti-social behaviour.",
    ]
    found = [
        Passage(
            chunk_id=f"d:{n}",
            text=t,
            metadata={"document_id": "d", "source": "d.md", "force": "Northmoor Police"},
        )
        for n, t in enumerate(text)
    ]
    groups = grouped(passage_grades(found))
    chosen = grades_asked(analyse("What grade did it get for stopping crime happening?"), groups)
    assert [s.text for s in chosen] == [text[1]]  # the sentence, not the table row


def test_a_grade_of_another_area_does_not_answer_even_if_the_next_sentence_names_it() -> None:
    question = analyse("What grade did the force get for its workforce?")
    idf = BM25Index(REPORT).idf
    assert not question.answered_by(REPORT[1], idf)
    assert question.answered_by("The force is good at protecting its workforce.", idf)


def test_a_theme_finds_its_stated_grade_by_the_area_names() -> None:
    groups = grouped(passage_grades(passages()))
    stated = grade_for_theme("handling 999 calls", groups)
    assert stated is not None and stated.grade == "requires improvement"
    assert grade_for_theme("detective work", groups).grade == "good"  # type: ignore[union-attr]
    assert grade_for_theme("county lines", groups) is None


def test_which_areas_got_a_grade_is_answered_by_each_area_given_it() -> None:
    groups = grouped(passage_grades(passages()))
    asked = analyse("In which areas did it come out as needing to improve in its PEEL grades?")
    assert [s.text for s in grades_asked(asked, groups)] == [
        "- requires improvement at responding to the public; and"
    ]
    asked = analyse("Which areas was the force graded good in?")
    assert ["investigating crime" in s.text for s in grades_asked(asked, groups)] == [True]
    assert grades_asked(analyse("Which areas were graded outstanding?"), groups) == []
    asked = analyse("Which areas did the force get 'requires improvement' in?")  # no verb
    assert [s.text for s in grades_asked(asked, groups)] == [
        "- requires improvement at responding to the public; and"
    ]


def test_all_its_grades_are_answered_one_sentence_per_area() -> None:
    groups = grouped(passage_grades(passages()))
    chosen = grades_asked(analyse("Give me all of the force's PEEL grades in one list."), groups)
    assert len(chosen) == len({g.area for g in groups}) >= 4
    assert grades_asked(analyse("Run me through every grade it got."), groups) == chosen
    # what each grade of the scale means is not the force's grades
    assert grades_asked(analyse("What does each grade mean?"), groups) == []
    for asked in (
        "Explain every grade the force got.",
        "Give me the definitive list of all its grades.",
    ):
        assert grades_asked(analyse(asked), groups) == chosen


def test_an_area_set_aside_is_not_answered_and_the_others_are() -> None:
    groups = grouped(passage_grades(passages()))
    asked = analyse("Leaving aside the investigations verdict, what other grades did it get?")
    chosen = [s.text for s in grades_asked(asked, groups)]
    assert chosen and not any("investigating crime" in t for t in chosen)
    assert any("responding to the public" in t for t in chosen)
    idf = BM25Index(REPORT).idf
    assert not asked.answered_by("The force is good at investigating crime.", idf)


def force_passages(force: str, *texts: str) -> list[Passage]:
    return [
        Passage(
            chunk_id=f"{force}:{n}",
            text=text,
            metadata={"document_id": force, "source": f"{force}.md", "force": force},
        )
        for n, text in enumerate(texts)
    ]


def test_across_forces_each_force_given_the_grade_asked_is_answered() -> None:
    groups = [  # one force's groups after another's, as the engine reads them
        group
        for passages in (
            force_passages("Northmoor Police", *REPORT),
            force_passages(
                "Wessex Constabulary",
                "Wessex Constabulary is inadequate at investigating crime.",
                "It is good at responding to the public.",
            ),
            force_passages("Fenmarsh Constabulary", "The force requires improvement overall."),
        )
        for group in grouped(passage_grades(passages))
    ]

    def forces(question: str) -> list[str | None]:
        return [s.passage.force for s in grades_asked(analyse(question), groups, True)]

    assert forces("Which forces got the bottom grade for their investigations?") == [
        "Wessex Constabulary"
    ]
    assert forces("Which forces are good at investigating crime?") == ["Northmoor Police"]
    # no grade asked: each force's grade for the area, side by side
    assert forces("How do the forces compare on their grades for detective work?") == [
        "Northmoor Police",
        "Wessex Constabulary",
    ]
    assert forces("Which forces were graded outstanding at investigating crime?") == []
    assert forces("Which forces were graded well overall?") == []  # no area: not one grade
    # a negation or comparison is not read as the grade it names: every force's grade
    both = ["Northmoor Police", "Wessex Constabulary"]
    assert forces("Which forces were not graded good at investigating crime?") == both
    assert forces("Which forces were graded below good at investigating crime?") == both
    assert forces("Which forces are inadequate or good at investigating crime?") == [
        "Northmoor Police",
        "Wessex Constabulary",
    ]
    named = ["Northmoor Police", "Fenmarsh Constabulary"]
    asked = analyse("Compare Northmoor and Fenmarsh on investigating crime grades")
    assert ungraded(asked, groups, named) == ["Fenmarsh Constabulary"]


def test_the_cross_force_cap_counts_forces_not_sentences(monkeypatch) -> None:
    import rag.answer.stated_grades as stated

    groups = [
        group
        for passages in (
            force_passages(
                "Wessex Constabulary",
                "Wessex Constabulary is inadequate at investigating crime.",
                "Wessex Constabulary is good at investigating crime.",
            ),
            force_passages(
                "Fenmarsh Constabulary", "Fenmarsh Constabulary is good at investigating crime."
            ),
        )
        for group in grouped(passage_grades(passages))
    ]
    monkeypatch.setattr(stated, "MAX_FORCES", 1)
    asked = analyse("How were the forces graded on investigating crime?")
    chosen = grades_asked(asked, groups, True)
    # the first force's two grades both shown (neither hides the other), the second force cut
    assert [s.passage.force for s in chosen] == ["Wessex Constabulary"] * 2


def test_across_forces_an_overall_grade_asked_is_each_forces_stated_overall_grade() -> None:
    groups = [
        group
        for passages in (
            force_passages("Northmoor Police", *REPORT),  # grades areas, states no overall
            force_passages("Fenmarsh Constabulary", "The force requires improvement overall."),
            force_passages("Wessex Constabulary", "I judge Wessex Constabulary good overall."),
        )
        for group in grouped(passage_grades(passages))
    ]
    asked = analyse("Which forces received an overall grade, and what were they?")
    chosen = grades_asked(asked, groups, True)
    assert [s.passage.force for s in chosen] == ["Fenmarsh Constabulary", "Wessex Constabulary"]
    assert all("overall" in s.text for s in chosen)
    good = grades_asked(analyse("Which forces were graded good overall?"), groups, True)
    assert [s.passage.force for s in good] == ["Wessex Constabulary"]
