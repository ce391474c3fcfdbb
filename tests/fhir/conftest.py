"""Builders for FHIR reading tests: terse Observations, Bundles and the R4 examples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from legrules.fhir import ReadResult, read_presentation
from tests.support import AS_OF

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OWN = "https://legrules.org/fhir/CodeSystem/finding"
EXAMPLES = Path(__file__).parents[2] / ".cache" / "fhir-testdata" / "r4-examples" / "package"
WHEN = "2026-11-20T09:00:00Z"

JSON = dict[str, Any]


def coded(system: str, code: str) -> JSON:
    """A CodeableConcept with one coding."""
    return {"coding": [{"system": system, "code": code}]}


def obs(
    code: str = "leg-pain",
    system: str = OWN,
    *,
    oid: str = "o1",
    status: str = "final",
    **extra: Any,
) -> JSON:
    """An Observation of *code*, final, effective an hour before AS_OF, about Patient/p1."""
    resource: JSON = {
        "resourceType": "Observation",
        "id": oid,
        "status": status,
        "code": coded(system, code),
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": WHEN,
    }
    resource.update(extra)
    return resource


def quantity(value: float, unit: str | None, system: str | None = UCUM) -> JSON:
    """A valueQuantity in UCUM."""
    result: JSON = {"value": value}
    if unit is not None:
        result["code"] = unit
    if system is not None:
        result["system"] = system
    return result


def bundle(*resources: JSON, kind: str = "collection") -> JSON:
    """A Bundle holding *resources*."""
    return {"resourceType": "Bundle", "type": kind, "entry": [{"resource": r} for r in resources]}


def read(*resources: JSON, **options: Any) -> ReadResult:
    """Read *resources* (as a Bundle) at AS_OF."""
    options.setdefault("as_of", AS_OF)
    return read_presentation(bundle(*resources), **options)
