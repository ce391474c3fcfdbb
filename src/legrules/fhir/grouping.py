"""Grouping resources by patient, in memory or in bounded memory.

A resource belongs to the patient its ``subject`` (or ``patient``) reference names; a
Patient to itself.  References are normalised to ``Patient/<id>`` (absolute URLs and
``_history`` suffixes removed; a Bundle's ``urn:uuid`` fullUrls resolved to the Patient
they label).  Resources with no subject form a group of their own (key ``None``).

Three strategies, chosen by the reader:

``memory``
    everything in a dict of lists, for JSON documents and arrays (already in memory).
``spill`` (the default for NDJSON)
    each resource is written to a temporary file as it streams by (an NDJSON line as
    it was read), then read back patient by patient, so any order works (bulk exports
    come one file per resource type) and memory holds one patient's resources at a
    time; the disk holds the input once more.  Consecutive resources of one patient
    are written as one *run*, and a small SQLite table indexes the runs by patient:
    input already grouped by patient costs one index row per patient and is read back
    in file order; interleaved input costs a row per resource.
``contiguous``
    streaming with no disk: a patient's resources must be adjacent in the input (a
    per-patient export, or input sorted by patient).  A patient met again after its
    group was closed is an input error rather than a second, partial presentation.
    Memory: one patient's resources plus one small entry per patient seen (to detect
    that).
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, MutableMapping
from pathlib import Path
from typing import IO, Literal

import orjson

from legrules.errors import FHIRInputError
from legrules.fhir.containers import Item, new_item
from legrules.fhir.elements import JSON, Coding
from legrules.fhir.medications import medication_codings

__all__ = ["Group", "Grouping", "group"]

Grouping = Literal["memory", "spill", "contiguous"]
Group = tuple[str | None, list[Item]]
Medications = MutableMapping[str, list[Coding]]


def subject_key(item: Item, aliases: dict[str, str]) -> str | None:
    """The patient *item* is about (``Patient/<id>``, a fullUrl) or ``None``."""
    resource = item.resource
    if item.skipped is not None:
        return None
    if resource["resourceType"] == "Patient":
        rid = resource.get("id")
        return f"Patient/{rid}" if isinstance(rid, str) and rid else item.location
    for key in ("subject", "patient"):
        ref = resource.get(key)
        text = ref.get("reference") if isinstance(ref, dict) else None
        if isinstance(text, str) and text:
            return normalise(text, aliases)
    return None


def normalise(reference: str, aliases: dict[str, str]) -> str:
    """``http://x/fhir/Patient/1/_history/2`` -> ``Patient/1``; fullUrls via *aliases*."""
    if reference in aliases:
        return aliases[reference]
    at = reference.rfind("Patient/")
    if at < 0 or (at > 0 and reference[at - 1] != "/"):
        return reference
    rest = reference[at + len("Patient/") :]
    at_history = rest.find("/")
    return f"Patient/{rest if at_history < 0 else rest[:at_history]}"


def _register(item: Item, medications: Medications) -> bool:
    """Keep a Medication for references to it; ``True`` when *item* was one."""
    resource = item.resource
    if item.skipped is not None or resource.get("resourceType") != "Medication":
        return False
    codings = medication_codings(resource, item.location)
    rid = resource.get("id")
    if isinstance(rid, str) and rid:
        medications[f"Medication/{rid}"] = codings
    medications[item.location] = codings
    return True


def _keyed(items: Iterable[Item], medications: Medications) -> Iterator[tuple[str | None, Item]]:
    """Each item with its patient key (``subject_key``); Medications are registered instead.

    Consecutive resources of one patient usually share the reference text, so the
    last text and its key are remembered rather than normalised again.
    """
    seen_text, seen_key = "", ""
    for item in items:
        resource = item.resource
        if item.skipped is None:
            rtype = resource.get("resourceType")
            if rtype == "Medication":
                _register(item, medications)
                continue
            ref = resource.get("subject")
            if rtype != "Patient" and ref.__class__ is dict:
                text = ref.get("reference")
                if text.__class__ is str and text:
                    if text != seen_text:
                        seen_text, seen_key = text, normalise(text, {})
                    yield seen_key, item
                    continue
        yield subject_key(item, {}), item


def group(items: Iterable[Item], how: Grouping, medications: Medications) -> Iterator[Group]:
    """Group *items* by patient with strategy *how*, filling *medications* on the way."""
    if how == "memory":
        return _in_memory(list(items), medications)
    if how == "contiguous":
        return _contiguous(items, medications)
    return _spilled(items, medications)


def _in_memory(items: list[Item], medications: Medications) -> Iterator[Group]:
    aliases = {
        i.location: f"Patient/{i.resource['id']}"
        for i in items
        if i.skipped is None
        and i.resource.get("resourceType") == "Patient"
        and isinstance(i.resource.get("id"), str)
    }
    groups: dict[str | None, list[Item]] = {}
    for item in items:
        if not _register(item, medications):
            groups.setdefault(subject_key(item, aliases), []).append(item)
    yield from groups.items()


