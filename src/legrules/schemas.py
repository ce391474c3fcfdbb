"""JSON Schemas of the public documents, generated from the models and the vocabulary.

The schemas in the repository's ``schemas/`` folder are these, written out; a test
fails if they differ, and another checks that every model field has a schema property
and the reverse, so the two cannot drift apart.  ``legrules schema NAME`` prints them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from legrules.model import (
    VOCABULARY,
    Audience,
    Disposition,
    Kind,
    Laterality,
    Likelihood,
    Presence,
    Sex,
    Status,
    Tri,
)
from legrules.model.documents import DATETIME_PATTERN
from legrules.model.policy import Policy, WellsVariant

__all__ = ["SCHEMAS", "assessment_schema", "presentation_schema", "schema", "terminology_schema"]

_BASE = "https://legrules.org/schemas/"
_DRAFT = "https://json-schema.org/draft/2020-12/schema"

JSON = dict[str, Any]


def _enum(values: Any) -> JSON:
    return {"enum": [v.value for v in values]}


def _obj(properties: JSON, required: tuple[str, ...] = (), **extra: Any) -> JSON:
    result: JSON = {"type": "object", "additionalProperties": False, "properties": properties}
    if required:
        result["required"] = list(required)
    result.update(extra)
    return result


def _array(items: JSON) -> JSON:
    return {"type": "array", "items": items}


_TEXT: JSON = {"type": "string", "pattern": r"\S"}
_STRING: JSON = {"type": "string"}
_DATETIME: JSON = {"type": "string", "pattern": DATETIME_PATTERN}
_NUMBER_OR_NULL: JSON = {"type": ["number", "null"]}
_IDS: JSON = _array(_STRING)


def _measurement_rules() -> list[JSON]:
    """Per measurement id: the units it accepts and the plausible range in each unit."""
    rules: list[JSON] = []
    for spec in VOCABULARY.values():
        if spec.kind is not Kind.QUANTITY:
            continue
        ranges = []
        for unit in spec.accepted_units():
            low, high = spec.range_in(unit)
            ranges.append(
                {
                    "if": {"properties": {"unit": {"const": unit}}},
                    "then": {"properties": {"value": {"minimum": low, "maximum": high}}},
                }
            )
        rules.append(
            {
                "if": {"properties": {"id": {"const": spec.id}}},
                "then": {
                    "properties": {"unit": {"enum": list(spec.accepted_units())}},
                    "allOf": ranges,
                },
            }
        )
    return rules


def _no_laterality(kind: Kind) -> JSON:
    ids = [c.id for c in VOCABULARY.values() if c.kind is kind and not c.lateral]
    return {
        "if": {"properties": {"id": {"enum": ids}}},
        "then": {"not": {"required": ["laterality"]}},
    }


def presentation_schema() -> JSON:
    """The schema of a presentation document (``legrules.load_presentation``)."""
    booleans = [c.id for c in VOCABULARY.values() if c.kind is Kind.BOOLEAN]
    quantities = [c.id for c in VOCABULARY.values() if c.kind is Kind.QUANTITY]
    source = _obj(
        {"reference": _TEXT, "display": _TEXT, "preliminary": {"type": "boolean"}},
        ("reference",),
    )
    common = {
        "laterality": _enum(Laterality),
        "source": {"$ref": "#/$defs/source"},
        "effective": _DATETIME,
    }
    finding = _obj(
        {"id": {"enum": booleans}, "state": _enum(Presence), **common},
        ("id", "state"),
        allOf=[_no_laterality(Kind.BOOLEAN)],
    )
    measurement = _obj(
        {"id": {"enum": quantities}, "value": {"type": "number"}, "unit": _STRING, **common},
        ("id", "value", "unit"),
        allOf=[_no_laterality(Kind.QUANTITY), *_measurement_rules()],
    )
    patient = _obj(
        {
            "id": _TEXT,
            "age": {"type": "integer", "minimum": 0, "maximum": 130},
            "sex": _enum(Sex),
        }
    )
    ignored = _obj({"reference": _STRING, "reason": _STRING}, ("reference", "reason"))
    return {
        "$schema": _DRAFT,
        "$id": _BASE + "presentation.schema.json",
        "title": "legrules presentation",
        "description": "One patient's leg-pain presentation. Unlisted findings are unknown.",
        **_obj(
            {
                "patient": {"$ref": "#/$defs/patient"},
                "findings": _array({"$ref": "#/$defs/finding"}),
                "measurements": _array({"$ref": "#/$defs/measurement"}),
                "onset": _DATETIME,
                "as_of": _DATETIME,
                "ignored": _array({"$ref": "#/$defs/ignored"}),
            }
        ),
        "$defs": {
            "patient": patient,
            "finding": finding,
            "measurement": measurement,
            "source": source,
            "ignored": ignored,
        },
    }


def _policy_schema() -> JSON:
    props: JSON = {
        "wells_variant": _enum(WellsVariant),
        "age_adjusted_d_dimer": {"type": "boolean"},
        "compression_min_abi": {"type": "number"},
    }
    for name in Policy.names():
        props.setdefault(name, {"type": "integer"})
    return _obj(props, Policy.names())


def assessment_schema() -> JSON:
    """The schema of an assessment document (``legrules.dump_assessment``)."""
    evidence = _obj(
        {
            "finding": _STRING,
            "value": _STRING,
            "laterality": {"enum": [*_enum(Laterality)["enum"], None]},
            "source": {"type": ["string", "null"]},
            "note": {"type": ["string", "null"]},
        },
        ("finding", "value", "laterality", "source", "note"),
    )
    ev: JSON = _array({"$ref": "#/$defs/evidence"})
    id_version = {"id": _STRING, "version": _STRING}
    red_flag = _obj(
        {
            **id_version,
            "status": _enum(Status),
            "level": _enum(Disposition),
            "evidence": ev,
            "missing": _IDS,
        },
        ("id", "version", "status", "level", "evidence", "missing"),
    )
    score = _obj(
        {
            **id_version,
            "value": _NUMBER_OR_NULL,
            "min": _NUMBER_OR_NULL,
            "max": _NUMBER_OR_NULL,
            "class": {"type": ["string", "null"]},
            "laterality": {"enum": [*_enum(Laterality)["enum"], None]},
            "evidence": ev,
            "missing": _IDS,
        },
        ("id", "version", "value", "min", "max", "class", "laterality", "evidence", "missing"),
    )
    differential = _obj(
        {
            **id_version,
            "likelihood": _enum(Likelihood),
            "level": _enum(Disposition),
            "evidence": ev,
            "missing": _IDS,
        },
        ("id", "version", "likelihood", "level", "evidence", "missing"),
    )
    recommendation = _obj(
        {
            **id_version,
            "audience": _enum(Audience),
            "text": _STRING,
            "because": _IDS,
            "cautions": _array(_STRING),
        },
        ("id", "version", "audience", "text", "because", "cautions"),
    )
    withheld = _obj(
        {"id": _STRING, "reason": _STRING, "because": _IDS}, ("id", "reason", "because")
    )
    question = _obj(
        {"finding": _STRING, "could_reach": _enum(Disposition), "settles": _IDS},
        ("finding", "could_reach", "settles"),
    )
    criterion = _obj(
        {
            "id": _STRING,
            "description": _STRING,
            "status": _enum(Tri),
            "evidence": ev,
            "missing": _IDS,
        },
        ("id", "description", "status", "evidence", "missing"),
    )
    trace = _obj(
        {
            "rule": _STRING,
            "version": _STRING,
            "conclusion": _STRING,
            "criteria": _array({"$ref": "#/$defs/criterion"}),
            "notes": _array(_STRING),
        },
        ("rule", "version", "conclusion", "criteria", "notes"),
    )
    top = {
        "ruleset": _obj({"id": _STRING, "version": _STRING}, ("id", "version")),
        "as_of": _DATETIME,
        "policy": _policy_schema(),
        "disposition": _enum(Disposition),
        "worst_case_disposition": _enum(Disposition),
        "ask_next": _array({"$ref": "#/$defs/question"}),
        "cds_indicator": {"enum": ["critical", "warning", "info"]},
        "red_flags": _array({"$ref": "#/$defs/red_flag"}),
        "scores": _array({"$ref": "#/$defs/score"}),
        "differentials": _array({"$ref": "#/$defs/differential"}),
        "recommendations": _array({"$ref": "#/$defs/recommendation"}),
        "withheld": _array({"$ref": "#/$defs/withheld"}),
        "unresolved": _array(_obj({"id": _STRING, "missing": _IDS}, ("id", "missing"))),
        "trace": _array({"$ref": "#/$defs/trace"}),
        "ignored": _array(_obj({"reference": _STRING, "reason": _STRING}, ("reference", "reason"))),
        "patient": {"type": ["string", "null"]},
        "legrules_version": _STRING,
    }
    return {
        "$schema": _DRAFT,
        "$id": _BASE + "assessment.schema.json",
        "title": "legrules assessment",
        "description": "What legrules concluded about one presentation, and why.",
        **_obj(top, tuple(top)),
        "$defs": {
            "evidence": evidence,
            "red_flag": red_flag,
            "score": score,
            "differential": differential,
            "recommendation": recommendation,
            "withheld": withheld,
            "question": question,
            "criterion": criterion,
            "trace": trace,
        },
    }


def _coding(**extra: JSON) -> JSON:
    """A standard code: its system key, code, display and the source where it was seen."""
    props: JSON = {"system": _SYSTEM_KEY, "code": _TEXT, "display": _TEXT, "source": _TEXT}
    props.update(extra)
    return _obj(props, ("system", "code", "display", "source"))


_SYSTEM_KEY: JSON = {"enum": ["snomed", "loinc", "ucum", "atc", "rxnorm"]}


def terminology_schema() -> JSON:
    """The schema of the terminology map shipped as ``legrules/fhir/data/terminology.json``."""
    ids: JSON = {"enum": list(VOCABULARY)}
    code = _coding(
        finding=ids,
        history={"type": "boolean"},
        asserts={"enum": ["present", "absent"]},
        unit_annotation={"enum": ["{FEU}", "{DDU}"]},
        note=_TEXT,
    )
    code["required"].append("finding")
    medication = _coding(finding=ids, match={"enum": ["prefix", "exact"]})
    medication["required"] += ["finding", "match"]
    side = _coding(side=_enum(Laterality))
    side["required"].append("side")
    patient = _coding(element={"enum": ["age"]})
    patient["required"].append("element")
    top = {
        "version": _TEXT,
        "description": _TEXT,
        "systems": {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}},
        "sources": {"type": "object", "additionalProperties": _TEXT},
        "findings": _array(_obj({"id": ids, "display": _TEXT}, ("id", "display"))),
        "extra_codes": _array(
            _obj({"code": _TEXT, "display": _TEXT, "value": {"enum": ["dateTime"]}}, ("code",))
        ),
        "codes": _array(code),
        "patient": _array(patient),
        "values": _obj(
            {"present": _array(_coding()), "absent": _array(_coding())}, ("present", "absent")
        ),
        "laterality": _array(side),
        "medications": _array(medication),
    }
    return {
        "$schema": _DRAFT,
        "$id": _BASE + "terminology.schema.json",
        "title": "legrules terminology map",
        "description": "legrules' finding codes and the standard codes mapped onto them, "
        "each with the source where it was seen.",
        **_obj(top, tuple(top)),
    }


#: Every public schema by the name ``legrules schema NAME`` takes.
SCHEMAS: dict[str, Callable[[], JSON]] = {
    "presentation": presentation_schema,
    "assessment": assessment_schema,
    "terminology": terminology_schema,
}


def schema(name: str) -> JSON:
    """The schema *name* (``presentation``, ``assessment``, ...).

    Raises:
        KeyError: no schema has that name.
    """
    return SCHEMAS[name]()
