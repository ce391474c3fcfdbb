"""The progress bar: on standard error, counting patients with a rate and an ETA."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from legrules._cli.progress import CountingReader, Progress
from legrules.cli import main

ROOT = Path(__file__).resolve().parents[2]
POPULATION = str(ROOT / "examples" / "data" / "population.ndjson")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_counts_patients_with_a_rate_and_an_eta() -> None:
    """While input is read the bar shows the share read, the patients, their rate and ETA."""
    screen = Terminal()
    progress = Progress(screen, 100, enabled=True)
    reader = CountingReader(io.BytesIO(b"a\nb\n"), progress, [b"head\n"])
    assert list(reader) == [b"head\n", b"a\n", b"b\n"]
    progress.patient()
    progress.patient()
    progress._bar.refresh()
    drawn = ANSI.sub("", screen.getvalue())
    assert "legrules: reading" in drawn
    assert "9%" in drawn
    assert "2 patients" in drawn
    assert "/s" in drawn
    assert "ETA" in drawn
    progress.close()
    assert screen.getvalue().endswith(" patients/s)\n")


def test_the_bar_says_assessing_once_the_input_is_all_read() -> None:
    """Readers that gather the whole input first no longer show a bar stuck at 100%."""
    screen = Terminal()
    progress = Progress(screen, 10, enabled=True)
    progress.advance(10)
    progress.patient()
    progress._bar.refresh()
    assert "legrules: assessing" in ANSI.sub("", screen.getvalue())
    progress.close()


def test_a_disabled_bar_writes_nothing() -> None:
    """Off a terminal nothing is written, not even the summary."""
    screen = io.StringIO()
    progress = Progress(screen, None, enabled=False)
    progress.patient()
    progress.close()
    assert screen.getvalue() == ""


@pytest.mark.parametrize(
    ("stdout_tty", "flags", "drawn"),
    [(False, [], True), (True, [], False), (False, ["--no-progress"], False)],
)
def test_the_bar_is_drawn_only_when_results_do_not_go_to_the_terminal(
    stdout_tty: bool, flags: list[str], drawn: bool
) -> None:
    """Results to a file and stderr a terminal: a bar on stderr only; stdout stays pure."""
    out = Terminal() if stdout_tty else io.StringIO()
    err = Terminal()
    args = ["assess", POPULATION, "--format", "json", "--as-of", "2026-11-20T10:00:00Z", *flags]
    assert main(args, stdout=out, stderr=err) == 0
    assert ("patients/s)" in err.getvalue()) is drawn
    assert "\x1b" not in out.getvalue()
    assert all(line.startswith("{") for line in out.getvalue().splitlines())


def test_lines_pass_through_unchanged_when_no_bar_is_drawn() -> None:
    """Without a bar the reader hands over the head and then the lines, uncounted."""
    progress = Progress(io.StringIO(), 100, enabled=False)
    reader = CountingReader(io.BytesIO(b"a\nb\n"), progress, [b"head\n"])
    assert list(reader) == [b"head\n", b"a\n", b"b\n"]
    assert progress.read == len(b"head\n")  # the lines after it were not counted
