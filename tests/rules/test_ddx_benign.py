"""The other twelve differentials: every conclusion each can reach and its level."""

from __future__ import annotations

import pytest

from legrules import Presentation
from legrules.model import Disposition, Likelihood
from legrules.rules.cramps import CRAMP_MEDICINES
from legrules.rules.rls import IRLSSG_CRITERIA
from tests.red_flag_cases import scenario
from tests.rules.ddx_support import DdxCase, check
from tests.rules.self_care_cases import DOMS, NOCTURNAL, STRAIN, STRESS
from tests.support import make

L, D = Likelihood, Disposition

IRLSSG = IRLSSG_CRITERIA
RLS_CASES = [
    DdxCase("all-five-criteria-likely", make(present=IRLSSG), L.LIKELY, D.ROUTINE),
    DdxCase(
        "one-criterion-absent-unlikely",
        make(present=IRLSSG[:4], absent=IRLSSG[4:]),
        L.UNLIKELY,
    ),
    DdxCase(
        "one-criterion-unknown-indeterminate",
        make(present=IRLSSG[:4]),
        L.INDETERMINATE,
        D.UNDETERMINED,
        ("not-explained-by-other-condition",),
    ),
]

SUPPORT = ("leg-pain-worse-than-back-pain", "straight-leg-raise-positive", "dermatomal-numbness")
SCIATICA_CASES = [
    DdxCase(
        "radiating-with-positive-slr-likely",
        make(present=["pain-radiates-below-knee", "straight-leg-raise-positive"]),
        L.LIKELY,
        D.ROUTINE,
    ),
    DdxCase(
        "radiating-alone-possible",
        make(present=["pain-radiates-below-knee"], absent=SUPPORT),
        L.POSSIBLE,
    ),
    DdxCase("no-radiation-unlikely", make(absent=["pain-radiates-below-knee"]), L.UNLIKELY),
    DdxCase(
        "radiating-supports-unknown-indeterminate",
        make(present=["pain-radiates-below-knee"]),
        L.INDETERMINATE,
        D.UNDETERMINED,
        SUPPORT,
    ),
    DdxCase(
        "radiation-unknown-indeterminate",
        make(present=["dermatomal-numbness"]),
        L.INDETERMINATE,
        D.UNDETERMINED,
        ("pain-radiates-below-knee",),
    ),
]

CRAMP = NOCTURNAL
NOCTURNAL_CASES = [
    DdxCase("hardening-in-bed-relieved-by-stretching-likely", make(present=CRAMP), L.LIKELY),
    DdxCase("not-in-bed-unlikely", make(present=CRAMP[::2], absent=CRAMP[1:2]), L.UNLIKELY),
    DdxCase(
        "relief-unknown-indeterminate",
        make(present=CRAMP[:2]),
        L.INDETERMINATE,
        missing=("cramp-relieved-by-stretching",),
    ),
]


def doms(
    hours: float, present: tuple[str, ...] = (), unknown: tuple[str, ...] = ()
) -> Presentation:
    measured = {"hours-since-exercise": (hours, "h")}
    return scenario(present=(*DOMS, *present), unknown=unknown, measured=measured)


DOMS_CASES = [
    DdxCase("30-hours-after-unaccustomed-exercise-likely", doms(30), L.LIKELY),
    DdxCase("12-hours-is-in-the-window", doms(12), L.LIKELY),
    DdxCase("72-hours-is-in-the-window", doms(72), L.LIKELY),
    DdxCase("11-hours-too-early-unlikely", doms(11), L.UNLIKELY),
    DdxCase("80-hours-too-late-unlikely", doms(80), L.UNLIKELY),
    DdxCase("swelling-makes-it-unlikely", doms(30, present=("leg-swelling",)), L.UNLIKELY),
    DdxCase("a-met-red-flag-makes-it-unlikely", doms(30, present=("numbness",)), L.UNLIKELY),
    DdxCase(
        "an-unresolved-red-flag-makes-it-indeterminate",
        doms(30, unknown=("unable-to-bear-weight",)),
        L.INDETERMINATE,
        missing=("unable-to-bear-weight",),
    ),
]

