"""The GuidanceResponse, its contained output Parameters and warnings, and the requests.

The GuidanceResponse is the record of one evaluation.  Its ``moduleCanonical`` names the
rule set and its version; ``status`` is ``data-required`` while any red flag is
unresolved, with one ``dataRequirement`` per missing input; ``result`` points at the
RequestGroup (R4B) or RequestOrchestration (R5) holding one action per recommendation.

What FHIR has no element for is kept in a contained Parameters resource referenced from
``outputParameters`` (see :func:`output_parameters`), the worst case and the questions to
ask next included; when the worst case is above the disposition a ``note`` also says it
in words.  Ignored inputs are warnings in a
contained OperationOutcome referenced from ``evaluationMessage``.  Both are contained
because servers do not store Parameters or OperationOutcome as resources of their own.
"""

from __future__ import annotations

from typing import Any

from legrules.fhir.write.writer import Entry, Writer, input_coding, rule_coding
from legrules.model import Audience, Recommendation, Status
from legrules.model.asking import ask_now

__all__ = ["audience_extension", "guidance_response", "output_parameters", "requests"]

_PARTICIPANT = {Audience.PATIENT: "patient", Audience.CLINICIAN: "practitioner"}


def audience_extension(base: str) -> str:
    """The extension URL stating a recommendation's audience (``patient``/``clinician``)."""
    return f"{base}/StructureDefinition/recommendation-audience"


def _unresolved(w: Writer) -> list[tuple[str, str | None, tuple[str, ...]]]:
    """Unresolved red flags as (id, version, missing inputs)."""
    versions = {f.id: f.version for f in w.assessment.red_flags}
    listed = {u.id: u.missing for u in w.assessment.unresolved}
    for flag in w.assessment.red_flags:
        if flag.status is Status.INDETERMINATE and flag.id not in listed:
            listed[flag.id] = flag.missing
    return [(rule, versions.get(rule), missing) for rule, missing in listed.items()]


def _rules_used(w: Writer) -> list[tuple[str, str]]:
    a = w.assessment
    pairs = [(t.rule, t.version) for t in a.trace]
    pairs += [(s.id, s.version) for s in a.scores]
    pairs += [(f.id, f.version) for f in a.red_flags]
    pairs += [(d.id, d.version) for d in a.differentials]
    pairs += [(r.id, r.version) for r in a.recommendations]
    return list(dict.fromkeys(pairs))


def _value(name: str, value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"name": name, "valueBoolean": value}
    if isinstance(value, int):
        return {"name": name, "valueInteger": value}
    if isinstance(value, float):
        return {"name": name, "valueDecimal": value}
    return {"name": name, "valueString": str(value)}


def output_parameters(w: Writer) -> dict[str, Any]:
    """The contained Parameters: rule set, library version, disposition, policy, rules.

    ``rule`` is repeated once per rule evaluated (a Coding with its version);
    ``unresolved`` once per unresolved red flag with the inputs that would settle it;
    ``worst-case-disposition`` once, and ``ask-next`` once per question (parts
    ``finding``, ``could-reach`` and ``settles``, in the order of ``ask_next``).
    """
    a = w.assessment
    ruleset = [
        {"name": "id", "valueString": a.ruleset.id},
        {"name": "version", "valueString": a.ruleset.version},
    ]
    policy = [_value(name, value) for name, value in a.policy.as_dict().items()]
    parameters: list[dict[str, Any]] = [
        {"name": "ruleset", "part": ruleset},
        {"name": "legrules-version", "valueString": w.legrules_version},
        {"name": "disposition", "valueCode": a.disposition.value},
        {"name": "cds-indicator", "valueCode": a.cds_indicator},
        {"name": "policy", "part": policy},
    ]
    parameters += [
        {"name": "rule", "valueCoding": rule_coding(w.base, rule, version)}
        for rule, version in _rules_used(w)
    ]
    for rule, version, missing in _unresolved(w):
        part = [{"name": "red-flag", "valueCoding": rule_coding(w.base, rule, version)}]
        part += [{"name": "missing", "valueCoding": input_coding(w.base, m)} for m in missing]
        parameters.append({"name": "unresolved", "part": part})
    parameters += _open_questions(w)
    return {"resourceType": "Parameters", "id": "output", "parameter": parameters}


def _open_questions(w: Writer) -> list[dict[str, Any]]:
    """``worst-case-disposition``, then one ``ask-next`` per question, most urgent first."""
    a = w.assessment
    versions = {f.id: f.version for f in a.red_flags}
    versions.update({d.id: d.version for d in a.differentials})
    parameters: list[dict[str, Any]] = [
        {"name": "worst-case-disposition", "valueCode": a.worst_case_disposition.value}
    ]
    for question in a.ask_next:
        part: list[dict[str, Any]] = [
            {"name": "finding", "valueCoding": input_coding(w.base, question.finding)},
            {"name": "could-reach", "valueCode": question.could_reach.value},
        ]
        part += [
            {"name": "settles", "valueCoding": rule_coding(w.base, rule, versions.get(rule))}
            for rule in question.settles
        ]
        parameters.append({"name": "ask-next", "part": part})
    return parameters


