"""Grouping resources by patient, in memory or in bounded memory.

A resource belongs to the patient its ``subject`` (or ``patient``) reference names; a
Patient to itself.  References are normalised to ``Patient/<id>`` (absolute URLs and
``_history`` suffixes removed; a Bundle's ``urn:uuid`` fullUrls resolved to the Patient
they label).  Resources with no subject form a group of their own (key ``None``).

Three strategies, chosen by the reader:

``memory``
    everything in a dict of lists, for JSON documents and arrays (already in memory);
    this module's :func:`in_memory`.
``spill`` (the default for NDJSON)
    each resource is read as it streams by and what it yielded is written to a
    temporary file, then read back patient by patient (``legrules.population.spill``), so
    any order works (bulk exports come one file per resource type) and memory holds
    one patient's facts at a time.
``contiguous``
    streaming with no disk: a patient's resources must be adjacent in the input (a
    per-patient export, or input sorted by patient).  A patient met again after its
    group was closed is an input error rather than a second, partial presentation.
    Memory: one patient's resources plus one small entry per patient seen (to detect
    that).

Both streaming strategies key and read the resources in runs (``legrules.population.patient_runs``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableMapping
from typing import Literal

from legrules.fhir.read.containers import Item, label
from legrules.fhir.read.elements import Coding
from legrules.fhir.read.medications import medication_codings

__all__ = ["Group", "Grouping", "in_memory", "normalise", "register", "subject_key"]

Grouping = Literal["memory", "spill", "contiguous"]
Group = tuple[str | None, list[Item]]
Medications = MutableMapping[str, list[Coding]]


def subject_key(item: Item, aliases: dict[str, str]) -> str | None:
    """The patient *item* is about (``Patient/<id>``, a fullUrl) or ``None``."""
    resource, location, skipped, _ = item
    if skipped is not None:
        return None
    if resource["resourceType"] == "Patient":
        rid = resource.get("id")
        return f"Patient/{rid}" if isinstance(rid, str) and rid else label(location)
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


def register(item: Item, medications: Medications) -> bool:
    """Keep a Medication for references to it; ``True`` when *item* was one."""
    resource, location, skipped, _ = item
    if skipped is not None or resource.get("resourceType") != "Medication":
        return False
    where = label(location)
    codings = medication_codings(resource, where)
    rid = resource.get("id")
    if isinstance(rid, str) and rid:
        medications[f"Medication/{rid}"] = codings
    medications[where] = codings
    return True


def in_memory(items: Iterable[Item], medications: Medications) -> Iterator[Group]:
    """Group *items* by patient in a dict, filling *medications* on the way."""
    items = list(items)
    aliases = {
        label(location): f"Patient/{resource['id']}"
        for resource, location, skipped, _ in items
        if skipped is None
        and resource.get("resourceType") == "Patient"
        and isinstance(resource.get("id"), str)
    }
    groups: dict[str | None, list[Item]] = {}
    for item in items:
        if not register(item, medications):
            groups.setdefault(subject_key(item, aliases), []).append(item)
    yield from groups.items()
