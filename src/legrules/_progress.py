"""A tiny progress line for long command-line runs (stderr, terminals only)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import IO

__all__ = ["CountingReader", "Progress"]


class Progress:
    """``legrules: [#####.....]  48%  1,234 patients`` redrawn at most a few times a second.

    Draws nothing unless *enabled* (the caller passes ``stderr.isatty()``), so logs
    and pipes stay clean.  *total* is the input size in bytes, when known.
    """

    def __init__(self, stream: IO[str], total: int | None, *, enabled: bool) -> None:
        self.stream = stream
        self.total = total
        self.enabled = enabled
        self.read = 0
        self.patients = 0
        self._last = 0.0
        self._drawn = False

    def advance(self, size: int) -> None:
        """Note *size* more bytes of input read."""
        self.read += size
        self._draw()

    def patient(self) -> None:
        """Note one more patient assessed."""
        self.patients += 1
        self._draw()

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (not force and now - self._last < 0.2):
            return
        self._last = now
        text = f"legrules: {self.patients:,} patients"
        if self.total:
            share = min(self.read / self.total, 1.0)
            bar = "#" * int(share * 20)
            text = f"legrules: [{bar:.<20}] {share:4.0%}  {self.patients:,} patients"
        self.stream.write("\r" + text)
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Finish the line so later output starts on a fresh one."""
        if self._drawn:
            self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()


class CountingReader:
    """A binary file wrapper that reports the bytes read to a :class:`Progress`.

    ``head`` is a line already read (to detect the input's shape) that must still be
    delivered first.
    """

    def __init__(self, handle: IO[bytes], progress: Progress, head: bytes = b"") -> None:
        self._handle = handle
        self._progress = progress
        self._head: bytes | None = head or None
        progress.advance(len(head))

    def __iter__(self) -> Iterator[bytes]:
        if self._head is not None:
            head, self._head = self._head, None
            yield head
        for line in self._handle:
            self._progress.advance(len(line))
            yield line

    def read(self, size: int = -1) -> bytes:
        """The rest of the input (after any head not yet delivered)."""
        head, self._head = self._head or b"", None
        rest = self._handle.read()
        self._progress.advance(len(rest))
        return head + rest
