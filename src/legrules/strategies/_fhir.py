"""Strategies for FHIR input resources (R4B and R5), clean or with realistic mess.

Resources are plain JSON dicts, as the reader takes them.  Clean ones use only
counted statuses, known codes (legrules' own CodeSystem or a standard code of
``fhir.md``), values in accepted units and effective times shortly before ``as_of``.
``messy=True`` adds what real servers send: extra elements, codes no rule reads,
``dataAbsentReason`` instead of a value, preliminary, cancelled and entered-in-error
entries, date-only times and times after ``as_of``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from legrules.fhir.canonical import finding_system
from legrules.model import VOCABULARY, Category, Concept, Kind, Laterality
from legrules.strategies import _fhir_codes as codes
from legrules.strategies._model import datetimes, values

JSON = dict[str, Any]
VERSIONS = ("R4B", "R5")
DEFAULT_AS_OF = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

_IDS = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9.-]{0,15}", fullmatch=True)
_TEXT = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 ,.()-]{0,30}[A-Za-z0-9.]", fullmatch=True)
_OBSERVED = tuple(c for c in VOCABULARY.values() if c.category is not Category.MEDICATION)
_HISTORY = tuple(
    c.id for c in VOCABULARY.values() if c.category is Category.HISTORY and c.kind is Kind.BOOLEAN
)


def _check(version: str) -> None:
    if version not in VERSIONS:
        raise ValueError(f"FHIR version must be one of {', '.join(VERSIONS)}, got {version!r}")


def coding(code: codes.Code) -> JSON:
    """A FHIR Coding from a ``(system, code, display)`` triple."""
    return {"system": code[0], "code": code[1], "display": code[2]}


def _own(spec: Concept) -> codes.Code:
    return (finding_system(), spec.id, spec.display)


def _instant(moment: datetime, *, date_only: bool = False) -> str:
    return moment.date().isoformat() if date_only else moment.isoformat()


def _when(draw: st.DrawFn, as_of: datetime, messy: bool) -> str:
    if not messy:  # inside every default look-back window (vital signs: 24 hours)
        return _instant(draw(datetimes(before=as_of, span=timedelta(hours=20))))
    moment = draw(datetimes(before=as_of + timedelta(days=2), span=timedelta(days=60)))
    return _instant(moment, date_only=draw(st.booleans()))


def _concept_code(draw: st.DrawFn, spec: Concept) -> JSON:
    options = [[_own(spec)]]
    standard = codes.FINDING_CODES.get(spec.id)
    if standard is not None:
        options += [[standard], [standard, _own(spec)]]
    chosen = draw(st.sampled_from(options))
    return {"coding": [coding(c) for c in chosen], "text": spec.display}


def _quantity(draw: st.DrawFn, spec: Concept) -> tuple[JSON, JSON]:
    """A ``code`` and a ``valueQuantity`` for a measurement, standard or own code."""
    options: list[tuple[codes.Code, tuple[str, ...]]] = [(_own(spec), spec.accepted_units())]
    options += list(codes.QUANTITY_CODES.get(spec.id, ()))
    code, units = draw(st.sampled_from(options))
    unit = draw(st.sampled_from(units))
    value = draw(values(spec, unit))
    quantity = {"value": value, "unit": unit, "system": codes.UCUM, "code": unit}
    return {"coding": [coding(code)], "text": spec.display}, quantity


def _boolean_value(draw: st.DrawFn) -> JSON:
    present = draw(st.booleans())
    kind = draw(st.sampled_from(["boolean", "coded", "none"] if present else ["boolean", "coded"]))
    if kind == "boolean":
        return {"valueBoolean": present}
    if kind == "coded":
        value = draw(st.sampled_from(codes.PRESENT_VALUES if present else codes.ABSENT_VALUES))
        return {"valueCodeableConcept": {"coding": [coding(value)]}}
    return {}  # no value and no dataAbsentReason: the finding is present


def _body_site(draw: st.DrawFn, spec: Concept) -> JSON:
    if not spec.lateral:
        return {}
    side = draw(st.none() | st.sampled_from(Laterality))
    return {} if side is None else {"bodySite": {"coding": [coding(codes.BODY_SITES[side])]}}


def _category(spec: Concept) -> list[JSON]:
    name = codes.OBSERVATION_CATEGORIES[spec.category]
    return [{"coding": [{"system": codes.OBSERVATION_CATEGORY, "code": name}]}]


def _extras(draw: st.DrawFn, as_of: datetime, *, note: bool = True) -> JSON:
    """Elements a reader does not need but must tolerate (``note`` where allowed)."""
    available: dict[str, Any] = {
        "meta": {"versionId": "1", "lastUpdated": as_of.isoformat()},
        "identifier": [{"system": "https://ehr.example.org/id", "value": draw(_IDS)}],
        "text": {
            "status": "generated",
            "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{draw(_TEXT)}</div>',
        },
        "extension": [
            {"url": "https://ehr.example.org/fhir/StructureDefinition/site", "valueString": "x"}
        ],
    }
    if note:
        available["note"] = [{"text": draw(_TEXT)}]
    keep = draw(st.lists(st.sampled_from(sorted(available)), unique=True, max_size=3))
    return {key: available[key] for key in keep}


def _observation_body(draw: st.DrawFn, spec: Concept) -> JSON:
    """``code`` and value (and ``bodySite``) of an Observation stating *spec*."""
    if spec.kind is Kind.QUANTITY:
        code, quantity = _quantity(draw, spec)
        if spec.id == "systolic-bp" and draw(st.booleans()):
            panel = {"coding": [coding(codes.BP_PANEL)]}
            return {"code": panel, "component": [{"code": code, "valueQuantity": quantity}]}
        return {"code": code, "valueQuantity": quantity, **_body_site(draw, spec)}
    return {"code": _concept_code(draw, spec), **_boolean_value(draw), **_body_site(draw, spec)}


def _mess(draw: st.DrawFn, resource: JSON, as_of: datetime) -> JSON:
    """Make an Observation messy: odd status, unknown code, no value, extra elements."""
    statuses = (*codes.COUNTED_STATUSES, "preliminary", *codes.IGNORED_STATUSES)
    resource["status"] = draw(st.sampled_from(statuses))
    twist = draw(st.sampled_from(["none", "absent", "unknown-code", "local-code"]))
    if twist == "absent":
        for key in ("valueBoolean", "valueCodeableConcept", "valueQuantity", "component"):
            resource.pop(key, None)
        reason = draw(st.sampled_from(["unknown", "asked-unknown", "not-performed", "masked"]))
        resource["dataAbsentReason"] = {
            "coding": [{"system": codes.DATA_ABSENT_REASON, "code": reason}]
        }
    elif twist == "unknown-code":
        resource["code"] = {"coding": [coding(codes.UNUSED_CODE)]}
        for key in ("valueBoolean", "valueCodeableConcept", "component", "bodySite"):
            resource.pop(key, None)
        resource["valueQuantity"] = {
            "value": 72.5,
            "unit": "kg",
            "system": codes.UCUM,
            "code": "kg",
        }
    elif twist == "local-code":
        resource["code"] = {
            "coding": [{"system": "https://ehr.example.org/codes", "code": draw(_IDS)}]
        }
    resource.update(_extras(draw, as_of))
    return resource


def fhir_observations(
    version: str = "R4B",
    *,
    messy: bool = False,
    patient: str = "Patient/example",
    as_of: datetime = DEFAULT_AS_OF,
) -> st.SearchStrategy[JSON]:
    """Observation resources (FHIR *version* ``R4B`` or ``R5``) about *patient*."""
    _check(version)

    @st.composite
    def build(draw: st.DrawFn) -> JSON:
        spec = draw(st.sampled_from(_OBSERVED))
        resource: JSON = {
            "resourceType": "Observation",
            "id": draw(_IDS),
            "status": draw(st.sampled_from(codes.COUNTED_STATUSES)),
            "category": _category(spec),
            **_observation_body(draw, spec),
            "subject": {"reference": patient},
            "effectiveDateTime": _when(draw, as_of, messy),
        }
        return _mess(draw, resource, as_of) if messy else resource

    return build()


def fhir_conditions(
    version: str = "R4B",
    *,
    messy: bool = False,
    patient: str = "Patient/example",
    as_of: datetime = DEFAULT_AS_OF,
) -> st.SearchStrategy[JSON]:
    """Condition resources (history and known diagnoses) about *patient*.

    In R4B a Condition entered in error has no ``clinicalStatus`` (invariant con-5); in
    R5 ``clinicalStatus`` is required.
    """
    _check(version)
    clinical = ["active", "recurrence", "relapse", "inactive", "remission", "resolved"]
    verification = ["confirmed", "unconfirmed", "provisional", "differential"]
    verification += ["refuted", "entered-in-error"] if messy else []

    @st.composite
    def build(draw: st.DrawFn) -> JSON:
        cid = draw(st.sampled_from(_HISTORY))
        standard = codes.CONDITION_CODES.get(cid, ())
        code = draw(st.sampled_from([*standard, _own(VOCABULARY[cid])]))
        status = draw(st.sampled_from(verification))
        resource: JSON = {"resourceType": "Condition", "id": draw(_IDS)}
        if status != "entered-in-error" or version == "R5":
            state = draw(st.sampled_from(clinical))
            resource["clinicalStatus"] = {
                "coding": [{"system": codes.CONDITION_CLINICAL, "code": state}]
            }
        resource["verificationStatus"] = {
            "coding": [{"system": codes.CONDITION_VERIFICATION, "code": status}]
        }
        resource["code"] = {"coding": [coding(code)]}
        resource["subject"] = {"reference": patient}
        resource["recordedDate"] = _when(draw, as_of, messy)
        return {**resource, **_extras(draw, as_of)} if messy else resource

    return build()


def fhir_patients(
    version: str = "R4B",
    *,
    messy: bool = False,
    patient_id: str | None = None,
    as_of: datetime = DEFAULT_AS_OF,
) -> st.SearchStrategy[JSON]:
    """Patient resources with a birth date (0-130 years before *as_of*) and a gender."""
    _check(version)

    @st.composite
    def build(draw: st.DrawFn) -> JSON:
        age_days = draw(st.integers(0, 130 * 365))
        born = (as_of - timedelta(days=age_days)).date().isoformat()
        if messy:
            born = born[: draw(st.sampled_from([4, 7, 10]))]  # year, year-month or full date
        resource: JSON = {
            "resourceType": "Patient",
            "id": patient_id if patient_id is not None else draw(_IDS),
            "gender": draw(st.sampled_from(["female", "male", "other", "unknown"])),
            "birthDate": born,
        }
        if messy:
            resource["name"] = [{"family": draw(_TEXT), "given": [draw(_TEXT)]}]
            resource.update(_extras(draw, as_of, note=False))
            for key in draw(st.lists(st.sampled_from(["gender", "birthDate"]), unique=True)):
                del resource[key]
        return resource

    return build()
