"""Posting captured symptoms to an EHR: safe to repeat, never overwrites the patient."""

from __future__ import annotations

from fhir.resources.R4B.bundle import Bundle as BundleR4B

from legrules.fhir.canonical import identifier_system
from legrules.fhir.capture import presentation_bundle
from legrules.model import Patient, Presentation, Sex
from tests.support import make


def _captured(patient: Patient) -> Presentation:
    base = make(present=["leg-pain", ("leg-swelling", "left")], absent=["fever"])
    return Presentation(patient=patient, findings=base.findings, measurements=base.measurements)


def test_transaction_never_writes_a_known_patient() -> None:
    """A patient with an id is referenced, not PUT: the EHR's record is left intact."""
    bundle = presentation_bundle(
        _captured(Patient(id="p1", sex=Sex.FEMALE)), bundle_type="transaction"
    )
    types = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert "Patient" not in types
    assert all(e["resource"]["subject"] == {"reference": "Patient/p1"} for e in bundle["entry"])
    assert all(e["request"]["method"] == "POST" for e in bundle["entry"])


def test_observations_are_created_conditionally_on_a_content_identifier() -> None:
    """Each Observation has a deterministic identifier and an ifNoneExist on it."""
    bundle = presentation_bundle(_captured(Patient(id="p1")), bundle_type="transaction")
    system = identifier_system()
    for entry in bundle["entry"]:
        (identifier,) = entry["resource"]["identifier"]
        assert identifier["system"] == system
        assert entry["request"]["ifNoneExist"] == f"identifier={system}|{identifier['value']}"
    values = [e["resource"]["identifier"][0]["value"] for e in bundle["entry"]]
    assert len(set(values)) == len(values)


def test_posting_the_same_capture_twice_gives_the_same_conditions() -> None:
    """The same capture yields byte-identical requests, so a re-post creates nothing."""
    presentation = _captured(Patient(id="p1"))
    first = presentation_bundle(presentation, bundle_type="transaction")
    second = presentation_bundle(presentation, bundle_type="transaction")
    assert first == second


def test_anonymous_patient_is_created_conditionally() -> None:
    """A patient without an id is created once, on a deterministic identifier."""
    bundle = presentation_bundle(_captured(Patient(sex=Sex.MALE)), bundle_type="transaction")
    (patient,) = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert patient["request"]["ifNoneExist"].startswith(f"identifier={identifier_system()}|")
    BundleR4B.model_validate(bundle)


def test_collection_keeps_the_patient_for_round_trips() -> None:
    """A collection Bundle still carries the Patient (gender) for reading back."""
    bundle = presentation_bundle(_captured(Patient(id="p1", sex=Sex.FEMALE)))
    assert bundle["entry"][0]["resource"] == {
        "resourceType": "Patient",
        "id": "p1",
        "gender": "female",
    }
