"""The typed presentation: what is known about one patient's leg pain at one instant.

A presentation is a bag of facts.  Each *finding* is three-valued (present, absent,
unknown) and a finding that is simply not listed is unknown: legrules never reads
silence as absence.  *Measurements* are quantities in UCUM units, validated against the
vocabulary's plausible range on construction.  Every fact may name the *source* that
asserted it (a FHIR reference, a questionnaire, a clinician) so that the explanation
trace can say which input proved a criterion.
"""

from __future__ import annotations

import enum
import sys
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

import attrs

from legrules.errors import ImplausibleValueError, InputError, InvalidValueError
from legrules.model.vocabulary import VOCABULARY, Kind, concept

__all__ = [
    "Finding",
    "IgnoredInput",
    "Laterality",
    "Measurement",
    "Patient",
    "Presence",
    "Presentation",
    "Sex",
    "Source",
]


T = TypeVar("T")


class Presence(enum.Enum):
    """The state of a boolean finding."""

    PRESENT = "present"
    ABSENT = "absent"
    UNKNOWN = "unknown"


class Laterality(enum.Enum):
    """Which leg a finding or measurement concerns."""

    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"

    def covers(self, side: Laterality) -> bool:
        """Whether a fact on this side says something about *side*."""
        return self is side or self is Laterality.BOTH or side is Laterality.BOTH


class Sex(enum.Enum):
    """Administrative sex, as FHIR ``Patient.gender`` records it."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


def _aware(_: object, attribute: attrs.Attribute[Any], value: datetime | None) -> None:
    if value is not None and (value.tzinfo is not UTC) and value.utcoffset() is None:
        raise InvalidValueError(
            "a date-time must include a time-zone offset (e.g. 2026-11-20T09:30:00+00:00)",
            attribute.name,
        )


def _text(_: object, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise InvalidValueError("must be a non-empty string", attribute.name)


@attrs.frozen
class Source:
    """Where a fact came from.

    ``reference`` is a FHIR-style reference (``Observation/123``) or any stable label
    of the caller's (``questionnaire/intake-v2#q7``).  ``preliminary`` marks facts from
    preliminary results, which count but are flagged in the trace.
    """

    reference: str = attrs.field(validator=_text)
    display: str | None = attrs.field(default=None, validator=_text)
    preliminary: bool = False


@attrs.frozen
class IgnoredInput:
    """An input that was deliberately not used, and why (entered in error, too old...)."""

    reference: str
    reason: str


def _finding_id(_: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if value.__class__ is str and _KINDS.get(value) is Kind.BOOLEAN:
        return
    if concept(value).kind is not Kind.BOOLEAN:
        raise InvalidValueError(
            f"{value!r} is a measurement; state it in 'measurements' with a value and unit",
            attribute.name,
        )


# Kinds by id for the validators' fast path; concept() still raises for an unknown id.
_KINDS = {cid: spec.kind for cid, spec in VOCABULARY.items()}


def _measurement_id(_: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if value.__class__ is str and _KINDS.get(value) is Kind.QUANTITY:
        return
    if concept(value).kind is not Kind.QUANTITY:
        raise InvalidValueError(
            f"{value!r} is a finding; state it in 'findings' as present, absent or unknown",
            attribute.name,
        )


def _laterality(instance: Finding | Measurement, _: object, value: Laterality | None) -> None:
    if value is not None and not concept(instance.id).lateral:
        raise InvalidValueError(f"{instance.id!r} does not take a laterality", "laterality")


@attrs.frozen
class Finding:
    """A boolean finding with its state, optional side, source and effective time."""

    id: str = attrs.field(validator=_finding_id)
    state: Presence = attrs.field(validator=attrs.validators.instance_of(Presence))
    laterality: Laterality | None = attrs.field(default=None, validator=_laterality)
    source: Source | None = None
    effective: datetime | None = attrs.field(default=None, validator=_aware)


_LARGEST = sys.float_info.max


def _finite(_: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if value.__class__ is not float and (
        isinstance(value, bool) or not isinstance(value, int | float)
    ):
        raise InvalidValueError("must be a number", attribute.name)
    if not -_LARGEST <= value <= _LARGEST:  # math.isfinite overflows on a huge int
        raise InvalidValueError("must be a finite number", attribute.name)


# Plausible ranges by (concept, unit), worked out once per pair: the vocabulary and the
# unit tables never change, and only accepted units are stored (so at most a few hundred).
_RANGES: dict[tuple[str, str], tuple[float, float]] = {}


def _plausible(cid: str, unit: str) -> tuple[float, float]:
    """The plausible range of concept *cid* in *unit* (``UnitError`` for another unit)."""
    found = _RANGES.get((cid, unit))
    if found is None:
        spec = concept(cid)
        spec.to_canonical(1.0, unit)  # raises UnitError for a unit it lacks
        found = _RANGES[cid, unit] = spec.range_in(unit)
    return found


@attrs.frozen
class Measurement:
    """A measured quantity: ``value`` in the UCUM ``unit`` it was reported in.

    The unit must be one the concept accepts and the value, converted to the canonical
    unit, must lie in the concept's plausible range.
    """

    id: str = attrs.field(validator=_measurement_id)
    value: float = attrs.field(validator=_finite)
    unit: str = attrs.field()
    laterality: Laterality | None = attrs.field(default=None, validator=_laterality)
    source: Source | None = None
    effective: datetime | None = attrs.field(default=None, validator=_aware)

    @unit.validator
    def _check(self, _: attrs.Attribute[Any], unit: str) -> None:
        if unit.__class__ is not str and not isinstance(unit, str):
            raise InvalidValueError("must be a UCUM unit string", "unit")
        low, high = _RANGES.get((self.id, unit)) or _plausible(self.id, unit)
        if not low <= self.value <= high:
            raise ImplausibleValueError(
                f"{self.id} of {self.value:g} {unit} is outside the plausible range "
                f"{low:g} to {high:g} {unit}",
                "value",
            )

    def canonical(self) -> tuple[float, str | None]:
        """Return the value in the concept's canonical unit, and a conversion caveat."""
        return concept(self.id).to_canonical(float(self.value), self.unit)