def _contiguous(items: Iterable[Item], medications: Medications) -> Iterator[Group]:
    closed: set[str | None] = set()
    current: list[Item] = []
    key: str | None = None
    for this, item in _keyed(items, medications):
        if this != key or not current:
            if current:
                yield key, current
                closed.add(key)
                current = []
            if this in closed:
                raise FHIRInputError(
                    f"{this or 'a resource with no subject'} appears again after other "
                    "patients: the input is not grouped by patient (read it with "
                    "grouping='spill')",
                    item.location,
                )
            key = this
        current.append(item)
    if current:
        yield key, current


# The spill: resources go to a plain temporary file in *runs* (consecutive resources of
# one patient, written as one chunk) and a SQLite table lists the runs with their
# patient.  Input grouped by patient is one run per patient, read back in file order;
# an interleaved export is many short runs, read back patient by patient (patients in
# order of first appearance).  Python holds one run (at most _RUN_BYTES) while writing
# and one patient's resources while reading; SQLite's own cache is capped too.
_SCHEMA = (
    "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-4096;"
    "PRAGMA temp_store=FILE;"
    "CREATE TABLE run (key TEXT, start INTEGER, size INTEGER, meta BLOB);"
)
# Runs patient by patient, patients in order of first appearance; when no patient has
# two runs (input grouped by patient) that is simply the order they were written in.
_ORDER = (
    "SELECT run.key, start, size, meta FROM run JOIN "
    "(SELECT key, MIN(rowid) AS first FROM run GROUP BY key) AS f ON f.key = run.key "
    "ORDER BY f.first, run.rowid"
)
_IN_ORDER = "SELECT key, start, size, meta FROM run ORDER BY rowid"
_GROUPED = "SELECT NOT EXISTS (SELECT 1 FROM run GROUP BY key HAVING COUNT(*) > 1)"
_RUN_BYTES = 1 << 20
_BUFFER = 1 << 20
_BATCH = 500


def _spilled(items: Iterable[Item], medications: Medications) -> Iterator[Group]:
    with tempfile.TemporaryDirectory(prefix="legrules-") as folder:
        db = sqlite3.connect(Path(folder) / "runs.sqlite3")
        try:
            db.executescript(_SCHEMA)
            with open(Path(folder) / "resources.bin", "w+b", buffering=_BUFFER) as handle:
                _fill(db, handle, _keyed(items, medications))
                yield from _read_back(db, handle)
        finally:
            db.close()


class _Runs:
    """Writes runs to the data file and lists them (key, place, items) in SQLite."""

    def __init__(self, db: sqlite3.Connection, handle: IO[bytes]) -> None:
        self.db, self.handle = db, handle
        self.rows: list[tuple[str, int, int, bytes]] = []
        self.offset = 0

    def write(self, key: str | None, chunks: list[bytes], meta: list[Meta]) -> None:
        """Append one run: its resources' bytes, and each one's location, skip and size."""
        data = b"".join(chunks)
        self.handle.write(data)
        self.rows.append((key or "", self.offset, len(data), orjson.dumps(meta)))
        self.offset += len(data)
        if len(self.rows) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        """Insert the runs listed so far."""
        self.db.executemany("INSERT INTO run VALUES (?, ?, ?, ?)", self.rows)
        self.rows = []


Meta = tuple[str, str | None, int]


def _fill(
    db: sqlite3.Connection, handle: IO[bytes], keyed: Iterator[tuple[str | None, Item]]
) -> None:
    """Write the resources run by run and list the runs in SQLite."""
    runs = _Runs(db, handle)
    run_key: str | None = None
    chunks: list[bytes] = []
    meta: list[Meta] = []
    written = 0
    for key, item in keyed:
        if key != run_key or written > _RUN_BYTES or not chunks:
            if chunks:
                runs.write(run_key, chunks, meta)
            run_key, chunks, meta, written = key, [], [], 0
        data = item.raw
        if data is None:
            data = orjson.dumps(item.resource)
        size = len(data)
        chunks.append(data)
        meta.append((item.location, item.skipped, size))
        written += size
    if chunks:
        runs.write(run_key, chunks, meta)
    runs.flush()
    db.execute("CREATE INDEX run_key ON run (key)")
    handle.flush()


def _read_back(db: sqlite3.Connection, handle: IO[bytes]) -> Iterator[Group]:
    key: str | None = None
    current: list[Item] = []
    (grouped,) = db.execute(_GROUPED).fetchone()
    handle.seek(0)
    position = 0
    for stored_key, start, size, meta in db.execute(_IN_ORDER if grouped else _ORDER):
        this = stored_key or None
        if current and this != key:
            yield key, current
            current = []
        key = this
        if start != position:  # a seek drops the read buffer: only when runs interleave
            handle.seek(start)
        chunk = handle.read(size)
        position = start + size
        at = 0
        for location, skipped, length in orjson.loads(meta):
            end = at + length
            resource: JSON = orjson.loads(chunk[at:end])
            current.append(new_item((resource, location, skipped, None)))
            at = end
    if current:
        yield key, current
