"""The checks a finding or measurement must pass: one piece of code for every caller.

The attrs validators of :class:`~legrules.model.presentation.Finding` and
:class:`~legrules.model.presentation.Measurement` are thin adapters over these
functions, and readers that check each element as they read it (the FHIR reader) call
the same functions and tables, then build the objects without running the validators
a second time.  Keeping the checks here means the two can never drift apart.

Every check raises the same typed error, with the same message and path, whoever calls
it: :class:`~legrules.errors.UnknownConceptError` for an id not in the vocabulary,
:class:`~legrules.errors.InvalidValueError` for a wrong kind, type or laterality,
:class:`~legrules.errors.UnitError` for a unit the concept does not accept and
:class:`~legrules.errors.ImplausibleValueError` for a value outside the plausible range.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType

from legrules.errors import ImplausibleValueError, InvalidValueError
from legrules.model.vocabulary import VOCABULARY, Kind, concept

__all__ = [
    "KINDS",
    "LATERAL",
    "RANGES",
    "check_aware",
    "check_finding",
    "check_finding_id",
    "check_finite",
    "check_laterality",
    "check_measurement",
    "check_measurement_id",
    "check_plausible",
    "check_text",
    "plausible_range",
]

#: The kind of every concept, by id (a plain look-up for the common case).
KINDS: Mapping[str, Kind] = MappingProxyType({cid: c.kind for cid, c in VOCABULARY.items()})

#: The ids of the concepts that take a laterality.
LATERAL: frozenset[str] = frozenset(cid for cid, c in VOCABULARY.items() if c.lateral)


def _ranges() -> dict[tuple[str, str], tuple[float, float]]:
    return {
        (cid, unit): spec.range_in(unit)
        for cid, spec in VOCABULARY.items()
        if spec.kind is Kind.QUANTITY
        for unit in spec.accepted_units()
    }


#: The plausible range of every quantity concept in every unit it accepts, keyed by
#: ``(concept id, unit)``: a pair that is missing is a unit the concept does not accept.
#: Worked out once (the vocabulary and the unit tables never change; a few hundred pairs).
RANGES: Mapping[tuple[str, str], tuple[float, float]] = MappingProxyType(_ranges())

_LARGEST = sys.float_info.max


def check_text(value: object, name: str) -> None:
    """A non-empty string, or ``None``."""
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise InvalidValueError("must be a non-empty string", name)


def check_aware(value: datetime | None, name: str) -> None:
    """A date-time with a time-zone offset, or ``None``."""
    if value is not None and (value.tzinfo is not UTC) and value.utcoffset() is None:
        raise InvalidValueError(
            "a date-time must include a time-zone offset (e.g. 2026-11-20T09:30:00+00:00)", name
        )


def check_finding_id(value: str, name: str = "id") -> None:
    """The id of a boolean concept (``UnknownConceptError`` for an id not in the vocabulary)."""
    if value.__class__ is str and KINDS.get(value) is Kind.BOOLEAN:
        return
    if concept(value).kind is not Kind.BOOLEAN:
        raise InvalidValueError(
            f"{value!r} is a measurement; state it in 'measurements' with a value and unit", name
        )


def check_measurement_id(value: str, name: str = "id") -> None:
    """The id of a quantity concept (``UnknownConceptError`` for an id not in the vocabulary)."""
    if value.__class__ is str and KINDS.get(value) is Kind.QUANTITY:
        return
    if concept(value).kind is not Kind.QUANTITY:
        raise InvalidValueError(
            f"{value!r} is a finding; state it in 'findings' as present, absent or unknown", name
        )


def check_laterality(cid: str, value: object) -> None:
    """No laterality unless concept *cid* takes one."""
    if value is not None and cid not in LATERAL and not concept(cid).lateral:
        raise InvalidValueError(f"{cid!r} does not take a laterality", "laterality")


def check_finite(value: float, name: str = "value") -> None:
    """A finite number (not a boolean, not NaN, not infinite)."""
    if value.__class__ is not float and (
        isinstance(value, bool) or not isinstance(value, int | float)
    ):
        raise InvalidValueError("must be a number", name)
    if not -_LARGEST <= value <= _LARGEST:  # math.isfinite overflows on a huge int
        raise InvalidValueError("must be a finite number", name)


def plausible_range(cid: str, unit: str) -> tuple[float, float]:
    """The plausible range of quantity *cid* in *unit* (``UnitError`` for another unit)."""
    found = RANGES.get((cid, unit))
    if found is None:
        spec = concept(cid)
        spec.to_canonical(1.0, unit)  # raises UnitError for a unit it lacks
        found = spec.range_in(unit)  # pragma: no cover - every accepted unit is in RANGES
    return found


def check_plausible(cid: str, value: float, unit: str) -> None:
    """A UCUM unit string *cid* accepts, and *value* in it within the plausible range."""
    if unit.__class__ is not str and not isinstance(unit, str):
        raise InvalidValueError("must be a UCUM unit string", "unit")
    low, high = RANGES.get((cid, unit)) or plausible_range(cid, unit)
    if not low <= value <= high:
        raise ImplausibleValueError(
            f"{cid} of {value:g} {unit} is outside the plausible range {low:g} to {high:g} {unit}",
            "value",
        )


def check_finding(cid: str, laterality: object, effective: datetime | None) -> None:
    """What a Finding's validators check, state aside (an enum member by construction)."""
    check_finding_id(cid)
    check_laterality(cid, laterality)
    check_aware(effective, "effective")


def check_measurement(
    cid: str, value: float, unit: str, laterality: object, effective: datetime | None
) -> None:
    """What a Measurement's validators check, in the same order."""
    check_measurement_id(cid)
    check_finite(value)
    check_plausible(cid, value, unit)
    check_laterality(cid, laterality)
    check_aware(effective, "effective")
