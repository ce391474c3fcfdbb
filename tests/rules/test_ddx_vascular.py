"""ddx.dvt and ddx.pad-claudication: every conclusion and the level it sets."""

from __future__ import annotations

import pytest

from legrules import Presentation
from legrules.model import Disposition, Likelihood
from tests.rules.ddx_support import DdxCase, check
from tests.rules.wells_cases import wells
from tests.support import make

L, D = Likelihood, Disposition

SIGN = "leg-swelling"  # a DVT sign that scores no Wells point
WELLS_2 = ("active-cancer", "previous-dvt")
NEGATIVE = {"d-dimer": (300.0, "ng/mL{FEU}")}
POSITIVE = {"d-dimer": (900.0, "ng/mL{FEU}")}


DVT_CASES = [
    DdxCase("ultrasound-confirms", make(present=["ultrasound-dvt"]), L.CONFIRMED, D.URGENT),
    DdxCase("every-sign-absent-not-suspected", wells(absent=(SIGN,)), L.UNLIKELY),
    DdxCase("sign-and-wells-likely", wells(present=(SIGN, *WELLS_2)), L.LIKELY, D.URGENT),
    DdxCase(
        "sign-wells-unlikely-d-dimer-unknown-is-urgent",
        wells(present=(SIGN,), age=40),
        L.UNLIKELY,
        D.URGENT,
    ),
    DdxCase(
        "sign-wells-unlikely-d-dimer-positive-is-urgent",
        wells(present=(SIGN,), measured=POSITIVE, age=40),
        L.UNLIKELY,
        D.URGENT,
    ),
    DdxCase(
        "wells-unlikely-d-dimer-negative-excludes",
        wells(present=(SIGN,), measured=NEGATIVE, age=40),
        L.EXCLUDED,
    ),
    DdxCase(
        "scan-and-d-dimer-negative-exclude-even-with-wells-likely",
        wells(present=(SIGN, *WELLS_2), absent=("ultrasound-dvt",), measured=NEGATIVE, age=40),
        L.EXCLUDED,
    ),
    DdxCase(
        "scan-negative-d-dimer-positive-wells-likely-stays-likely",
        wells(present=(SIGN, *WELLS_2), absent=("ultrasound-dvt",), measured=POSITIVE, age=40),
        L.LIKELY,
        D.URGENT,
    ),
    DdxCase(
        "sign-unknown-is-indeterminate",
        make(absent=["entire-leg-swollen", "pitting-edema", "deep-vein-tenderness"]),
        L.INDETERMINATE,
        D.UNDETERMINED,
        ("leg-swelling",),
    ),
    DdxCase(
        "wells-spanning-2-d-dimer-unknown-is-still-urgent",
        wells(present=(SIGN, "active-cancer"), unknown=("previous-dvt",)),
        L.INDETERMINATE,
        D.URGENT,
        ("previous-dvt",),
    ),
    DdxCase(
        "wells-spanning-2-d-dimer-negative-is-undetermined",
        wells(present=(SIGN, "active-cancer"), unknown=("previous-dvt",), measured=NEGATIVE),
        L.INDETERMINATE,
        D.UNDETERMINED,
        ("previous-dvt",),
    ),
    DdxCase(
        "d-dimer-unsettled-by-unknown-age-never-excludes",
        wells(present=(SIGN,), measured={"d-dimer": (800.0, "ng/mL{FEU}")}),
        L.UNLIKELY,
        D.URGENT,
    ),
]


@pytest.mark.parametrize("case", DVT_CASES, ids=[c.name for c in DVT_CASES])
def test_ddx_dvt(case: DdxCase) -> None:
    """ddx.dvt follows the NICE NG158 pathway and never excludes from unknowns."""
    check("ddx.dvt", case)


def test_ddx_dvt_calf_of_exactly_3_cm_changes_likelihood_with_wells_variant() -> None:
    """A 3 cm calf difference scores under NICE 2020 (likely) but not Wells 1997 (unlikely)."""
    presentation = wells(present=(SIGN, "active-cancer"), calf=3.0, age=40)
    nice = check("ddx.dvt", DdxCase("nice", presentation, L.LIKELY, D.URGENT))
    older = DdxCase(
        "1997", presentation, L.UNLIKELY, D.URGENT, policy={"wells_variant": "wells-1997"}
    )
    assert nice.likelihood is not check("ddx.dvt", older).likelihood


