"""Subjects are resolved as a FHIR server would; nothing is silently parted from its patient.

Reproducers of issue 10, item 1: identifier-only, ``urn:uuid:`` and ``#contained``
subjects, a lower-case ``patient/...`` and malformed subjects used to become a separate
anonymous result (and a patient's met red flag could go undetermined).
"""

from __future__ import annotations

import copy
from typing import Any

import attrs
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legrules import FHIRInputError, Presentation, assess
from legrules.fhir import ReadResult, read_presentation, read_presentations
from legrules.fhir.capture import presentation_resources
from legrules.strategies import presentations
from tests.fhir.conftest import obs
from tests.properties.test_fhir import _fresh
from tests.support import AS_OF

SERVER = "http://ehr.example/fhir"
MRN = {"system": "urn:oid:2.16.840.1.113883.19.5", "value": "12345"}
PATIENT_UUID = "urn:uuid:9d3f5bde-8c87-4c4e-9a43-0d1b1c1b2a11"


def patient() -> dict[str, Any]:
    return {"resourceType": "Patient", "id": "p1", "identifier": [MRN], "gender": "female"}


def server_bundle(*resources: dict[str, Any], patient_url: str | None = None) -> dict[str, Any]:
    """A searchset Bundle from SERVER; the Patient's fullUrl may be given."""
    entries = []
    for r in resources:
        url = f"{SERVER}/{r['resourceType']}/{r['id']}"
        if r["resourceType"] == "Patient" and patient_url is not None:
            url = patient_url
        entries.append({"fullUrl": url, "resource": r})
    return {"resourceType": "Bundle", "type": "searchset", "entry": entries}


def about(subject: Any, oid: str = "o2", code: str = "dyspnea", **extra: Any) -> dict[str, Any]:
    resource = obs(code, oid=oid, **extra)
    resource["subject"] = subject
    return resource


def both(source: Any, **options: Any) -> ReadResult:
    """Read *source* with both entry points; they must agree on one result."""
    one = read_presentation(copy.deepcopy(source), as_of=AS_OF, **options)
    (many,) = read_presentations(copy.deepcopy(source), as_of=AS_OF, **options)
    assert one == many
    return one


RESOLVED = {
    "relative": {"reference": "Patient/p1"},
    "versioned": {"reference": "Patient/p1/_history/2"},
    "absolute URL of the Bundle's server": {"reference": f"{SERVER}/Patient/p1"},
    "urn:uuid fullUrl": {"reference": PATIENT_UUID},
    "identifier only": {"identifier": MRN},
}


@pytest.mark.parametrize("name", list(RESOLVED))
def test_subjects_resolvable_in_the_bundle_are_the_patients(name: str) -> None:
    """Each spelling a server resolves puts the Observation in the patient's result."""
    url = PATIENT_UUID if "uuid" in name else None
    result = both(server_bundle(patient(), obs(), about(RESOLVED[name]), patient_url=url))
    assert result.presentation.patient.id == "p1"
    assert [f.id for f in result.presentation.findings] == ["dyspnea", "leg-pain"]
    assert result.ignored == ()


def test_a_contained_patient_is_matched_by_identifier() -> None:
    """``#p`` naming a contained Patient with the patient's identifier is the patient."""
    inner = {"resourceType": "Patient", "id": "p", "identifier": [MRN]}
    resource = about({"reference": "#p"}, contained=[inner])
    result = both(server_bundle(patient(), obs(), resource))
    assert [f.id for f in result.presentation.findings] == ["dyspnea", "leg-pain"]


def test_an_identifier_two_patients_carry_names_neither() -> None:
    """A shared identifier is not guessed: the Observation is ignored, with the reason."""
    other = {**patient(), "id": "p2"}
    results = read_presentations(
        server_bundle(patient(), other, obs(), about({"identifier": MRN})), as_of=AS_OF
    )
    ignored = [item for result in results for item in result.ignored]
    (item,) = ignored
    assert item.reference == "Observation/o2"
    assert "matches more than one Patient's identifier" in item.reason


UNRESOLVED = {
    "lower-case type": ({"reference": "patient/p1"}, "case-sensitive"),
    "number": (5, "not a Reference"),
    "array": ([], "not a Reference"),
    "empty string": ("", "not a Reference"),
    "bare string": ("Patient/p1", "not a Reference"),
    "numeric reference": ({"reference": 5}, "not a reference"),
    "display only": ({"display": "Mrs Smith"}, "names no resource"),
    "unknown identifier": ({"identifier": {"system": "urn:x", "value": "9"}}, "identifier"),
    "unknown urn:uuid": ({"reference": "urn:uuid:0b0b0b0b-0000-4000-8000-000000000000"}, "names"),
    "another server": ({"reference": "http://other.example/fhir/Patient/p1"}, "another server"),
    "a Device": ({"reference": "Device/d1"}, "not a Patient"),
    "missing contained": ({"reference": "#nope"}, "no contained resource"),
}