STRAIN_CASES = [
    DdxCase("sudden-localised-painful-on-contraction-likely", make(present=STRAIN), L.LIKELY),
    DdxCase("not-localised-unlikely", make(present=STRAIN[::2], absent=STRAIN[1:2]), L.UNLIKELY),
    DdxCase("stretch-pain-unknown-indeterminate", make(present=STRAIN[:2]), L.INDETERMINATE),
]

SHIN = ("running-or-increased-training", "pain-inner-shin", "shin-tenderness-diffuse")
SHIN_CASES = [
    DdxCase(
        "runner-inner-shin-diffuse-tenderness-likely",
        make(present=SHIN, absent=["focal-bony-tenderness"]),
        L.LIKELY,
    ),
    DdxCase(
        "focal-bony-tenderness-possible-stress-fracture-soon",
        make(present=[*SHIN, "focal-bony-tenderness"]),
        L.POSSIBLE,
        D.SOON,
    ),
    DdxCase(
        "focal-tenderness-not-examined-indeterminate",
        make(present=SHIN),
        L.INDETERMINATE,
        missing=("focal-bony-tenderness",),
    ),
    DdxCase(
        "focal-tenderness-shin-pain-unknown-indeterminate",
        make(present=["focal-bony-tenderness"]),
        L.INDETERMINATE,
        D.UNDETERMINED,
        ("pain-inner-shin",),
    ),
    DdxCase(
        "not-exercise-related-unlikely",
        make(present=SHIN[1:], absent=[SHIN[0], "focal-bony-tenderness"]),
        L.UNLIKELY,
    ),
]

ACHILLES = ("pain-achilles", "pain-with-loading", "morning-stiffness")
ACHILLES_CASES = [
    DdxCase("heel-pain-loading-morning-stiffness-likely", make(present=ACHILLES), L.LIKELY),
    DdxCase(
        "no-morning-stiffness-unlikely", make(present=ACHILLES[:2], absent=ACHILLES[2:]), L.UNLIKELY
    ),
    DdxCase("stiffness-unknown-indeterminate", make(present=ACHILLES[:2]), L.INDETERMINATE),
]

PFP = ("anterior-knee-pain", "pain-stairs-squats-sitting")
PFP_CASES = [
    DdxCase("kneecap-pain-with-stairs-likely", make(present=PFP), L.LIKELY),
    DdxCase("no-kneecap-pain-unlikely", make(absent=PFP[:1]), L.UNLIKELY),
    DdxCase("provocation-unknown-indeterminate", make(present=PFP[:1]), L.INDETERMINATE),
]

VENOUS = ("heaviness-worse-standing", "relieved-by-elevation")
VENOUS_CASES = [
    DdxCase(
        "heaviness-elevation-varicose-veins-likely",
        make(present=[*VENOUS, "varicose-veins"]),
        L.LIKELY,
    ),
    DdxCase(
        "no-venous-sign-unlikely",
        make(present=VENOUS, absent=["varicose-veins", "ankle-edema", "skin-changes-lower-leg"]),
        L.UNLIKELY,
    ),
    DdxCase("venous-signs-unknown-indeterminate", make(present=VENOUS), L.INDETERMINATE),
]

