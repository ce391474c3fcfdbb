"""Rule set 2026.12's advice against rules.md section 5, row by row.

The self-care gate, each contraindication (met withholds, unknown cautions) and the
audiences.  The presentations are the 2026.11 cases of ``tests.rules.self_care_cases`` restated on
2026.12's background (every 2026.12 red flag stated not met), so the same row of the
table is checked under the default rule set; the gate is checked against every new or
changed red flag of section 7.2.
"""

from __future__ import annotations

import attrs
import pytest

from legrules import Presentation, get_ruleset
from legrules.engine.base import RecommendationRule
from legrules.model import Audience, Finding, Measurement, Presence, Recommendation, Withheld
from tests.red_flag_cases import Case
from tests.red_flag_cases_2026_12 import (
    ALL_CLEAR_ABSENT_2026_12,
    ALL_CLEAR_MEASURED_2026_12,
    CASES_2026_12,
)
from tests.rules.rec_support import clear, fate
from tests.rules.self_care_cases import (
    CONTRAINDICATED,
    DOMS,
    QUIET_CRAMPS,
    RED_AND_WARM,
    STRESS,
    TRIGGERS,
    abi,
    cramps,
    doms,
)
from tests.support import run

RULESET = get_ruleset("2026.12")
RECOMMENDATIONS = [
    r for r in RULESET.of_kind("recommendation") if isinstance(r, RecommendationRule)
]

#: What 2026.12's infection and limb-ischaemia flags read beyond 2026.11's background,
#: stated not met so that a red, warm or cold leg is only the contraindication under test.
_LOCAL_ONLY = (
    "pain-out-of-proportion",
    "crepitus",
    "skin-necrosis-or-bullae",
    "rapidly-spreading-redness",
    "spreading-redness",
    "onset-within-14-days",
)


def on_2026_12(presentation: Presentation, *absent: str) -> Presentation:
    """*presentation* with every 2026.12 red-flag input it leaves open stated not met."""
    named = {f.id for f in presentation.findings}
    quantities = {m.id for m in presentation.measurements}
    findings = [
        Finding(cid, Presence.ABSENT)
        for cid in (*ALL_CLEAR_ABSENT_2026_12, *absent)
        if cid not in named
    ]
    measurements = [
        Measurement(cid, value, unit)
        for cid, (value, unit) in ALL_CLEAR_MEASURED_2026_12.items()
        if cid not in quantities
    ]
    return attrs.evolve(
        presentation,
        findings=(*presentation.findings, *findings),
        measurements=(*presentation.measurements, *measurements),
    )


def description(rec_id: str, criterion: str) -> str:
    rule = RULESET.rule(rec_id)
    assert isinstance(rule, RecommendationRule)
    return next(c.describe() for c in rule.criteria if c.id == criterion)


#: The 2026.11 cases whose trigger 2026.12 reads differently (a DOMS or a stress-related
#: pain needs every red flag not met first), restated so the trigger still fires.
_RESTATED: dict[tuple[str, str], Presentation] = {
    ("rec.massage-foam-rolling", "leg-infection"): cramps(*RED_AND_WARM),
    ("rec.heat-warm-bath", "leg-infection"): cramps(*RED_AND_WARM),
}
CONTRAINDICATED_2026_12 = {
    pair: on_2026_12(_RESTATED.get(pair, presentation), *_LOCAL_ONLY)
    for pair, presentation in CONTRAINDICATED.items()
}
PAIRS = sorted(CONTRAINDICATED_2026_12)


def test_contraindications_are_those_of_section_5() -> None:
    """Section 7 adds no contraindication: 2026.12 withholds advice for the same 21 reasons."""
    pairs = {(r.id, c.id) for r in RECOMMENDATIONS for c in r.criteria}
    assert pairs == set(CONTRAINDICATED)


@pytest.mark.parametrize("rec_id", sorted(TRIGGERS))
def test_self_care_given_when_triggered_and_every_2026_12_red_flag_is_clear(rec_id: str) -> None:
    """With every 2026.12 red flag not met, each self-care advice is given when triggered."""
    got, item = fate(run(on_2026_12(TRIGGERS[rec_id])), rec_id)
    assert got == "given"
    assert isinstance(item, Recommendation)
    assert item.audience is Audience.PATIENT


@pytest.mark.parametrize(("rec_id", "criterion"), PAIRS, ids=[f"{r}:{c}" for r, c in PAIRS])
def test_met_contraindication_withholds_with_the_reason(rec_id: str, criterion: str) -> None:
    """A met contraindication withholds the 2026.12 advice, and the reason names it."""
    got, item = fate(run(CONTRAINDICATED_2026_12[rec_id, criterion]), rec_id)
    assert got == "withheld"
    assert isinstance(item, Withheld)
    assert description(rec_id, criterion) in item.reason.split("contraindicated: ", 1)[1]


