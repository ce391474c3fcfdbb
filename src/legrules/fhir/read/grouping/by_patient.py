"""Grouping resources by patient, in memory or in bounded memory.

A resource belongs to the patient its ``subject`` (or ``patient``) names, resolved as
a FHIR server would (``legrules.fhir.read.subjects``); a Patient to itself.  Resources
with no subject, and those whose subject names no Patient of the input (skipped, with
the reason), are handed to the patient the input is about by :func:`attach_loose`.

Three strategies, chosen by the reader:

``memory``
    everything in a dict of lists, for JSON documents and arrays (already in memory);
    this module's :func:`in_memory`.
``spill`` (the default for NDJSON)
    each resource is read as it streams by and what it yielded is written to a
    temporary file, then read back patient by patient (``legrules.fhir.read.grouping.spill``), so
    any order works (bulk exports come one file per resource type) and memory holds
    one patient's facts at a time.
``contiguous``
    streaming with no disk: a patient's resources must be adjacent in the input (a
    per-patient export, or input sorted by patient).  A patient met again after its
    group was closed is an input error rather than a second, partial presentation.
    Memory: one patient's resources plus one small entry per patient seen (to detect
    that).

Both streaming strategies key and read the resources in runs (``legrules.fhir.read.grouping.runs``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Literal, TypeVar

import orjson

from legrules.errors import FHIRInputError
from legrules.fhir.read.containers import Item, Location, label
from legrules.fhir.read.elements import JSON, Coding
from legrules.fhir.read.medications import medication_codings
from legrules.fhir.read.subjects import Subjects, Unresolved

__all__ = [
    "Group",
    "Grouping",
    "Medications",
    "attach_loose",
    "in_memory",
    "key_alone",
    "not_tied",
    "patient_key",
    "register",
    "subject_key",
]

Grouping = Literal["memory", "spill", "contiguous"]
Group = tuple[str | None, list[Item]]
T = TypeVar("T")


class Medications(dict[str, list[Coding]]):
    """The codings of the input's Medication resources, by reference (``Medication/x``, fullUrl).

    Copies of one Medication that disagree are settled by their content, whatever their
    order: the copy with the latest ``meta.lastUpdated`` is read (on a tie, the last in
    the order of their JSON with sorted keys).  ``conflicts`` holds a note for each such
    reference, which the reader adds to the result of every patient whose medication
    record names it.
    """

    def __init__(self) -> None:
        super().__init__()
        self.ranks: dict[str, tuple[str, bytes]] = {}
        self.conflicts: dict[str, str] = {}

    def keep(
        self, key: str, resource: JSON, codings: list[Coding], where: str, *, strict: bool
    ) -> None:
        """Keep *resource*'s *codings* under *key*, unless a copy that ranks higher is kept."""
        meta = resource.get("meta")
        updated = meta.get("lastUpdated") if isinstance(meta, dict) else None
        rank = (updated if isinstance(updated, str) else "", _canonical(resource))
        kept = self.ranks.get(key)
        if kept != rank and kept is not None:
            if strict:
                raise FHIRInputError(
                    f"{key} appears more than once with different content",
                    where,
                    resource_type="Medication",
                )
            self.conflicts[key] = (
                f"{key} appears more than once with different content; the copy read is "
                "the one last updated (on a tie, the last in canonical JSON order)"
            )
        if kept is None or rank > kept:
            self.ranks[key] = rank
            self[key] = codings


