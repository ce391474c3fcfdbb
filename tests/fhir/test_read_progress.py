"""The progress line draws only on terminals and finishes its line."""

from __future__ import annotations

import io

from legrules._progress import CountingReader, Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_a_bar_with_the_share_read_and_patients() -> None:
    """On a terminal the line shows the share of input read and patients assessed."""
    screen = Terminal()
    progress = Progress(screen, 100, enabled=True)
    reader = CountingReader(io.BytesIO(b"a\nb\n"), progress, b"head\n")
    assert list(reader) == [b"head\n", b"a\n", b"b\n"]
    progress.patient()
    progress.close()
    assert "  9%  1 patients" in screen.getvalue()
    assert screen.getvalue().endswith("\n")


def test_progress_is_silent_when_disabled() -> None:
    """Off a terminal nothing is written."""
    screen = io.StringIO()
    progress = Progress(screen, None, enabled=False)
    progress.patient()
    progress.close()
    assert screen.getvalue() == ""
