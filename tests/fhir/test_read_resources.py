"""Patients, Conditions, medications, FHIR versions and strict mode."""

from __future__ import annotations

from typing import Any

import pytest

from legrules import FHIRInputError, Presence, Sex
from legrules.fhir.codes import RXNORM
from tests.fhir.conftest import OWN, SNOMED, coded, obs, read

ATC = "http://www.whocc.no/atc"


def patient(**extra: Any) -> dict[str, Any]:
    return {"resourceType": "Patient", "id": "p1", **extra}


def condition(
    code: str, clinical: str | None = "active", verification: str | None = None
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "id": "c1",
        "code": coded(SNOMED, code),
        "subject": {"reference": "Patient/p1"},
        "recordedDate": "2024-05-01",
    }
    if clinical:
        resource["clinicalStatus"] = coded(
            "http://terminology.hl7.org/CodeSystem/condition-clinical", clinical
        )
    if verification:
        resource["verificationStatus"] = coded(
            "http://terminology.hl7.org/CodeSystem/condition-ver-status", verification
        )
    return resource


def statement(status: str = "active", **drug: Any) -> dict[str, Any]:
    drug = drug or {"medicationCodeableConcept": coded(ATC, "C10AA05")}
    return {
        "resourceType": "MedicationStatement",
        "id": "m1",
        "status": status,
        "subject": {"reference": "Patient/p1"},
        **drug,
    }


def findings(*resources: dict[str, Any], **options: Any) -> list[tuple[str, Presence]]:
    return [(f.id, f.state) for f in read(*resources, **options).presentation.findings]


@pytest.mark.parametrize(("born", "age"), [("1966-11-20", 60), ("1966-11-21", 59), ("1966-10", 60)])
def test_patient_age_is_whole_years_at_as_of(born: str, age: int) -> None:
    """BirthDate gives the age at as_of, also from a month when every day agrees."""
    assert read(patient(birthDate=born)).presentation.patient.age == age


def test_an_ambiguous_partial_birth_date_leaves_age_unknown() -> None:
    """A birth year that allows two ages gives no age and a warning, never a guess."""
    result = read(patient(birthDate="1966"))
    assert result.presentation.patient.age is None
    assert any("age left unknown" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("born", "reason"),
    [
        ("2030-01-01", "birthDate 2030-01-01 is after as_of; age unknown"),
        ("1966", "birthDate 1966 gives an age of 59 or 60 at as_of; age left unknown"),
    ],
)
def test_a_birth_date_left_unused_is_listed_as_ignored_with_the_reason(
    born: str, reason: str
) -> None:
    """A birthDate the reader cannot use is not dropped silently: it is an ignored input."""
    result = read(patient(birthDate=born))
    assert result.presentation.patient.age is None
    assert ("Patient/p1", reason) in [(i.reference, i.reason) for i in result.ignored]
    assert result.presentation.ignored == result.ignored


def test_patient_gender_is_the_sex_and_id_is_kept() -> None:
    """Gender maps onto Sex; the Patient id names the presentation's patient."""
    presented = read(patient(gender="female")).presentation.patient
    assert (presented.id, presented.sex) == ("p1", Sex.FEMALE)


@pytest.mark.parametrize(
    ("extra", "element"), [({"gender": "f"}, "gender"), ({"birthDate": "1966-13-01"}, "birthDate")]
)
def test_bad_patient_elements_name_the_element(extra: dict[str, Any], element: str) -> None:
    """An unknown gender or an impossible birthDate is a typed error at that element."""
    with pytest.raises(FHIRInputError, match=f"@ Patient/p1.{element}"):
        read(patient(**extra))


def test_age_observation_at_as_of_gives_the_age() -> None:
    """LOINC 30525-0 Age in years, recorded at as_of, is the patient's age."""
    age = obs(
        "30525-0",
        "http://loinc.org",
        valueQuantity={"value": 47, "code": "a"},
        effectiveDateTime="2026-11-20T10:00:00Z",
    )
    assert read(age).presentation.patient.age == 47


