"""Builders shared by the tests: terse presentations and a fixed assessment instant."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from legrules import Assessment, Presentation, assess
from legrules.model import Finding, Laterality, Measurement, Patient, Presence, Sex

#: The instant every test assesses at, unless it says otherwise.
AS_OF = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

Side = Laterality | str | None


def _side(side: Side) -> Laterality | None:
    return Laterality(side) if isinstance(side, str) else side


def _items(spec: Iterable[str | tuple[str, Side]]) -> list[tuple[str, Laterality | None]]:
    return [(s, None) if isinstance(s, str) else (s[0], _side(s[1])) for s in spec]


def make(
    *,
    present: Iterable[str | tuple[str, Side]] = (),
    absent: Iterable[str | tuple[str, Side]] = (),
    measured: Mapping[str, tuple[float, str]] | None = None,
    measured_sides: Iterable[tuple[str, float, str, Side]] = (),
    age: int | None = None,
    sex: str | None = None,
    **extra: Any,
) -> Presentation:
    """A presentation from terse lists; ``("leg-pain", "left")`` gives a side."""
    findings = [Finding(i, Presence.PRESENT, s) for i, s in _items(present)]
    findings += [Finding(i, Presence.ABSENT, s) for i, s in _items(absent)]
    measurements = [Measurement(i, v, u) for i, (v, u) in (measured or {}).items()]
    measurements += [Measurement(i, v, u, _side(s)) for i, v, u, s in measured_sides]
    patient = Patient(age=age, sex=Sex(sex) if sex else None)
    return Presentation(patient=patient, findings=findings, measurements=measurements, **extra)


def run(presentation: Presentation, **options: Any) -> Assessment:
    """Assess *presentation* at :data:`AS_OF` unless ``as_of`` is given."""
    options.setdefault("as_of", AS_OF)
    return assess(presentation, **options)


def run_2026_11(presentation: Presentation, **options: Any) -> Assessment:
    """Assess with rule set 2026.11, for tests written from rules.md sections 2-5."""
    options.setdefault("ruleset", "2026.11")
    return run(presentation, **options)
