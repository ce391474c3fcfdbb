"""The population runner's progress bars: rich on standard error, as `legrules assess` draws."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from legrules._progress import counting_bar
from legrules.cli import main
from legrules.population.cli import summary_table
from legrules.population.embedded import Summary, Tally
from tests.population.conftest import AS_OF

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _drawn(screen: io.StringIO) -> str:
    return ANSI.sub("", screen.getvalue())


def test_a_bar_of_patients_counts_them_with_their_rate() -> None:
    """The bar shows its description, patients done of the total, patients/s and the share."""
    screen = Terminal()
    with counting_bar(screen, 10, "assessing", unit="patients", initial=2) as advance:
        advance(3)
    drawn = _drawn(screen)
    assert "legrules: assessing" in drawn
    assert "5/10" in drawn
    assert "patients/s" in drawn
    assert "50%" in drawn


def test_a_bar_of_bytes_shows_sizes_and_a_transfer_rate() -> None:
    """Partitioning counts bytes: the bar shows the size read of the total and a rate."""
    screen = Terminal()
    with counting_bar(screen, 4_000_000, "partitioning", unit="bytes") as advance:
        advance(1_000_000)
    drawn = _drawn(screen)
    assert "legrules: partitioning" in drawn
    assert "1.0/4.0 MB" in drawn
    assert "25%" in drawn


def test_no_stream_draws_no_bar() -> None:
    """Without a stream the advance function does nothing and nothing is drawn."""
    with counting_bar(None, 10, "assessing", unit="patients") as advance:
        advance(10)


@pytest.fixture(scope="module")
def small_export(tmp_path_factory: pytest.TempPathFactory, generator: Any) -> Path:
    """Three patients: enough for both passes to draw."""
    folder = tmp_path_factory.mktemp("small-export")
    generator.write(folder, 3, seed=7, mess=False, ordered=False, single=False)
    return folder


@pytest.mark.parametrize("terminal", [True, False])
def test_population_run_draws_its_bars_on_a_terminal_only(
    small_export: Path, tmp_path: Path, terminal: bool
) -> None:
    """On a terminal stderr shows both passes' bars; off one it stays empty; stdout is pure."""
    out, err = io.StringIO(), Terminal() if terminal else io.StringIO()
    command = ["population", "run", str(small_export), "--out", str(tmp_path / "out")]
    options = ["--workers", "1", "--as-of", AS_OF.isoformat()]
    assert main([*command, *options], stdout=out, stderr=err) == 0
    drawn = _drawn(err)
    assert ("legrules: partitioning" in drawn) is terminal
    assert ("legrules: assessing" in drawn) is terminal
    assert (err.getvalue() == "") is not terminal
    assert "\x1b" not in out.getvalue()
    assert "patients from" in out.getvalue()


@pytest.mark.parametrize(
    ("resumed", "pace"),
    [
        (0, "(5.0 patients/s)"),
        (4, "(3.0 patients/s for the 6 assessed now, 4 by the run resumed)"),
        (10, "(every patient assessed by the run resumed)"),
    ],
)
def test_the_summary_counts_only_this_runs_own_patients_in_its_pace(
    resumed: int, pace: str
) -> None:
    """A resumed run's patients a second are those it assessed, not those it took over."""
    summary = Summary("out", Tally(patients=10), 70, {}, (), 2.0, resumed=resumed)
    assert f"10 patients from 70 lines in 2.0 s {pace}; results in out" in summary_table(summary)
