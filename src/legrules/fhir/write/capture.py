"""Build the Observations of :mod:`legrules.fhir.capture` (documented there)."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any, Literal

import orjson

from legrules.errors import InvalidValueError
from legrules.fhir.canonical import DEFAULT_BASE, finding_system, identifier_system
from legrules.fhir.codes import DATA_ABSENT_REASON, LOINC, SNOMED, UCUM, terminology
from legrules.fhir.read.elements import JSON
from legrules.model import Finding, Laterality, Measurement, Presence, Presentation, concept

__all__ = ["presentation_bundle", "presentation_resources"]

_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_SIDES = {
    Laterality.LEFT: ("7771000", "Left"),
    Laterality.RIGHT: ("24028007", "Right"),
    Laterality.BOTH: ("51440002", "Right and left"),
}
BundleType = Literal["collection", "transaction"]


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(parts)))


def _when(value: datetime | None) -> dict[str, str]:
    return {} if value is None else {"effectiveDateTime": value.isoformat()}


class _Writer:
    def __init__(self, presentation: Presentation, base: str) -> None:
        self.presentation = presentation
        self.base = base
        self.system = finding_system(base)
        self.terms = terminology(base)
        patient = presentation.patient
        if patient.id is not None and not _ID.match(patient.id):
            raise InvalidValueError(
                f"patient id {patient.id!r} is not a FHIR id ([A-Za-z0-9-.]{{1,64}})", "patient.id"
            )
        self.key = patient.id or _uuid(base, "capture", repr(presentation))
        self.patient_url = f"urn:uuid:{_uuid(base, 'patient', self.key)}"
        self.subject: str | None = f"Patient/{patient.id}" if patient.id else self.patient_url
        if patient.id is None and patient.sex is None:
            self.subject = None  # no Patient resource is written to point at
        self.count = 0

    def observation(self, code: list[JSON], text: str, body: JSON) -> JSON:
        self.count += 1
        resource: JSON = {
            "resourceType": "Observation",
            "id": _uuid(self.base, "observation", self.key, str(self.count)),
            "status": body.pop("status", "final"),
            "code": {"coding": code, "text": text},
        }
        if self.subject is not None:
            resource["subject"] = {"reference": self.subject}
        resource.update(body)
        return resource

    def own(self, code: str, display: str) -> JSON:
        return {"system": self.system, "code": code, "display": display}

    def codes(self, fid: str, unit: str | None = None) -> list[JSON]:
        spec = concept(fid)
        standard = self.terms.standard_codes(fid)
        if unit is not None and "{" in unit:
            standard = tuple(m for m in standard if m.unit_annotation == unit[unit.find("{") :])
        extra = [{"system": m.system, "code": m.code, "display": m.display} for m in standard[:1]]
        return [self.own(fid, spec.display), *extra]

    def common(self, fact: Finding | Measurement) -> JSON:
        body: JSON = _when(fact.effective)
        if fact.source is not None and fact.source.preliminary:
            body["status"] = "preliminary"
        if fact.laterality is not None:
            code, display = _SIDES[fact.laterality]
            body["bodySite"] = {"coding": [{"system": SNOMED, "code": code, "display": display}]}
        return body

    def finding(self, finding: Finding) -> JSON:
        body = self.common(finding)
        if finding.state is Presence.UNKNOWN:
            reason = {"system": DATA_ABSENT_REASON, "code": "unknown", "display": "Unknown"}
            body["dataAbsentReason"] = {"coding": [reason]}
        else:
            body["valueBoolean"] = finding.state is Presence.PRESENT
        return self.observation(self.codes(finding.id), concept(finding.id).display, body)

    def measurement(self, measurement: Measurement) -> JSON:
        body = self.common(measurement)
        body["valueQuantity"] = {
            "value": measurement.value,
            "unit": measurement.unit,
            "system": UCUM,
            "code": measurement.unit,
        }
        codes = self.codes(measurement.id, measurement.unit)
        return self.observation(codes, concept(measurement.id).display, body)

    def context(self) -> list[JSON]:
        presentation, patient = self.presentation, self.presentation.patient
        resources: list[JSON] = []
        if patient.age is not None:
            age = {"system": LOINC, "code": "30525-0", "display": "Age"}
            quantity = {"value": patient.age, "unit": "a", "system": UCUM, "code": "a"}
            resources.append(
                self.observation(
                    [age], "Age", {"valueQuantity": quantity, **_when(presentation.as_of)}
                )
            )
        if presentation.onset is not None:
            body = {"valueDateTime": presentation.onset.isoformat()}
            resources.append(
                self.observation([self.own("onset", "Onset of the leg symptoms")], "Onset", body)
            )
        return resources

    def patient_resource(self) -> JSON | None:
        patient = self.presentation.patient
        if patient.id is None and patient.sex is None:
            return None
        resource: JSON = {"resourceType": "Patient"}
        if patient.id is not None:
            resource["id"] = patient.id
        if patient.sex is not None:
            resource["gender"] = patient.sex.value
        return resource


def presentation_resources(presentation: Presentation, *, base: str = DEFAULT_BASE) -> list[JSON]:
    """The presentation as FHIR resources (a Patient first when needed, then Observations).

    The resources reference the patient as ``Patient/<id>``; a presentation without a
    patient id needs :func:`presentation_bundle`, whose ``urn:uuid`` fullUrl links them.
    The JSON is the same for R4B and R5 (the elements used did not change).
    """
    writer = _Writer(presentation, base)
    patient = writer.patient_resource()
    observations = [
        *writer.context(),
        *(writer.finding(f) for f in presentation.findings),
        *(writer.measurement(m) for m in presentation.measurements),
    ]
    return [patient, *observations] if patient is not None else observations


def presentation_bundle(
    presentation: Presentation, *, base: str = DEFAULT_BASE, bundle_type: BundleType = "collection"
) -> JSON:
    """The presentation as a Bundle (``collection``, or ``transaction`` to POST it).

    Deterministic: the same presentation gives the same Bundle (uuid5 ids and fullUrls).
    A transaction is safe to post to an EHR more than once: every Observation carries a
    deterministic identifier and is created with ``ifNoneExist``, so a repeated post
    creates nothing new.  It never overwrites the patient's record: a Patient with an id
    is referenced, not written (the EHR owns it); an anonymous Patient is created
    conditionally on a deterministic identifier.
    """
    writer = _Writer(presentation, base)
    resources = presentation_resources(presentation, base=base)
    system = identifier_system(base)
    entries: list[JSON] = []
    for resource in resources:
        rtype = resource["resourceType"]
        if bundle_type == "transaction" and rtype == "Patient" and "id" in resource:
            continue  # the EHR's own record: reference it, never replace it
        url = writer.patient_url if rtype == "Patient" else f"urn:uuid:{resource['id']}"
        entry: JSON = {"fullUrl": url, "resource": resource}
        if bundle_type == "transaction":
            entry["request"] = _conditional_create(resource, system, writer.key, base)
        entries.append(entry)
    return {"resourceType": "Bundle", "type": bundle_type, "entry": entries}


def _conditional_create(resource: JSON, system: str, key: str, base: str) -> dict[str, Any]:
    """Give *resource* an identifier from its content and create it only if it is new."""
    content = {k: v for k, v in resource.items() if k != "id"}
    value = _uuid(base, "capture", key, orjson.dumps(content, option=orjson.OPT_SORT_KEYS).decode())
    resource["identifier"] = [{"system": system, "value": value}]
    return {
        "method": "POST",
        "url": resource["resourceType"],
        "ifNoneExist": f"identifier={system}|{value}",
    }
