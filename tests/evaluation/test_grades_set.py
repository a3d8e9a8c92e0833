"""The shipped grades set (rag/evaluation/shipped/datasets/grades.jsonl): the target of
issue 15 is recall >= 0.95 over at least 40 graded statements in at least 4 phrasings,
and no grade invented on at least 40 ungraded sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.evaluation.data import BadDataset
from rag.evaluation.grades import DEFAULT_GRADES, load_grade_cases, score_grades


def test_the_set_is_big_and_varied_enough() -> None:
    cases = load_grade_cases()
    graded = [c for c in cases if c.grades]
    assert len(graded) >= 40 and len(cases) - len(graded) >= 40
    assert len({c.phrasing for c in graded}) >= 4
    assert all(c.phrasing == "ungraded" for c in cases if not c.grades)


def test_recall_and_inventions(capsys: pytest.CaptureFixture[str]) -> None:
    score = score_grades(load_grade_cases(DEFAULT_GRADES))
    with capsys.disabled():
        print(f"\n{score.summary()}")
    assert score.recall >= 0.95, score.missed
    assert score.invented == 0, score.inventions


def test_a_bad_line_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "grades.jsonl"
    path.write_text(
        '{"id": "a", "phrasing": "judge", "text": "x", "grades": [{"area": "x", '
        '"grade": "excellent"}]}\n',
        encoding="utf-8",
    )
    with pytest.raises(BadDataset, match=r"grades.jsonl:1"):
        load_grade_cases(path)
