"""assess_partition and assess_sorted: one result per patient, whatever the order."""

from __future__ import annotations

import pickle
import random
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import orjson
import pytest

from legrules.errors import FHIRInputError, InputError
from legrules.fhir import read_presentations
from legrules.population import (
    PatientResult,
    Unassigned,
    assess_partition,
    assess_sorted,
    bucket_of,
    patient_key,
)
from tests.population.conftest import AS_OF, ROOT

POPULATION = ROOT / "examples" / "data" / "population.ndjson"


def _documents(outcomes: list[PatientResult | Unassigned]) -> dict[str, object]:
    return {
        o.key: o.assessment.disposition.value if o.assessment else o.error
        for o in outcomes
        if isinstance(o, PatientResult)
    }


def test_patient_key_is_the_readers_subject() -> None:
    """The key every runner uses is the reader's: ``Patient/<id>`` without URL or history."""
    lines = POPULATION.read_bytes().splitlines()
    keys = {patient_key(orjson.loads(line)) for line in lines}
    read = read_presentations(POPULATION, as_of=AS_OF)
    assert keys == {f"Patient/{r.presentation.patient.id}" for r in read}


def test_bucket_is_crc32_of_the_key() -> None:
    """Buckets are stable across processes and machines (crc32, never hash())."""
    assert bucket_of("Patient/pop-001", 64) == 4029221962 % 64  # CRC-32 of the key


def test_partition_in_any_order_gives_the_same_results() -> None:
    """Shuffling a partition's resources changes nothing."""
    lines = POPULATION.read_bytes().splitlines()
    shuffled = lines[:]
    random.Random(3).shuffle(shuffled)
    first = list(assess_partition(lines, as_of=AS_OF))
    again = list(assess_partition(shuffled, as_of=AS_OF))
    assert _documents(first) == _documents(again)
    assert len(first) == 48


def test_sorted_stream_gives_the_partitions_results() -> None:
    """assess_sorted over input sorted by patient matches assess_partition."""
    lines = POPULATION.read_bytes().splitlines()
    ordered = sorted(lines, key=lambda line: str(patient_key(orjson.loads(line))))
    assert _documents(list(assess_sorted(ordered, as_of=AS_OF))) == _documents(
        list(assess_partition(lines, as_of=AS_OF))
    )


def test_sorted_stream_refuses_a_patient_met_twice() -> None:
    """A patient after others in assess_sorted is an input error naming the patient."""
    lines = POPULATION.read_bytes().splitlines()  # laid out by type, not by patient
    with pytest.raises(InputError, match="Patient/pop-001 appears again"):
        list(assess_sorted(lines, as_of=AS_OF))


def test_resources_of_no_patient_are_reported_last() -> None:
    """Resources without a subject and unreadable lines end in one Unassigned, by type."""
    orphan = {"resourceType": "Observation", "id": "o", "status": "final"}
    lines = [*POPULATION.read_bytes().splitlines()[:5], orjson.dumps(orphan), b'{"resourceT']
    outcomes = list(assess_partition(lines, as_of=AS_OF))
    assert outcomes[-1] == Unassigned((("(unreadable line)", 1), ("Observation", 1)))
    assert outcomes[-1].count == 2
    assert all(isinstance(o, PatientResult) for o in outcomes[:-1])


#: Subjects no bulk line can tie to a patient, each with the reason the reader gives.
UNRESOLVABLE = {
    "lower-case": ({"reference": "patient/pop-001"}, "resource types are case-sensitive"),
    "identifier": ({"identifier": {"system": "s", "value": "1"}}, "matches no Patient's"),
    "urn-uuid": ({"reference": "urn:uuid:0b5e1a5e-0000-4000-8000-000000000001"}, "names no"),
    "device": ({"reference": "Device/d1"}, "is not a Patient"),
    "malformed": ({"reference": 5}, "is a number, not a reference"),
    "bare-string": ("Patient/pop-001", "is a string, not a Reference"),
}


def _stray(name: str) -> dict[str, Any]:
    subject, _ = UNRESOLVABLE[name]
    return {"resourceType": "Observation", "id": name, "status": "final", "subject": subject}


