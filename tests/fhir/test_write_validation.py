"""Every Bundle the writer emits is valid FHIR: fhir.resources models and the R4 schema."""

from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

from legrules.cli import main
from legrules.errors import InvalidValueError
from legrules.fhir import transaction_bundle, validate_bundle
from legrules.fhir.write import transaction
from legrules.fhir.write.conclusions import DERIVED_FROM_TYPES
from legrules.model import Likelihood, Presentation
from tests.conftest import LIBRARY_BUNDLE_DEFAULTS
from tests.fhir.write_checks import (
    check_bundle,
    presentations,
    r4_schema,
    sample,
    schema_errors,
)
from tests.support import make, run

VERSIONS = ["R4B", "R5"]
EXAMPLE = Path(__file__).parents[2] / "examples/presentations/calf-pain-after-flight.json"


@pytest.fixture(scope="module", autouse=True)
def _schema_loaded_once() -> None:
    """Load the 3 MB R4 schema once (cached for the session) before the first test."""
    r4_schema()


@pytest.mark.parametrize("version", VERSIONS)
def test_hand_built_assessment_with_everything_validates(version: Any) -> None:
    """Red flags, scores, differentials, recommendations, withheld and ignored items."""
    check_bundle(transaction_bundle(sample(), version=version), version)


def test_the_official_schema_as_published_accepts_the_full_sample() -> None:
    """The unmodified schema (slow oneOf over every resource type) agrees with the fast check."""
    assert schema_errors(transaction_bundle(sample()), official=True) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("likelihood", list(Likelihood))
def test_every_likelihood_validates(version: Any, likelihood: Likelihood) -> None:
    """Each likelihood's RiskAssessment is valid, including indeterminate."""
    differentials = tuple(attrs.evolve(d, likelihood=likelihood) for d in sample().differentials)
    bundle = transaction_bundle(sample(differentials=differentials), version=version)
    check_bundle(bundle, version)


@pytest.mark.parametrize("version", VERSIONS)
def test_minimal_assessments_validate(version: Any) -> None:
    """An empty presentation, an anonymous one, and one with nothing to recommend."""
    for assessment in (
        run(Presentation()),
        sample(patient=None, ignored=(), recommendations=(), withheld=()),
        sample(red_flags=(), scores=(), differentials=(), unresolved=(), trace=()),
    ):
        check_bundle(transaction_bundle(assessment, version=version), version)


@pytest.mark.parametrize("version", VERSIONS)
def test_real_assessments_validate(version: Any) -> None:
    """Assess output for a few typical presentations."""
    cases = [
        make(present=["leg-pain", "dyspnea"], age=64),
        make(
            present=[("leg-swelling", "left"), "leg-pain"],
            absent=["dyspnea", "chest-pain", "hemoptysis"],
            measured={"calf-circumference-difference": (3.5, "cm"), "temperature": (38.9, "Cel")},
        ),
        make(
            measured={"brachial-pressure": (130.0, "mm[Hg]")},
            measured_sides=[("ankle-pressure", 70.0, "mm[Hg]", "right")],
            age=71,
        ),
    ]
    for presentation in cases:
        check_bundle(transaction_bundle(run(presentation), version=version), version)


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(presentations())
def test_any_presentation_gives_valid_bundles(presentation: Presentation) -> None:
    """For generated presentations, the R4B and R5 Bundles both validate."""
    result = run(presentation)
    for version in VERSIONS:
        check_bundle(transaction_bundle(result, version=version), version)  # type: ignore[arg-type]


def test_derived_from_types_match_the_fhir_models() -> None:
    """The derivedFrom targets the writer allows are those the FHIR models allow."""
    from fhir.resources.observation import Observation as R5Observation
    from fhir.resources.R4B.observation import Observation as R4BObservation

    for version, model in (("R4B", R4BObservation), ("R5", R5Observation)):
        extra = model.model_fields["derivedFrom"].json_schema_extra
        assert isinstance(extra, dict)
        assert set(DERIVED_FROM_TYPES[version]) == set(extra["enum_reference_types"])  # type: ignore[index, arg-type]


def test_the_schema_check_rejects_a_bad_code() -> None:
    """The R4 schema catches a status fhir.resources lets through (so the check can fail)."""
    bundle = copy.deepcopy(transaction_bundle(sample()))
    flag = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Flag")
    flag["status"] = "raised"
    validate_bundle(bundle)
    assert any("raised" in error for error in schema_errors(bundle))


def test_values_fhir_cannot_carry_are_input_errors_naming_the_element() -> None:
    """A rule id with a double space cannot be a FHIR code: the error has the Bundle path."""
    flags = tuple(attrs.evolve(f, id="redflag.bad  id") for f in sample().red_flags)
    with pytest.raises(InvalidValueError, match="not valid FHIR R4B") as caught:
        transaction_bundle(sample(red_flags=flags, unresolved=()))
    assert caught.value.path.startswith("$.entry[1].resource.contained[0].parameter[")
    assert caught.value.path.endswith("].valueCoding.code")


def test_a_broken_bundle_fails_validation_at_the_broken_element() -> None:
    """validate_bundle reports the JSON path of what is wrong."""
    broken = copy.deepcopy(transaction_bundle(sample()))
    del broken["entry"][3]["resource"]["subject"]
    with pytest.raises(InvalidValueError) as caught:
        validate_bundle(broken, "R4B")
    assert caught.value.path == "$.entry[3].resource.subject"


def test_a_bundle_of_the_other_version_is_an_input_error() -> None:
    """An R4B Bundle checked as R5 (RequestGroup is gone in R5) is refused, not a crash."""
    with pytest.raises(InvalidValueError, match="not valid FHIR R5"):
        validate_bundle(transaction_bundle(sample()), "R5")


def test_validation_can_be_turned_off_for_bulk_runs() -> None:
    """validate=False skips fhir.resources and gives the same Bundle."""
    assert transaction_bundle(sample(), validate=False) == transaction_bundle(sample())


def test_the_library_writes_plain_dicts_unless_asked_to_validate() -> None:
    """Validation is opt-in: the shipped default builds the Bundle without fhir.resources."""
    assert LIBRARY_BUNDLE_DEFAULTS["validate"] is False


def test_validate_true_checks_the_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    """validate=True hands the Bundle to validate_bundle; validate=False does not."""
    checked: list[str] = []
    monkeypatch.setattr(transaction, "validate_bundle", lambda _, version: checked.append(version))
    transaction_bundle(sample(), validate=False)
    assert checked == []
    transaction_bundle(sample(), version="R5", validate=True)
    assert checked == ["R5"]


def test_fhir_strict_validates_the_written_bundles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Legrules assess --format fhir --fhir-strict validates each Bundle it writes."""
    checked: list[str] = []
    monkeypatch.setattr(transaction, "validate_bundle", lambda _, version: checked.append(version))
    monkeypatch.setitem(transaction_bundle.__kwdefaults__ or {}, "validate", False)
    args = ["assess", str(EXAMPLE), "--format", "fhir", "--as-of", "2026-11-20T10:00:00Z"]
    assert main(args, stdout=io.StringIO(), stderr=io.StringIO()) == 0
    assert checked == []
    assert main([*args, "--fhir-strict"], stdout=io.StringIO(), stderr=io.StringIO()) == 0
    assert checked == ["R4B"]
