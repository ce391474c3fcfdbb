"""Differential testing against an independent implementation: clincalc (Rust engine).

clincalc's ``wells_dvt`` and ``abpi`` calculators are compared with legrules over many
generated complete inputs.  They agree except where a difference is documented here:

* Wells: clincalc's calf item is "more than 3 cm" (the Wells 1997 threshold) while its
  other items and its two-level classes follow NICE 2020.  Under legrules' NICE 2020
  variant the scores therefore differ by exactly one point at a calf difference of exactly
  3 cm, and nowhere else.  Under the Wells 1997 variant the calf item agrees everywhere,
  but the bedridden/surgery item is stricter (more than 3 days, 4 weeks) than clincalc's
  (3 days, 12 weeks), and from rule set 2026.12 (``score.wells-dvt`` 2.0.0) the 1997
  variant has the nine items of the 1997 model, so a previously documented DVT scores
  nothing there while clincalc (ten items) scores 1.

NEWS2 and qSOFA, where legrules uses their thresholds, are compared in
``test_clincalc_peer_vitals.py``.
* ABI: clincalc rounds the binary floating-point ratio, so at an exact tie such as
  29/200 = 0.145 it can round down (0.14); legrules rounds the exact decimal ratio half
  up (0.15).  The bands agree at every edge (0.90/0.91, 0.99/1.00, 1.40/1.41).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import clincalc
from hypothesis import given, settings
from hypothesis import strategies as st

from legrules.model import Laterality
from tests.conftest import scaled
from tests.support import make, run

# Wells ---------------------------------------------------------------------------------

#: legrules finding -> clincalc input, for the yes/no items that map one to one.
WELLS_ITEMS = {
    "active-cancer": "active_cancer",
    "paralysis-paresis-or-cast": "paralysis_paresis_immobilisation",
    "deep-vein-tenderness": "localised_tenderness",
    "entire-leg-swollen": "entire_leg_swollen",
    "pitting-edema": "pitting_oedema",
    "collateral-superficial-veins": "collateral_superficial_veins",
    "previous-dvt": "previously_documented_dvt",
    "alternative-diagnosis-as-likely": "alternative_diagnosis_as_likely",
}
CALF = st.one_of(
    st.sampled_from([0.0, 2.9, 3.0, 3.1]),
    st.integers(-50, 100).map(lambda tenths: tenths / 10),
)


def peer_wells(answers: dict[str, bool], calf: float, bedridden: bool) -> dict[str, Any]:
    inputs = {WELLS_ITEMS[k]: v for k, v in answers.items()}
    inputs["calf_swelling_over_3cm"] = calf > 3.0
    inputs["bedridden_or_major_surgery"] = bedridden
    result: dict[str, Any] = clincalc.calculate("wells_dvt", inputs)
    return result


def ours_wells(
    answers: dict[str, bool],
    calf: float,
    policy: dict[str, str] | None = None,
    findings: dict[str, bool] | None = None,
    measured: dict[str, tuple[float, str]] | None = None,
    ruleset: str | None = None,
) -> tuple[float | None, str | None]:
    stated = {**answers, **(findings or {})}
    presentation = make(
        present=[k for k, v in stated.items() if v],
        absent=[k for k, v in stated.items() if not v],
        measured={"calf-circumference-difference": (calf, "cm"), **(measured or {})},
    )
    result = run(presentation, policy=policy, ruleset=ruleset).score("score.wells-dvt")
    return result.value, result.class_


ANSWERS = st.fixed_dictionaries({k: st.booleans() for k in WELLS_ITEMS})


def test_clincalc_wells_schema_and_output_are_as_documented() -> None:
    """The peer's calf item is strictly over 3 cm; it returns an integer and likely/unlikely."""
    schema = clincalc.get_schema("wells_dvt")
    assert (
        "strictly greater than 3 cm"
        in schema["properties"]["calf_swelling_over_3cm"]["definition"]["caveats"]
    )
    inputs = dict.fromkeys(schema["required"], False)
    result = clincalc.calculate(
        "wells_dvt", {**inputs, "active_cancer": True, "previously_documented_dvt": True}
    )
    assert (result["result"], result["working"]["probability"]) == (2, "likely")


@settings(max_examples=scaled(100), deadline=None)
@given(ANSWERS, CALF, st.booleans(), st.booleans())
def test_wells_agrees_with_clincalc_under_nice_2020_except_exactly_3_cm(
    answers: dict[str, bool], calf: float, bedridden: bool, surgery: bool
) -> None:
    """Same score and class under NICE 2020; exactly 3 cm scores one more point in legrules."""
    findings = {"bedridden-3-days": bedridden, "major-surgery-12-weeks": surgery}
    value, klass = ours_wells(answers, calf, findings=findings)
    peer = peer_wells(answers, calf, bedridden or surgery)
    if calf == 3.0:
        assert value == peer["result"] + 1
        assert klass == ("likely" if peer["result"] + 1 >= 2 else "unlikely")
    else:
        assert value == peer["result"]
        assert klass == peer["working"]["probability"]


