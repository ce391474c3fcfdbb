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


@pytest.mark.slow
def test_service_benchmark_runs_a_small_load(capsys: pytest.CaptureFixture[str]) -> None:
    """The CDS Hooks load benchmark completes with no errors and reports its p50 ratio."""
    module = runpy.run_path(str(BENCHMARKS / "service.py"))
    results = module["main"](20, 4)
    assert results["service"]["errors"] == 0
    assert "p50 ratio service/bare" in capsys.readouterr().out
