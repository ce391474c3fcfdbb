"""Safety properties of the clinical rules over generated presentations."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from legrules import Assessment, Presentation
from legrules.model import Finding, Likelihood, Measurement, Patient, Presence, Status
from legrules.rules.self_care import SELF_CARE
from tests.conftest import scaled
from tests.support import run

SELF_CARE_IDS = {r.id for r in SELF_CARE}

#: Findings that drive the differentials, red flags and advice most often.
POOL = (
    "leg-pain",
    "leg-swelling",
    "deep-vein-tenderness",
    "entire-leg-swollen",
    "pitting-edema",
    "active-cancer",
    "previous-dvt",
    "alternative-diagnosis-as-likely",
    "ultrasound-dvt",
    "bilateral-pain",
    "migrating-pain",
    "heavy-legs",
    "stress-linked",
    "leg-cramp",
    "statin",
    "loop-diuretic",
    "numbness",
    "unable-to-bear-weight",
    "pain-on-walking",
    "pain-site-calf",
    "recent-unaccustomed-exercise",
    "pain-in-exercised-muscles",
    "redness",
    "warmth",
    "fever",
    "tight-muscles",
    "long-haul-travel",
)


@st.composite
def presentations(draw: st.DrawFn) -> Presentation:
    states = draw(st.dictionaries(st.sampled_from(POOL), st.sampled_from(list(Presence))))
    findings = [Finding(cid, state) for cid, state in states.items()]
    measurements = []
    if draw(st.booleans()):
        value = draw(st.integers(100, 3000))
        measurements.append(Measurement("d-dimer", value, "ng/mL{FEU}"))
    if draw(st.booleans()):
        calf = draw(st.sampled_from([0.0, 2.5, 3.0, 3.5]))
        measurements.append(Measurement("calf-circumference-difference", calf, "cm"))
    age = draw(st.one_of(st.none(), st.integers(18, 95)))
    return Presentation(patient=Patient(age=age), findings=findings, measurements=measurements)


def assess(presentation: Presentation) -> Assessment:
    return run(presentation)


@settings(max_examples=scaled(60), deadline=None)
@given(presentations())
def test_diagnoses_of_exclusion_are_never_more_than_possible(presentation: Presentation) -> None:
    """Stress-related pain and medication-associated cramps never exceed possible."""
    assessment = assess(presentation)
    for rule in ("ddx.stress-related", "ddx.medication-associated"):
        assert assessment.differential(rule).likelihood not in (
            Likelihood.LIKELY,
            Likelihood.CONFIRMED,
        )


@settings(max_examples=scaled(60), deadline=None)
@given(presentations())
def test_dvt_is_excluded_only_by_known_negative_results(presentation: Presentation) -> None:
    """DVT is excluded only by a negative D-dimer with Wells at most 1, or a negative scan."""
    assessment = assess(presentation)
    if assessment.differential("ddx.dvt").likelihood is Likelihood.EXCLUDED:
        assert assessment.score("score.d-dimer").class_ == "negative"
        wells = assessment.score("score.wells-dvt")
        scan_negative = any(
            f.id == "ultrasound-dvt" and f.state is Presence.ABSENT for f in presentation.findings
        )
        assert scan_negative or (wells.max is not None and wells.max <= 1)


@settings(max_examples=scaled(60), deadline=None)
@given(presentations())
def test_no_self_care_advice_while_a_red_flag_is_open(presentation: Presentation) -> None:
    """Self-care advice is never given while a red flag is met or indeterminate."""
    assessment = assess(presentation)
    open_flags = [f for f in assessment.red_flags if f.status is not Status.NOT_MET]
    given_ids = {r.id for r in assessment.recommendations}
    if open_flags:
        assert not given_ids & SELF_CARE_IDS


@settings(max_examples=scaled(60), deadline=None)
@given(presentations())
def test_indeterminate_differentials_name_what_is_missing(presentation: Presentation) -> None:
    """Every indeterminate differential names the inputs that would settle it."""
    for result in assess(presentation).differentials:
        if result.likelihood is Likelihood.INDETERMINATE:
            assert result.missing
        else:
            assert result.evidence
