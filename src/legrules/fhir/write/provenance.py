"""The legrules Device and the Provenance of everything a Bundle writes.

The Device is legrules itself at one library version; it is created once per version
(conditionally, like every other resource) so that Provenance, Flags and the rest can
point at a resource the server holds.  The Provenance has no identifier element, so it
is written with ``PUT`` to an id derived from the same key as the GuidanceResponse:
resubmitting a Bundle overwrites it with identical content.
"""

from __future__ import annotations

from typing import Any

from legrules.fhir.write.idempotency import resource_uuid
from legrules.fhir.write.writer import (
    Entry,
    FHIRVersion,
    Writer,
    input_references,
    reference_to,
)

__all__ = ["PARTICIPANT_TYPE", "device", "device_key", "provenance"]

PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"


def device_key(legrules_version: str) -> str:
    """The idempotency key of the legrules Device (one per library version)."""
    return f"legrules-fhir/1|device|legrules@{legrules_version}"


def device(w: Writer) -> Entry:
    """The Device entry for legrules at the version that made the assessment."""
    resource: dict[str, Any] = {
        "resourceType": "Device",
        "status": "active",
        **_device_name(w.version),
        "version": [{"value": w.legrules_version}],
    }
    return w.created(device_key(w.legrules_version), resource)


def _device_name(version: FHIRVersion) -> dict[str, Any]:
    if version == "R4B":
        return {"deviceName": [{"name": "legrules", "type": "user-friendly-name"}]}
    return {"name": [{"value": "legrules", "type": "user-friendly-name"}]}


def provenance(w: Writer, targets: list[str]) -> Entry:
    """The Provenance of *targets* (``fullUrl``s): legrules authored them from the inputs.

    ``recorded`` and ``occurredDateTime`` are the assessment's ``as_of`` (never the wall
    clock, which would make the Bundle differ between identical runs); ``policy`` is the
    rule set's versioned canonical; one ``source`` entity per input resource used.
    """
    ruleset = w.assessment.ruleset
    pid = resource_uuid(w.base, w.key("provenance", ruleset.id, ruleset.version, w.digest))
    author = {"system": PARTICIPANT_TYPE, "code": "author", "display": "Author"}
    resource: dict[str, Any] = {
        "resourceType": "Provenance",
        "id": pid,
        "target": [{"reference": t} for t in targets],
        "occurredDateTime": w.as_of,
        "recorded": w.as_of,
        "policy": [w.module],
        "agent": [{"type": {"coding": [author]}, "who": w.device_reference()}],
    }
    entities = [{"role": "source", "what": reference_to(s)} for s in input_references(w.assessment)]
    if entities:
        resource["entity"] = entities
    if w.version == "R5" and w.subject.get("reference", "").startswith("Patient/"):
        resource["patient"] = w.subject
    return Entry(f"urn:uuid:{pid}", resource, {"method": "PUT", "url": f"Provenance/{pid}"})
