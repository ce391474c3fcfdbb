"""Observations become findings and measurements as fhir.md specifies."""

from __future__ import annotations

from datetime import timedelta

import pytest

from legrules import FHIRInputError, Laterality, Presence
from tests.fhir.conftest import LOINC, OWN, SNOMED, coded, obs, quantity, read
from tests.support import AS_OF


def state(**extra: object) -> Presence:
    findings = read(obs(**extra)).presentation.findings  # type: ignore[arg-type]
    assert len(findings) == 1
    return findings[0].state


@pytest.mark.parametrize("status", ["final", "amended", "corrected"])
def test_final_amended_and_corrected_observations_count(status: str) -> None:
    """Final, amended and corrected results are used and not marked preliminary."""
    finding = read(obs(status=status)).presentation.findings[0]
    assert finding.source is not None
    assert (finding.source.reference, finding.source.preliminary) == ("Observation/o1", False)


def test_preliminary_observation_counts_and_is_marked() -> None:
    """A preliminary result counts, and its source says it is preliminary."""
    finding = read(obs(status="preliminary")).presentation.findings[0]
    assert finding.source is not None
    assert finding.source.preliminary


@pytest.mark.parametrize("status", ["registered", "cancelled", "entered-in-error", "unknown"])
def test_invalid_statuses_are_ignored_with_the_reason(status: str) -> None:
    """Registered, cancelled, entered-in-error and unknown results are listed as ignored."""
    result = read(obs(status=status))
    assert result.presentation.findings == ()
    assert [(i.reference, i.reason) for i in result.ignored] == [
        ("Observation/o1", f"status {status}")
    ]


def test_an_unknown_status_is_an_input_error() -> None:
    """A status outside the value set names the resource and element."""
    with pytest.raises(FHIRInputError, match=r"@ Observation/o1\.status"):
        read(obs(status="done"))


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"valueBoolean": True}, Presence.PRESENT),
        ({"valueBoolean": False}, Presence.ABSENT),
        ({"valueCodeableConcept": coded(SNOMED, "52101004")}, Presence.PRESENT),
        ({"valueCodeableConcept": coded(SNOMED, "373066001")}, Presence.PRESENT),
        ({"valueCodeableConcept": coded(SNOMED, "2667000")}, Presence.ABSENT),
        ({"valueCodeableConcept": coded(SNOMED, "373067005")}, Presence.ABSENT),
        ({}, Presence.PRESENT),
        ({"dataAbsentReason": coded("x", "unknown")}, Presence.UNKNOWN),
    ],
)
def test_finding_state_follows_the_value_rules(
    extra: dict[str, object], expected: Presence
) -> None:
    """Boolean, Present/Yes/Absent/No codes, no value and dataAbsentReason map as specified."""
    assert state(**extra) is expected


def test_a_value_code_the_reader_does_not_know_is_ignored_not_guessed() -> None:
    """An unrecognised valueCodeableConcept leaves the finding unknown and says why."""
    result = read(obs(valueCodeableConcept=coded(SNOMED, "255604002")))
    assert result.presentation.findings == ()
    assert "not understood" in result.ignored[0].reason


def test_standard_snomed_code_maps_to_the_finding() -> None:
    """SNOMED 449615005 (swelling of lower leg) is leg-swelling."""
    finding = read(obs("449615005", SNOMED)).presentation.findings[0]
    assert finding.id == "leg-swelling"


@pytest.mark.parametrize(
    ("code", "side"),
    [("7771000", Laterality.LEFT), ("24028007", Laterality.RIGHT), ("51440002", Laterality.BOTH)],
)
def test_laterality_comes_from_body_site(code: str, side: Laterality) -> None:
    """BodySite left, right, or right and left gives the finding's side."""
    finding = read(obs(bodySite=coded(SNOMED, code))).presentation.findings[0]
    assert finding.laterality is side


def test_body_site_is_not_applied_to_a_finding_without_sides() -> None:
    """A side on a non-lateral finding (dyspnea) is dropped, not an error."""
    finding = read(obs("dyspnea", bodySite=coded(SNOMED, "7771000"))).presentation.findings[0]
    assert finding.laterality is None


