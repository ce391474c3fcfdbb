"""Flags for met red flags, Observations for scores, RiskAssessments for differentials.

Each resource names the rule that produced it as a Coding of the legrules rule
CodeSystem *with the rule's version*, points back to the inputs it rests on where FHIR
has an element for that (``Observation.derivedFrom``, ``RiskAssessment.basis``, the
``flag-detail`` extension), and is created conditionally on its idempotency identifier.
"""

from __future__ import annotations

from typing import Any

from legrules.fhir.write.idempotency import digest, evidence_terms
from legrules.fhir.write.writer import (
    SNOMED,
    Entry,
    FHIRVersion,
    Writer,
    condition_name,
    laterality_concept,
    reference_to,
    reference_type,
    rule_coding,
    sources_of,
)
from legrules.model import DifferentialResult, Likelihood, RedFlagResult, ScoreResult, Status

__all__ = [
    "DERIVED_FROM_TYPES",
    "QUALITATIVE_RISK",
    "flags",
    "risk_assessments",
    "score_observations",
]

RISK_PROBABILITY = "http://terminology.hl7.org/CodeSystem/risk-probability"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
FLAG_DETAIL = "http://hl7.org/fhir/StructureDefinition/flag-detail"

#: ``qualitativeRisk`` (code, display) per likelihood; indeterminate has none.
QUALITATIVE_RISK: dict[Likelihood, tuple[str, str]] = {
    Likelihood.CONFIRMED: ("certain", "Certain"),
    Likelihood.LIKELY: ("high", "High likelihood"),
    Likelihood.POSSIBLE: ("moderate", "Moderate likelihood"),
    Likelihood.UNLIKELY: ("low", "Low likelihood"),
    Likelihood.EXCLUDED: ("negligible", "Negligible likelihood"),
}

#: The resource types ``Observation.derivedFrom`` may reference, per FHIR version.
DERIVED_FROM_TYPES: dict[FHIRVersion, frozenset[str]] = {
    "R4B": frozenset(
        {
            "DocumentReference",
            "ImagingStudy",
            "Media",
            "MolecularSequence",
            "Observation",
            "QuestionnaireResponse",
        }
    ),
    "R5": frozenset(
        {
            "DocumentReference",
            "GenomicStudy",
            "ImagingSelection",
            "ImagingStudy",
            "MolecularSequence",
            "Observation",
            "QuestionnaireResponse",
        }
    ),
}

# Standard codes for the conditions of some differentials (SNOMED CT, from the fhir.md
# code table); the legrules rule code in RiskAssessment.method names every one.
_CONDITIONS: dict[str, str] = {
    "ddx.dvt": "128053003",
    "ddx.pad-claudication": "399957001",
    "ddx.restless-legs": "32914008",
    "ddx.sciatica": "23056005",
}


def flags(w: Writer) -> list[Entry]:
    """One active clinical Flag per met red flag."""
    return [_flag(w, f) for f in w.assessment.red_flags if f.status is Status.MET]


def _flag(w: Writer, flag: RedFlagResult) -> Entry:
    category = {"coding": [{"system": FLAG_CATEGORY, "code": "clinical", "display": "Clinical"}]}
    resource: dict[str, Any] = {
        "resourceType": "Flag",
        "status": "active",
        "category": [category],
        "code": {"coding": [rule_coding(w.base, flag.id, flag.version)], "text": flag.id},
        "subject": w.subject,
        "period": {"start": w.as_of},
        "author": w.device_reference(),
    }
    details = [
        {"url": FLAG_DETAIL, "valueReference": {"reference": s}}
        for s in sources_of(flag.evidence)
        if reference_type(s)
    ]
    if details:
        resource["extension"] = details
    payload = digest(flag.status, flag.level, evidence_terms(flag.evidence), flag.missing)
    return w.created(w.key("red-flag", flag.id, flag.version, payload), resource)


