"""MedicationStatement / MedicationRequest -> medication-class findings.

A drug is put in a legrules class (statin, thiazide-diuretic, ...) only through a mapped
code: an ATC class prefix or an RxNorm ingredient, each cited in the terminology map.
Free text is never matched.  A medication record only ever makes a class *present*:
no record, or a stopped drug, leaves the class unknown, never absent.

Current use:

* R4/R4B MedicationStatement: status ``active``; R5: ``recorded`` (``draft`` counts as
  preliminary) unless ``adherence`` says the drug is not being taken.  A statement whose
  effective period ended before ``as_of`` is not current.
* MedicationRequest: status ``active`` with an order intent (not a proposal, plan or
  option).

The drug comes from ``medicationCodeableConcept`` / ``medicationReference`` (R4B) or the
``medication`` CodeableReference (R5); references resolve to a contained Medication or
a Medication resource met earlier in the same input.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from legrules.fhir.read.context import Collected, Settings, stamp
from legrules.fhir.read.elements import JSON, Coding, Resource
from legrules.model import Presence
from legrules.model.checks import check_finding, check_text

__all__ = ["Medications", "read_medication"]

#: Codings of Medication resources by reference ("Medication/x" and fullUrl).
Medications = Mapping[str, list[Coding]]

_ORDER_INTENTS = frozenset(
    {"order", "original-order", "reflex-order", "filler-order", "instance-order"}
)


def read_medication(
    res: Resource, settings: Settings, out: Collected, medications: Medications
) -> None:
    """Read one MedicationStatement or MedicationRequest into *out*."""
    reason = _not_current(res, settings)
    if reason is not None:
        out.ignore(res.label, reason)
        return
    when = _when(res)
    if settings.too_late(res, when, out):
        return
    codings = _codings(res, settings, medications, out)
    if codings is None:
        return
    classes = [c for s, code in codings for c in settings.terms.medication_classes(s, code)]
    if not classes:
        shown = ", ".join(f"{s or '-'}|{c or '-'}" for s, c in codings) or "no code"
        out.ignore(res.label, f"no legrules medication class for {shown}")
        return
    status = res.data.get("status")
    check_text(res.label, "reference")  # what a Source would check: the findings cite it
    preliminary = status in settings.sem.statement_preliminary
    text = stamp(when)
    for finding in dict.fromkeys(classes):
        check_finding(finding, None, when)
        out.findings.append((finding, Presence.PRESENT.value, None, res.label, preliminary, text))


def _not_current(res: Resource, settings: Settings) -> str | None:
    """Why the record does not show current use, or ``None`` when it does."""
    data, sem = res.data, settings.sem
    status = res.string(data, "status")
    statement = res.type == "MedicationStatement"
    counts = sem.statement_counts | sem.statement_preliminary if statement else sem.request_counts
    ignored = sem.statement_ignored if statement else sem.request_ignored
    if status in ignored:
        return f"status {status}"
    if status not in counts:
        raise res.error(f"expected a {sem.name} {res.type} status, got {status!r}", "status")
    if statement:
        return _statement_reason(res, settings)
    intent = res.string(data, "intent")
    if intent is not None and intent not in _ORDER_INTENTS:
        return f"intent {intent} is not an order"
    return None


def _statement_reason(res: Resource, settings: Settings) -> str | None:
    data = res.data
    adherence = res.obj(data, "adherence")
    if adherence is not None:
        codes = [c for _, c in res.concept(adherence, "code", "adherence.")]
        if codes and not any(c and c.startswith("taking") for c in codes):
            return f"adherence {codes[0]}: not being taken"
    period = res.obj(data, "effectivePeriod")
    end = None if period is None else res.when(period, "end", "effectivePeriod.")
    if end is not None and end < settings.as_of:
        return f"ended {end.isoformat()}, before as_of"
    return None


def _when(res: Resource) -> datetime | None:
    data = res.data
    if res.type == "MedicationRequest":
        return res.when(data, "authoredOn")
    when = res.when(data, "effectiveDateTime")
    period = res.obj(data, "effectivePeriod")
    if when is None and period is not None:
        when = res.when(period, "start", "effectivePeriod.")
    return when or res.when(data, "dateAsserted")


def _codings(
    res: Resource, settings: Settings, medications: Medications, out: Collected
) -> list[Coding] | None:
    data, sem = res.data, settings.sem
    r4 = "medicationCodeableConcept" in data or "medicationReference" in data
    r5 = "medication" in data
    if r4 and not sem.r4_medication:
        raise res.error("medication[x] is the R4 form; this input is read as R5", "medication")
    if r5 and not sem.r5_medication:
        raise res.error(
            "medication (CodeableReference) is the R5 form; this input is read as R4B",
            "medication",
        )
    if r5:
        holder = res.obj(data, "medication") or {}
        concept_key, ref_key, path = "concept", "reference", "medication."
    elif r4:
        holder, concept_key, ref_key, path = (
            data,
            "medicationCodeableConcept",
            "medicationReference",
            "",
        )
    else:
        raise res.error(f"a {res.type} needs the drug it is about", "medication")
    codings = res.concept(holder, concept_key, path)
    ref = res.obj(holder, ref_key, path)
    if ref is not None:
        target = res.string(ref, "reference", f"{path}{ref_key}.")
        found = _resolve(res, target, medications)
        if found is None:
            out.ignore(res.label, f"medication reference {target!r} not found in the input")
            return None
        conflict = getattr(medications, "conflicts", {}).get(target)
        if conflict is not None:  # copies that disagree (legrules.fhir.read.grouping)
            out.warn(f"{res.label}: {conflict}")
        codings += found
    return codings


def _resolve(res: Resource, target: str | None, medications: Medications) -> list[Coding] | None:
    if target is None:
        return None
    if target.startswith("#"):
        for path, item in res.objects(res.data, "contained"):
            if item.get("resourceType") == "Medication" and item.get("id") == target[1:]:
                inner = Resource(item, f"{res.label}.{path}")
                return inner.concept(item, "code")
        return None
    return medications.get(target)


def medication_codings(data: JSON, label: str) -> list[Coding]:
    """The codings of a Medication resource, for resolving references to it."""
    res = Resource(data, label)
    return res.concept(data, "code")
