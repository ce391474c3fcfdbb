"""Building facts without running their validators, for values that were just checked.

Also the engine's evidence and results (:func:`evidence`, :func:`red_flag_result`,
:func:`differential_result`, :func:`score_result`), which have no validators: written
slot by slot they cost about a third less than through attrs' ``__init__``, and an
assessment builds dozens.  A test checks that each is the constructor's object to every
reader (equality, hash, repr, fields, pickle).

Internal to legrules.  Facts are built here only by a reader that has run the checks
of :mod:`legrules.model.checks` on every value as it read it (the FHIR reader checks each
element of a resource, then builds the facts of each patient here).  Running the attrs
validators again repeated those checks and cost more than building the objects; a
test re-validates with :func:`attrs.validate` every fact the reader builds here and
compares it with the same fact built by the public constructor.

The objects are written through their slots' own descriptors, which bypass the frozen
classes' ``__setattr__`` (that refuses) and cost less than ``object.__setattr__``.

Rows hold builtins only, so that a reader can store them cheaply (``marshal``): the
source as its reference and preliminary flag, enumerations as their values and the
effective time as text, which a mapping (a parsing cache) turns into the date-time.
Each fact gets a :class:`~legrules.model.presentation.Source` of its own, with no
display.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

from legrules.model.assessment import (
    DifferentialResult,
    Disposition,
    Evidence,
    Likelihood,
    RedFlagResult,
    ScoreResult,
    Status,
)
from legrules.model.presentation import (
    Finding,
    IgnoredInput,
    Laterality,
    Measurement,
    Patient,
    Presence,
    Presentation,
    Source,
)

__all__ = [
    "differential_result",
    "evidence",
    "finding",
    "findings",
    "ignored",
    "measurement",
    "measurements",
    "presentation",
    "red_flag_result",
    "score_result",
    "source",
]

#: A finding: id, state (its value), laterality (its value), source reference,
#: preliminary, effective time (as text, looked up in the *times* given).
FindingRow = tuple[str, str, str | None, str, bool, str | None]
#: A measurement: id, value, unit, laterality (its value), source reference,
#: preliminary, effective time (as text).
MeasurementRow = tuple[str, float, str, str | None, str, bool, str | None]

_STATES = {state.value: state for state in Presence}
_SIDES: dict[str | None, Laterality | None] = {side.value: side for side in Laterality}
_SIDES[None] = None

_new = object.__new__
_Set = Callable[[Any, Any], None]


def _slots(cls: type) -> tuple[_Set, ...]:
    return tuple(vars(cls)[field.name].__set__ for field in attrs.fields(cls))


_SOURCE = _slots(Source)
_FINDING = _slots(Finding)
_MEASUREMENT = _slots(Measurement)
_PRESENTATION = _slots(Presentation)
_IGNORED = _slots(IgnoredInput)
_EVIDENCE = _slots(Evidence)
_RED_FLAG = _slots(RedFlagResult)
_DIFFERENTIAL = _slots(DifferentialResult)
_SCORE = _slots(ScoreResult)


def _cached_hash(cls: type) -> _Set:
    """The slot attrs adds to a ``cache_hash`` class, which its ``__init__`` sets to ``None``.

    Found as the one slot that is neither a field nor ``__weakref__``: should attrs keep
    its cached hash otherwise, importing this module fails rather than build objects
    that hash wrongly.
    """
    fields = {field.name for field in attrs.fields(cls)}
    (extra,) = [name for name in vars(cls)["__slots__"] if name not in fields | {"__weakref__"}]
    put: _Set = vars(cls)[extra].__set__
    return put


_EVIDENCE_HASH = _cached_hash(Evidence)


def evidence(
    finding: str, value: str, laterality: Laterality | None, origin: str | None, note: str | None
) -> Evidence:
    """``Evidence(finding, value, laterality, origin, note)``, written slot by slot."""
    built = _new(Evidence)
    put_finding, put_value, put_side, put_source, put_note = _EVIDENCE
    put_finding(built, finding)
    put_value(built, value)
    put_side(built, laterality)
    put_source(built, origin)
    put_note(built, note)
    _EVIDENCE_HASH(built, None)
    return built


def red_flag_result(
    rule_id: str,
    version: str,
    status: Status,
    level: Disposition,
    cited: tuple[Evidence, ...],
    missing: tuple[str, ...],
) -> RedFlagResult:
    """``RedFlagResult(rule_id, version, status, level, cited, missing)``, slot by slot."""
    built = _new(RedFlagResult)
    put_id, put_version, put_status, put_level, put_evidence, put_missing = _RED_FLAG
    put_id(built, rule_id)
    put_version(built, version)
    put_status(built, status)
    put_level(built, level)
    put_evidence(built, cited)
    put_missing(built, missing)
    return built


def differential_result(
    rule_id: str,
    version: str,
    likelihood: Likelihood,
    level: Disposition,
    cited: tuple[Evidence, ...],
    missing: tuple[str, ...],
) -> DifferentialResult:
    """``DifferentialResult(rule_id, version, likelihood, level, cited, missing)``."""
    built = _new(DifferentialResult)
    put_id, put_version, put_likelihood, put_level, put_evidence, put_missing = _DIFFERENTIAL
    put_id(built, rule_id)
    put_version(built, version)
    put_likelihood(built, likelihood)
    put_level(built, level)
    put_evidence(built, cited)
    put_missing(built, missing)
    return built


def score_result(result: ScoreResult, cited: tuple[Evidence, ...]) -> ScoreResult:
    """*result* with evidence *cited*: ``attrs.evolve(result, evidence=cited)``, slot by slot."""
    built = _new(ScoreResult)
    (
        put_id,
        put_version,
        put_value,
        put_min,
        put_max,
        put_class,
        put_side,
        put_evidence,
        put_missing,
    ) = _SCORE
    put_id(built, result.id)
    put_version(built, result.version)
    put_value(built, result.value)
    put_min(built, result.min)
    put_max(built, result.max)
    put_class(built, result.class_)
    put_side(built, result.laterality)
    put_evidence(built, cited)
    put_missing(built, result.missing)
    return built


def source(reference: str, preliminary: bool) -> Source:
    """``Source(reference, None, preliminary)`` for a checked, non-empty *reference*."""
    built = _new(Source)
    put_reference, put_display, put_preliminary = _SOURCE
    put_reference(built, reference)
    put_display(built, None)
    put_preliminary(built, preliminary)
    return built


def finding(
    cid: str,
    state: Presence,
    laterality: Laterality | None,
    origin: Source | None,
    effective: datetime | None,
) -> Finding:
    """``Finding(cid, state, laterality, origin, effective)`` for checked values."""
    built = _new(Finding)
    put_id, put_state, put_side, put_source, put_effective = _FINDING
    put_id(built, cid)
    put_state(built, state)
    put_side(built, laterality)
    put_source(built, origin)
    put_effective(built, effective)
    return built


def measurement(
    cid: str,
    value: float,
    unit: str,
    laterality: Laterality | None,
    origin: Source | None,
    effective: datetime | None,
) -> Measurement:
    """``Measurement(cid, value, unit, laterality, origin, effective)`` for checked values."""
    built = _new(Measurement)
    put_id, put_value, put_unit, put_side, put_source, put_effective = _MEASUREMENT
    put_id(built, cid)
    put_value(built, value)
    put_unit(built, unit)
    put_side(built, laterality)
    put_source(built, origin)
    put_effective(built, effective)
    return built


def findings(rows: Iterable[FindingRow], times: Mapping[str, datetime]) -> list[Finding]:
    """The findings of checked rows, in order (one loop, no call per fact)."""
    built: list[Finding] = []
    put_id, put_state, put_side, put_source, put_effective = _FINDING
    put_reference, put_display, put_preliminary = _SOURCE
    states, sides = _STATES, _SIDES
    for cid, state, side, reference, preliminary, text in rows:
        origin = _new(Source)  # built in line: a call per fact costs more than the fact
        put_reference(origin, reference)
        put_display(origin, None)
        put_preliminary(origin, preliminary)
        fact = _new(Finding)
        put_id(fact, cid)
        put_state(fact, states[state])
        put_side(fact, sides[side])
        put_source(fact, origin)
        put_effective(fact, None if text is None else times[text])
        built.append(fact)
    return built


def measurements(
    rows: Iterable[MeasurementRow], times: Mapping[str, datetime]
) -> list[Measurement]:
    """The measurements of checked rows, in order (one loop, no call per fact)."""
    built: list[Measurement] = []
    put_id, put_value, put_unit, put_side, put_source, put_effective = _MEASUREMENT
    put_reference, put_display, put_preliminary = _SOURCE
    sides = _SIDES
    for cid, value, unit, side, reference, preliminary, text in rows:
        origin = _new(Source)  # built in line: a call per fact costs more than the fact
        put_reference(origin, reference)
        put_display(origin, None)
        put_preliminary(origin, preliminary)
        fact = _new(Measurement)
        put_id(fact, cid)
        put_value(fact, value)
        put_unit(fact, unit)
        put_side(fact, sides[side])
        put_source(fact, origin)
        put_effective(fact, None if text is None else times[text])
        built.append(fact)
    return built


def ignored(rows: Iterable[tuple[str, str]]) -> list[IgnoredInput]:
    """``IgnoredInput(reference, reason)`` of each row, in order (one loop, no call each)."""
    built: list[IgnoredInput] = []
    put_reference, put_reason = _IGNORED
    for reference, reason in rows:
        item = _new(IgnoredInput)
        put_reference(item, reference)
        put_reason(item, reason)
        built.append(item)
    return built


def presentation(
    patient: Patient,
    found: list[Finding],
    measured: list[Measurement],
    onset: datetime | None,
    as_of: datetime | None,
    ignored: tuple[IgnoredInput, ...],
) -> Presentation:
    """``Presentation(patient, found, measured, onset, as_of, ignored)``, for checked parts.

    The facts must be built here (so of the right types) and the times time-zone aware.
    """
    built = _new(Presentation)
    put_patient, put_findings, put_measurements, put_onset, put_as_of, put_ignored = _PRESENTATION
    put_patient(built, patient)
    put_findings(built, tuple(found))
    put_measurements(built, tuple(measured))
    put_onset(built, onset)
    put_as_of(built, as_of)
    put_ignored(built, ignored)
    return built
