"""Every element the reader reads is type-checked, on the usual shapes and the odd ones.

The reader takes short cuts for the shapes bulk exports are made of; these cases make
sure that anything else still gets the general checks and the same errors.
"""

from __future__ import annotations

import random
from typing import Any

import orjson
import pytest

from legrules import FHIRInputError
from legrules.fhir import read_presentations
from tests.fhir.conftest import LOINC, UCUM, obs, quantity, read
from tests.support import AS_OF


@pytest.mark.parametrize(
    ("element", "value", "path"),
    [
        ("status", ["final"], "status"),
        ("status", 1, "status"),
        ("status", None, "status"),
        ("effectiveDateTime", 20261120, "effectiveDateTime"),
        ("effectiveDateTime", "2026-11-20T09:00:00", "effectiveDateTime"),
        ("effectiveDateTime", "2026-02-30T09:00:00Z", "effectiveDateTime"),
        ("code", ["leg-pain"], "code"),
        ("code", {"coding": {"code": "leg-pain"}}, "code.coding"),
        ("code", {"coding": ["leg-pain"]}, "code.coding[0]"),
        ("code", {"coding": [{"system": 7, "code": "leg-pain"}]}, "code.coding[0].system"),
        ("code", {"coding": [{"system": LOINC, "code": 8867}]}, "code.coding[0].code"),
    ],
)
def test_wrong_json_types_name_the_element(element: str, value: Any, path: str) -> None:
    """A wrong type or shape in status, effective time or code is an error at that element."""
    resource = obs()
    resource[element] = value
    with pytest.raises(FHIRInputError) as caught:
        read(resource)
    assert caught.value.path == f"Observation/o1.{path}"


@pytest.mark.parametrize(
    ("q", "path"),
    [
        ({"value": True, "code": "/min", "system": UCUM}, "valueQuantity.value"),
        ({"value": [72.0], "code": "/min", "system": UCUM}, "valueQuantity.value"),
        ({"value": 72.0, "code": 60, "system": UCUM}, "valueQuantity.code"),
        ({"value": 72.0, "code": ["/min"], "system": UCUM}, "valueQuantity.code"),
        ({"value": 72.0, "code": "/min", "system": 1}, "valueQuantity.system"),
        ({"value": 72.0, "code": "/h", "system": UCUM}, "valueQuantity.code"),
        ({"value": 1e6, "code": "/min", "system": UCUM}, "valueQuantity.value"),
        ({"value": 10**400, "code": "/min", "system": UCUM}, "valueQuantity.value"),
        ({"value": float("nan"), "code": "/min", "system": UCUM}, "valueQuantity.value"),
        ([72.0], "valueQuantity"),
        ("72 /min", "valueQuantity"),
    ],
)
def test_wrong_quantities_name_the_element(q: Any, path: str) -> None:
    """A quantity of the wrong shape, type, unit or size is an error at that element."""
    with pytest.raises(FHIRInputError) as caught:
        read(obs("8867-4", LOINC, valueQuantity=q))
    assert caught.value.path == f"Observation/o1.{path}"


@pytest.mark.parametrize("value", [72, 72.0])
def test_integer_and_decimal_values_read_alike(value: float) -> None:
    """A JSON integer and a decimal give the same measurement."""
    (reading,) = read(
        obs("8867-4", LOINC, valueQuantity=quantity(value, "/min"))
    ).presentation.measurements
    assert (reading.value, reading.unit) == (72.0, "/min")
    assert isinstance(reading.value, float)


def lines(*resources: Any) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in resources)


@pytest.mark.parametrize("grouping", ["spill", "contiguous"])
@pytest.mark.parametrize(
    "subject",
    [
        "Patient/a",
        ["Patient/a"],
        {"reference": 7},
        {"reference": ""},
        {"display": "no reference"},
    ],
)
def test_subjects_of_any_shape_are_ignored_in_the_patients_result(
    grouping: str, subject: Any
) -> None:
    """A subject that is not a Reference to a Patient is listed as ignored, not a new patient."""
    odd = obs(oid="odd")
    odd["subject"] = subject
    data = lines(obs(oid="first"), odd)
    results = list(read_presentations(data, as_of=AS_OF, grouping=grouping))  # type: ignore[arg-type]
    assert [r.presentation.patient.id for r in results] == ["p1"]
    assert [i.reference for i in results[0].ignored] == ["Observation/odd"]
    assert "not tied to a patient" in results[0].ignored[0].reason


@pytest.mark.parametrize("grouping", ["spill", "contiguous"])
def test_ndjson_lines_that_are_not_resources_are_errors_naming_the_line(grouping: str) -> None:
    """A line whose resourceType is missing or not a string is an error at that line."""
    data = lines(obs(oid="first"), {"resourceType": 5, "id": "x"})
    with pytest.raises(FHIRInputError) as caught:
        list(read_presentations(data, as_of=AS_OF, grouping=grouping))  # type: ignore[arg-type]
    assert caught.value.path == "line 2.resourceType"


CODES = ["leg-pain", "dyspnea", "leg-swelling"]


def interleaved() -> tuple[bytes, list[str]]:
    """Three patients' Observations shuffled, Patient lines amid them; patients by first line."""
    rng = random.Random(7)
    resources = [obs(oid=f"{p}-{i}", code=rng.choice(CODES)) for p in "abc" for i in range(8)]
    for resource in resources:
        resource["subject"] = {"reference": f"Patient/{resource['id'][0]}"}
    rng.shuffle(resources)
    patients = [{"resourceType": "Patient", "id": p, "gender": "female"} for p in "cab"]
    ordered = [*resources[:5], *patients, *resources[5:]]
    first = dict.fromkeys(
        r["id"][0] if r["resourceType"] == "Observation" else r["id"] for r in ordered
    )
    return lines(*ordered), list(first)


def summary(results: Any) -> list[tuple[str | None, list[str]]]:
    return [
        (r.presentation.patient.id, [f.source.reference for f in r.presentation.findings])
        for r in results
    ]


@pytest.mark.parametrize("window", [1, 600, 3000, 1 << 24])
def test_spilling_groups_an_interleaved_export_as_memory_does(
    window: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spilled runs read back patient by patient, in first-appearance and input order.

    However wide the window over which rows are gathered by patient before they are
    written: a line at a time, a few patients, or the whole input.
    """
    data, first_seen = interleaved()
    whole = list(read_presentations(data, as_of=AS_OF, grouping="spill"))
    monkeypatch.setattr("legrules.fhir.read.presentations._WINDOW_BYTES", window)
    assert list(read_presentations(data, as_of=AS_OF, grouping="spill")) == whole
    spilled = summary(whole)
    assert spilled == summary(read_presentations(data, as_of=AS_OF, grouping="memory"))
    assert [patient for patient, _ in spilled] == first_seen
    assert all(len(references) == 8 for _, references in spilled)


def test_each_warning_is_given_once_in_the_order_first_met() -> None:
    """Repeated notes (two Observations without a time, twice each) are listed once."""
    timeless = [obs(oid=oid) for oid in ("x", "y", "x", "y")]
    for resource in timeless:
        del resource["effectiveDateTime"]
    warnings = read(*timeless).warnings
    assert warnings == (
        "Observation/x has no effective time; counted as current",
        "Observation/y has no effective time; counted as current",
    )
