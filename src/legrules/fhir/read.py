"""Read FHIR resources into presentations: the public entry points of the reader.

>>> from datetime import datetime, UTC
>>> from legrules.fhir import read_presentation
>>> bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {
...     "resourceType": "Observation", "id": "o1", "status": "final",
...     "code": {"coding": [{"system": "http://snomed.info/sct", "code": "10601006"}]},
...     "effectiveDateTime": "2026-11-20T09:00:00Z"}}]}
>>> result = read_presentation(bundle, as_of=datetime(2026, 11, 20, 10, tzinfo=UTC))
>>> [(f.id, f.state.value, f.source.reference) for f in result.presentation.findings]
[('leg-pain', 'present', 'Observation/o1')]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from itertools import chain
from typing import Any, Literal

import attrs

from legrules.errors import FHIRInputError, InputError, InvalidValueError
from legrules.fhir.canonical import DEFAULT_BASE
from legrules.fhir.clinical import read_condition, read_patient
from legrules.fhir.codes import terminology
from legrules.fhir.containers import DEFAULT_MAX_DEPTH, Item, Items, Source
from legrules.fhir.context import Collected, Settings
from legrules.fhir.elements import Resource, parse_date
from legrules.fhir.grouping import Grouping, Medications, group
from legrules.fhir.medications import read_medication
from legrules.fhir.observations import read_observation
from legrules.fhir.strict import validate
from legrules.fhir.versions import FHIRVersion, semantics
from legrules.model import IgnoredInput, Patient, Policy, Presence, Presentation

__all__ = ["ReadResult", "read_presentation", "read_presentations"]

OnError = Literal["raise", "skip"]


@attrs.frozen
class ReadResult:
    """One patient's presentation, and what the reader left out and why.

    ``ignored`` (also in ``presentation.ignored``, so the assessment trace lists it)
    names every resource not used with the reason; ``warnings`` are notes for the
    integration log (an observation dated after ``as_of``, conflicting reports, an
    age that could not be worked out exactly).
    """

    presentation: Presentation
    ignored: tuple[IgnoredInput, ...] = ()
    warnings: tuple[str, ...] = ()


@attrs.frozen
class _Options:
    settings: Settings
    version: FHIRVersion | None
    strict: bool
    on_error: OnError
    max_depth: int


def _options(
    as_of: datetime | None,
    policy: Policy | Mapping[str, Any] | None,
    version: FHIRVersion | str | None,
    extra: Mapping[str, Any],
) -> _Options:
    instant = datetime.now(UTC) if as_of is None else as_of
    if not isinstance(instant, datetime) or instant.utcoffset() is None:
        raise InvalidValueError("as_of must be a datetime with a time-zone offset", "as_of")
    try:
        parsed = None if version is None else FHIRVersion(version)
    except ValueError:
        raise InvalidValueError(
            f"unknown FHIR version {version!r}; use R4, R4B or R5", "version"
        ) from None
    on_error = extra.get("on_error", "raise")
    if on_error not in ("raise", "skip"):
        raise InvalidValueError("on_error must be 'raise' or 'skip'", "on_error")
    settings = Settings(
        instant,
        policy if isinstance(policy, Policy) else Policy.from_dict(policy or {}),
        terminology(extra.get("base", DEFAULT_BASE)),
        semantics(parsed),
    )
    return _Options(settings, parsed, bool(extra.get("strict")), on_error, extra["max_depth"])


def read_presentation(
    source: Source,
    *,
    as_of: datetime | None = None,
    policy: Policy | Mapping[str, Any] | None = None,
    strict: bool = False,
    version: FHIRVersion | str | None = None,
    on_error: OnError = "raise",
    base: str = DEFAULT_BASE,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> ReadResult:
    """Read the resources of one patient from *source* into a presentation.

    *source* is a path, a file object, ``bytes``, a parsed resource or Bundle, or a list
    of resources (see ``legrules.fhir.containers``).  ``as_of`` (default: now) is
    the instant the presentation describes: later resources are ignored and look-back
    windows (from *policy*) count back from it.  ``version`` is ``"R4"``, ``"R4B"`` or
    ``"R5"`` (default: either, per resource).  ``strict`` validates every resource with
    fhir.resources first.  ``on_error="skip"`` lists a malformed resource as ignored
    (with a warning) instead of raising.  Resources without a subject are read as the
    patient's.

    Raises:
        FHIRInputError: a resource the reader needs is malformed (path names the
            resource and element), or the input holds more than one patient.
        DocumentError: the input is not JSON or NDJSON.
    """
    options = _options(
        as_of,
        policy,
        version,
        {"strict": strict, "on_error": on_error, "base": base, "max_depth": max_depth},
    )
    medications: Medications = {}
    groups = list(group(Items(source, max_depth), "memory", medications))
    readers = _readers(medications)
    patients = [key for key, _ in groups if key is not None]
    if len(patients) > 1:
        raise FHIRInputError(
            f"the input holds {len(patients)} patients; read it with read_presentations", "$"
        )
    key = patients[0] if patients else None
    merged = [item for _, members in groups for item in members]
    result = _read_group(key, merged, options, readers)
    if patients and len(groups) > 1:
        note = "resources with no subject were read as this patient's"
        return attrs.evolve(result, warnings=(*result.warnings, note))
    return result


def read_presentations(
    source: Source,
    *,
    as_of: datetime | None = None,
    policy: Policy | Mapping[str, Any] | None = None,
    strict: bool = False,
    version: FHIRVersion | str | None = None,
    on_error: OnError = "raise",
    base: str = DEFAULT_BASE,
    max_depth: int = DEFAULT_MAX_DEPTH,
    grouping: Grouping | None = None,
) -> Iterator[ReadResult]:
    """Read *source* into one presentation per patient, lazily.

    Takes the options of :func:`read_presentation`.  ``grouping`` chooses how
    resources are gathered per patient (``legrules.fhir.grouping``): by default in
    memory for JSON documents and via a temporary file (``"spill"``) for NDJSON, which
    keeps memory bounded for inputs of any size and order; ``"contiguous"`` streams
    without disk when each patient's resources are adjacent.  Resources with no
    subject come out as a presentation of their own, with no patient id.
    """
    options = _options(
        as_of,
        policy,
        version,
        {"strict": strict, "on_error": on_error, "base": base, "max_depth": max_depth},
    )
    if grouping not in (None, "memory", "spill", "contiguous"):
        raise InvalidValueError("grouping must be 'memory', 'spill' or 'contiguous'", "grouping")
    items = Items(source, max_depth)
    stream = iter(items)
    first = next(stream, None)
    how: Grouping = grouping or ("spill" if items.ndjson else "memory")
    items.keep_raw = how == "spill"  # spilled lines are stored as read, not re-serialised
    medications: Medications = {}
    readers = _readers(medications)
    everything: Iterable[Item] = chain([] if first is None else [first], stream)
    for key, members in group(everything, how, medications):
        yield _read_group(key, members, options, readers)


Reader = Callable[[Resource, Settings, Collected], None]


def _readers(medications: Medications) -> dict[str, Reader]:
    def medication(res: Resource, settings: Settings, out: Collected) -> None:
        read_medication(res, settings, out, medications)

    return {
        "Observation": read_observation,
        "Patient": read_patient,
        "Condition": read_condition,
        "MedicationStatement": medication,
        "MedicationRequest": medication,
    }


def _read_group(
    key: str | None, items: list[Item], options: _Options, readers: dict[str, Reader]
) -> ReadResult:
    out = Collected()
    settings = options.settings
    direct = options.on_error == "raise" and not options.strict
    for item in items:
        if item.skipped is not None:
            out.ignore(item.location, item.skipped)
            out.warn(f"{item.location}: {item.skipped}")
            continue
        res = Resource(item.resource, item.location)
        reader = readers.get(res.type) if direct else None
        if reader is not None:  # the common case, without the strict and skip wrappers
            reader(res, settings, out)
        else:
            _read_one(res, readers, options, out)
    return _assemble(key, out, settings)


def _dispatch(res: Resource, readers: dict[str, Reader], options: _Options, out: Collected) -> None:
    if options.strict:
        validate(res, options.version)
    reader = readers.get(res.type)
    if reader is None:
        out.ignore(res.label, f"{res.type} is not read by legrules")
        return
    reader(res, options.settings, out)


def _read_one(res: Resource, readers: dict[str, Reader], options: _Options, out: Collected) -> None:
    if options.on_error == "raise":
        _dispatch(res, readers, options, out)
        return
    sizes = (
        len(out.findings),
        len(out.measurements),
        len(out.ignored),
        len(out.ages),
        len(out.onsets),
    )
    try:
        _dispatch(res, readers, options, out)
    except FHIRInputError as error:
        del out.findings[sizes[0] :], out.measurements[sizes[1] :], out.ignored[sizes[2] :]
        del out.ages[sizes[3] :], out.onsets[sizes[4] :]
        out.ignore(res.label, f"invalid: {error}")
        out.warn(f"{error}; resource skipped")


def _assemble(key: str | None, out: Collected, settings: Settings) -> ReadResult:
    if key is not None and not key.startswith("Patient/") and not out.saw_patient:
        return _not_a_patient(key, out, settings)
    subject = key[len("Patient/") :] if key and key.startswith("Patient/") else None
    patient_id = out.patient_id or subject
    try:
        patient = Patient(patient_id, _age(out, settings), out.sex)
    except InputError as error:
        raise FHIRInputError(error.message, f"{out.birth_label}.birthDate") from None
    _note_conflicts(out)
    onsets = sorted(out.onsets, key=lambda o: o[0] or settings.as_of)
    presentation = Presentation(
        patient=patient,
        findings=out.findings,
        measurements=out.measurements,
        onset=onsets[-1][1] if onsets else None,
        as_of=settings.as_of,
        ignored=out.ignored,
    )
    return ReadResult(presentation, tuple(out.ignored), tuple(out.warnings))


def _not_a_patient(key: str, out: Collected, settings: Settings) -> ReadResult:
    references = {f.source.reference for f in out.findings if f.source}
    references |= {m.source.reference for m in out.measurements if m.source}
    ignored = [
        *out.ignored,
        *(IgnoredInput(r, f"subject {key} is not a Patient") for r in sorted(references)),
    ]
    presentation = Presentation(as_of=settings.as_of, ignored=ignored)
    return ReadResult(presentation, tuple(ignored), tuple(out.warnings))


def _years(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _age(out: Collected, settings: Settings) -> int | None:
    """Age at ``as_of`` from birthDate (exact days only), else an age Observation."""
    day = settings.as_of.date()
    if out.birth_date is not None:
        earliest, latest = parse_date(out.birth_date)
        if earliest > day:
            out.warn(f"{out.birth_label}: birthDate {out.birth_date} is after as_of; age unknown")
            return None
        young, old = _years(latest, day), _years(earliest, day)
        if young == old:
            return young
        out.warn(
            f"{out.birth_label}: birthDate {out.birth_date} gives an age of {young} or {old} "
            "at as_of; age left unknown"
        )
        return None
    if not out.ages:
        return None
    when, value, label = max(out.ages, key=lambda a: a[0] or settings.as_of)
    if when is not None and when != settings.as_of:
        out.warn(
            f"{label}: age {value} was recorded {when.isoformat()}, not at as_of; age left unknown"
        )
        return None
    return value


def _note_conflicts(out: Collected) -> None:
    states: dict[tuple[str, Any, Any], set[Presence]] = {}
    for finding in out.findings:
        if finding.state is not Presence.UNKNOWN:
            states.setdefault((finding.id, finding.laterality, finding.effective), set()).add(
                finding.state
            )
    for (fid, side, when), seen in states.items():
        if len(seen) > 1:
            where = f" ({side.value})" if side else ""
            at = when.isoformat() if when else "an unstated time"
            out.warn(f"conflicting reports of {fid}{where} at {at}; the rules read it as present")
