"""The public strategies produce what they promise."""

from __future__ import annotations

import pytest
from fhir.resources import get_fhir_model_class as r5_model
from fhir.resources.R4B import get_fhir_model_class as r4b_model
from hypothesis import given, settings
from hypothesis import strategies as st

from legrules import Presentation, assess
from legrules.fhir.canonical import finding_system
from legrules.model import VOCABULARY, Finding, Laterality, Measurement, Patient, Presence, Status
from legrules.rules import get_ruleset
from legrules.strategies import (
    BOOLEAN_IDS,
    QUANTITY_IDS,
    fhir_bundles,
    fhir_conditions,
    fhir_observations,
    fhir_patients,
    measurements,
    presentations,
)
from legrules.strategies._fhir_codes import COUNTED_STATUSES
from tests.conftest import scaled

RED_FLAGS = [r.id for r in get_ruleset().of_kind("red-flag")]
MODELS = {"R4B": r4b_model, "R5": r5_model}


@pytest.mark.parametrize(
    "flag",
    # Solving for a suspected DVT (Wells items, a D-dimer) takes minutes: slow.
    [
        pytest.param(f, marks=pytest.mark.slow) if f == "redflag.suspected-dvt" else f
        for f in RED_FLAGS
    ],
)
@settings(max_examples=scaled(12))
@given(data=st.data())
def test_presentations_meeting_a_red_flag_meet_it(flag: str, data: st.DataObject) -> None:
    """presentations(meeting=X), partial or complete, has red flag X met."""
    complete = data.draw(st.booleans(), label="complete")
    p = data.draw(presentations(meeting=flag, complete=complete), label="presentation")
    assert assess(p).red_flag(flag).status is Status.MET


def test_meeting_refuses_a_score_id() -> None:
    """A score is never "met", so meeting= refuses it."""
    with pytest.raises(ValueError, match="score"):
        presentations(meeting="score.wells-dvt")


@pytest.mark.slow
@given(p=presentations(complete=True))
def test_complete_presentations_state_every_concept(p: Presentation) -> None:
    """Every finding is present or absent on both legs; every measurement is given."""
    stated = {(f.id, f.laterality) for f in p.findings if f.state is not Presence.UNKNOWN}
    for cid in BOOLEAN_IDS:
        whole = (cid, None) in stated or (cid, Laterality.BOTH) in stated
        assert whole or {(cid, Laterality.LEFT), (cid, Laterality.RIGHT)} <= stated, cid
    assert {m.id for m in p.measurements} == set(QUANTITY_IDS)
    assert p.patient.age is not None
    assert p.onset is not None


@given(m=measurements())
def test_measurements_use_accepted_units_within_the_plausible_range(m: Measurement) -> None:
    """Generated measurements use a unit the concept accepts, inside its range in that unit."""
    spec = VOCABULARY[m.id]
    low, high = spec.range_in(m.unit)
    assert m.unit in spec.accepted_units()
    assert low <= m.value <= high


@pytest.mark.parametrize("kind", [Presentation, Finding, Measurement, Patient])
@given(data=st.data())
def test_types_are_registered_for_from_type(kind: type, data: st.DataObject) -> None:
    """st.from_type gives valid legrules objects for the main model types."""
    assert isinstance(data.draw(st.from_type(kind)), kind)


@pytest.mark.parametrize("version", ["R4B", "R5"])
@pytest.mark.parametrize("messy", [False, True], ids=["clean", "messy"])
@given(data=st.data())
def test_fhir_resources_validate_with_fhir_resources(
    version: str, messy: bool, data: st.DataObject
) -> None:
    """Observations, Conditions, Patients and Bundles validate against the FHIR models."""
    model = MODELS[version]
    strategy = st.one_of(
        fhir_observations(version, messy=messy),
        fhir_conditions(version, messy=messy),
        fhir_patients(version, messy=messy),
        fhir_bundles(version, messy=messy),
    )
    resource = data.draw(strategy, label="resource")
    model(resource["resourceType"]).model_validate(resource)


@given(observation=fhir_observations())
def test_clean_observations_use_known_codes_and_counted_statuses(
    observation: dict[str, object],
) -> None:
    """Clean Observations have a counted status and a legrules or listed standard code."""
    assert observation["status"] in COUNTED_STATUSES
    codings = observation["code"]["coding"]  # type: ignore[index]
    systems = {c["system"] for c in codings}
    assert systems <= {finding_system(), "http://snomed.info/sct", "http://loinc.org"}


def test_fhir_strategies_refuse_unknown_versions() -> None:
    """Only R4B and R5 are offered."""
    with pytest.raises(ValueError, match="R4B"):
        fhir_observations("R4")
