"""Flags, score Observations, RiskAssessments, the Device and the Provenance."""

from __future__ import annotations

from typing import Any

import pytest

from legrules import __version__
from legrules.errors import InvalidValueError
from legrules.fhir import transaction_bundle
from legrules.fhir.write.conclusions import QUALITATIVE_RISK
from legrules.model import DifferentialResult, Likelihood, RedFlagResult, Status
from tests.fhir.write_checks import ABI_LEFT, CANCER, DYSPNEA, SWELLING, one, resources, sample
from tests.support import AS_OF, make, run

RULE = "https://legrules.org/fhir/CodeSystem/rule"
RISK = "http://terminology.hl7.org/CodeSystem/risk-probability"


def _observation(bundle: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [o for o in resources(bundle, "Observation") if o["code"]["coding"][0]["code"] == code]


def test_one_active_clinical_flag_per_met_red_flag() -> None:
    """Only met red flags become Flags: active, category clinical, coded by rule and version."""
    (flag,) = resources(transaction_bundle(sample()), "Flag")
    assert flag["status"] == "active"
    assert flag["category"][0]["coding"][0]["code"] == "clinical"
    assert flag["code"]["coding"] == [
        {"system": RULE, "code": "redflag.suspected-dvt", "version": "1.0.0"}
    ]
    assert flag["subject"] == {"reference": "Patient/pat-1"}
    assert flag["period"] == {"start": AS_OF.isoformat()}


def test_flag_points_at_the_observations_behind_it() -> None:
    """The flag-detail extension references each literal input behind the red flag."""
    (flag,) = resources(transaction_bundle(sample()), "Flag")
    assert flag["extension"] == [
        {
            "url": "http://hl7.org/fhir/StructureDefinition/flag-detail",
            "valueReference": {"reference": "Observation/swelling"},
        }
    ]


def test_real_assessment_flags_match_its_met_red_flags() -> None:
    """Assess output: one Flag per met red flag, none for the rest."""
    result = run(make(present=["leg-pain", "dyspnea", "leg-swelling"]))
    met = [f.id for f in result.red_flags if f.status is Status.MET]
    flags = resources(transaction_bundle(result), "Flag")
    assert met
    assert [f["code"]["coding"][0]["code"] for f in flags] == met


@pytest.mark.parametrize("likelihood", list(Likelihood))
def test_qualitative_risk_follows_the_likelihood(likelihood: Likelihood) -> None:
    """Confirmed->certain, likely->high, possible->moderate, unlikely->low, excluded->negligible."""
    expected = {
        Likelihood.CONFIRMED: "certain",
        Likelihood.LIKELY: "high",
        Likelihood.POSSIBLE: "moderate",
        Likelihood.UNLIKELY: "low",
        Likelihood.EXCLUDED: "negligible",
    }
    differential = DifferentialResult("ddx.dvt", "1.0.0", likelihood, evidence=(SWELLING,))
    risk = one(transaction_bundle(sample(differentials=(differential,))), "RiskAssessment")
    (prediction,) = risk["prediction"]
    if likelihood is Likelihood.INDETERMINATE:
        assert "qualitativeRisk" not in prediction
    else:
        coding = prediction["qualitativeRisk"]["coding"]
        assert coding == [
            {
                "system": RISK,
                "code": expected[likelihood],
                "display": QUALITATIVE_RISK[likelihood][1],
            }
        ]


def test_indeterminate_differential_names_its_missing_inputs() -> None:
    """Indeterminate: no qualitativeRisk, and a note naming what would decide it."""
    risks = resources(transaction_bundle(sample()), "RiskAssessment")
    (pad,) = [r for r in risks if r["method"]["coding"][0]["code"] == "ddx.pad-claudication"]
    assert "qualitativeRisk" not in pad["prediction"][0]
    assert "abi, tbi" in pad["note"][0]["text"]
    assert pad["note"][0]["text"].startswith("Indeterminate")


def test_risk_assessment_method_is_the_rule_and_basis_its_inputs() -> None:
    """The method is the rule with its version; basis the inputs, display-only when not FHIR."""
    risks = resources(transaction_bundle(sample()), "RiskAssessment")
    dvt, _, stress = risks
    assert dvt["method"]["coding"] == [{"system": RULE, "code": "ddx.dvt", "version": "2.0.0"}]
    assert dvt["basis"] == [{"reference": CANCER.source}, {"reference": SWELLING.source}]
    assert stress["basis"] == [{"display": DYSPNEA.source}]
    assert dvt["occurrenceDateTime"] == AS_OF.isoformat()


def test_outcome_names_the_condition_with_a_standard_code_where_listed() -> None:
    """DVT carries SNOMED 128053003 from the code table; others are named in text."""
    dvt, pad, stress = resources(transaction_bundle(sample()), "RiskAssessment")
    assert dvt["prediction"][0]["outcome"] == {
        "text": "dvt",
        "coding": [{"system": "http://snomed.info/sct", "code": "128053003"}],
    }
    assert pad["prediction"][0]["outcome"]["coding"][0]["code"] == "399957001"
    assert stress["prediction"][0]["outcome"] == {"text": "stress related"}


def test_scores_are_observations_derived_from_their_inputs() -> None:
    """A score with a value is a valueQuantity derived from its Observation inputs."""
    (wells,) = _observation(transaction_bundle(sample()), "score.wells-dvt")
    assert wells["valueQuantity"] == {"value": 2.0}
    assert wells["interpretation"] == [{"text": "likely"}]
    assert wells["code"]["coding"][0]["version"] == "1.0.0"
    assert wells["derivedFrom"] == [{"reference": "Observation/swelling"}]


def test_inputs_derivedfrom_cannot_hold_are_named_in_a_note() -> None:
    """A Condition input (not allowed in derivedFrom) is named in a note instead."""
    (wells,) = _observation(transaction_bundle(sample()), "score.wells-dvt")
    assert wells["note"] == [{"text": "Also derived from: Condition/cancer."}]


def test_score_range_is_a_value_range_with_its_missing_inputs() -> None:
    """An undetermined score is written as its possible range and what would narrow it."""
    (qsofa,) = _observation(transaction_bundle(sample()), "score.qsofa")
    assert qsofa["valueRange"] == {"low": {"value": 0.0}, "high": {"value": 2.0}}
    assert "respiratory-rate" in qsofa["note"][0]["text"]


def test_abi_is_written_per_leg_with_laterality() -> None:
    """The left ABI has bodySite Left (SNOMED 7771000); the unknown right ABI is not written."""
    (abi,) = _observation(transaction_bundle(sample()), "score.abi")
    assert abi["bodySite"]["coding"][0]["code"] == "7771000"
    assert abi["derivedFrom"] == [{"reference": ABI_LEFT.source}]
    assert abi["valueQuantity"] == {"value": 0.85}


def test_real_abi_scores_carry_their_side() -> None:
    """Assess output with pressures on both legs gives two ABI Observations, left and right."""
    pressures = [("ankle-pressure", 90.0, "mm[Hg]", side) for side in ("left", "right")]
    result = run(make(measured={"brachial-pressure": (120.0, "mm[Hg]")}, measured_sides=pressures))
    sites = [
        o["bodySite"]["coding"][0]["code"]
        for o in _observation(transaction_bundle(result), "score.abi")
    ]
    assert sorted(sites) == ["24028007", "7771000"]


def test_provenance_targets_every_resource_written() -> None:
    """Every entry but the Device and the Provenance itself is a target."""
    bundle = transaction_bundle(sample())
    written = [
        e["fullUrl"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] not in ("Device", "Provenance")
    ]
    provenance = one(bundle, "Provenance")
    assert [t["reference"] for t in provenance["target"]] == written
    assert len(written) == 9


def test_provenance_names_agent_policy_and_every_input_as_source() -> None:
    """The agent is the legrules Device; policy the rule set; one source entity per input."""
    bundle = transaction_bundle(sample())
    provenance = one(bundle, "Provenance")
    assert provenance["agent"][0]["who"] == {"reference": bundle["entry"][0]["fullUrl"]}
    assert provenance["policy"] == ["https://legrules.org/fhir/Library/legrules|2026.11"]
    entities = [(e["role"], e["what"]) for e in provenance["entity"]]
    assert entities == [
        ("source", {"reference": "Condition/cancer"}),
        ("source", {"reference": "Observation/abi-left"}),
        ("source", {"reference": "Observation/chills"}),
        ("source", {"reference": "Observation/swelling"}),
        ("source", {"display": "questionnaire/intake#q3"}),
    ]
    assert provenance["recorded"] == AS_OF.isoformat()


def test_provenance_is_put_to_its_own_deterministic_id() -> None:
    """The Provenance is written with PUT to the id in its fullUrl."""
    entry = transaction_bundle(sample())["entry"][-1]
    pid = entry["resource"]["id"]
    assert entry["request"] == {"method": "PUT", "url": f"Provenance/{pid}"}
    assert entry["fullUrl"] == f"urn:uuid:{pid}"


def test_r5_provenance_names_the_patient() -> None:
    """R5 Provenance has a patient element; it is the subject."""
    provenance = one(transaction_bundle(sample(), version="R5"), "Provenance")
    assert provenance["patient"] == {"reference": "Patient/pat-1"}


@pytest.mark.parametrize(("version", "name"), [("R4B", "deviceName"), ("R5", "name")])
def test_device_is_legrules_with_its_version(version: Any, name: str) -> None:
    """The Device names legrules and the library version that made the assessment."""
    device = one(transaction_bundle(sample(legrules_version="9.8.7"), version=version), "Device")
    assert device["version"] == [{"value": "9.8.7"}]
    assert device[name][0]["type"] == "user-friendly-name"


def test_every_resource_points_at_the_patient() -> None:
    """Subject is Patient/<assessment.patient> on every resource that has one."""
    bundle = transaction_bundle(sample())
    subjects = [e["resource"].get("subject") for e in bundle["entry"]]
    assert {str(s) for s in subjects if s} == {str({"reference": "Patient/pat-1"})}


def test_unidentified_patient_gets_a_display_only_subject() -> None:
    """No patient id: the subject is a display-only reference; the Bundle still validates."""
    bundle = transaction_bundle(sample(patient=None))
    (flag,) = resources(bundle, "Flag")
    assert flag["subject"] == {"display": "patient not identified"}
    assert "patient" not in one(
        transaction_bundle(sample(patient=None), version="R5"), "Provenance"
    )


def test_subject_can_be_given_explicitly() -> None:
    """An explicit subject reference replaces Patient/<id>."""
    bundle = transaction_bundle(sample(patient=None), subject="Patient/abc")
    assert one(bundle, "Flag")["subject"] == {"reference": "Patient/abc"}


@pytest.mark.parametrize(
    ("options", "path"),
    [
        ({"subject": "Observation/1"}, "subject"),
        ({"version": "R4"}, "version"),
        ({"base": "legrules.org"}, "base"),
    ],
)
def test_bad_options_are_input_errors(options: dict[str, Any], path: str) -> None:
    """A bad subject, version or base is an InvalidValueError naming the option."""
    with pytest.raises(InvalidValueError) as caught:
        transaction_bundle(sample(), **options)
    assert caught.value.path == path


def test_patient_id_that_is_not_a_fhir_id_is_an_input_error() -> None:
    """A patient id with characters FHIR ids cannot hold is refused, not mangled."""
    with pytest.raises(InvalidValueError, match="not a FHIR id"):
        transaction_bundle(sample(patient="MRN 12/3"))


def test_unmet_red_flags_write_no_flag() -> None:
    """Not-met and indeterminate red flags are never Flags."""
    flags = tuple(
        RedFlagResult(f.id, f.version, Status.NOT_MET, f.level) for f in sample().red_flags
    )
    assert resources(transaction_bundle(sample(red_flags=flags)), "Flag") == []


def test_device_version_falls_back_to_this_legrules() -> None:
    """A hand-built assessment that records no legrules version names the writing one."""
    device = one(transaction_bundle(sample(legrules_version="")), "Device")
    assert device["version"] == [{"value": __version__}]