def _warnings(w: Writer) -> dict[str, Any] | None:
    issues = [
        {
            "severity": "warning",
            "code": "informational",
            "diagnostics": f"ignored {i.reference}: {i.reason}",
        }
        for i in w.assessment.ignored
    ]
    if not issues:
        return None
    return {"resourceType": "OperationOutcome", "id": "ignored", "issue": issues}


def _data_requirement(w: Writer, input_id: str) -> dict[str, Any]:
    if input_id == "age":
        return {"type": "Patient", "mustSupport": ["birthDate"]}
    # A finding by its legrules code; anything else is a rule's own result (a score that
    # could not be computed), asked for by its rule code, as legrules writes that result.
    coding = input_coding(w.base, input_id)
    return {"type": "Observation", "codeFilter": [{"path": "code", "code": [coding]}]}


def _notes(w: Writer) -> list[dict[str, str]]:
    notes = [f"Disposition: {w.assessment.disposition.value}."]
    asking = ask_now(w.assessment)
    if asking is not None:
        notes.append(f"Worst case: {w.assessment.worst_case_disposition.value}. {asking}")
    for item in w.assessment.withheld:
        because = f" (triggered by {', '.join(item.because)})" if item.because else ""
        notes.append(f"Withheld {item.id}{because}: {item.reason}")
    return [{"text": n} for n in notes]


def guidance_response(w: Writer, result: str | None) -> Entry:
    """The GuidanceResponse; *result* is the ``fullUrl`` of the requests entry, if any."""
    unresolved = _unresolved(w)
    contained = [output_parameters(w)]
    resource: dict[str, Any] = {
        "resourceType": "GuidanceResponse",
        "moduleCanonical": w.module,
        "status": "data-required" if unresolved else "success",
        "subject": w.subject,
        "occurrenceDateTime": w.as_of,
        "performer": w.device_reference(),
        "outputParameters": {"reference": "#output"},
        "note": _notes(w),
    }
    warnings = _warnings(w)
    if warnings is not None:
        contained.append(warnings)
        message = {"reference": "#ignored"}
        resource["evaluationMessage"] = [message] if w.version == "R4B" else message
    if result is not None:
        reference = {"reference": result}
        resource["result"] = reference if w.version == "R4B" else [reference]
    missing = sorted({m for _, _, items in unresolved for m in items})
    if missing:
        resource["dataRequirement"] = [_data_requirement(w, m) for m in missing]
    resource["contained"] = contained
    ruleset = w.assessment.ruleset
    return w.created(w.key("guidance", ruleset.id, ruleset.version, w.digest), resource)


def _action(w: Writer, recommendation: Recommendation) -> dict[str, Any]:
    description = recommendation.text
    if recommendation.cautions:
        description += f"\n\nCautions: {'; '.join(recommendation.cautions)}"
    action: dict[str, Any] = {
        "extension": [
            {"url": audience_extension(w.base), "valueCode": recommendation.audience.value}
        ],
        "description": description,
        "code": [{"coding": [rule_coding(w.base, recommendation.id, recommendation.version)]}],
    }
    if recommendation.because:
        action["documentation"] = [
            {"type": "justification", "label": rule, "display": f"Triggered by {rule}"}
            for rule in recommendation.because
        ]
    if w.version == "R5":
        action["participant"] = [{"type": _PARTICIPANT[recommendation.audience]}]
    # rqg-1: an action holds a resource or sub-actions; the advice itself is the resource.
    action["resource"] = {"reference": f"#{_request_id(recommendation)}"}
    return action


def _request_id(recommendation: Recommendation) -> str:
    return f"rec-{recommendation.id}"


def _communication(w: Writer, recommendation: Recommendation) -> dict[str, Any]:
    """The recommendation as a contained CommunicationRequest: the advice to pass on."""
    request: dict[str, Any] = {
        "resourceType": "CommunicationRequest",
        "id": _request_id(recommendation),
        "status": "active",
        "subject": w.subject,
        "payload": [{"contentString": recommendation.text}],
    }
    if w.version == "R5":  # R5 has no contentString; a text-only CodeableConcept instead
        request["intent"] = "proposal"
        request["payload"] = [{"contentCodeableConcept": {"text": recommendation.text}}]
    return request


def requests(w: Writer) -> Entry | None:
    """The RequestGroup (R4B) or RequestOrchestration (R5): one action per recommendation."""
    recommendations = w.assessment.recommendations
    if not recommendations:
        return None
    resource = {
        "resourceType": "RequestGroup" if w.version == "R4B" else "RequestOrchestration",
        "status": "active",
        "intent": "proposal",
        "subject": w.subject,
        "authoredOn": w.as_of,
        "author": w.device_reference(),
        "contained": [_communication(w, r) for r in recommendations],
        "action": [_action(w, r) for r in recommendations],
    }
    ruleset = w.assessment.ruleset
    return w.created(w.key("requests", ruleset.id, ruleset.version, w.digest), resource)
