"""Grouping resources by patient, in memory or in bounded memory.

A resource belongs to the patient its ``subject`` (or ``patient``) reference names; a
Patient to itself.  References are normalised to ``Patient/<id>`` (absolute URLs and
``_history`` suffixes removed; a Bundle's ``urn:uuid`` fullUrls resolved to the Patient
they label).  Resources with no subject form a group of their own (key ``None``).

Three strategies, chosen by the reader:

``memory``
    everything in a dict of lists, for JSON documents and arrays (already in memory).
``spill`` (the default for NDJSON)
    each resource is written to a temporary SQLite file as it streams by, then read
    back patient by patient, so any order works (bulk exports come one file per
    resource type) and memory holds one patient's resources at a time; the disk holds
    the input once more.
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
from itertools import islice
from pathlib import Path
from typing import Literal

import orjson

from legrules.errors import FHIRInputError
from legrules.fhir.containers import Item
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
    for item in items:
        if _register(item, medications):
            continue
        this = subject_key(item, {})
        if current and this != key:
            yield key, current
            closed.add(key)
            current = []
        if this in closed:
            raise FHIRInputError(
                f"{this or 'a resource with no subject'} appears again after other patients: "
                "the input is not grouped by patient (read it with grouping='spill')",
                item.location,
            )
        key = this
        current.append(item)
    if current:
        yield key, current


_SCHEMA = (
    "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-4096;"
    "PRAGMA temp_store=FILE;"
    "CREATE TABLE k (key TEXT PRIMARY KEY, first INTEGER);"
    "CREATE TABLE r (seq INTEGER PRIMARY KEY, key TEXT, loc TEXT, skip TEXT, data BLOB);"
)


def _spilled(items: Iterable[Item], medications: Medications) -> Iterator[Group]:
    with tempfile.TemporaryDirectory(prefix="legrules-") as folder:
        db = sqlite3.connect(Path(folder) / "spill.sqlite3")
        try:
            db.executescript(_SCHEMA)
            _fill(db, iter(items), medications)
            yield from _read_back(db)
        finally:
            db.close()


def _fill(db: sqlite3.Connection, items: Iterator[Item], medications: Medications) -> None:
    seq = 0
    while batch := list(islice(items, 500)):
        rows = []
        for item in batch:
            if _register(item, medications):
                continue
            seq += 1
            key = subject_key(item, {})
            rows.append((seq, key or "", item.location, item.skipped, orjson.dumps(item.resource)))
        db.executemany("INSERT OR IGNORE INTO k VALUES (?, ?)", [(r[1], r[0]) for r in rows])
        db.executemany("INSERT INTO r VALUES (?, ?, ?, ?, ?)", rows)


def _read_back(db: sqlite3.Connection) -> Iterator[Group]:
    rows = db.execute(
        "SELECT r.key, r.loc, r.skip, r.data FROM r JOIN k ON r.key = k.key ORDER BY k.first, r.seq"
    )
    key: str | None = None
    current: list[Item] = []
    for stored_key, location, skipped, data in rows:
        this = stored_key or None
        if current and this != key:
            yield key, current
            current = []
        key = this
        resource: JSON = orjson.loads(data)
        current.append(Item(resource, location, skipped))
    if current:
        yield key, current