@pytest.mark.parametrize("name", list(UNRESOLVED))
def test_unresolvable_subjects_are_ignored_in_the_patients_result(name: str) -> None:
    """An Observation tied to no Patient is listed as ignored with the reason, never read."""
    subject, reason = UNRESOLVED[name]
    result = both(server_bundle(patient(), obs(), about(subject)))
    assert result.presentation.patient.id == "p1"
    assert [f.id for f in result.presentation.findings] == ["leg-pain"]
    (ignored,) = result.ignored
    assert ignored.reference == "Observation/o2"
    assert "not tied to a patient" in ignored.reason
    assert reason in ignored.reason


@pytest.mark.parametrize("name", list(UNRESOLVED))
def test_unresolvable_subjects_are_errors_in_strict_mode(name: str) -> None:
    """Strict mode raises a typed error naming the resource and element instead."""
    subject, _ = UNRESOLVED[name]
    with pytest.raises(FHIRInputError) as caught:
        read_presentation(server_bundle(patient(), about(subject)), as_of=AS_OF, strict=True)
    assert caught.value.path.startswith("Observation/o2.subject")


@pytest.mark.parametrize("grouping", ["spill", "contiguous"])
def test_ndjson_resolves_identifier_subjects_after_their_patient(grouping: str) -> None:
    """Streamed NDJSON matches an identifier-only subject to a Patient met before it."""
    data = b"\n".join(orjson.dumps(r) for r in (patient(), obs(), about({"identifier": MRN})))
    (result,) = read_presentations(data, as_of=AS_OF, grouping=grouping)  # type: ignore[arg-type]
    assert [f.id for f in result.presentation.findings] == ["dyspnea", "leg-pain"]


def test_several_patients_keep_unresolved_resources_apart_and_listed() -> None:
    """With two patients, an unresolvable resource comes last, only as ignored."""
    other = {"resourceType": "Patient", "id": "p2"}
    second = about({"reference": "Patient/p2"}, oid="o3")
    results = list(
        read_presentations(
            server_bundle(patient(), other, obs(), second, about({"reference": "patient/p1"})),
            as_of=AS_OF,
        )
    )
    assert [r.presentation.patient.id for r in results] == ["p1", "p2", None]
    assert results[-1].presentation.findings == ()
    assert [i.reference for i in results[-1].ignored] == ["Observation/o2"]


SPELLINGS = ["relative", "versioned", "absolute", "uuid", "identifier", "contained"]


def spelled(resource: dict[str, Any], how: str) -> dict[str, Any]:
    """*resource* with its subject spelt *how* (each names Patient/p1 of the Bundle)."""
    resource = copy.deepcopy(resource)
    reference = {
        "relative": "Patient/p1",
        "versioned": "Patient/p1/_history/7",
        "absolute": f"{SERVER}/Patient/p1",
        "uuid": PATIENT_UUID,
    }
    if how in reference:
        resource["subject"] = {"reference": reference[how]}
    elif how == "identifier":
        resource["subject"] = {"identifier": MRN, "display": "the patient"}
    else:
        resource["contained"] = [{"resourceType": "Patient", "id": "me", "identifier": [MRN]}]
        resource["subject"] = {"reference": "#me"}
    return resource


def red_flags(result: ReadResult) -> list[tuple[str, str]]:
    assessment = assess(result.presentation, as_of=AS_OF)
    return [(f.id, f.status.value) for f in assessment.red_flags]


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_subject_spellings_never_change_a_red_flag(data: st.DataObject) -> None:
    """Splitting a patient's resources across subject spellings changes no red flag."""
    p: Presentation = data.draw(presentations(as_of=AS_OF).map(_fresh))
    p = attrs.evolve(p, patient=attrs.evolve(p.patient, id="p1"))
    resources = presentation_resources(p)
    resources[0]["identifier"] = [MRN]
    baseline = read_presentation(server_bundle(*resources, patient_url=PATIENT_UUID), as_of=AS_OF)
    how = data.draw(st.lists(st.sampled_from(SPELLINGS), min_size=len(resources) - 1))
    mixed = [resources[0], *(spelled(r, h) for r, h in zip(resources[1:], how, strict=False))]
    result = both(server_bundle(*mixed, patient_url=PATIENT_UUID))
    assert result.ignored == baseline.ignored
    assert red_flags(result) == red_flags(baseline)