def test_age_observation_from_earlier_leaves_age_unknown() -> None:
    """An age recorded before as_of may be a year short, so it is not used."""
    age = obs("30525-0", "http://loinc.org", valueQuantity={"value": 47, "code": "a"})
    result = read(age)
    assert result.presentation.patient.age is None
    assert result.warnings


@pytest.mark.parametrize("clinical", ["active", "recurrence", "relapse"])
def test_active_conditions_are_present(clinical: str) -> None:
    """An active, recurring or relapsed diabetes is diabetes present."""
    assert findings(condition("44054006", clinical)) == [("diabetes", Presence.PRESENT)]


@pytest.mark.parametrize("clinical", ["inactive", "remission", "resolved"])
def test_resolved_history_of_dvt_is_still_a_previous_dvt(clinical: str) -> None:
    """A DVT in the past is a previously documented DVT whatever its clinical status."""
    assert findings(condition("161508001", clinical)) == [("previous-dvt", Presence.PRESENT)]


def test_resolved_cancer_is_ignored_not_read_as_absent() -> None:
    """A resolved malignancy says nothing certain about active cancer now: ignored."""
    result = read(condition("363346000", "resolved"))
    assert result.presentation.findings == ()
    assert "not shown current" in result.ignored[0].reason


@pytest.mark.parametrize("verification", ["refuted", "entered-in-error"])
def test_refuted_conditions_are_ignored(verification: str) -> None:
    """Refuted and entered-in-error Conditions are listed as ignored."""
    result = read(condition("44054006", verification=verification))
    assert result.presentation.findings == ()
    assert verification in result.ignored[0].reason


def test_provisional_condition_counts_as_preliminary() -> None:
    """A provisional diagnosis counts and is marked preliminary."""
    finding = read(condition("44054006", verification="provisional")).presentation.findings[0]
    assert finding.source is not None
    assert finding.source.preliminary


def test_ex_smoker_condition_means_not_a_current_smoker() -> None:
    """SNOMED 8517006 ex-smoker asserts smoker absent."""
    assert findings(condition("8517006")) == [("smoker", Presence.ABSENT)]


@pytest.mark.parametrize(
    ("coding", "finding"),
    [
        ((ATC, "C10AA05"), "statin"),
        ((RXNORM, "83367"), "statin"),
        ((ATC, "C03CA01"), "loop-diuretic"),
        ((ATC, "C03AA03"), "thiazide-diuretic"),
        ((ATC, "C03DA01"), "potassium-sparing-diuretic"),
        ((ATC, "R03AC12"), "long-acting-beta-agonist"),
        ((ATC, "B01AF01"), "anticoagulant"),
    ],
)
def test_medication_classes_come_from_atc_prefixes_or_rxnorm(
    coding: tuple[str, str], finding: str
) -> None:
    """Each class is read from its cited ATC prefix or RxNorm ingredient."""
    assert findings(statement(medicationCodeableConcept=coded(*coding))) == [
        (finding, Presence.PRESENT)
    ]


def test_a_combination_product_gives_every_class() -> None:
    """ATC C03EB (loop diuretic with a potassium-sparing agent) gives both classes."""
    got = findings(statement(medicationCodeableConcept=coded(ATC, "C03EB01")))
    assert got == [
        ("loop-diuretic", Presence.PRESENT),
        ("potassium-sparing-diuretic", Presence.PRESENT),
    ]


def test_platelet_inhibitors_are_not_anticoagulants() -> None:
    """ATC B01AC (aspirin, clopidogrel) maps to no class and is listed as ignored."""
    result = read(statement(medicationCodeableConcept=coded(ATC, "B01AC06")))
    assert result.presentation.findings == ()
    assert "no legrules medication class" in result.ignored[0].reason


@pytest.mark.parametrize(
    "status", ["completed", "stopped", "not-taken", "intended", "entered-in-error"]
)
def test_r4_statements_not_in_current_use_are_ignored(status: str) -> None:
    """Only an active R4 MedicationStatement shows current use; the class stays unknown."""
    result = read(statement(status))
    assert result.presentation.findings == ()
    assert status in result.ignored[0].reason


def test_r5_statement_reads_the_codeable_reference() -> None:
    """R5 MedicationStatement: status recorded and medication.concept."""
    r5 = statement("recorded", medication={"concept": coded(ATC, "C10AA01")})
    assert findings(r5, version="R5") == [("statin", Presence.PRESENT)]


