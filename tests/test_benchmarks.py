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


def test_assess_latency_reports_percentiles_and_ratios(capsys: pytest.CaptureFixture[str]) -> None:
    """The latency benchmark reports p50/p99 and the ratios to orjson.loads per kind.

    Per kind: assess, the interpreter, and the floor of building the results alone.
    """
    module = runpy.run_path(str(BENCHMARKS / "assess_latency.py"))
    module["main"](["--count", "5", "--repeat", "1"])
    out = capsys.readouterr().out
    assert "40 findings" in out
    assert "synthetic population, 5 presentations a pass" in out
    assert out.count("assess p50 / orjson.loads p50") == 3
    assert out.count("results floor p50 / orjson.loads p50") == 3


@pytest.mark.slow
def test_end_to_end_runs_the_cli_on_a_small_file(capsys: pytest.CaptureFixture[str]) -> None:
    """The end-to-end benchmark runs the CLI and reports its ratios and peak memory."""
    module = runpy.run_path(str(BENCHMARKS / "end_to_end.py"))
    module["main"](["--patients", "5", "--per-patient", "10", "--repeat", "1", "--sample", "10"])
    out = capsys.readouterr().out
    assert "CLI / parse floor" in out
    assert "peak" in out
    assert "reading (parse, group, spill, assemble)" in out
    assert "start-up (the CLI over one patient)" in out


@pytest.mark.slow
def test_service_benchmark_runs_a_small_load(capsys: pytest.CaptureFixture[str]) -> None:
    """The CDS Hooks load benchmark completes with no errors and reports its p50 ratio."""
    module = runpy.run_path(str(BENCHMARKS / "service.py"))
    results = module["main"](20, 4, single=4, stage_calls=5)
    assert results["loaded"]["service"]["errors"] == 0
    assert results["single"]["service"]["errors"] == 0
    assert set(results["stages"]) >= {"token", "read", "assess", "cards", "answer", "app"}
    out = capsys.readouterr().out
    assert "p50 ratio service/bare" in out
    assert "one call at a time, service" in out
    assert "service stages, CPU ms per call" in out
    assert "whole app in-process" in out


@pytest.mark.slow
def test_service_compare_loads_two_builds_side_by_side(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Two builds (here the same tree twice) are served and loaded in alternating rounds."""
    module = runpy.run_path(str(BENCHMARKS / "service_compare.py"))
    src = str(BENCHMARKS.parent / "src")
    results = module["main"]([f"one={src}", f"two={src}", "--requests", "24", "--rounds", "2"])
    assert set(results) == {"one", "two"}
    assert all(r["cpu_ms"] > 0 for r in results.values())
    out = capsys.readouterr().out
    assert "discovery meanwhile p50" in out
