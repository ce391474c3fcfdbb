"""The typed presentation: what is known about one patient's leg pain at one instant.

A presentation is a bag of facts.  Each *finding* is three-valued (present, absent,
unknown) and a finding that is simply not listed is unknown: legrules never reads
silence as absence.  *Measurements* are quantities in UCUM units, validated against the
vocabulary's plausible range on construction.  Every fact may name the *source* that
asserted it (a FHIR reference, a questionnaire, a clinician) so that the explanation
trace can say which input proved a criterion.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

import attrs

from legrules.errors import ImplausibleValueError, InputError, InvalidValueError
from legrules.model._enums import ValueEnum
from legrules.model.checks import (
    check_aware,
    check_finding_id,
    check_finite,
    check_laterality,
    check_measurement_id,
    check_plausible,
    check_text,
)
from legrules.model.vocabulary import concept

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


class Presence(ValueEnum):
    """The state of a boolean finding."""

    PRESENT = "present"
    ABSENT = "absent"
    UNKNOWN = "unknown"


class Laterality(ValueEnum):
    """Which leg a finding or measurement concerns."""

    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"

    def covers(self, side: Laterality) -> bool:
        """Whether a fact on this side says something about *side*."""
        return self is side or self is Laterality.BOTH or side is Laterality.BOTH


class Sex(ValueEnum):
    """Administrative sex, as FHIR ``Patient.gender`` records it."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


def _aware(_: object, attribute: attrs.Attribute[Any], value: datetime | None) -> None:
    check_aware(value, attribute.name)


def _text(_: object, attribute: attrs.Attribute[Any], value: str | None) -> None:
    check_text(value, attribute.name)


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
    check_finding_id(value, attribute.name)


def _measurement_id(_: object, attribute: attrs.Attribute[Any], value: str) -> None:
    check_measurement_id(value, attribute.name)


def _laterality(instance: Finding | Measurement, _: object, value: Laterality | None) -> None:
    check_laterality(instance.id, value)


@attrs.frozen
class Finding:
    """A boolean finding with its state, optional side, source and effective time."""

    id: str = attrs.field(validator=_finding_id)
    state: Presence = attrs.field(validator=attrs.validators.instance_of(Presence))
    laterality: Laterality | None = attrs.field(default=None, validator=_laterality)
    source: Source | None = None
    effective: datetime | None = attrs.field(default=None, validator=_aware)


def _finite(_: object, attribute: attrs.Attribute[Any], value: float) -> None:
    check_finite(value, attribute.name)


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
        check_plausible(self.id, self.value, unit)

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
    # Sorted: the list is hashed into written identifiers, which must not depend on the
    # order the inputs came in (str(): a hand-built value may hold another type).
    ignored = _tuple_of(IgnoredInput, items)
    return tuple(sorted(ignored, key=lambda i: (str(i.reference), str(i.reason))))


@attrs.frozen
class Presentation:
    """One patient's leg-pain presentation.

    Facts that are not listed are unknown.  ``as_of`` is the instant the facts describe
    (it defaults the assessment time); ``onset`` is when the leg symptoms began, from
    which ``onset-within-14-days`` and ``symptom-duration`` are derived when they are
    not stated.  ``ignored`` lists inputs a reader deliberately left out, so the trace
    can say so; it is kept sorted by reference and reason, whatever order it is given in.
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
        side: Laterality | str | None = None,
    ) -> Presentation:
        """Build a presentation tersely, for scripts, tests and the REPL.

        *side* is the leg that every side-specific finding and measurement concerns
        (``"left"``, ``"right"`` or ``"both"``); other facts take no side.  A
        side-specific fact stated without one cannot meet a rule that asks which leg.

        >>> p = Presentation.of(age=60, present=["leg-pain"], absent=["leg-swelling"],
        ...                     measurements={"temperature": (37.1, "Cel")}, side="left")
        >>> [(f.id, str(f.laterality)) for f in p.findings]
        [('leg-pain', 'left'), ('leg-swelling', 'left')]
        """
        try:
            leg = Laterality(side) if isinstance(side, str) else side
        except ValueError:
            message = f"side must be left, right or both, got {side!r}"
            raise InvalidValueError(message, "side") from None

        def on(cid: str) -> Laterality | None:
            return leg if leg is not None and concept(cid).lateral else None

        try:
            findings = [Finding(i, Presence.PRESENT, on(i)) for i in present]
            findings += [Finding(i, Presence.ABSENT, on(i)) for i in absent]
            quantities = [
                Measurement(i, value, unit, on(i))
                for i, (value, unit) in (measurements or {}).items()
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
