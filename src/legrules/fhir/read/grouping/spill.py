"""The spill: runs of read resources on disk, read back patient by patient.

``grouping="spill"`` (the default for NDJSON) reads each resource once, as it streams
by (``legrules.fhir.read.grouping.runs``), and writes what it yielded to a temporary file,
gathered by patient a window of rows at a time, with :mod:`marshal`: the rows are
builtins (``legrules.fhir.read.context``) and load many times faster than the JSON they
came from; the few resources kept for later (Patients, medication records, a resource
that raised) are stored as their input lines.  A small SQLite table indexes the runs by
patient.  Input grouped by patient is one run per patient, read back in file order;
an interleaved export is many short runs, gathered into a few records per patient
and read back patient by patient (patients in order of first appearance) with
positional reads, so that the read-back costs about the same whatever the order.
Python holds a bounded window of rows while writing (:data:`_HELD`) and one patient's
parts while reading; SQLite's own cache is capped too.

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
#: Rows held in memory, gathered by patient, before they are written (some 2 MB).
_HELD = 1 << 12


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


def _load(data: bytes) -> list[Part]:
    parts: list[Part] = []
    for plain in marshal.loads(data):  # our own private file, written by _fill just before
        if len(plain) == 3:
            stored, location, skipped = plain
            resource: JSON = orjson.loads(stored) if stored.__class__ is bytes else stored
            parts.append((resource, location, skipped, None))
        else:
            parts.append(Collected.restore(plain))
    return parts


def _fill(db: sqlite3.Connection, handle: IO[bytes], runs: Iterable[Run]) -> None:
    """Write the runs, gathered by patient a window at a time, and list them in SQLite.

    Interleaved input is many short runs (a line each, in a shuffled export): written
    one by one they cost a record, an index row and a read each.  So runs are held per
    patient until about :data:`_HELD` rows are held, then written, one record per
    patient, patients in order of first appearance in the window: the read-back
    (patients in order of first appearance, each one's records in order) is unchanged.
    """
    rows: list[tuple[str, int, int]] = []
    offset = 0
    held: dict[str | None, list[Part]] = {}
    count = 0
    for key, parts in runs:
        mine = held.get(key)
        if mine is None:
            mine = held[key] = []
        count += _gather(mine, parts)
        if count >= _HELD:
            offset = _write(db, handle, held, rows, offset)
            held, count = {}, 0
    _write(db, handle, held, rows, offset)
    db.executemany("INSERT INTO run VALUES (?, ?, ?)", rows)
    db.execute("CREATE INDEX run_key ON run (key)")
    handle.flush()


def _gather(mine: list[Part], parts: list[Part]) -> int:
    """Add a run's *parts* to a patient's held parts; about how many rows they hold.

    Collections next to each other are merged, as the read-back would merge them.
    """
    count = 0
    for part in parts:
        if part.__class__ is Collected:
            count += len(part.findings) + len(part.measurements) + len(part.ignored)
            if mine and mine[-1].__class__ is Collected:
                mine[-1].merge(part)
                continue
        else:  # an item kept as its line: a row per 256 bytes of it, so long lines count
            raw = part[3]  # type: ignore[index]
            count += len(raw) >> 8 if raw else 0
        count += 1
        mine.append(part)
    return count


def _write(
    db: sqlite3.Connection,
    handle: IO[bytes],
    held: dict[str | None, list[Part]],
    rows: list[tuple[str, int, int]],
    offset: int,
) -> int:
    """Write each patient's held parts as one record; the offset after them."""
    for key, parts in held.items():
        data = _dump(parts)
        handle.write(data)
        rows.append((key or "", offset, len(data)))
        offset += len(data)
        if len(rows) >= _BATCH:
            db.executemany("INSERT INTO run VALUES (?, ?, ?)", rows)
            rows.clear()
    return offset


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
        current += _load(read(size, start))
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