NORMAL_LABS = {"potassium": (4.1, "mmol/L"), "magnesium": (0.85, "mmol/L")}
ELECTROLYTE_CASES = [
    DdxCase(
        "cramps-low-potassium-likely-soon",
        make(present=["leg-cramp"], measured={"potassium": (3.2, "mmol/L")}),
        L.LIKELY,
        D.SOON,
    ),
    DdxCase(
        "cramps-low-magnesium-likely-soon",
        make(present=["leg-cramp"], measured={"magnesium": (0.6, "mmol/L")}),
        L.LIKELY,
        D.SOON,
    ),
    DdxCase(
        "cramps-normal-labs-heavy-sweating-possible",
        make(present=["leg-cramp", "heavy-sweating"], measured=NORMAL_LABS),
        L.POSSIBLE,
    ),
    DdxCase(
        "cramps-normal-labs-no-fluid-loss-unlikely",
        make(
            present=["leg-cramp"],
            absent=["dehydration", "heavy-sweating", "thiazide-diuretic", "loop-diuretic"],
            measured=NORMAL_LABS,
        ),
        L.UNLIKELY,
    ),
    DdxCase("no-cramps-unlikely", make(absent=["leg-cramp"]), L.UNLIKELY),
    DdxCase(
        "cramps-labs-unknown-indeterminate",
        make(present=["leg-cramp", "loop-diuretic"]),
        L.INDETERMINATE,
        D.UNDETERMINED,
        ("potassium", "magnesium"),
    ),
    DdxCase(
        "cramps-normal-labs-fluid-loss-unknown-indeterminate",
        make(present=["leg-cramp"], measured=NORMAL_LABS),
        L.INDETERMINATE,
        D.SELF_CARE,
        ("dehydration",),
    ),
]

MEDICINES = CRAMP_MEDICINES
MEDICATION_CASES = [
    DdxCase(
        "cramps-on-a-statin-possible-routine",
        make(present=["leg-cramp", "statin"]),
        L.POSSIBLE,
        D.ROUTINE,
    ),
    DdxCase(
        "pain-on-a-beta-agonist-possible",
        make(present=["leg-pain", "long-acting-beta-agonist"]),
        L.POSSIBLE,
        D.ROUTINE,
    ),
    DdxCase(
        "no-listed-medicine-unlikely", make(present=["leg-cramp"], absent=MEDICINES), L.UNLIKELY
    ),
    DdxCase(
        "medicines-unknown-indeterminate",
        make(present=["leg-cramp"]),
        L.INDETERMINATE,
        D.UNDETERMINED,
        ("statin",),
    ),
]

STRESS_CASES = [
    DdxCase("every-feature-and-no-red-flag-possible", scenario(present=STRESS), L.POSSIBLE),
    DdxCase(
        "pain-in-one-leg-unlikely", scenario(present=STRESS[1:], absent=STRESS[:1]), L.UNLIKELY
    ),
    DdxCase(
        "a-met-red-flag-makes-it-unlikely", scenario(present=(*STRESS, "tingling")), L.UNLIKELY
    ),
    DdxCase(
        "an-unresolved-red-flag-makes-it-indeterminate",
        scenario(present=STRESS, unknown=("worsening",)),
        L.INDETERMINATE,
        missing=("worsening",),
    ),
]

TABLES = {
    "ddx.restless-legs": RLS_CASES,
    "ddx.sciatica": SCIATICA_CASES,
    "ddx.nocturnal-cramps": NOCTURNAL_CASES,
    "ddx.doms": DOMS_CASES,
    "ddx.muscle-strain": STRAIN_CASES,
    "ddx.shin-splints": SHIN_CASES,
    "ddx.achilles-tendinopathy": ACHILLES_CASES,
    "ddx.patellofemoral-pain": PFP_CASES,
    "ddx.venous-insufficiency": VENOUS_CASES,
    "ddx.electrolyte-depletion": ELECTROLYTE_CASES,
    "ddx.medication-associated": MEDICATION_CASES,
    "ddx.stress-related": STRESS_CASES,
}
PARAMS = [
    pytest.param(rule, case, id=f"{rule.removeprefix('ddx.')}:{case.name}")
    for rule, cases in TABLES.items()
    for case in cases
]


@pytest.mark.parametrize(("rule", "case"), PARAMS)
def test_differential_conclusion(rule: str, case: DdxCase) -> None:
    """Each differential reaches the expected likelihood and level, explained."""
    check(rule, case)


def test_strain_evidence_includes_supporting_bruising() -> None:
    """Bruising supports a likely strain and appears among the deciding facts."""
    result = check("ddx.muscle-strain", DdxCase("b", make(present=[*STRAIN, "bruising"]), L.LIKELY))
    assert "bruising" in {e.finding for e in result.evidence}
