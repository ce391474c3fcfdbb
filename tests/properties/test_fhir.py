"""FHIR properties: round trips keep every conclusion, output is deterministic, junk is ignored."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from legrules import Assessment, Presentation, assess
from legrules.fhir import dumps_bundle, read_presentation, transaction_bundle
from legrules.fhir.capture import presentation_bundle
from legrules.model import Finding, Measurement
from legrules.strategies import fhir_bundles, presentations
from tests.support import AS_OF

# Squeeze every recorded time into the last 20 hours (inside every look-back window),
# keeping the order of statements, so the round trip meets no window.
_SPAN = timedelta(hours=20)
_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


def _squeeze(when: datetime | None, oldest: datetime) -> datetime | None:
    if when is None or when > AS_OF:
        return when
    share = (AS_OF - when) / max(AS_OF - oldest, timedelta(seconds=1))
    return AS_OF - _SPAN * share


def _fresh(presentation: Presentation) -> Presentation:
    times = [f.effective for f in presentation.findings]
    times += [m.effective for m in presentation.measurements]
    past = [t for t in times if t is not None and t <= AS_OF]
    oldest = min(past, default=AS_OF)

    def move(fact: Finding | Measurement) -> Any:
        return attrs.evolve(fact, effective=_squeeze(fact.effective, oldest))

    patient = presentation.patient
    if patient.id is not None and not _FHIR_ID.match(patient.id):
        patient = attrs.evolve(patient, id=None)  # FHIR ids are [A-Za-z0-9-.]{1,64}
    return attrs.evolve(
        presentation,
        patient=patient,
        findings=tuple(move(f) for f in presentation.findings),
        measurements=tuple(move(m) for m in presentation.measurements),
        onset=presentation.onset if presentation.onset and presentation.onset <= AS_OF else None,
    )


def conclusions(result: Assessment) -> tuple[Any, ...]:
    """Everything a clinician acts on (not the evidence's references, which must change)."""
    return (
        result.disposition,
        tuple((f.id, f.status, f.missing) for f in result.red_flags),
        tuple((s.id, s.laterality, s.value, s.min, s.max, s.class_) for s in result.scores),
        tuple((d.id, d.likelihood, d.level) for d in result.differentials),
        tuple(r.id for r in result.recommendations),
        tuple(w.id for w in result.withheld),
    )


@given(p=presentations(as_of=AS_OF).map(_fresh))
def test_fhir_round_trip_keeps_every_conclusion(p: Presentation) -> None:
    """Presentation -> FHIR Observations -> reader -> the same conclusions."""
    read = read_presentation(presentation_bundle(p), as_of=AS_OF).presentation
    assert conclusions(assess(read, as_of=AS_OF)) == conclusions(assess(p, as_of=AS_OF))


@pytest.mark.slow
@given(p=presentations(as_of=AS_OF), version=st.sampled_from(["R4B", "R5"]))
def test_same_input_gives_byte_identical_valid_bundles(p: Presentation, version: str) -> None:
    """Assessing twice gives byte-identical transaction Bundles, each valid for its version."""
    first = dumps_bundle(transaction_bundle(assess(p), version=version))  # type: ignore[arg-type]
    second = dumps_bundle(transaction_bundle(assess(p), version=version))  # type: ignore[arg-type]
    assert first == second


@given(
    bundle=fhir_bundles("R4B", messy=True, as_of=AS_OF)
    | fhir_bundles("R5", messy=True, as_of=AS_OF)
)
def test_invalid_observations_never_become_facts(bundle: dict[str, Any]) -> None:
    """Entered-in-error, cancelled and registered Observations are listed, never used."""
    result = read_presentation(bundle, as_of=AS_OF)
    dropped = {
        f"Observation/{e['resource']['id']}"
        for e in bundle.get("entry", [])
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"].get("status") in ("entered-in-error", "cancelled", "registered")
    }
    facts: list[Finding | Measurement] = [
        *result.presentation.findings,
        *result.presentation.measurements,
    ]
    used = {fact.source.reference for fact in facts if fact.source is not None}
    assert not dropped & used
    assert dropped <= {i.reference for i in result.ignored}