def score_observations(w: Writer) -> list[Entry]:
    """One Observation per score with a value or a range (wholly unknown ones are left out)."""
    return [
        _score(w, s)
        for s in w.assessment.scores
        if s.value is not None or (s.min is not None and s.max is not None)
    ]


def _score_value(score: ScoreResult) -> dict[str, Any]:
    if score.value is not None:
        return {"valueQuantity": {"value": score.value}}
    return {"valueRange": {"low": {"value": score.min}, "high": {"value": score.max}}}


def _score(w: Writer, score: ScoreResult) -> Entry:
    category = {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey"}]}
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [category],
        "code": {"coding": [rule_coding(w.base, score.id, score.version)], "text": score.id},
        "subject": w.subject,
        "effectiveDateTime": w.as_of,
        "device": w.device_reference(),
        **_score_value(score),
    }
    if score.class_:
        resource["interpretation"] = [{"text": score.class_}]
    if score.laterality is not None:
        resource["bodySite"] = laterality_concept(score.laterality)
    sources = sources_of(score.evidence)
    allowed = DERIVED_FROM_TYPES[w.version]
    derived = [s for s in sources if reference_type(s) in allowed]
    if derived:
        resource["derivedFrom"] = [{"reference": s} for s in derived]
    notes = [f"Also derived from: {', '.join(s for s in sources if s not in derived)}."]
    notes = notes if len(derived) < len(sources) else []
    if score.missing:
        notes.append(f"Not yet known, would narrow the range: {', '.join(score.missing)}.")
    if notes:
        resource["note"] = [{"text": n} for n in notes]
    side = score.laterality.value if score.laterality else ""
    terms = evidence_terms(score.evidence)
    payload = digest(score.value, score.min, score.max, score.class_, terms, score.missing)
    return w.created(w.key("score", score.id, score.version, f"{side}|{payload}"), resource)


def risk_assessments(w: Writer) -> list[Entry]:
    """One RiskAssessment per differential, whatever its likelihood."""
    return [_risk(w, d) for d in w.assessment.differentials]


def _outcome(differential: DifferentialResult) -> dict[str, Any]:
    outcome: dict[str, Any] = {"text": condition_name(differential.id)}
    code = _CONDITIONS.get(differential.id)
    if code:
        outcome["coding"] = [{"system": SNOMED, "code": code}]
    return outcome


def _risk(w: Writer, differential: DifferentialResult) -> Entry:
    prediction: dict[str, Any] = {"outcome": _outcome(differential)}
    risk = QUALITATIVE_RISK.get(differential.likelihood)
    if risk is not None:
        code, display = risk
        coding = {"system": RISK_PROBABILITY, "code": code, "display": display}
        prediction["qualitativeRisk"] = {"coding": [coding], "text": differential.likelihood.value}
    resource: dict[str, Any] = {
        "resourceType": "RiskAssessment",
        "status": "final",
        "subject": w.subject,
        "occurrenceDateTime": w.as_of,
        "method": {"coding": [rule_coding(w.base, differential.id, differential.version)]},
        "performer": w.device_reference(),
        "prediction": [prediction],
    }
    basis = [reference_to(s) for s in sources_of(differential.evidence)]
    if basis:
        resource["basis"] = basis
    notes = _risk_notes(differential)
    if notes:
        resource["note"] = [{"text": n} for n in notes]
    terms = evidence_terms(differential.evidence)
    payload = digest(differential.likelihood, differential.level, terms, differential.missing)
    return w.created(
        w.key("differential", differential.id, differential.version, payload), resource
    )


def _risk_notes(differential: DifferentialResult) -> list[str]:
    missing = ", ".join(differential.missing)
    notes: list[str] = []
    if differential.likelihood is Likelihood.INDETERMINATE:
        notes.append(f"Indeterminate: cannot be decided until these are known: {missing or '-'}.")
    elif missing:
        notes.append(f"Not yet known, could change the likelihood: {missing}.")
    notes.append(f"Triage level implied: {differential.level.value}.")
    return notes