@pytest.mark.parametrize(("unit", "value"), [("Cel", 38.4), ("[degF]", 101.12)])
def test_temperature_is_read_in_celsius_or_fahrenheit(unit: str, value: float) -> None:
    """Body temperature in Cel or [degF] is kept in its unit and converts on use."""
    measurement = read(
        obs("8310-5", LOINC, valueQuantity=quantity(value, unit))
    ).presentation.measurements[0]
    assert (measurement.id, measurement.unit) == ("temperature", unit)
    assert measurement.canonical()[0] == pytest.approx(38.4)


@pytest.mark.parametrize(
    ("code", "unit"),
    [("48065-7", "ng/mL{FEU}"), ("71427-9", "ng/mL{FEU}"), ("48066-5", "ng/mL{DDU}")],
)
def test_d_dimer_units_take_feu_or_ddu_from_the_loinc_code(code: str, unit: str) -> None:
    """A plain ng/mL D-dimer is FEU or DDU according to its LOINC code."""
    result = read(obs(code, LOINC, valueQuantity=quantity(700, "ng/mL")))
    assert result.presentation.measurements[0].unit == unit


def test_d_dimer_unit_contradicting_its_code_is_an_input_error() -> None:
    """A DDU unit on an FEU code is rejected at the unit code."""
    with pytest.raises(FHIRInputError, match=r"@ Observation/o1\.valueQuantity\.code"):
        read(obs("48065-7", LOINC, valueQuantity=quantity(700, "ng/mL{DDU}")))


def test_own_d_dimer_code_without_feu_or_ddu_is_an_input_error() -> None:
    """Legrules' d-dimer code with a bare ng/mL is ambiguous and rejected, not guessed."""
    with pytest.raises(FHIRInputError, match="not accepted"):
        read(obs("d-dimer", valueQuantity=quantity(700, "ng/mL")))


@pytest.mark.parametrize(
    ("q", "element"),
    [
        (quantity(38.0, None), "valueQuantity.code"),
        (quantity(38.0, "mg"), "valueQuantity.code"),
        (quantity(38.0, "Cel", "http://example.org/units"), "valueQuantity.system"),
        ({"unit": "Cel", "code": "Cel"}, "valueQuantity.value"),
        ({"value": "38", "code": "Cel"}, "valueQuantity.value"),
        (quantity(400.0, "Cel"), "valueQuantity.value"),
    ],
)
def test_bad_quantities_name_the_resource_and_element(q: dict[str, object], element: str) -> None:
    """A missing or unknown unit, a wrong type or an absurd value is a typed error with a path."""
    with pytest.raises(FHIRInputError) as caught:
        read(obs("8310-5", LOINC, valueQuantity=q))
    assert caught.value.path == f"Observation/o1.{element}"
    assert (caught.value.resource_type, caught.value.resource_id) == ("Observation", "o1")


def test_a_measurement_given_as_a_code_is_an_input_error() -> None:
    """A temperature needs a valueQuantity; a coded value is rejected."""
    with pytest.raises(FHIRInputError, match="valueQuantity"):
        read(obs("8310-5", LOINC, valueCodeableConcept=coded(SNOMED, "52101004")))


def test_blood_pressure_panel_components_are_read() -> None:
    """The systolic component (8480-6) of a panel (85354-9) is a systolic-bp measurement."""
    panel = obs(
        "85354-9",
        LOINC,
        component=[
            {"code": coded(LOINC, "8480-6"), "valueQuantity": quantity(88, "mm[Hg]")},
            {"code": coded(LOINC, "8462-4"), "valueQuantity": quantity(60, "mm[Hg]")},
        ],
    )
    measurements = read(panel).presentation.measurements
    assert [(m.id, m.value) for m in measurements] == [("systolic-bp", 88.0)]


def test_component_errors_name_the_component() -> None:
    """An error inside a component names its index."""
    panel = obs(
        "85354-9",
        LOINC,
        component=[{"code": coded(LOINC, "8480-6"), "valueQuantity": quantity(88, "mmHg")}],
    )
    with pytest.raises(FHIRInputError, match=r"component\[0\]\.valueQuantity\.code"):
        read(panel)