@pytest.mark.parametrize("entry", [assess_partition, assess_sorted])
def test_a_subject_naming_no_patient_is_listed_as_ignored_as_the_reader_lists_it(
    entry: Any,
) -> None:
    """Each such resource is listed with the reader's reason; no patient is invented."""
    patients = [line for line in POPULATION.read_bytes().splitlines() if b'"Patient"' in line][:3]
    strays = [orjson.dumps(_stray(name)) for name in UNRESOLVABLE]
    outcomes = list(entry([*patients, *strays], as_of=AS_OF))
    *results, unassigned = outcomes
    assert [r.key for r in results] == ["Patient/pop-001", "Patient/pop-002", "Patient/pop-003"]
    assert isinstance(unassigned, Unassigned)
    assert unassigned.by_type == (("Observation", len(UNRESOLVABLE)),)
    (read_alone,) = [
        r
        for r in read_presentations(b"\n".join([*patients, *strays]), as_of=AS_OF)
        if r.presentation.patient.id is None
    ]
    assert unassigned.ignored == read_alone.ignored
    for item in unassigned.ignored:
        assert UNRESOLVABLE[item.reference.removeprefix("Observation/")][1] in item.reason


def test_a_subject_naming_no_patient_without_an_id_is_labelled_by_its_line() -> None:
    """With no id to name it, an ignored resource is labelled by its place in the input."""
    stray = {k: v for k, v in _stray("device").items() if k != "id"}
    (unassigned,) = assess_partition([{"resourceType": "Practitioner"}, stray], as_of=AS_OF)
    assert isinstance(unassigned, Unassigned)
    assert [i.reference for i in unassigned.ignored] == ["line 2"]


@pytest.mark.parametrize("entry", [assess_partition, assess_sorted])
def test_strict_mode_refuses_a_subject_naming_no_patient(entry: Any) -> None:
    """strict=True: a typed error naming the resource and element, as the reader raises."""
    with pytest.raises(FHIRInputError, match="case-sensitive") as raised:
        list(entry([_stray("lower-case")], as_of=AS_OF, strict=True))
    assert raised.value.path == "Observation/lower-case.subject"


def test_a_patient_the_reader_refuses_is_an_error_row_not_a_stop() -> None:
    """An impossible age makes that patient an error row; the others are assessed."""
    bad = {"resourceType": "Patient", "id": "bad", "birthDate": "1800-01-01"}
    good = {"resourceType": "Patient", "id": "good", "birthDate": "1970-01-01"}
    outcomes = list(assess_partition([bad, good], as_of=AS_OF))
    results = {o.key: o for o in outcomes if isinstance(o, PatientResult)}
    assert results["Patient/bad"].assessment is None
    assert results["Patient/bad"].error == "age 226 is outside 0-130 years @ Patient/bad.birthDate"
    assert results["Patient/good"].assessment is not None


def _count(lines: list[bytes]) -> int:
    return len(list(assess_partition(lines, as_of=AS_OF)))


def test_partition_assessment_ships_to_worker_processes() -> None:
    """The function and its results pickle: a process pool can run it."""
    lines = POPULATION.read_bytes().splitlines()
    pickle.dumps(assess_partition)
    pickle.dumps(list(assess_partition(lines[:20], as_of=AS_OF)))
    with ProcessPoolExecutor(1) as pool:
        assert pool.submit(_count, lines).result() == 48


def test_medications_reach_every_patient_that_names_one() -> None:
    """A MedicationRequest resolves a Medication found anywhere in the partition."""
    request: dict[str, Any] = {
        "resourceType": "MedicationRequest",
        "id": "rq",
        "status": "active",
        "intent": "order",
        "medicationReference": {"reference": "Medication/m1"},
        "subject": {"reference": "Patient/p1"},
        "authoredOn": "2026-10-21T10:00:00Z",
    }
    drug = {"coding": [{"system": "http://www.whocc.no/atc", "code": "B01AF01"}]}
    medication: dict[str, Any] = {"resourceType": "Medication", "id": "m1", "code": drug}

    def ignored(resources: list[dict[str, Any]]) -> list[str]:
        (result, *_) = assess_partition(resources, as_of=AS_OF)
        assert isinstance(result, PatientResult)
        assert result.assessment is not None
        return [i.reason for i in result.assessment.ignored]

    assert any("not found" in reason for reason in ignored([request]))
    assert not any("not found" in reason for reason in ignored([request, medication]))