@pytest.mark.parametrize(
    ("rec_id", "presentation", "unknown"),
    [
        pytest.param("rec.stretching", clear("tight-muscles"), "hours-since-injury", id="strain"),
        pytest.param(
            "rec.massage-foam-rolling", doms(), "pain-on-contraction-or-stretch", id="massage"
        ),
        pytest.param("rec.cold-exposure", clear(*STRESS), "pain-on-walking", id="cold-pad"),
        pytest.param("rec.elevation", TRIGGERS["rec.elevation"], "abi", id="elevation-pad"),
        pytest.param(
            "rec.compression",
            clear("long-haul-travel", measured_sides=abi(1.1)[1:]),
            "abi",
            id="compression-one-leg-unmeasured",
        ),
        pytest.param("rec.magnesium", cramps(), "chronic-kidney-disease", id="magnesium"),
        pytest.param("rec.hydration-electrolytes", cramps(), "heart-failure", id="hydration"),
        pytest.param("rec.topical-nsaid", doms(), "nsaid-allergy", id="nsaid"),
    ],
)
def test_unknown_contraindication_keeps_the_advice_with_a_caution(
    rec_id: str, presentation: Presentation, unknown: str
) -> None:
    """An unknown contraindication never goes silent: the advice says what to check first."""
    got, item = fate(run(on_2026_12(presentation)), rec_id)
    assert got == "given"
    assert isinstance(item, Recommendation)
    assert any(c.startswith("check first:") and unknown in c for c in item.cautions)


_CRAMP_FINDINGS = ("leg-cramp", "cramp-very-painful", "sleep-disrupted")


def with_quiet_cramps(presentation: Presentation) -> Presentation:
    """*presentation* with leg cramps that are not troublesome (triggers rec.magnesium)."""
    kept = [f for f in presentation.findings if f.id not in _CRAMP_FINDINGS]
    cramp = [
        Finding("leg-cramp", Presence.PRESENT),
        Finding("cramp-very-painful", Presence.ABSENT),
        Finding("sleep-disrupted", Presence.ABSENT),
        Finding("chronic-kidney-disease", Presence.ABSENT),
    ]
    quantities = [m for m in presentation.measurements if m.id not in QUIET_CRAMPS]
    quiet = [Measurement(cid, value, unit) for cid, (value, unit) in QUIET_CRAMPS.items()]
    return attrs.evolve(presentation, findings=(*kept, *cramp), measurements=(*quantities, *quiet))


def carried(case: Case, presentation: Presentation) -> tuple[str, Presentation]:
    """Self-care advice whose trigger reads no red flag, added to *presentation*.

    Quiet cramps carry ``rec.magnesium``; night bone pain is by definition not cramp,
    so where no cramp is stated present, tight muscles carry ``rec.stretching``.
    """
    cramp = Finding("leg-cramp", Presence.PRESENT)
    if case.rule == "redflag.night-bone-pain" and cramp not in presentation.findings:
        tight = Finding("tight-muscles", Presence.PRESENT)
        return "rec.stretching", attrs.evolve(
            presentation, findings=(*presentation.findings, tight)
        )
    return "rec.magnesium", with_quiet_cramps(presentation)


GATE = [(case, state) for case in CASES_2026_12 for state in ("met", "indeterminate")]


@pytest.mark.parametrize(("case", "state"), GATE, ids=[f"{c.rule}:{s}" for c, s in GATE])
def test_self_care_withheld_while_a_2026_12_red_flag_is_open(case: Case, state: str) -> None:
    """Self-care advice is withheld while any new or changed 2026.12 red flag is met or open."""
    rec_id, presentation = carried(case, getattr(case, state))
    got, item = fate(run(presentation), rec_id)
    assert got == "withheld"
    assert isinstance(item, Withheld)
    assert f"{case.rule} {state}" in item.reason


@pytest.mark.parametrize("case", CASES_2026_12, ids=[c.rule for c in CASES_2026_12])
def test_self_care_given_once_every_red_flag_is_not_met(case: Case) -> None:
    """The same advice is given once that flag, and every other, is settled not met."""
    rec_id, presentation = carried(case, case.not_met)
    got, _ = fate(run(on_2026_12(presentation, *_LOCAL_ONLY)), rec_id)
    assert got == "given"


def test_audiences_follow_section_5() -> None:
    """Clinician advice is the tests and treatments section 5 and 7.3 address to clinicians."""
    clinician = {r.id for r in RECOMMENDATIONS if r.audience is Audience.CLINICIAN}
    assert clinician == {
        "rec.dvt-imaging-pathway",
        "rec.d-dimer",
        "rec.abi-measurement",
        "rec.exercise-abi",
        "rec.iron-studies",
        "rec.iron-therapy",
        "rec.tbi-measurement",
        "rec.vitamin-d-treatment",
        "rec.fibromyalgia-assessment",
    }


def test_self_care_is_rice_to_the_end_of_the_table_plus_joint_exercise() -> None:
    """Only the section 5 self-care rows (and 2026.12's exercise for osteoarthritis) are gated."""
    gated = {r.id for r in RECOMMENDATIONS if r.self_care}
    assert gated == {*TRIGGERS, "rec.joint-exercise"}


def test_doms_is_the_trigger_used_by_doms_cases() -> None:
    """The DOMS findings still make DOMS likely under 2026.12 once every red flag is clear."""
    result = run(on_2026_12(clear(*DOMS, measured={"hours-since-exercise": (30, "h")})))
    assert result.differential("ddx.doms").likelihood.value == "likely"


def test_advice_new_or_changed_in_2026_12_says_what_each_citation_supports() -> None:
    """rules.md 7.3: every citation of the advice 2026.12 changed says what it supports."""
    before = {r.id: r.version for r in get_ruleset("2026.11").rules}
    changed = [r for r in RECOMMENDATIONS if before.get(r.id) != r.version]
    assert {r.id for r in changed} >= {"rec.call-emergency", "rec.symptom-log"}
    unsupported = [(r.id, c.text[:30]) for r in changed for c in r.citations if not c.supports]
    assert unsupported == []
