"""The benchmark scripts run (their numbers are reported, never asserted)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).parents[1] / "benchmarks"


def test_assess_throughput_runs_on_a_small_population(capsys: pytest.CaptureFixture[str]) -> None:
    """The assess benchmark completes and reports its ratios."""
    module = runpy.run_path(str(BENCHMARKS / "assess_throughput.py"))
    module["main"](20)
    assert "assess is" in capsys.readouterr().out
