"""The spill: runs of read resources on disk, read back patient by patient.

``grouping="spill"`` (the default for NDJSON) reads each resource once, as it streams
by (``legrules.fhir.read.grouping.runs``), gathered by patient a window of input at a
time, and writes what each patient's resources of the window yielded to a temporary
file as one record, with :mod:`marshal`: the rows are builtins
(``legrules.fhir.read.context``) and load many times faster than the JSON they came
from; the few resources kept for later (Patients, medication records, a resource that
raised) are stored as their input lines.  A small SQLite table indexes the records by
patient.  Input grouped by patient is about one record per patient, read back in file
order; an interleaved export is a record per patient per window, read back patient by
patient (patients in order of first appearance) with positional reads, so that the
read-back costs about the same whatever the order.  Python holds one window while
writing and one patient's parts while reading; SQLite's own cache is capped too.

The file is private to this read (a fresh temporary directory, readable by its owner
only) and deleted when the read ends; nothing else ever loads it (``marshal``, like
``pickle``, is not meant for data from elsewhere).
"""

from __future__ import annotations

import marshal
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from legrules.fhir.read.context import Collected
from legrules.fhir.read.elements import JSON
from legrules.fhir.read.grouping.runs import Part, Run

__all__ = ["spilled"]

_SCHEMA = (
    "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-4096;"
    "PRAGMA temp_store=FILE;"
    "CREATE TABLE run (key TEXT, start INTEGER, size INTEGER);"
)
# Runs patient by patient, patients in order of first appearance; when no patient has
# two runs (input grouped by patient) that is simply the order they were written in.
_ORDER = (
    "SELECT run.key, start, size FROM run JOIN "
    "(SELECT key, MIN(rowid) AS first FROM run GROUP BY key) AS f ON f.key = run.key "
    "ORDER BY f.first, run.rowid"
)
_IN_ORDER = "SELECT key, start, size FROM run ORDER BY rowid"
_GROUPED = "SELECT NOT EXISTS (SELECT 1 FROM run GROUP BY key HAVING COUNT(*) > 1)"
_BUFFER = 1 << 20  # for writing: the runs are read back with positional reads
_BATCH = 500


def spilled(runs: Iterable[Run]) -> Iterator[Run]:
    """All of *runs* written to disk, then one run per patient with all its parts."""
    with tempfile.TemporaryDirectory(prefix="legrules-") as folder:
        db = sqlite3.connect(Path(folder) / "runs.sqlite3")
        try:
            db.executescript(_SCHEMA)
            with open(Path(folder) / "runs.bin", "w+b", buffering=_BUFFER) as handle:
                _fill(db, handle, runs)
                yield from _read_back(db, handle)
        finally:
            db.close()


def _dump(parts: list[Part]) -> bytes:
    """A run's parts as builtins: rows as they are, items as their lines.

    An item read from a JSON document has no line: its resource is stored as it is
    (marshal keeps every JSON value exactly, where serialising it again as JSON would
    turn a NaN from a Python caller into null).
    """
    plain: list[Any] = []
    for part in parts:
        if part.__class__ is Collected:
            plain.append(part.state())
        else:
            resource, location, skipped, raw = part  # type: ignore[misc]
            plain.append((resource if raw is None else raw, location, skipped))
    return marshal.dumps(plain)


def _load(data: bytes, parts: list[Part]) -> None:
    """Add a record's parts to *parts*, one patient's parts read back so far.

    Rows next to rows already read back are added to that collection, as
    :func:`~legrules.fhir.read.grouping.runs.replay` would merge them, rather than made
    a collection of their own: an interleaved export is many records per patient.
    """
    for plain in marshal.loads(data):  # our own private file, written by _fill just before
        if len(plain) == 3:
            stored, location, skipped = plain
            resource: JSON = orjson.loads(stored) if stored.__class__ is bytes else stored
            parts.append((resource, location, skipped, None))
        elif parts and parts[-1].__class__ is Collected:
            parts[-1].absorb(plain)
        else:
            parts.append(Collected.restore(plain))


def _fill(db: sqlite3.Connection, handle: IO[bytes], runs: Iterable[Run]) -> None:
    """Write each run as one record and list it in SQLite.

    The runs come gathered by patient a window at a time
    (``legrules.fhir.read.grouping.runs``), so an interleaved export is a record per
    patient per window, not a record per line.
    """
    rows: list[tuple[str, int, int]] = []
    offset = 0
    for key, parts in runs:
        data = _dump(parts)
        handle.write(data)
        rows.append((key or "", offset, len(data)))
        offset += len(data)
        if len(rows) >= _BATCH:
            db.executemany("INSERT INTO run VALUES (?, ?, ?)", rows)
            rows.clear()
    db.executemany("INSERT INTO run VALUES (?, ?, ?)", rows)
    db.execute("CREATE INDEX run_key ON run (key)")
    handle.flush()


def _read_back(db: sqlite3.Connection, handle: IO[bytes]) -> Iterator[Run]:
    """Each patient's runs, read with positional reads.

    A positional read (``os.pread``) takes just the run's bytes and leaves no buffer to
    throw away: seeking a buffered file instead dropped a whole read buffer at every run
    of interleaved input, which made reading back an unsorted export superlinear.
    """
    key: str | None = None
    current: list[Part] = []
    (grouped,) = db.execute(_GROUPED).fetchone()
    handle.flush()
    read = _positional(handle)
    for stored_key, start, size in db.execute(_IN_ORDER if grouped else _ORDER):
        this = stored_key or None
        if current and this != key:
            yield key, current
            current = []
        key = this
        _load(read(size, start), current)
    if current:
        yield key, current


def _positional(handle: IO[bytes]) -> Callable[[int, int], bytes]:
    """``read(size, offset)`` on *handle*'s file, without moving or buffering it."""
    fd = handle.fileno()
    if hasattr(os, "pread"):
        return lambda size, offset: os.pread(fd, size, offset)

    def read(size: int, offset: int) -> bytes:  # pragma: no cover - Windows has no pread
        handle.seek(offset)
        return handle.read(size)

    return read
