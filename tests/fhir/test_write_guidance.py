"""The GuidanceResponse, its contained resources, and the recommendation requests."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from legrules.fhir import transaction_bundle
from legrules.fhir.write.transaction import FHIRVersion
from legrules.model import Assessment, Policy, RedFlagResult, Status
from tests.fhir.write_checks import one, resources, sample
from tests.support import AS_OF, make, run

RULE = "https://legrules.org/fhir/CodeSystem/rule"
FINDING = "https://legrules.org/fhir/CodeSystem/finding"


def _guidance(bundle: dict[str, Any]) -> dict[str, Any]:
    return one(bundle, "GuidanceResponse")


def _contained(resource: dict[str, Any], rid: str) -> dict[str, Any]:
    (found,) = [c for c in resource["contained"] if c["id"] == rid]
    result: dict[str, Any] = found
    return result


def _parameters(bundle: dict[str, Any], name: str) -> list[dict[str, Any]]:
    output = _contained(_guidance(bundle), "output")
    return [p for p in output["parameter"] if p["name"] == name]


def _resolved() -> Assessment:
    """The sample with its one unresolved red flag decided (not met)."""
    flags = tuple(
        attrs.evolve(f, status=Status.NOT_MET, missing=()) if f.id == "redflag.sepsis" else f
        for f in sample().red_flags
    )
    return sample(red_flags=flags, unresolved=())


def test_entries_come_in_a_fixed_order() -> None:
    """Device, GuidanceResponse, requests, Flags, Observations, RiskAssessments, Provenance."""
    kinds = [e["resource"]["resourceType"] for e in transaction_bundle(sample())["entry"]]
    assert kinds == [
        "Device",
        "GuidanceResponse",
        "RequestGroup",
        "Flag",
        "Observation",
        "Observation",
        "Observation",
        "RiskAssessment",
        "RiskAssessment",
        "RiskAssessment",
        "Provenance",
    ]


def test_module_is_the_rule_set_canonical_with_its_version() -> None:
    """The module is the rule-set Library canonical and version, in R4B and R5 alike."""
    versions: tuple[FHIRVersion, ...] = ("R4B", "R5")
    for version in versions:
        guidance = _guidance(transaction_bundle(sample(), version=version))
        assert guidance["moduleCanonical"] == "https://legrules.org/fhir/Library/legrules|2026.11"


def test_status_is_data_required_while_a_red_flag_is_unresolved() -> None:
    """An unresolved red flag makes the response data-required."""
    assert _guidance(transaction_bundle(sample()))["status"] == "data-required"


def test_data_requirements_name_the_missing_inputs_by_code() -> None:
    """Each missing input is a dataRequirement: findings by legrules code, age via Patient."""
    requirements = _guidance(transaction_bundle(sample()))["dataRequirement"]
    assert requirements == [
        {"type": "Patient", "mustSupport": ["birthDate"]},
        {
            "type": "Observation",
            "codeFilter": [
                {
                    "path": "code",
                    "code": [
                        {"system": FINDING, "code": "temperature", "display": "Body temperature"}
                    ],
                }
            ],
        },
    ]


def test_indeterminate_red_flag_counts_even_when_not_listed_as_unresolved() -> None:
    """An indeterminate red flag alone (unresolved list empty) still makes it data-required."""
    guidance = _guidance(transaction_bundle(sample(unresolved=())))
    assert guidance["status"] == "data-required"
    assert len(guidance["dataRequirement"]) == 2


def test_status_is_success_when_every_red_flag_is_decided() -> None:
    """With no unresolved red flag the response is a success without data requirements."""
    guidance = _guidance(transaction_bundle(_resolved()))
    assert guidance["status"] == "success"
    assert "dataRequirement" not in guidance


def test_real_assessment_with_unknown_findings_is_data_required() -> None:
    """Real output with unanswered red-flag questions is data-required."""
    assert _guidance(transaction_bundle(run(make(present=["leg-pain"]))))["status"] == (
        "data-required"
    )


def test_occurrence_is_the_assessment_instant() -> None:
    """The occurrence time is as_of, never the wall clock."""
    assert _guidance(transaction_bundle(sample()))["occurrenceDateTime"] == AS_OF.isoformat()


def test_ignored_inputs_are_warnings_in_a_contained_operation_outcome() -> None:
    """Each ignored input is a warning issue; evaluationMessage references it (R4B list, R5 one)."""
    r4b = _guidance(transaction_bundle(sample()))
    assert r4b["evaluationMessage"] == [{"reference": "#ignored"}]
    issues = _contained(r4b, "ignored")["issue"]
    assert issues == [
        {
            "severity": "warning",
            "code": "informational",
            "diagnostics": "ignored Observation/old: entered-in-error",
        }
    ]
    r5 = _guidance(transaction_bundle(sample(), version="R5"))
    assert r5["evaluationMessage"] == {"reference": "#ignored"}


def test_no_operation_outcome_without_ignored_inputs() -> None:
    """Nothing ignored, no evaluationMessage and no contained OperationOutcome."""
    guidance = _guidance(transaction_bundle(sample(ignored=())))
    assert "evaluationMessage" not in guidance
    assert [c["resourceType"] for c in guidance["contained"]] == ["Parameters"]


def test_output_parameters_state_rule_set_library_and_disposition() -> None:
    """The contained Parameters record rule set, legrules version and disposition."""
    bundle = transaction_bundle(sample())
    (ruleset,) = _parameters(bundle, "ruleset")
    assert ruleset["part"] == [
        {"name": "id", "valueString": "legrules"},
        {"name": "version", "valueString": "2026.11"},
    ]
    assert _parameters(bundle, "legrules-version") == [
        {"name": "legrules-version", "valueString": "0.1.0"}
    ]
    assert _parameters(bundle, "disposition")[0]["valueCode"] == "urgent"
    assert _parameters(bundle, "cds-indicator")[0]["valueCode"] == "critical"
    assert _guidance(bundle)["outputParameters"] == {"reference": "#output"}


def test_output_parameters_state_every_policy_value_used() -> None:
    """Changed policy values appear with their FHIR types."""
    policy = Policy.from_dict({"compression_min_abi": 0.9, "wells_variant": "wells-1997"})
    (values,) = _parameters(transaction_bundle(sample(policy=policy)), "policy")
    parts = {p["name"]: p for p in values["part"]}
    assert set(parts) == set(Policy.names())
    assert parts["compression_min_abi"]["valueDecimal"] == 0.9
    assert parts["wells_variant"]["valueString"] == "wells-1997"
    assert parts["age_adjusted_d_dimer"]["valueBoolean"] is True
    assert parts["not_improving_days"]["valueInteger"] == 7


def test_output_parameters_state_each_rule_version_once() -> None:
    """Every rule evaluated appears once, as a Coding with its version."""
    rules = [p["valueCoding"] for p in _parameters(transaction_bundle(sample()), "rule")]
    codes = [(c["code"], c["version"]) for c in rules]
    assert len(codes) == len(set(codes))
    assert ("redflag.sepsis", "1.1.0") in codes
    assert ("ddx.dvt", "2.0.0") in codes
    assert ("rec.d-dimer", "1.0.0") in codes


def test_real_assessment_states_every_rule_of_its_rule_set() -> None:
    """Real output: one rule parameter per traced rule, in evaluation order."""
    result = run(make(present=["leg-pain"]))
    rules = _parameters(transaction_bundle(result), "rule")
    assert [p["valueCoding"]["code"] for p in rules] == [t.rule for t in result.trace]


def test_unresolved_parameters_tie_each_red_flag_to_its_missing_inputs() -> None:
    """Which red flag needs which input survives in the unresolved parameter."""
    (unresolved,) = _parameters(transaction_bundle(sample()), "unresolved")
    flag, *missing = unresolved["part"]
    assert flag["valueCoding"] == {"system": RULE, "code": "redflag.sepsis", "version": "1.1.0"}
    assert [m["valueCoding"]["code"] for m in missing] == ["temperature", "age"]


def test_withheld_recommendations_are_noted_with_their_reason() -> None:
    """A withheld recommendation is a note on the GuidanceResponse saying why."""
    notes = [n["text"] for n in _guidance(transaction_bundle(sample()))["note"]]
    assert "Disposition: urgent." in notes
    assert (
        "Withheld rec.stretching (triggered by redflag.suspected-dvt): a red flag is met" in notes
    )


def test_request_group_has_one_action_per_recommendation() -> None:
    """One action per recommendation, coded by rule and version, with audience and triggers."""
    bundle = transaction_bundle(sample())
    group = one(bundle, "RequestGroup")
    assert (group["status"], group["intent"]) == ("active", "proposal")
    first, second = group["action"]
    assert first["code"] == [
        {"coding": [{"system": RULE, "code": "rec.same-day-assessment", "version": "1.0.0"}]}
    ]
    assert first["extension"][0]["valueCode"] == "patient"
    assert second["extension"][0]["valueCode"] == "clinician"
    assert [d["label"] for d in second["documentation"]] == ["ddx.dvt", "score.wells-dvt"]
    assert {d["type"] for d in second["documentation"]} == {"justification"}
    assert second["description"].startswith("Measure D-dimer before any anticoagulation.")
    assert "check first: renal function" in second["description"]
    guidance_entry = bundle["entry"][1]
    assert guidance_entry["resource"]["result"] == {"reference": bundle["entry"][2]["fullUrl"]}


def test_r5_writes_a_request_orchestration_with_participant_types() -> None:
    """R5 uses RequestOrchestration, result as a list, and participant types by audience."""
    bundle = transaction_bundle(sample(), version="R5")
    orchestration = one(bundle, "RequestOrchestration")
    types = [a["participant"][0]["type"] for a in orchestration["action"]]
    assert types == ["patient", "practitioner"]
    assert _guidance(bundle)["result"] == [{"reference": bundle["entry"][2]["fullUrl"]}]


@pytest.mark.parametrize("version", ["R4B", "R5"])
def test_no_requests_without_recommendations(version: FHIRVersion) -> None:
    """No recommendation, no RequestGroup/RequestOrchestration and no result."""
    bundle = transaction_bundle(sample(recommendations=()), version=version)
    assert "result" not in _guidance(bundle)
    assert resources(bundle, "RequestGroup") == resources(bundle, "RequestOrchestration") == []


def test_hand_built_red_flag_with_unknown_rule_input_is_asked_for_by_rule_code() -> None:
    """A missing input that is another rule's result is requested by its rule code."""
    flag = RedFlagResult(
        "redflag.x", "1.0.0", Status.INDETERMINATE, sample().disposition, missing=("score.x",)
    )
    guidance = _guidance(transaction_bundle(sample(red_flags=(flag,), unresolved=())))
    (requirement,) = guidance["dataRequirement"]
    assert requirement["codeFilter"][0]["code"] == [{"system": RULE, "code": "score.x"}]