def test_observation_after_as_of_is_ignored_with_a_warning() -> None:
    """A result dated after as_of is not used, and the caller is told."""
    later = (AS_OF + timedelta(hours=1)).isoformat()
    result = read(obs(effectiveDateTime=later))
    assert result.presentation.findings == ()
    assert "after as_of" in result.ignored[0].reason
    assert any("after as_of" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("code", "system", "value", "age", "kept"),
    [
        ("8867-4", LOINC, quantity(80, "/min"), timedelta(hours=23), True),
        ("8867-4", LOINC, quantity(80, "/min"), timedelta(hours=25), False),
        ("2276-4", LOINC, quantity(80, "ng/mL"), timedelta(days=6), True),
        ("2276-4", LOINC, quantity(80, "ng/mL"), timedelta(days=8), False),
        ("leg-pain", OWN, None, timedelta(days=13), True),
        ("leg-pain", OWN, None, timedelta(days=15), False),
        ("previous-dvt", OWN, None, timedelta(days=3000), True),
    ],
)
def test_look_back_windows_follow_the_concept_category(
    code: str, system: str, value: dict[str, object] | None, age: timedelta, kept: bool
) -> None:
    """Vitals count 24 h, labs 7 days, symptoms 14 days, history without limit."""
    resource = obs(code, system, effectiveDateTime=(AS_OF - age).isoformat())
    if value:
        resource["valueQuantity"] = value
    result = read(resource)
    facts = [*result.presentation.findings, *result.presentation.measurements]
    assert bool(facts) is kept
    assert kept or "look-back" in result.ignored[0].reason


def test_look_back_windows_come_from_the_policy() -> None:
    """A longer symptom window in the policy keeps an older observation."""
    old = obs(effectiveDateTime=(AS_OF - timedelta(days=20)).isoformat())
    assert read(old, policy={"lookback_signs_days": 30}).presentation.findings


def test_every_observation_of_a_finding_is_kept_and_conflicts_are_noted() -> None:
    """Two reports at the same time that disagree are both kept, with a warning."""
    result = read(obs(oid="a", valueBoolean=True), obs(oid="b", valueBoolean=False))
    assert {f.state for f in result.presentation.findings} == {Presence.PRESENT, Presence.ABSENT}
    assert any("conflicting reports of leg-pain" in w for w in result.warnings)


def test_unmapped_observations_are_listed_as_ignored() -> None:
    """An Observation legrules has no concept for is listed with its code."""
    result = read(obs("29463-7", LOINC, valueQuantity=quantity(70, "kg")))
    assert "no legrules concept for code http://loinc.org|29463-7" in result.ignored[0].reason


def test_fullurl_labels_an_observation_without_id() -> None:
    """With no id, the Bundle entry's fullUrl is the source reference."""
    resource = obs()
    del resource["id"]
    entry = {"fullUrl": "urn:uuid:0b7e", "resource": resource}
    from legrules.fhir import read_presentation

    result = read_presentation(
        {"resourceType": "Bundle", "type": "collection", "entry": [entry]}, as_of=AS_OF
    )
    source = result.presentation.findings[0].source
    assert source is not None
    assert source.reference == "urn:uuid:0b7e"


@pytest.mark.parametrize(
    ("extra", "element"),
    [
        ({"code": "leg-pain"}, "code"),
        ({"code": {"coding": "x"}}, "code.coding"),
        ({"code": {"coding": [{"system": 5, "code": "x"}]}}, "code.coding[0].system"),
        ({"valueBoolean": "yes"}, "valueBoolean"),
        ({"effectiveDateTime": "2026-11-20T09:00:00"}, "effectiveDateTime"),
        ({"effectiveDateTime": "yesterday"}, "effectiveDateTime"),
        ({"bodySite": [1]}, "bodySite"),
    ],
)
def test_wrong_types_name_the_element(extra: dict[str, object], element: str) -> None:
    """A wrong JSON type or format for an element the reader needs is a typed error."""
    resource = obs()
    resource.update(extra)
    with pytest.raises(FHIRInputError) as caught:
        read(resource)
    assert caught.value.path == f"Observation/o1.{element}"
