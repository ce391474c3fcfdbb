"""Checks and builders shared by the FHIR writer tests.

``check_bundle`` is the definition of "a Bundle legrules may emit": it validates with the
fhir.resources models of its version, against the official R4 JSON Schema (R4B only),
and checks what neither validator does: every reference resolves inside the Bundle or
is a plain ``Type/id``, and points at a resource type the element allows.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import attrs
import orjson
from hypothesis import strategies as st
from jsonschema import Draft6Validator

from legrules.fhir import validate_bundle
from legrules.model import (
    VOCABULARY,
    Assessment,
    Audience,
    CriterionTrace,
    DifferentialResult,
    Disposition,
    Evidence,
    Finding,
    IgnoredInput,
    Kind,
    Laterality,
    Likelihood,
    Measurement,
    Patient,
    Policy,
    Presence,
    Presentation,
    Recommendation,
    RedFlagResult,
    RuleSetRef,
    RuleTrace,
    ScoreResult,
    Source,
    Status,
    Tri,
    Unresolved,
    Withheld,
)
from tests.support import AS_OF

SCHEMA = Path(__file__).parents[2] / ".cache/fhir-testdata/fhir-schema/package/fhir.schema.json"


@cache
def r4_schema() -> dict[str, Any]:
    """The official FHIR R4 JSON Schema (draft-06), loaded once per test session."""
    schema: dict[str, Any] = orjson.loads(SCHEMA.read_bytes())
    return schema


@cache
def _validator(resource_type: str | None) -> Draft6Validator:
    """A validator for one resource type, or the whole official schema for ``None``.

    The schema picks a resource's definition with a ``oneOf`` over all 146 of them,
    which takes seconds per Bundle.  Its ``discriminator`` says the choice is made by
    ``resourceType`` (every definition has it as a ``const``), so validating each
    embedded resource against its own definition, with nested resources checked in
    their turn, accepts exactly what the ``oneOf`` accepts, in milliseconds.
    """
    schema = r4_schema()
    if resource_type is None:
        return Draft6Validator(schema)
    nested = {"type": "object", "required": ["resourceType"]}
    definitions = {**schema["definitions"], "ResourceList": nested}
    return Draft6Validator({"$ref": f"#/definitions/{resource_type}", "definitions": definitions})


def _embedded(value: Any, path: str) -> list[tuple[str, dict[str, Any]]]:
    """Every resource inside *value* (itself included), with its JSON path."""
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(value, dict):
        if "resourceType" in value:
            found.append((path, value))
        for key, item in value.items():
            found += _embedded(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _embedded(item, f"{path}[{index}]")
    return found


def schema_errors(bundle: dict[str, Any], *, official: bool = False) -> list[str]:
    """Errors of *bundle* against the R4 schema; *official* runs its slow ``oneOf`` as is."""
    if official:
        return [e.message for e in _validator(None).iter_errors(bundle)]
    errors: list[str] = []
    for path, resource in _embedded(bundle, "$"):
        kind = resource["resourceType"]
        if kind not in r4_schema()["definitions"]:
            errors.append(f"{path}: {kind} is not an R4 resource")
            continue
        errors += [
            f"{path}.{'.'.join(map(str, e.absolute_path))}: {e.message}"
            for e in _validator(kind).iter_errors(resource)
        ]
    return errors


def _types(bundle: dict[str, Any]) -> dict[str, str]:
    """Resource type by reference target: entry fullUrls and ``#id`` of contained ones."""
    targets = {e["fullUrl"]: e["resource"]["resourceType"] for e in bundle["entry"]}
    for entry in bundle["entry"]:
        for contained in entry["resource"].get("contained", []):
            targets[f"#{contained['id']}"] = contained["resourceType"]
    return targets


