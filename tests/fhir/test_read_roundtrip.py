"""Presentations written as Observations read back to the same presentation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fhir.resources.bundle import Bundle as BundleR5
from fhir.resources.R4B.bundle import Bundle as BundleR4B
from hypothesis import given, settings
from hypothesis import strategies as st

from legrules.fhir import read_presentation
from legrules.fhir.capture import presentation_bundle, presentation_resources
from legrules.model import (
    VOCABULARY,
    Finding,
    Kind,
    Laterality,
    Measurement,
    Patient,
    Presence,
    Presentation,
    Sex,
    Source,
)
from tests.support import AS_OF

BOOLEANS = sorted(c.id for c in VOCABULARY.values() if c.kind is Kind.BOOLEAN)
QUANTITIES = sorted(c.id for c in VOCABULARY.values() if c.kind is Kind.QUANTITY)
# Within every look-back window (vital signs: 24 hours).
WHEN = st.none() | st.integers(0, 20 * 60).map(lambda m: AS_OF - timedelta(minutes=m))
SOURCE = st.none() | st.builds(Source, st.just("app/intake"), preliminary=st.booleans())


def side(cid: str) -> st.SearchStrategy[Laterality | None]:
    return st.none() | st.sampled_from(Laterality) if VOCABULARY[cid].lateral else st.none()


@st.composite
def findings(draw: st.DrawFn) -> Finding:
    cid = draw(st.sampled_from(BOOLEANS))
    return Finding(cid, draw(st.sampled_from(Presence)), draw(side(cid)), draw(SOURCE), draw(WHEN))


@st.composite
def measurements(draw: st.DrawFn) -> Measurement:
    cid = draw(st.sampled_from(QUANTITIES))
    spec = VOCABULARY[cid]
    unit = draw(st.sampled_from(spec.accepted_units()))
    low, high = spec.range_in(unit)
    value = draw(st.floats(low, high, allow_nan=False) | st.sampled_from([low, high]))
    return Measurement(cid, value, unit, draw(side(cid)), draw(SOURCE), draw(WHEN))


presentations = st.builds(
    Presentation,
    patient=st.builds(
        Patient,
        id=st.none() | st.from_regex(r"[a-z0-9][a-z0-9-]{0,11}", fullmatch=True),
        age=st.none() | st.integers(0, 130),
        sex=st.none() | st.sampled_from(Sex),
    ),
    findings=st.lists(findings(), max_size=6),
    measurements=st.lists(measurements(), max_size=4),
    onset=st.none() | st.integers(0, 60 * 24 * 30).map(lambda m: AS_OF - timedelta(minutes=m)),
    as_of=st.just(AS_OF),
)


def facts(presentation: Presentation) -> list[Any]:
    """Everything but source references (now the written Observations) and fact order."""
    found = [
        (f.id, f.state, f.laterality, f.effective, bool(f.source and f.source.preliminary))
        for f in presentation.findings
    ]
    measured = [
        (m.id, m.value, m.unit, m.laterality, m.effective, bool(m.source and m.source.preliminary))
        for m in presentation.measurements
    ]
    found.sort(key=repr)
    measured.sort(key=repr)
    return [presentation.patient, found, measured, presentation.onset, presentation.as_of]


@settings(max_examples=60, deadline=None)
@given(presentations)
def test_written_observations_read_back_to_the_same_presentation(
    presentation: Presentation,
) -> None:
    """presentation_bundle then read_presentation is the identity (sources aside)."""
    result = read_presentation(presentation_bundle(presentation), as_of=AS_OF)
    assert facts(result.presentation) == facts(presentation)
    assert result.ignored == ()


@settings(max_examples=25, deadline=None)
@given(presentations)
def test_written_bundles_are_valid_r4b_and_r5(presentation: Presentation) -> None:
    """The Bundle validates with fhir.resources R4B and R5 models, as a transaction too."""
    BundleR4B.model_validate(presentation_bundle(presentation))
    BundleR5.model_validate(presentation_bundle(presentation, bundle_type="transaction"))


def test_writing_is_deterministic() -> None:
    """The same presentation gives byte-identical resources."""
    presentation = Presentation.of(age=40, present=["leg-pain"], as_of=AS_OF)
    assert presentation_resources(presentation) == presentation_resources(presentation)


def test_age_is_written_as_a_loinc_age_observation() -> None:
    """Age travels as LOINC 30525-0 in UCUM years, dated at as_of."""
    (age,) = presentation_resources(Presentation.of(age=61, as_of=AS_OF))
    assert age["code"]["coding"][0]["code"] == "30525-0"
    assert age["valueQuantity"] == {
        "value": 61,
        "unit": "a",
        "system": "http://unitsofmeasure.org",
        "code": "a",
    }
    assert age["effectiveDateTime"] == AS_OF.isoformat()
