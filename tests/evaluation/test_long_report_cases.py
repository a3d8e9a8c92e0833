"""The script that holds the lr- cases checks their quotes against both long reports and
that reference.jsonl holds exactly those cases (pages and split included)."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from tests.support import ROOT

SCRIPT = ROOT / "evals" / "long_report" / "make_long_report_cases.py"


def test_lr_cases_check_and_match_the_reference_set(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = importlib.util.spec_from_file_location("make_long_report_cases", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(sys, "argv", [str(SCRIPT)])
    module.main()  # sys.exit with the problems found, else returns
    assert "field for field" in capsys.readouterr().out
