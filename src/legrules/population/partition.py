"""Assessing the patients of one partition: the unit of work both runners share.

:func:`assess_partition` takes every resource of some patients in any order (a bucket
on disk, a Spark partition); :func:`assess_sorted` takes resources sorted by patient and
holds one patient at a time.  Both are plain functions of their arguments (no global
state), so a process pool or Spark can ship them to workers, and both yield one
:class:`PatientResult` per patient, then one :class:`Unassigned` when some resources
belonged to no patient: those are counted and reported, never silently dropped.

Each patient is read with the public FHIR reader and assessed with :func:`legrules.assess`,
exactly as that patient's resources alone would be.  Medications (which belong to no
patient but may be named by any MedicationRequest) are handed to every patient that
refers to one.  A patient whose data the reader refuses becomes a result with an
``error`` instead of stopping the run; a malformed resource is skipped and listed in the
assessment's ``ignored`` (the reader's ``on_error="skip"``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

import attrs
import orjson

from legrules.engine import assess
from legrules.errors import InputError, InvalidValueError, LegrulesError
from legrules.fhir import read_presentations
from legrules.fhir.read.containers import Location
from legrules.fhir.read.grouping import not_tied
from legrules.fhir.read.subjects import Unresolved, identifier_names, subject_element
from legrules.model import Assessment, IgnoredInput, Policy
from legrules.population.keys import subject_of

__all__ = [
    "Job",
    "Outcome",
    "PatientResult",
    "Resource",
    "Unassigned",
    "assess_partition",
    "assess_sorted",
]

#: A resource as a parsed JSON object or as its NDJSON line.
Resource = Mapping[str, Any] | bytes | str
#: Marks the resource type of a line that is not a JSON object (a truncated line).
UNREADABLE = "(unreadable line)"


@attrs.frozen
class PatientResult:
    """One patient's assessment, or why there is none.

    ``key`` is ``Patient/<id>``; ``age`` and ``sex`` are what the reader found (for
    grouping results); ``resources`` counts the patient's resources in the input.
    Exactly one of ``assessment`` and ``error`` is set.
    """

    key: str
    assessment: Assessment | None
    age: int | None = None
    sex: str | None = None
    resources: int = 0
    error: str | None = None


@attrs.frozen
class Unassigned:
    """Resources of the input that belong to no patient, counted by type.

    ``by_type`` pairs a resource type with its count, sorted by type;
    ``(unreadable line)`` counts lines that are not a JSON object (a truncated line).
    ``ignored`` lists, sorted, each resource whose subject names no patient (a
    lower-case ``patient/7``, a Device, an identifier or ``urn:uuid:`` a bulk line
    cannot resolve) with the reason, as :func:`~legrules.fhir.read_presentations` lists
    them: ``Type/id`` (or ``line N`` of the input when it has no id).  (The runners,
    which see every Patient, tie an identifier to the one Patient carrying it first.)

    .. versionchanged:: 0.2
       ``ignored``: such resources were only counted.
    """

    by_type: tuple[tuple[str, int], ...]
    ignored: tuple[IgnoredInput, ...] = ()

    @property
    def count(self) -> int:
        """How many resources (and unreadable lines) belong to no patient."""
        return sum(n for _, n in self.by_type)


Outcome = PatientResult | Unassigned


@attrs.frozen
class Job:
    """What every patient of a run is assessed with: the instant, rule set and policy."""

    as_of: datetime
    ruleset: str | None = None
    policy: Policy = attrs.field(factory=Policy)

    @classmethod
    def of(
        cls,
        as_of: datetime | None = None,
        ruleset: str | None = None,
        policy: Policy | Mapping[str, Any] | None = None,
    ) -> Job:
        """A job; ``as_of`` defaults to now, ``policy`` to the defaults."""
        chosen = policy if isinstance(policy, Policy) else Policy.from_dict(policy or {})
        return cls(datetime.now(UTC) if as_of is None else as_of, ruleset, chosen)

    def assess(self, key: str, lines: list[bytes], medications: list[bytes]) -> PatientResult:
        """Read and assess one patient from its NDJSON lines."""
        shared = medications if medications and _names_a_medication(lines) else []
        try:
            reads = list(
                read_presentations(
                    b"\n".join([*shared, *lines]),
                    as_of=self.as_of,
                    policy=self.policy,
                    on_error="skip",
                    grouping="contiguous",
                )
            )
            if len(reads) != 1:
                raise InputError(f"{key}'s resources read as {len(reads)} patients", key)
            patient = reads[0].presentation.patient
            result = assess(
                reads[0].presentation, as_of=self.as_of, ruleset=self.ruleset, policy=self.policy
            )
        except LegrulesError as error:
            return PatientResult(key, None, resources=len(lines), error=str(error))
        sex = None if patient.sex is None else patient.sex.value
        return PatientResult(key, result, patient.age, sex, len(lines))


def _names_a_medication(lines: list[bytes]) -> bool:
    """Whether a line may be a medication record (R4 ``medicationReference`` or R5 ``medication``).

    A cheap test on the text: a line holding ``"Medication`` (as in
    ``"MedicationRequest"``) gets the Medications; others need not parse them.
    """
    return any(b'"Medication' in line for line in lines)


#: A line keyed: its patient, type, the line itself, and why it is ignored (if it is).
Keyed = tuple[str | None, str, bytes, IgnoredInput | None]


def keyed(resource: Resource, location: Location = 0, *, strict: bool = False) -> Keyed:
    """A resource's patient key, type and NDJSON line (one line, no line break).

    A resource whose subject names no patient has no key and an :class:`IgnoredInput`
    (labelled ``Type/id``, or *location* when it has no id), or raises
    :class:`~legrules.errors.FHIRInputError` in *strict* mode.
    """
    return _keyed(resource, location, strict, defer=False)[0]


def identified(
    resource: Resource, location: Location = 0, *, strict: bool = False
) -> tuple[Keyed, tuple[str, ...]]:
    """:func:`keyed`, with the identifiers a bulk runner matches (``system|value``).

    A Patient's own identifiers; or, for a resource whose subject is an identifier
    only, that identifier: the resource is keyed as ignored (no Patient named on its
    own) until a runner matches it to the one Patient carrying it, and *strict* raises
    only when none does (see ``legrules.population.matching``).
    """
    return _keyed(resource, location, strict, defer=True)


def _keyed(
    resource: Resource, location: Location, strict: bool, defer: bool
) -> tuple[Keyed, tuple[str, ...]]:
    if isinstance(resource, bytes | str):
        line = (resource.encode() if isinstance(resource, str) else resource).strip()
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError:
            return (None, UNREADABLE, line, None), ()
    else:
        data = resource
        line = orjson.dumps(resource)
    if data.__class__ is not dict:
        return (None, UNREADABLE, line, None), ()
    rtype = data.get("resourceType")
    found = subject_of(data)
    if isinstance(found, Unresolved):
        named = _subject_identifier(data) if defer else ()
        where, reason = not_tied(data, location, found, strict=strict and not named)
        return (None, str(rtype), line, IgnoredInput(where, reason)), named
    names: tuple[str, ...] = ()
    if defer and rtype == "Patient" and found is not None and "identifier" in data:
        names = tuple(identifier_names(data["identifier"]))
    return (found, rtype if rtype.__class__ is str else UNREADABLE, line, None), names


def _subject_identifier(data: dict[str, Any]) -> tuple[str, ...]:
    """The identifier of a subject that is an identifier only (no ``reference``)."""
    element = subject_element(data)
    ref = None if element is None else element[1]
    if not isinstance(ref, dict) or "reference" in ref or "identifier" not in ref:
        return ()
    return tuple(identifier_names(ref["identifier"]))[:1]


class _Aside:
    """What a partition sets aside: Medications for its patients, counts, ignored ones."""

    def __init__(self) -> None:
        self.medications: list[bytes] = []
        self.counts: Counter[str] = Counter()
        self.ignored: list[IgnoredInput] = []

    def add(self, rtype: str, line: bytes, ignored: IgnoredInput | None) -> None:
        """Keep a Medication for the patients that name it; count anything else."""
        if rtype == "Medication" and ignored is None:
            self.medications.append(line)
            return
        self.counts[rtype] += 1
        if ignored is not None:
            self.ignored.append(ignored)

    def report(self) -> Iterator[Unassigned]:
        """One :class:`Unassigned` when anything belonged to no patient."""
        if self.counts:
            ignored = sorted(self.ignored, key=lambda i: (i.reference, i.reason))
            yield Unassigned(tuple(sorted(self.counts.items())), tuple(ignored))


def assess_sorted(
    resources: Iterable[Resource],
    *,
    as_of: datetime | None = None,
    ruleset: str | None = None,
    policy: Policy | Mapping[str, Any] | None = None,
    strict: bool = False,
) -> Iterator[Outcome]:
    """Assess resources sorted by patient, holding one patient at a time.

    Each patient's resources must be adjacent (resources with no patient may come
    anywhere; a Medication is known to the patients that come after it).  A patient met
    again after others raises :class:`~legrules.errors.InputError`.  Yields one
    :class:`PatientResult` per patient, then an :class:`Unassigned` if any resource
    belonged to no patient.  ``strict``: a resource whose subject names no patient
    raises :class:`~legrules.errors.FHIRInputError` instead of being listed as ignored.

    .. versionchanged:: 0.2
       ``strict``, and arguments of the wrong type raise
       :class:`~legrules.errors.InvalidValueError` naming them.
    """
    _check_arguments(resources, strict)
    return _sorted(resources, Job.of(as_of, ruleset, policy), strict)


def _sorted(resources: Iterable[Resource], job: Job, strict: bool) -> Iterator[Outcome]:
    aside = _Aside()
    done: set[str] = set()
    key: str | None = None
    lines: list[bytes] = []
    for number, resource in enumerate(resources, 1):
        this, rtype, line, ignored = keyed(resource, number, strict=strict)
        if this is None:
            aside.add(rtype, line, ignored)
            continue
        if this != key:
            if key is not None:
                yield job.assess(key, lines, aside.medications)
                done.add(key)
            if this in done:
                raise InputError(f"{this} appears again after other patients: not sorted", this)
            key, lines = this, []
        lines.append(line)
    if key is not None:
        yield job.assess(key, lines, aside.medications)
    yield from aside.report()


def assess_partition(
    resources: Iterable[Resource],
    *,
    as_of: datetime | None = None,
    ruleset: str | None = None,
    policy: Policy | Mapping[str, Any] | None = None,
    strict: bool = False,
) -> Iterator[Outcome]:
    """Assess every patient of *resources*, which hold all of their resources in any order.

    Takes :func:`assess_sorted`'s options and yields the same, patients in key order
    (each patient's resources in input order).  Holds the partition's lines in memory:
    a runner keeps partitions small.
    """
    _check_arguments(resources, strict)
    return _partition(resources, Job.of(as_of, ruleset, policy), strict)


def _partition(resources: Iterable[Resource], job: Job, strict: bool) -> Iterator[Outcome]:
    aside = _Aside()
    patients: dict[str, list[bytes]] = {}
    for number, resource in enumerate(resources, 1):
        key, rtype, line, ignored = keyed(resource, number, strict=strict)
        if key is None:
            aside.add(rtype, line, ignored)
        else:
            patients.setdefault(key, []).append(line)
    yield from assess_grouped(patients, aside.medications, job)
    yield from aside.report()


def _check_arguments(resources: object, strict: object) -> None:
    """Refuse, before anything is read, arguments no run could use."""
    if isinstance(resources, str | bytes | bytearray | dict) or not isinstance(resources, Iterable):
        raise InvalidValueError(
            f"expected an iterable of resources or NDJSON lines, got {type(resources).__name__}",
            "resources",
        )
    if not isinstance(strict, bool):
        raise InvalidValueError("strict must be True or False", "strict")


def assess_runs(
    pairs: Iterable[tuple[str, bytes]], medications: list[bytes], job: Job
) -> Iterator[PatientResult]:
    """Assess lines already keyed, each patient's adjacent: ``(key, line)`` pairs.

    The key is the runner's (a line whose subject is an identifier only is keyed to
    the Patient carrying it), so the lines are not keyed again.
    """
    for key, run in groupby(pairs, key=itemgetter(0)):
        yield job.assess(key, [line for _, line in run], medications)


def assess_grouped(
    patients: dict[str, list[bytes]], medications: list[bytes], job: Job
) -> Iterator[PatientResult]:
    """Assess patients whose lines are already gathered, in key order."""
    for key in sorted(patients):
        yield job.assess(key, patients.pop(key), medications)