def test_r5_adherence_not_taking_is_ignored() -> None:
    """An R5 statement whose adherence says not taking shows no current use."""
    r5 = statement(
        "recorded",
        medication={"concept": coded(ATC, "C10AA01")},
        adherence={"code": coded("x", "not-taking")},
    )
    assert findings(r5, version="R5") == []


def test_r4_shape_in_r5_input_is_an_input_error() -> None:
    """MedicationCodeableConcept read as R5 is rejected, naming the element."""
    with pytest.raises(FHIRInputError, match=r"R4 form.* @ MedicationStatement/m1\.medication"):
        read(statement("recorded"), version="R5")


def test_r5_status_in_r4_input_is_an_input_error() -> None:
    """'recorded' is not an R4 MedicationStatement status."""
    with pytest.raises(FHIRInputError, match="status"):
        read(statement("recorded"), version="R4")


def test_medication_reference_resolves_to_a_contained_medication() -> None:
    """MedicationReference '#med' finds the contained Medication's code."""
    contained = [{"resourceType": "Medication", "id": "med", "code": coded(ATC, "B01AA03")}]
    request = statement(medicationReference={"reference": "#med"}, contained=contained)
    request.update(resourceType="MedicationRequest", intent="order")
    assert findings(request) == [("anticoagulant", Presence.PRESENT)]


def test_medication_reference_resolves_to_a_medication_in_the_bundle() -> None:
    """MedicationReference 'Medication/x' finds a Medication elsewhere in the input."""
    medication = {"resourceType": "Medication", "id": "x", "code": coded(ATC, "C03CA01")}
    assert findings(medication, statement(medicationReference={"reference": "Medication/x"})) == [
        ("loop-diuretic", Presence.PRESENT)
    ]


def test_medication_proposals_are_not_current_use() -> None:
    """A MedicationRequest with intent proposal is ignored."""
    request = statement(intent="proposal")
    request["resourceType"] = "MedicationRequest"
    assert findings(request) == []


def test_strict_mode_maps_pydantic_errors_to_the_element() -> None:
    """Strict validation names the resource and the invalid element."""
    bad = obs(valueBoolean=True, issued="not a date")
    with pytest.raises(FHIRInputError, match=r"@ Observation/o1\.issued"):
        read(bad, strict=True)


def test_strict_mode_accepts_valid_r4_and_r5_resources() -> None:
    """Valid resources pass strict validation as R4 and as R5."""
    assert findings(obs(valueBoolean=True), strict=True, version="R4") == [
        ("leg-pain", Presence.PRESENT)
    ]
    r5 = statement("recorded", medication={"concept": coded(ATC, "C10AA01")})
    assert findings(r5, strict=True, version="R5") == [("statin", Presence.PRESENT)]


def test_unread_and_unknown_resource_types_are_listed_as_ignored() -> None:
    """An Encounter or a made-up resourceType is ignored with the reason."""
    result = read(
        {"resourceType": "Encounter", "id": "e1"}, {"resourceType": "Nonsense", "id": "n1"}
    )
    assert [i.reason for i in result.ignored] == [
        "Encounter is not read by legrules",
        "Nonsense is not read by legrules",
    ]


def test_skip_mode_lists_a_malformed_resource_and_reads_the_rest() -> None:
    """With on_error='skip' a bad resource is ignored with its error, the others read."""
    result = read(obs(oid="bad", valueBoolean="yes"), obs("dyspnea", oid="good"), on_error="skip")
    assert [f.id for f in result.presentation.findings] == ["dyspnea"]
    assert result.ignored[0].reference == "Observation/bad"
    assert "valueBoolean" in result.ignored[0].reason


def test_own_codes_under_another_base_are_read() -> None:
    """Integrations publishing legrules codes under their own base are understood."""
    other = obs("leg-pain", "https://cds.example.org/fhir/CodeSystem/finding")
    assert findings(other, base="https://cds.example.org/fhir") == [("leg-pain", Presence.PRESENT)]
    assert OWN.startswith("https://legrules.org")
