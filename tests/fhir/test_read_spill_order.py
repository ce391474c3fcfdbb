"""An export in any order prints the same assessment for every patient as it sorted.

The spill gathers an interleaved export by patient a window of lines at a time
(``legrules.fhir.read.grouping.runs``); however the lines are shuffled and however
narrow the window, each patient's JSON Lines document is byte for byte the one the
export sorted by patient gives, and patients come in order of first appearance.
"""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import orjson
import pytest

from legrules.cli import main

AS_OF_TEXT = "2026-11-20T10:00:00+00:00"
OWN = "https://legrules.org/fhir/CodeSystem/finding"
VITALS = [("8867-4", "/min", 72.0), ("8310-5", "Cel", 37.1), ("48065-7", "ng/mL", 420.0)]
FINDINGS = ["leg-pain", "dyspnea", "fever", "deep-vein-tenderness", "leg-swelling"]
WHEN = ["2026-11-20T09:00:00Z", "2026-11-19T08:00:00Z", "2025-06-01T08:00:00Z"]


def observation(patient: int, index: int) -> dict[str, Any]:
    """A vital sign or a yes/no finding of *patient*, some outside the look-back windows."""
    body: dict[str, Any] = {
        "resourceType": "Observation",
        "id": f"o{patient}-{index}",
        "status": "entered-in-error" if index == 7 else "final",
        "subject": {"reference": f"Patient/p{patient}"},
        "effectiveDateTime": WHEN[(patient + index) % len(WHEN)],
    }
    if index % 2:
        code, unit, value = VITALS[index // 2 % len(VITALS)]
        body["code"] = {"coding": [{"system": "http://loinc.org", "code": code}]}
        body["valueQuantity"] = {
            "value": value + patient * 0.1,
            "system": "http://unitsofmeasure.org",
            "code": unit,
        }
    else:
        finding = FINDINGS[index // 2 % len(FINDINGS)]
        body["code"] = {"coding": [{"system": OWN, "code": finding}]}
        body["valueBoolean"] = (patient + index) % 3 == 0
    return body


def export(patients: int) -> list[bytes]:
    """NDJSON lines sorted by patient: a Patient, then its Observations."""
    lines = []
    for p in range(patients):
        person = {"resourceType": "Patient", "id": f"p{p}", "gender": "female"}
        person["birthDate"] = f"{1950 + p}-03-01"
        lines.append(orjson.dumps(person))
        lines += [orjson.dumps(observation(p, i)) for i in range(12)]
    return lines


def assessed(tmp_path: Path, lines: list[bytes]) -> list[bytes]:
    """The CLI's JSON Lines for the export *lines*."""
    path = tmp_path / "export.ndjson"
    path.write_bytes(b"\n".join(lines) + b"\n")
    out = io.StringIO()
    code = main(["assess", str(path), "--format", "json", "--as-of", AS_OF_TEXT], stdout=out)
    assert code == 0
    return out.getvalue().encode().splitlines()


def owner(line: bytes) -> str:
    """The patient an export line is about (``p3`` for ``Patient/p3``)."""
    resource = orjson.loads(line)
    if resource["resourceType"] == "Patient":
        return str(resource["id"])
    return str(resource["subject"]["reference"]).removeprefix("Patient/")


def patient_of(document: bytes) -> str:
    """The patient an assessment document is about."""
    patient: str = orjson.loads(document)["patient"]
    return patient


@pytest.mark.parametrize("window", [1, 2_000, 1 << 24])
@pytest.mark.parametrize("seed", [1, 2])
def test_a_shuffled_export_prints_each_patient_as_the_sorted_one_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, window: int, seed: int
) -> None:
    """Shuffled lines, any window: the same bytes per patient, in first-appearance order."""
    lines = export(9)
    grouped = assessed(tmp_path, lines)
    random.Random(seed).shuffle(lines)
    monkeypatch.setattr("legrules.fhir.read.presentations._WINDOW_BYTES", window)
    shuffled = assessed(tmp_path, lines)
    first_seen = list(dict.fromkeys(owner(line) for line in lines))
    assert [patient_of(document) for document in shuffled] == first_seen
    assert sorted(shuffled, key=patient_of) == sorted(grouped, key=patient_of)
    assert len(set(grouped)) == 9