def test_ddx_dvt_age_adjustment_changes_exclusion() -> None:
    """At 80, D-dimer 600 excludes DVT age-adjusted, but not with the fixed cut-off."""
    presentation = wells(present=(SIGN,), measured={"d-dimer": (600.0, "ng/mL{FEU}")}, age=80)
    check("ddx.dvt", DdxCase("adjusted", presentation, L.EXCLUDED))
    fixed = DdxCase(
        "fixed", presentation, L.UNLIKELY, D.URGENT, policy={"age_adjusted_d_dimer": False}
    )
    check("ddx.dvt", fixed)


EDINBURGH_DEFINITE = {
    "present": [
        "pain-on-walking",
        "pain-uphill-or-hurrying",
        "pain-gone-within-10-min-standing",
        "pain-site-calf",
        "pain-ordinary-pace",
    ],
    "absent": ["pain-starts-at-rest", "pain-site-thigh-or-buttock"],
}
EDINBURGH_ATYPICAL = {
    "present": [
        "pain-on-walking",
        "pain-uphill-or-hurrying",
        "pain-gone-within-10-min-standing",
        "pain-site-thigh-or-buttock",
        "pain-ordinary-pace",
    ],
    "absent": ["pain-starts-at-rest", "pain-site-calf"],
}
EDINBURGH_NEGATIVE = {"present": ["pain-starts-at-rest"], "absent": []}


def pad(
    questionnaire: dict[str, list[str]] | None = None,
    abi: tuple[float, float] | None = None,
    tbi: float | None = None,
) -> Presentation:
    """A PAD presentation: questionnaire answers, a reported ABI per leg, a left TBI."""
    answers = questionnaire or {"present": [], "absent": []}
    sides: list[tuple[str, float, str, str]] = []
    if abi is not None:
        sides += [("abi", abi[0], "1", "left"), ("abi", abi[1], "1", "right")]
    if tbi is not None:
        sides.append(("tbi", tbi, "1", "left"))
    return make(present=answers["present"], absent=answers["absent"], measured_sides=sides)


PAD_CASES = [
    DdxCase("abi-0.90-confirms", pad(abi=(0.90, 1.1)), L.CONFIRMED, D.ROUTINE),
    DdxCase(
        "tbi-0.70-confirms-non-compressible", pad(abi=(1.5, 1.1), tbi=0.7), L.CONFIRMED, D.ROUTINE
    ),
    DdxCase(
        "non-compressible-without-tbi-is-indeterminate",
        pad(EDINBURGH_NEGATIVE, abi=(1.5, 1.1)),
        L.INDETERMINATE,
        D.UNDETERMINED,
        ("tbi",),
    ),
    DdxCase("borderline-abi-possible", pad(EDINBURGH_NEGATIVE, abi=(0.95, 1.1)), L.POSSIBLE),
    DdxCase(
        "normal-abi-definite-claudication-possible",
        pad(EDINBURGH_DEFINITE, abi=(1.1, 1.1)),
        L.POSSIBLE,
    ),
    DdxCase("no-abi-definite-claudication-likely", pad(EDINBURGH_DEFINITE), L.LIKELY, D.ROUTINE),
    DdxCase("atypical-claudication-possible", pad(EDINBURGH_ATYPICAL), L.POSSIBLE),
    DdxCase("negative-questionnaire-no-abi-unlikely", pad(EDINBURGH_NEGATIVE), L.UNLIKELY),
    DdxCase(
        "negative-questionnaire-normal-abi-unlikely",
        pad(EDINBURGH_NEGATIVE, abi=(1.1, 1.2)),
        L.UNLIKELY,
    ),
    DdxCase(
        "unknown-questionnaire-no-abi-indeterminate",
        pad(),
        L.INDETERMINATE,
        D.UNDETERMINED,
        ("pain-on-walking", "abi"),
    ),
    DdxCase(
        "unknown-questionnaire-normal-abi-indeterminate-self-care",
        pad(abi=(1.1, 1.1)),
        L.INDETERMINATE,
        D.SELF_CARE,
        ("pain-on-walking",),
    ),
]


@pytest.mark.parametrize("case", PAD_CASES, ids=[c.name for c in PAD_CASES])
def test_ddx_pad_claudication(case: DdxCase) -> None:
    """ddx.pad-claudication: the ABI confirms or qualifies, then the Edinburgh questionnaire."""
    check("ddx.pad-claudication", case)
