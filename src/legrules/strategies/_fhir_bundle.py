"""Strategies for FHIR Bundles of one patient's resources, as EHR searches return them."""

from __future__ import annotations

from datetime import datetime

from hypothesis import strategies as st

from legrules.strategies._fhir import (
    _IDS,
    DEFAULT_AS_OF,
    JSON,
    _check,
    fhir_conditions,
    fhir_observations,
    fhir_patients,
)

BUNDLE_TYPES = ("searchset", "collection", "transaction", "batch")
_SERVER = "https://ehr.example.org/fhir"


def _entry(draw: st.DrawFn, bundle_type: str, resource: JSON, match: bool) -> JSON:
    kind, rid = resource["resourceType"], resource["id"]
    if bundle_type == "searchset":
        return {
            "fullUrl": f"{_SERVER}/{kind}/{rid}",
            "resource": resource,
            "search": {"mode": "match" if match else "include"},
        }
    entry: JSON = {"fullUrl": f"urn:uuid:{draw(st.uuids())}", "resource": resource}
    if bundle_type in ("transaction", "batch"):
        put = draw(st.booleans())
        entry["request"] = (
            {"method": "PUT", "url": f"{kind}/{rid}"}
            if put
            else {
                "method": "POST",
                "url": kind,
            }
        )
    return entry


def fhir_bundles(
    version: str = "R4B",
    *,
    messy: bool = False,
    bundle_type: str | None = None,
    as_of: datetime = DEFAULT_AS_OF,
    max_entries: int = 12,
) -> st.SearchStrategy[JSON]:
    """Bundles (searchset, collection, transaction or batch) of one patient's resources.

    The Patient comes first (or, when messy, anywhere or not at all), followed by
    Observations and Conditions that refer to it; resource ids are unique.
    """
    _check(version)
    if bundle_type is not None and bundle_type not in BUNDLE_TYPES:
        raise ValueError(f"bundle_type must be one of {', '.join(BUNDLE_TYPES)}")

    @st.composite
    def build(draw: st.DrawFn) -> JSON:
        kind = bundle_type or draw(st.sampled_from(BUNDLE_TYPES))
        pid = draw(_IDS)
        ref = f"Patient/{pid}"
        others = st.one_of(
            fhir_observations(version, messy=messy, patient=ref, as_of=as_of),
            fhir_conditions(version, messy=messy, patient=ref, as_of=as_of),
        )
        resources = draw(st.lists(others, max_size=max_entries))
        for index, resource in enumerate(resources):
            resource["id"] = f"{resource['id'][:48]}-{index}"
        patient = draw(fhir_patients(version, messy=messy, patient_id=pid, as_of=as_of))
        if not messy:
            resources.insert(0, patient)
        elif draw(st.booleans()):
            resources.insert(draw(st.integers(0, len(resources))), patient)
        entries = [_entry(draw, kind, r, r is not patient) for r in resources]
        bundle: JSON = {"resourceType": "Bundle", "id": draw(_IDS), "type": kind}
        if kind == "searchset":
            bundle["total"] = sum(1 for r in resources if r is not patient)
        if entries:
            bundle["entry"] = entries
        return bundle

    return build()