def _target_type(reference: str, targets: dict[str, str]) -> str:
    if reference.startswith(("urn:", "#")):
        assert reference in targets, f"{reference} does not resolve inside the Bundle"
        return targets[reference]
    if "?" in reference:  # a conditional reference (Type?search), as split parts hold
        kind, _, search = reference.partition("?")
        assert kind.isalpha(), f"{reference} is not Type?search"
        assert search, f"{reference} is not Type?search"
        return kind
    kind, _, ident = reference.rpartition("/")
    assert kind, f"{reference} is not Type/id"
    assert ident, f"{reference} is not Type/id"
    return kind.rpartition("/")[2]


def _walk(model: Any, targets: dict[str, str], path: str) -> None:
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        items = value if isinstance(value, list) else [value]
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        allowed: Any = extra.get("enum_reference_types")
        for item in items:
            if not hasattr(type(item), "model_fields"):
                continue
            reference = getattr(item, "reference", None)
            if allowed and isinstance(reference, str):
                kind = _target_type(reference, targets)
                assert "Resource" in allowed or kind in allowed, f"{path}.{name} -> {kind}"
            _walk(item, targets, f"{path}.{name}")


def check_bundle(bundle: dict[str, Any], version: str = "R4B") -> None:
    """Assert that *bundle* is a valid, self-consistent transaction Bundle of *version*."""
    validate_bundle(bundle, "R4B" if version == "R4B" else "R5")
    if version == "R4B":
        from fhir.resources.R4B.bundle import Bundle as Model
    else:
        from fhir.resources.bundle import Bundle as Model  # type: ignore[assignment]

        assert "RequestGroup" not in str(bundle)
    _walk(Model.model_validate(bundle), _types(bundle), "Bundle")
    if version == "R4B":
        assert schema_errors(bundle) == []
    full_urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(set(full_urls)) == len(full_urls)


