"""The codes the service sends and recognises, each with where it was seen.

Override reasons come from HL7's Non-Adherence Reason code system, published with the
CDS Hooks implementation guide (HL7/cds-hooks, ``input/vocabulary/``): the codes of
its "Non-Adherence Reason Clinical Selection" value set, meant for point-of-care
selection, with the code system's displays.
"""

from __future__ import annotations

from typing import Any

from legrules.cdshooks.models import Coding

__all__ = [
    "D_DIMER_CODES",
    "LOINC",
    "NON_ADHERENCE",
    "OVERRIDE_REASONS",
    "ULTRASOUND_CODES",
    "dvt_order",
    "order_kind",
]

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
NON_ADHERENCE = "http://terminology.hl7.org/CodeSystem/non-adherence-reason-codes"

# ValueSet non-adherence-reason-clinical (HL7/cds-hooks, input/vocabulary/
# ValueSet-non-adherence-reason-clinical.json); displays from CodeSystem-non-adherence-
# reason-codes.json in the same folder.
OVERRIDE_REASONS = tuple(
    Coding(system=NON_ADHERENCE, code=code, display=display)
    for code, display in (
        ("cds-not-applicable", "PC CDS does not apply to patient"),
        ("cds-suboptimal-context", "PC CDS delivered in suboptimal context"),
        (
            "recipient-disagrees-evidence",
            "Recipient disagrees with recommendation because of issues with the evidence",
        ),
        (
            "recipient-concerns-outcomes",
            "Recipient has concerns regarding potential health outcomes",
        ),
        (
            "does-not-align-preferences",
            "Recommendation does not align with patient preferences or values",
        ),
        ("not-convenient-feasible", "Recommendation is not convenient or feasible"),
        ("action-completed", "Recommended action was already completed"),
        ("patient-contraindication", "Patient has contraindication to recommended action"),
        ("patient-refuses", "Patient refuses/declines (no context given)"),
        ("too-costly-uncovered", "Recommended action is too costly or not covered by insurance"),
        ("service-not-available", "Treatment or service is not practically available"),
        (
            "recipient-does-not-understand",
            "Recipient does not understand the recommended action or know how to perform "
            "the recommended action",
        ),
    )
)

# D-dimer: the LOINC codes of legrules' FHIR contract (fhir.md, "Codes").
D_DIMER_CODES = frozenset(
    {(LOINC, c) for c in ("48065-7", "71427-9", "48066-5", "48058-2", "91556-1")}
)
# Leg vein ultrasound: LOINC 44174-1 "US Doppler Lower extremity vessels" (DICOM CID
# 12100, as published in bvdh/dicom-terminology-in-fhir) and SNOMED 14331000087103
# "Doppler ultrasonography of vascular structure of right lower limb" (HL7/nhsn-dqm
# example DiagnosticReport for a DVT).
ULTRASOUND_CODES = frozenset({(LOINC, "44174-1"), (SNOMED, "14331000087103")})

_ORDERS = {
    "d-dimer": ((LOINC, "48065-7", "Fibrin D-dimer FEU"), "D-dimer"),
    "ultrasound": (
        (LOINC, "44174-1", "US Doppler Lower extremity vessels"),
        "proximal leg vein ultrasound",
    ),
}


def order_kind(resource: dict[str, Any]) -> str | None:
    """``"d-dimer"``, ``"ultrasound"`` or ``None`` for a ServiceRequest's code."""
    if resource.get("resourceType") != "ServiceRequest":
        return None
    codings = (resource.get("code") or {}).get("coding") or []
    pairs = {(c.get("system"), c.get("code")) for c in codings if isinstance(c, dict)}
    if pairs & D_DIMER_CODES:
        return "d-dimer"
    if pairs & ULTRASOUND_CODES:
        return "ultrasound"
    return None


def dvt_order(kind: str, patient: str, reason: str) -> dict[str, Any]:
    """A draft ServiceRequest (R4) for the DVT pathway's test *kind*."""
    (system, code, display), text = _ORDERS[kind]
    return {
        "resourceType": "ServiceRequest",
        "status": "draft",
        "intent": "order",
        "priority": "urgent",
        "code": {"coding": [{"system": system, "code": code, "display": display}], "text": text},
        "subject": {"reference": f"Patient/{patient}"},
        "note": [{"text": reason}],
    }
