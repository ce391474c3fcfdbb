"""The spill: runs of read resources on disk, read back patient by patient.

``grouping="spill"`` (the default for NDJSON) reads each resource once, as it streams
by (``legrules.fhir.read.grouping.runs``), gathered by patient a window of input at a
time, and writes what each patient's resources of the window yielded to a temporary
file as one record, with :mod:`marshal`: the rows are builtins
(``legrules.fhir.read.context``) and load many times faster than the JSON they came
from; the few resources kept for later (Patients, medication records, a resource that
raised) are stored as their input lines.  Each record starts with the place of the
same patient's record before it, so a patient's records form a chain on disk, and
memory holds only where each patient's chain ends, patients in order of first
appearance: a key and a number each, some 120 bytes a patient (as much as contiguous
grouping keeps to refuse unsorted input).  Input grouped by patient is about one
record per patient; an interleaved export is a record per patient per window, read
back patient by patient (patients in order of first appearance) with positional
reads, so that the read-back costs about the same per record whatever the order.
(An SQLite index of the records did this before: at 30,000 shuffled patients, sorting
its 2.5 million rows cost more than reading the records.)  Python holds one window
while writing and one patient's records while reading.

The file is private to this read (a fresh temporary directory, readable by its owner
only) and deleted when the read ends; nothing else ever loads it (``marshal``, like
``pickle``, is not meant for data from elsewhere).
"""

from __future__ import annotations

import marshal
import os
import struct
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

import orjson

from legrules.fhir.read.context import Collected
from legrules.fhir.read.elements import JSON
from legrules.fhir.read.grouping.runs import Part, Run

__all__ = ["spilled"]

# A record's header: where the patient's record before it starts and its size (-1 and
# 0 for its first), then the record's own marshal data.
_HEADER = struct.Struct("<qQ")
_FIRST = (-1, 0)
_BUFFER = 1 << 20  # for writing: the records are read back with positional reads
# A record's place and size kept as one number, place << 64 | size: one int per
# patient costs less memory than a tuple of two.
_SIZE_BITS = 64
_SIZE_MASK = (1 << _SIZE_BITS) - 1
#: Where each patient's chain of records ends: its last record's place and size.
Ends = dict[str | None, int]


def spilled(runs: Iterable[Run]) -> Iterator[Run]:
    """All of *runs* written to disk, then one run per patient with all its parts."""
    import tempfile  # here: only an input that spills needs it

    with (
        tempfile.TemporaryDirectory(prefix="legrules-") as folder,
        open(os.path.join(folder, "runs.bin"), "w+b", buffering=_BUFFER) as handle,
    ):
        ends = _fill(handle, runs)
        handle.flush()
        yield from _read_back(ends, _positional(handle))


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


def _load(data: bytes | memoryview, parts: list[Part]) -> None:
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


def _fill(handle: IO[bytes], runs: Iterable[Run]) -> Ends:
    """Write each run as one record chained to its patient's record before; the chain ends.

    The runs come gathered by patient a window at a time
    (``legrules.fhir.read.grouping.runs``), so an interleaved export is a record per
    patient per window, not a record per line.
    """
    ends: Ends = {}
    offset = 0
    pack, write = _HEADER.pack, handle.write
    for key, parts in runs:
        data = _dump(parts)
        size = _HEADER.size + len(data)
        end = ends.get(key)
        write(pack(*(_FIRST if end is None else (end >> _SIZE_BITS, end & _SIZE_MASK))))
        write(data)
        ends[key] = offset << _SIZE_BITS | size
        offset += size
    return ends


def _read_back(ends: Ends, read: Callable[[int, int], bytes]) -> Iterator[Run]:
    """Each patient's records, patients in order of first appearance.

    A patient's chain is read from its end with positional reads (``os.pread``): a
    read takes just the record's bytes and leaves no buffer to throw away, where
    seeking a buffered file dropped a whole read buffer at every record.
    """
    unpack, skip = _HEADER.unpack_from, _HEADER.size
    for key, end in ends.items():
        chain: list[bytes] = []
        offset, size = end >> _SIZE_BITS, end & _SIZE_MASK
        while offset >= 0:
            data = read(size, offset)
            chain.append(data)
            offset, size = unpack(data)
        parts: list[Part] = []
        for data in reversed(chain):
            _load(memoryview(data)[skip:], parts)
        yield key, parts


def _positional(handle: IO[bytes]) -> Callable[[int, int], bytes]:
    """``read(size, offset)`` on *handle*'s file, without moving or buffering it."""
    fd = handle.fileno()
    if hasattr(os, "pread"):
        return lambda size, offset: os.pread(fd, size, offset)

    def read(size: int, offset: int) -> bytes:  # pragma: no cover - Windows has no pread
        handle.seek(offset)
        return handle.read(size)

    return read