def _canonical(resource: JSON) -> bytes:
    try:
        return orjson.dumps(resource, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # a value JSON cannot hold, from a Python caller: its repr decides
        return repr(sorted(resource.items(), key=repr)).encode()


def patient_key(resource: JSON, location: Location) -> str:
    """The key of a Patient: ``Patient/<id>``, or its label when it has no id."""
    rid = resource.get("id")
    return f"Patient/{rid}" if isinstance(rid, str) and rid else label(location)


#: Learns nothing, so it only resolves what a resource names on its own; never mutated.
_ALONE = Subjects()


def key_alone(resource: JSON) -> str | Unresolved | None:
    """The patient a resource names on its own, with no other resource of the input.

    ``Patient/<id>`` for a Patient with an id and for a subject that names a Patient
    by a relative or absolute reference; ``None`` for a resource with no subject (or a
    Patient with no id); an :class:`~legrules.fhir.read.subjects.Unresolved` with the
    reason for a subject that cannot name a Patient alone (a Device, a lower-case
    ``patient/7``, a ``urn:uuid:``, an identifier, a malformed Reference).  Bulk
    runners key every line with it: one resolver for all lines, nothing learnt.
    """
    if resource["resourceType"] == "Patient":
        rid = resource.get("id")
        return f"Patient/{rid}" if rid.__class__ is str and rid else None
    return _ALONE.resolve(resource)


def subject_key(item: Item, subjects: Subjects, *, strict: bool = False) -> tuple[str | None, Item]:
    """The patient *item* is about (``None``: no subject), and the item to read.

    A subject that names no Patient of the input turns the item into a skipped one
    carrying the reason (it is listed as ignored, see ``legrules.fhir.read.subjects``),
    or raises :class:`~legrules.errors.FHIRInputError` in *strict* mode.
    """
    resource, location, skipped, raw = item
    if skipped is not None:
        # A resource the reader will not read (see ``legrules.fhir.read.json_text``) is
        # still listed in the result of the patient it is about, when that is known.
        found = subjects.resolve(resource) if resource else None
        if resource.get("resourceType") == "Patient":
            found = patient_key(resource, location)
        return (found if isinstance(found, str) else None), item
    if resource["resourceType"] == "Patient":
        return patient_key(resource, location), item
    found = subjects.resolve(resource)
    if not isinstance(found, Unresolved):
        return found, item
    where, reason = not_tied(resource, location, found, strict=strict)
    return None, (resource, where, reason, raw)


def not_tied(
    resource: JSON, location: Location, found: Unresolved, *, strict: bool = False
) -> tuple[str, str]:
    """The label and the ``ignored`` reason of a resource whose subject names no Patient.

    The label is ``Type/id``, or the location's label when the resource has no id.
    In *strict* mode raises :class:`~legrules.errors.FHIRInputError` instead, with the
    path ``Type/id.subject`` (or ``.patient``).
    """
    where = _label(resource, location)
    reason = found.reason
    if strict:
        element = reason.split(" ", 1)[0].split(".", 1)[0]
        raise FHIRInputError(reason, f"{where}.{element}", resource_type=resource["resourceType"])
    return where, f"not tied to a patient: {reason}"


def _label(resource: JSON, location: Location) -> str:
    rid = resource.get("id")
    return f"{resource['resourceType']}/{rid}" if isinstance(rid, str) and rid else label(location)


def register(item: Item, medications: Medications, *, strict: bool = False) -> bool:
    """Keep a Medication for references to it; ``True`` when *item* was one.

    Copies that disagree are settled by :meth:`Medications.keep`; in *strict* mode
    they raise :class:`~legrules.errors.FHIRInputError` instead.
    """
    resource, location, skipped, _ = item
    if skipped is not None or resource.get("resourceType") != "Medication":
        return False
    where = label(location)
    codings = medication_codings(resource, where)
    rid = resource.get("id")
    if isinstance(rid, str) and rid:
        medications.keep(f"Medication/{rid}", resource, codings, where, strict=strict)
    medications.keep(where, resource, codings, where, strict=strict)
    return True


def in_memory(
    items: Iterable[Item], medications: Medications, *, strict: bool = False
) -> Iterator[Group]:
    """Group *items* by patient in a dict, filling *medications* on the way.

    Every Patient is learnt first, so a subject may name one that comes after it.
    """
    items = list(items)
    subjects = Subjects()
    for resource, location, skipped, _ in items:
        if skipped is None or resource:
            is_patient = resource["resourceType"] == "Patient"
            subjects.learn(
                resource, location, patient_key(resource, location) if is_patient else None
            )
    groups: dict[str | None, list[Item]] = {}
    for item in items:
        if not register(item, medications, strict=strict):
            key, item = subject_key(item, subjects, strict=strict)
            groups.setdefault(key, []).append(item)
    yield from groups.items()


def attach_loose(
    groups: Iterable[tuple[str | None, list[T]]],
) -> Iterator[tuple[str | None, list[T], bool]]:
    """Hand resources tied to no patient to the patient the input is about.

    *groups* come one per key (``None``: resources with no subject, and those whose
    subject could not be resolved, which are skipped items).  When the input holds one
    patient, the loose resources join that patient's group, so every entry point
    reads a one-patient input alike; with several patients they stay a group of their
    own, last.  The flag says whether loose resources were joined to the group.  The
    first patient's group is held back until a second patient shows (or the input
    ends): memory holds it and the loose resources, nothing more.
    """
    loose: list[T] = []
    first: tuple[str | None, list[T]] | None = None
    many = False
    for key, members in groups:
        if key is None:
            loose += members
        elif many:
            yield key, members, False
        elif first is None:
            first = (key, members)
        else:
            many = True
            yield (*first, False)
            yield key, members, False
    if first is not None and not many:
        yield first[0], first[1] + loose, bool(loose)
    elif loose:
        yield None, loose, False