@settings(max_examples=scaled(100), deadline=None)
@given(
    ANSWERS,
    CALF,
    st.sampled_from([0, 1, 2, 3, 4, 7]),
    st.sampled_from([1, 4, 5, 8, 12, 13, 30]),
    st.sampled_from(["2026.11", "2026.12"]),
)
def test_wells_1997_calf_item_agrees_with_clincalc_everywhere(
    answers: dict[str, bool], calf: float, days: int, weeks: int, ruleset: str
) -> None:
    """Wells 1997: calf item as clincalc; stricter durations; 2026.12 drops previous DVT."""
    measured: dict[str, tuple[float, str]] = {
        "days-bedridden": (days, "d"),
        "weeks-since-major-surgery": (weeks, "wk"),
    }
    policy = {"wells_variant": "wells-1997"}
    value, _ = ours_wells(answers, calf, policy, measured=measured, ruleset=ruleset)
    nice_item = days >= 3 or weeks <= 12
    strict_item = days > 3 or weeks <= 4
    peer = peer_wells(answers, calf, nice_item)
    nine_items = ruleset == "2026.12" and answers["previous-dvt"]
    expected = peer["result"] - (1 if nice_item and not strict_item else 0) - nine_items
    assert value == expected


# ABI -----------------------------------------------------------------------------------

PRESSURE = st.integers(200, 3000).map(lambda tenths: tenths / 10)
BRACHIAL = st.integers(600, 2500).map(lambda tenths: tenths / 10)
PEER_BANDS = {
    "severe_pad": "abnormal",
    "mild_moderate_pad": "abnormal",
    "borderline": "borderline",
    "normal": "normal",
    "high_calcified": "non-compressible",
}


def half_up(ratio: Fraction) -> float:
    exact = Decimal(ratio.numerator) / Decimal(ratio.denominator)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def is_tie(ratio: Fraction) -> bool:
    """Whether the ratio lies exactly half-way between two hundredths."""
    return (ratio * 200).denominator == 1 and (ratio * 200).numerator % 2 == 1


def fraction(value: float) -> Fraction:
    return Fraction(Decimal(str(value)))


@settings(max_examples=scaled(100), deadline=None)
@given(PRESSURE, PRESSURE, BRACHIAL, BRACHIAL)
def test_abi_agrees_with_clincalc_except_rounding_of_exact_ties(
    left_ankle: float, right_ankle: float, left_arm: float, right_arm: float
) -> None:
    """Per-leg ABI and band match clincalc; at exact ties legrules rounds the exact ratio up."""
    sides = [
        ("ankle-pressure", left_ankle, "mm[Hg]", "left"),
        ("ankle-pressure", right_ankle, "mm[Hg]", "right"),
        ("brachial-pressure", left_arm, "mm[Hg]", "left"),
        ("brachial-pressure", right_arm, "mm[Hg]", "right"),
    ]
    assessment = run(make(measured_sides=sides))
    peer = clincalc.calculate(
        "abpi",
        {
            "left_ankle_systolic": left_ankle,
            "right_ankle_systolic": right_ankle,
            "left_brachial_systolic": left_arm,
            "right_brachial_systolic": right_arm,
        },
    )["working"]
    for side, ankle in (("left", left_ankle), ("right", right_ankle)):
        ours = assessment.score("score.abi", Laterality(side))
        ratio = fraction(ankle) / fraction(max(left_arm, right_arm))
        assert ours.value == half_up(ratio)
        if is_tie(ratio):
            assert abs(ours.value - peer[f"{side}_abpi"]) <= 0.0100001
        else:
            assert ours.value == peer[f"{side}_abpi"]
            assert ours.class_ == PEER_BANDS[peer[f"{side}_band"]]


def test_abi_documented_difference_at_an_exact_tie() -> None:
    """29/200 = 0.145 exactly: legrules 0.15 (half up), clincalc 0.14 (binary float)."""
    sides = [
        ("ankle-pressure", 29, "mm[Hg]", "left"),
        ("ankle-pressure", 100, "mm[Hg]", "right"),
        ("brachial-pressure", 200, "mm[Hg]", "left"),
        ("brachial-pressure", 150, "mm[Hg]", "right"),
    ]
    ours = run(make(measured_sides=sides)).score("score.abi", Laterality.LEFT).value
    peer = clincalc.calculate(
        "abpi",
        {
            "left_ankle_systolic": 29,
            "right_ankle_systolic": 100,
            "left_brachial_systolic": 200,
            "right_brachial_systolic": 150,
        },
    )["working"]["left_abpi"]
    assert (ours, peer) == (0.15, 0.14)


def test_abi_band_edges_agree_with_clincalc() -> None:
    """At 0.90/0.91, 0.99/1.00 and 1.40/1.41 both put the edge in the same band."""
    for ankle in (90, 91, 99, 100, 140, 141):
        sides = [
            ("ankle-pressure", ankle, "mm[Hg]", "left"),
            ("ankle-pressure", ankle, "mm[Hg]", "right"),
            ("brachial-pressure", 100, "mm[Hg]", "left"),
            ("brachial-pressure", 100, "mm[Hg]", "right"),
        ]
        ours = run(make(measured_sides=sides)).score("score.abi", Laterality.LEFT)
        peer = clincalc.calculate(
            "abpi",
            {
                "left_ankle_systolic": ankle,
                "right_ankle_systolic": ankle,
                "left_brachial_systolic": 100,
                "right_brachial_systolic": 100,
            },
        )["working"]
        assert ours.value == peer["left_abpi"] == ankle / 100
        assert ours.class_ == PEER_BANDS[peer["left_band"]]
