"""The progress bar of long ``legrules assess`` runs: on standard error, never on stdout.

It is drawn (with rich, the ``cli`` extra) only when standard error is a terminal and
standard output is not, as curl does: a long bulk run writes its results to a file or a
pipe while the terminal shows the bar, and a run printing to the terminal shows its
results instead, so the two never interleave.  It counts patients, with their rate; the
share of the input read gives the ETA while it is being read.  Readers that gather the
whole input first (NDJSON in any order) read everything before the first patient, so
the bar then says "assessing" and counts on without an ETA: no total is known.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from itertools import chain
from typing import IO, Any

from legrules._progress import display

__all__ = ["CountingReader", "Progress"]


class Progress:
    """Counts input bytes and patients, and draws them on *stream* when *enabled*."""

    def __init__(self, stream: IO[str], total: int | None, *, enabled: bool) -> None:
        self.stream = stream
        self.total = total
        self.read = 0
        self.patients = 0
        self._started = time.monotonic()
        self._first: float | None = None
        self._bar: Any = None
        self._assessing = False
        if enabled:
            self._bar, self._task = _rich_bar(stream, total)

    @property
    def drawn(self) -> bool:
        """Whether a bar is drawn (and so whether input bytes need counting)."""
        return self._bar is not None

    def advance(self, size: int) -> None:
        """Note *size* more bytes of input read."""
        self.read += size
        if self._bar is not None:
            self._bar.update(self._task, completed=self.read)

    def patient(self) -> None:
        """Note one more patient assessed."""
        self.patients += 1
        if self._first is None:
            self._first = time.monotonic()
        if self._bar is None:
            return
        fields: dict[str, Any] = {"patients": self.patients, "rate": self.rate()}
        if self.total and self.read >= self.total and not self._assessing:
            # All read, patients still to come (the reader gathered the input first):
            # a bar without a total, rather than one stuck at 100%.
            self._assessing = True
            self._bar.remove_task(self._task)
            self._task = self._bar.add_task("assessing", total=None, **fields)
        self._bar.update(self._task, **fields)

    def rate(self) -> float:
        """Patients assessed per second since the first one."""
        if self._first is None or self.patients < 2:
            return 0.0
        return (self.patients - 1) / max(time.monotonic() - self._first, 1e-9)

    def close(self) -> None:
        """Remove the bar and leave one summary line in its place."""
        if self._bar is None:
            return
        self._bar.stop()
        self._bar = None
        seconds = time.monotonic() - self._started
        self.stream.write(
            f"legrules: {self.patients:,} patients in {seconds:.1f} s "
            f"({self.rate():,.0f} patients/s)\n"
        )
        self.stream.flush()


def _rich_bar(stream: IO[str], total: int | None) -> tuple[Any, Any]:
    """A started rich progress display on *stream*, and its task."""
    from rich.progress import BarColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn

    bar = display(
        stream,
        TextColumn("legrules: {task.description}"),
        BarColumn(bar_width=20),
        TaskProgressColumn(),
        TextColumn("{task.fields[patients]:,} patients"),
        TextColumn("{task.fields[rate]:,.0f}/s"),
        TimeElapsedColumn(),
        _eta_column(),
    )
    task = bar.add_task("reading", total=total, patients=0, rate=0.0)
    bar.start()
    return bar, task


def _eta_column() -> Any:
    """``ETA 0:00:12`` while the total is known; nothing once it is not."""
    from rich.progress import ProgressColumn
    from rich.text import Text

    class Eta(ProgressColumn):
        def render(self, task: Any) -> Any:
            left = task.time_remaining
            if task.total is None or left is None:
                return Text("")
            minutes, seconds = divmod(int(left), 60)
            return Text(f"ETA {minutes // 60}:{minutes % 60:02d}:{seconds:02d}")

    return Eta()


class CountingReader:
    """A binary file wrapper that reports the bytes read to a :class:`Progress`.

    *head* holds lines already read (to detect the input's form) that must still be
    delivered first.
    """

    def __init__(self, handle: IO[bytes], progress: Progress, head: list[bytes]) -> None:
        self._handle = handle
        self._progress = progress
        self._head = head
        progress.advance(sum(len(line) for line in head))

    def __iter__(self) -> Iterator[bytes]:
        head, self._head = self._head, []
        if not self._progress.drawn:  # nothing to show: the lines as they are, no layer
            return chain(head, self._handle)
        return self._counted(head)

    def _counted(self, head: list[bytes]) -> Iterator[bytes]:
        yield from head
        for line in self._handle:
            self._progress.advance(len(line))
            yield line

    def read(self, size: int = -1) -> bytes:
        """The rest of the input (after any head not yet delivered)."""
        head, self._head = b"".join(self._head), []
        rest = self._handle.read()
        self._progress.advance(len(rest))
        return head + rest