def _age(_: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValueError("must be a whole number of years", attribute.name)
    if not 0 <= value <= 130:
        raise ImplausibleValueError(f"age {value} is outside 0-130 years", attribute.name)


@attrs.frozen
class Patient:
    """Patient context: an optional id, age in whole years and administrative sex."""

    id: str | None = attrs.field(default=None, validator=_text)
    age: int | None = attrs.field(default=None, validator=_age)
    sex: Sex | None = None


def _tuple_of(kind: type[T], items: Iterable[T]) -> tuple[T, ...]:
    result = tuple(items)
    for index, item in enumerate(result):
        if not isinstance(item, kind):
            raise InvalidValueError(
                f"expected {kind.__name__}, got {type(item).__name__}", f"[{index}]"
            )
    return result


def _findings(items: Iterable[Finding]) -> tuple[Finding, ...]:
    return _tuple_of(Finding, items)


def _measurements(items: Iterable[Measurement]) -> tuple[Measurement, ...]:
    return _tuple_of(Measurement, items)


def _ignored(items: Iterable[IgnoredInput]) -> tuple[IgnoredInput, ...]:
    return _tuple_of(IgnoredInput, items)


@attrs.frozen
class Presentation:
    """One patient's leg-pain presentation.

    Facts that are not listed are unknown.  ``as_of`` is the instant the facts describe
    (it defaults the assessment time); ``onset`` is when the leg symptoms began, from
    which ``onset-within-14-days`` and ``symptom-duration`` are derived when they are
    not stated.  ``ignored`` lists inputs a reader deliberately left out, so the trace
    can say so.
    """

    patient: Patient = attrs.field(factory=Patient)
    findings: tuple[Finding, ...] = attrs.field(default=(), converter=_findings)
    measurements: tuple[Measurement, ...] = attrs.field(default=(), converter=_measurements)
    onset: datetime | None = attrs.field(default=None, validator=_aware)
    as_of: datetime | None = attrs.field(default=None, validator=_aware)
    ignored: tuple[IgnoredInput, ...] = attrs.field(default=(), converter=_ignored)

    @classmethod
    def of(
        cls,
        *,
        age: int | None = None,
        sex: Sex | str | None = None,
        present: Iterable[str] = (),
        absent: Iterable[str] = (),
        measurements: Mapping[str, tuple[float, str]] | None = None,
        onset: datetime | None = None,
        as_of: datetime | None = None,
    ) -> Presentation:
        """Build a presentation tersely, for scripts, tests and the REPL.

        >>> p = Presentation.of(age=60, present=["leg-pain"], absent=["leg-swelling"],
        ...                     measurements={"temperature": (37.1, "Cel")})
        >>> [f.id for f in p.findings]
        ['leg-pain', 'leg-swelling']
        """
        try:
            findings = [Finding(i, Presence.PRESENT) for i in present]
            findings += [Finding(i, Presence.ABSENT) for i in absent]
            quantities = [
                Measurement(i, value, unit) for i, (value, unit) in (measurements or {}).items()
            ]
        except InputError as error:
            raise error.at("$") from None
        return cls(
            patient=Patient(age=age, sex=Sex(sex) if isinstance(sex, str) else sex),
            findings=findings,
            measurements=quantities,
            onset=onset,
            as_of=as_of,
        )
