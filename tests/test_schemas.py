"""JSON Schemas: committed copies match the models, and every document validates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import jsonschema
import orjson
import pytest

from legrules import (
    LegrulesError,
    Presentation,
    dump_assessment,
    dump_presentation,
    load_presentation,
)
from legrules.model import Assessment, Finding, Measurement, Patient, Source
from legrules.model.assessment import (
    CriterionTrace,
    DifferentialResult,
    Evidence,
    Recommendation,
    RedFlagResult,
    RuleTrace,
    ScoreResult,
    Withheld,
)
from legrules.schemas import SCHEMAS, schema
from tests.red_flag_cases import CASES
from tests.support import run

SCHEMA_DIR = Path(__file__).parents[1] / "schemas"


def validator(name: str) -> jsonschema.protocols.Validator:
    document = schema(name)
    cls = jsonschema.validators.validator_for(document)
    cls.check_schema(document)
    return cls(document)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_matches_the_models(name: str) -> None:
    """schemas/NAME.schema.json is what the code generates (run `make schemas`)."""
    committed = orjson.loads((SCHEMA_DIR / f"{name}.schema.json").read_bytes())
    assert committed == schema(name), f"schemas/{name}.schema.json is stale: run make schemas"


def _properties(name: str, definition: str | None) -> set[str]:
    document = schema(name)
    node = document if definition is None else document["$defs"][definition]
    return set(node["properties"])


def _fields(cls: type) -> set[str]:
    return {f.name.rstrip("_") for f in attrs.fields(cls)}


@pytest.mark.parametrize(
    ("cls", "name", "definition"),
    [
        (Presentation, "presentation", None),
        (Patient, "presentation", "patient"),
        (Finding, "presentation", "finding"),
        (Measurement, "presentation", "measurement"),
        (Source, "presentation", "source"),
        (Assessment, "assessment", None),
        (Evidence, "assessment", "evidence"),
        (RedFlagResult, "assessment", "red_flag"),
        (ScoreResult, "assessment", "score"),
        (DifferentialResult, "assessment", "differential"),
        (Recommendation, "assessment", "recommendation"),
        (Withheld, "assessment", "withheld"),
        (CriterionTrace, "assessment", "criterion"),
        (RuleTrace, "assessment", "trace"),
    ],
)
def test_schema_properties_are_the_model_fields(cls: type, name: str, definition: str) -> None:
    """Every model field has a schema property and every property a field."""
    expected = _fields(cls) | ({"cds_indicator"} if cls is Assessment else set())
    assert _properties(name, definition) == expected


def test_every_emitted_assessment_validates() -> None:
    """Assessments of every red-flag scenario validate against assessment.schema.json."""
    check = validator("assessment")
    for case in CASES:
        for presentation in (case.met, case.not_met, case.indeterminate):
            check.validate(dump_assessment(run(presentation)))


def test_every_emitted_presentation_validates() -> None:
    """Presentation documents of the scenarios validate against presentation.schema.json."""
    check = validator("presentation")
    for case in CASES:
        check.validate(dump_presentation(case.met))


@pytest.mark.parametrize(
    "document",
    [
        {"findings": [{"id": "fever", "state": "present", "laterality": "left"}]},
        {"measurements": [{"id": "temperature", "value": 400, "unit": "Cel"}]},
        {"measurements": [{"id": "temperature", "value": 37, "unit": "mg"}]},
        {"patient": {"age": -3}},
        {"as_of": "2026-11-20T10:00:00"},
        {"extra": 1},
    ],
)
def test_schema_and_loader_both_refuse_invalid_documents(document: dict[str, Any]) -> None:
    """A document the schema refuses is also refused by the loader."""
    assert list(validator("presentation").iter_errors(document))
    with pytest.raises(LegrulesError):
        load_presentation(document)


def test_edge_of_plausible_range_agrees_in_every_unit() -> None:
    """At the plausible-range edge, schema and model agree in each accepted unit."""
    check = validator("presentation")
    for value, unit in ((113.0, "[degF]"), (45.0, "Cel"), (318.15, "K"), (77.0, "[degF]")):
        document = {"measurements": [{"id": "temperature", "value": value, "unit": unit}]}
        check.validate(document)
        load_presentation(document)


def test_demo_example_validates() -> None:
    """The shipped demo document is valid."""
    path = Path(__file__).parents[1] / "examples" / "presentations" / "calf-pain-after-flight.json"
    validator("presentation").validate(orjson.loads(path.read_bytes()))