def resources(bundle: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    """The resources of one type in *bundle*, in order."""
    return [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type
    ]


def one(bundle: dict[str, Any], resource_type: str) -> dict[str, Any]:
    """The single resource of *resource_type* in *bundle*."""
    (found,) = resources(bundle, resource_type)
    return found


SWELLING = Evidence("leg-swelling", "present", Laterality.LEFT, "Observation/swelling")
CANCER = Evidence("active-cancer", "present", None, "Condition/cancer")
DYSPNEA = Evidence("dyspnea", "absent", None, "questionnaire/intake#q3")
ABI_LEFT = Evidence("abi", "0.85", Laterality.LEFT, "Observation/abi-left")


RED_FLAGS = (
    RedFlagResult("redflag.suspected-dvt", "1.0.0", Status.MET, Disposition.URGENT, (SWELLING,)),
    RedFlagResult(
        "redflag.sepsis",
        "1.1.0",
        Status.INDETERMINATE,
        Disposition.EMERGENCY,
        missing=("temperature", "age"),
    ),
    RedFlagResult(
        "redflag.possible-pe", "1.0.0", Status.NOT_MET, Disposition.EMERGENCY, (DYSPNEA,)
    ),
)
SCORES = (
    ScoreResult("score.wells-dvt", "1.0.0", 2.0, 2.0, 2.0, "likely", evidence=(SWELLING, CANCER)),
    ScoreResult("score.qsofa", "1.0.0", None, 0.0, 2.0, missing=("respiratory-rate",)),
    ScoreResult("score.abi", "1.0.0", 0.85, 0.85, 0.85, "abnormal", Laterality.LEFT, (ABI_LEFT,)),
    ScoreResult("score.abi", "1.0.0", None, None, None, None, Laterality.RIGHT, missing=("abi",)),
)
DIFFERENTIALS = (
    DifferentialResult(
        "ddx.dvt", "2.0.0", Likelihood.LIKELY, Disposition.URGENT, (SWELLING, CANCER)
    ),
    DifferentialResult(
        "ddx.pad-claudication", "1.0.0", Likelihood.INDETERMINATE, missing=("abi", "tbi")
    ),
    DifferentialResult("ddx.stress-related", "1.0.0", Likelihood.UNLIKELY, evidence=(DYSPNEA,)),
)
RECOMMENDATIONS = (
    Recommendation(
        "rec.same-day-assessment",
        "1.0.0",
        Audience.PATIENT,
        "Arrange to be seen by a clinician today.",
        because=("redflag.suspected-dvt",),
    ),
    Recommendation(
        "rec.d-dimer",
        "1.0.0",
        Audience.CLINICIAN,
        "Measure D-dimer before any anticoagulation.",
        because=("ddx.dvt", "score.wells-dvt"),
        cautions=("check first: renal function (unknown: ckd)",),
    ),
)
CHILLS = Evidence("chills", "absent", None, "Observation/chills")
TRACE = (
    RuleTrace(
        "redflag.suspected-dvt",
        "1.0.0",
        "met",
        (CriterionTrace("dvt-sign", "a DVT sign", Tri.MET, (SWELLING,)),),
    ),
    RuleTrace(
        "redflag.sepsis",
        "1.1.0",
        "indeterminate",
        (CriterionTrace("fever", "fever", Tri.UNKNOWN, (CHILLS,), ("temperature",)),),
    ),
)


def sample(**changes: Any) -> Assessment:
    """A hand-built assessment holding one of everything an Assessment can hold."""
    assessment = Assessment(
        ruleset=RuleSetRef("legrules", "2026.11"),
        as_of=AS_OF,
        policy=Policy(),
        disposition=Disposition.URGENT,
        red_flags=RED_FLAGS,
        scores=SCORES,
        differentials=DIFFERENTIALS,
        recommendations=RECOMMENDATIONS,
        withheld=(Withheld("rec.stretching", "a red flag is met", ("redflag.suspected-dvt",)),),
        unresolved=(Unresolved("redflag.sepsis", ("temperature", "age")),),
        trace=TRACE,
        ignored=(IgnoredInput("Observation/old", "entered-in-error"),),
        patient="pat-1",
        legrules_version="0.1.0",
    )
    return attrs.evolve(assessment, **changes)


# A small local strategy for presentations (the public one lives in legrules.strategies).
_SOURCES = st.none() | st.sampled_from(
    [
        Source("Observation/a1"),
        Source("Observation/b-2", preliminary=True),
        Source("Condition/c3"),
        Source("questionnaire/intake#q7"),
        Source("urn:uuid:0f4c6a8e-52a1-4b53-9a1d-1c2b3d4e5f60"),
    ]
)
_BOOLEAN = sorted(c for c, spec in VOCABULARY.items() if spec.kind is Kind.BOOLEAN)
_QUANTITY = sorted(c for c, spec in VOCABULARY.items() if spec.kind is Kind.QUANTITY)


@st.composite
def _finding(draw: st.DrawFn) -> Finding:
    cid = draw(st.sampled_from(_BOOLEAN))
    side = draw(st.none() | st.sampled_from(Laterality)) if VOCABULARY[cid].lateral else None
    return Finding(cid, draw(st.sampled_from(Presence)), side, draw(_SOURCES))


@st.composite
def _measurement(draw: st.DrawFn) -> Measurement:
    spec = VOCABULARY[draw(st.sampled_from(_QUANTITY))]
    unit = draw(st.sampled_from(spec.accepted_units()))
    low, high = spec.range_in(unit)
    value = draw(st.floats(low, high, allow_nan=False).map(lambda v: round(v, 2)))
    value = min(max(value, low), high)
    side = draw(st.none() | st.sampled_from(Laterality)) if spec.lateral else None
    return Measurement(spec.id, value, unit, side, draw(_SOURCES))


@st.composite
def presentations(draw: st.DrawFn) -> Presentation:
    """Presentations with any findings and measurements, sources, and an optional patient id."""
    patient = Patient(
        id=draw(st.none() | st.sampled_from(["p1", "pat-2", "x.3"])),
        age=draw(st.none() | st.integers(0, 130)),
    )
    return Presentation(
        patient=patient,
        findings=draw(st.lists(_finding(), max_size=12)),
        measurements=draw(st.lists(_measurement(), max_size=5)),
        ignored=draw(
            st.lists(
                st.builds(IgnoredInput, st.just("Observation/x9"), st.just("cancelled")), max_size=1
            )
        ),
    )
