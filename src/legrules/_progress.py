"""Progress bars on a terminal, drawn with rich: the one progress library of legrules.

``legrules assess`` (``legrules._cli.progress``) and ``legrules population run``
(``legrules.population.embedded``) both draw here, so their bars look and behave alike:
on the stream they are given (standard error), redrawn four times a second, removed
when done, and never capturing what the program prints on standard output.  rich is
imported only when a bar is drawn; the extras that draw bars (``cli``, ``population``)
install it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

__all__ = ["counting_bar", "display"]


def display(stream: IO[str], *columns: Any) -> Any:
    """A rich ``Progress`` with *columns* on *stream* (treated as a terminal), not started."""
    from rich.console import Console
    from rich.progress import Progress

    return Progress(
        *columns,
        console=Console(file=stream, force_terminal=True),
        transient=True,
        refresh_per_second=4,
        redirect_stdout=False,  # results stay on stdout, never drawn into the bar
        redirect_stderr=False,
    )


@contextmanager
def counting_bar(
    stream: IO[str] | None, total: int, description: str, *, unit: str, initial: int = 0
) -> Iterator[Callable[[int], None]]:
    """A bar counting *total* units on *stream*; yields the function that advances it.

    *unit* ``"bytes"`` shows sizes and a transfer rate; any other unit shows the count
    done of *total* and that many *unit* per second.  Both show the time left.  With
    *stream* ``None`` nothing is drawn (and rich is not needed).
    """
    if stream is None:
        yield _ignore
        return
    bar = display(stream, *_columns(unit))
    task = bar.add_task(description, total=total, completed=initial, initial=initial)
    with bar:
        yield lambda done: bar.advance(task, done)


def _ignore(done: int) -> None:
    """Advance no bar."""


def _columns(unit: str) -> tuple[Any, ...]:
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    head = (TextColumn("legrules: {task.description}"), BarColumn(bar_width=20))
    tail = (TaskProgressColumn(), TimeRemainingColumn())
    if unit == "bytes":
        return (*head, DownloadColumn(), TransferSpeedColumn(), *tail)
    return (*head, MofNCompleteColumn(), _rate(unit), *tail)


def _rate(unit: str) -> Any:
    """``1,234 patients/s``: those counted since the bar started, over its time so far.

    (rich's own speed needs two updates within its window; work that arrives in large
    batches would show 0/s for most of a run.)
    """
    from rich.progress import ProgressColumn
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task: Any) -> Any:
            elapsed = task.elapsed or 0.0
            done = task.completed - task.fields["initial"]
            return Text(f"{done / elapsed if elapsed > 0 else 0.0:,.0f} {unit}/s")

    return Rate()
