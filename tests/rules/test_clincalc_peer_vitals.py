"""NEWS2 and qSOFA side by side with legrules, where legrules uses their thresholds.

clincalc (an independent Rust engine) scores NEWS2 (RCP 2017) and qSOFA (Sepsis-3).
legrules does not compute NEWS2, but rule set 2026.12 uses the same cut-offs in its red
flags; over generated vital signs the two agree wherever the thresholds are shared. The
deliberate differences, each asserted below and listed in docs/reference/policy.md:

* qSOFA: none. ``score.qsofa`` equals clincalc's qSOFA for every input.
* Sepsis high-risk signs (``redflag.sepsis`` 2.0.0, NICE NG51) are the NEWS2 "3" bands on
  the side that signals sepsis only: respiratory rate 25 or more, systolic BP 90 or less,
  heart rate over 130, SpO2 91% or less (scale 1), new confusion.  NEWS2 also scores 3 for
  a respiratory rate of 8 or less, a pulse of 40 or less and a systolic BP of 220 or more;
  legrules does not treat those as signs of sepsis.
* Temperature: legrules counts below 36.0 C as hypothermia (NICE NG51) and 38.0 C or more
  as fever (NICE NG141); NEWS2's bands are 35.1-36.0 (1 point) and 38.1-39.0 (1 point).
  So 36.0 C scores 1 in NEWS2 but is normal in legrules, and 38.0 C is fever in legrules
  but scores 0 in NEWS2.  NEWS2's 3-point band (35.0 or less) lies inside legrules' band.
* Possible PE (``redflag.possible-pe`` 2.0.0): SpO2 below 94% is NEWS2's SpO2 score of 2
  or more, and a respiratory rate over 20 is NEWS2's upper 2-point band; the heart rate
  over 100 (ESC 2019, Wells PE) has no NEWS2 edge (its band runs 91-110), so it is taken
  from the raw value.
* Leg infection (``redflag.leg-infection`` 2.0.0): a heart rate over 90 is NEWS2's upper
  1-point band (91 and over).
"""

from __future__ import annotations

from typing import Any

import clincalc
from hypothesis import example, given, settings
from hypothesis import strategies as st

from legrules import Status
from tests.conftest import scaled
from tests.support import make, run

RATE = st.integers(4, 40)
SPO2 = st.integers(80, 100)
SBP = st.integers(60, 240)
PULSE = st.integers(30, 180)
TEMPERATURE = st.integers(340, 400).map(lambda tenths: tenths / 10)

#: Everything but the vital signs is screened out, so only the vitals can decide.
OTHER_SIGNS_ABSENT = (
    "mottled-skin",
    "non-blanching-rash",
    "dyspnea",
    "chest-pain",
    "hemoptysis",
    "syncope",
    "fever",
    "chills",
    "rapidly-spreading-redness",
    "ultrasound-dvt",
)


def news2(rate: int, spo2: int, sbp: int, pulse: int, temp: float, confused: bool) -> Any:
    return clincalc.calculate(
        "news2",
        {
            "respiratory_rate": rate,
            "spo2": spo2,
            "on_oxygen": False,
            "systolic_bp": sbp,
            "pulse": pulse,
            "consciousness": "confusion-or-vpu" if confused else "alert",
            "temperature": temp,
        },
    )["working"]


def qsofa(rate: int, sbp: int, confused: bool) -> int:
    inputs = {"respiratory_rate": rate, "systolic_bp": sbp, "altered_mentation": confused}
    result: int = clincalc.calculate("qsofa", inputs)["result"]
    return result


def assessed(
    present: tuple[str, ...],
    rate: int,
    spo2: int,
    sbp: int,
    pulse: int,
    temp: float,
    confused: bool,
) -> Any:
    measured = {
        "respiratory-rate": (rate, "/min"),
        "spo2": (spo2, "%"),
        "systolic-bp": (sbp, "mm[Hg]"),
        "heart-rate": (pulse, "/min"),
        "temperature": (temp, "Cel"),
    }
    mentation = ("altered-mentation",) if confused else ()
    absent = OTHER_SIGNS_ABSENT + (() if confused else ("altered-mentation",))
    return run(make(present=(*present, *mentation), absent=absent, measured=measured))


@settings(max_examples=scaled(60), deadline=None)
@example(22, 100, False)  # qSOFA's edges: respiratory rate 22, systolic BP 100
@example(21, 101, True)
@given(RATE, SBP, st.booleans())
def test_qsofa_equals_clincalc(rate: int, sbp: int, confused: bool) -> None:
    """Legrules' qSOFA equals clincalc's for every respiratory rate, BP and mentation."""
    measured = {"respiratory-rate": (rate, "/min"), "systolic-bp": (sbp, "mm[Hg]")}
    presentation = make(
        present=("altered-mentation",) if confused else (),
        absent=() if confused else ("altered-mentation",),
        measured=measured,
    )
    assert run(presentation).score("score.qsofa").value == qsofa(rate, sbp, confused)


@settings(max_examples=scaled(100), deadline=None)
@example(25, 91, 90, 131, 35.9, False)  # each high-risk sign just met ...
@example(24, 92, 91, 130, 36.0, False)  # ... and just not met
@given(RATE, SPO2, SBP, PULSE, TEMPERATURE, st.booleans())
def test_sepsis_high_risk_signs_are_the_news2_red_bands(
    rate: int, spo2: int, sbp: int, pulse: int, temp: float, confused: bool
) -> None:
    """Red warm leg: sepsis met on NEWS2's sepsis-side 3 bands, qSOFA >= 2, or < 36.0 C."""
    peer = news2(rate, spo2, sbp, pulse, temp, confused)
    vitals = (rate, spo2, sbp, pulse, temp, confused)
    flag = assessed(("redness", "warmth"), *vitals).red_flag("redflag.sepsis")
    red_band = (
        (peer["respiratory_rate_score"] == 3 and rate > 8)
        or (peer["systolic_bp_score"] == 3 and sbp < 220)
        or (peer["pulse_score"] == 3 and pulse > 40)
        or peer["spo2_score"] == 3
        or peer["consciousness_score"] == 3
    )
    expected = red_band or qsofa(rate, sbp, confused) >= 2 or temp < 36.0
    assert (flag.status is Status.MET) == expected


def test_news2_red_bands_legrules_leaves_out() -> None:
    """Slow breathing, a slow pulse and a high BP score 3 in NEWS2 but are not sepsis signs."""
    cases = (
        ((8, 97, 120, 80), "respiratory_rate_score"),
        ((16, 97, 120, 40), "pulse_score"),
        ((16, 97, 220, 80), "systolic_bp_score"),
    )
    for (rate, spo2, sbp, pulse), key in cases:
        assert news2(rate, spo2, sbp, pulse, 36.8, False)[key] == 3
        result = assessed(("redness", "warmth"), rate, spo2, sbp, pulse, 36.8, False)
        assert result.red_flag("redflag.sepsis").status is Status.NOT_MET


@settings(max_examples=200, deadline=None)
@given(TEMPERATURE)
def test_temperature_bands_agree_with_news2_except_at_36_0_and_38_0(temp: float) -> None:
    """Legrules' abnormal temperature matches NEWS2's scoring bands but at two edges."""
    peer = news2(16, 97, 120, 80, temp, False)["temperature_score"]
    abnormal = temp < 36.0 or temp >= 38.0
    if temp == 36.0:
        assert (peer, abnormal) == (1, False)
    elif temp == 38.0:
        assert (peer, abnormal) == (0, True)
    else:
        assert abnormal == (peer >= 1)


@settings(max_examples=scaled(100), deadline=None)
@example(21, 94, 120, 101, 36.8)  # SpO2 94 with both tachypnoea and tachycardia
@example(20, 93, 120, 101, 36.8)  # SpO2 93 alone, rate 20
@example(21, 95, 120, 100, 36.8)  # rate 21 with heart rate 100
@given(RATE, SPO2, SBP, PULSE, TEMPERATURE)
def test_possible_pe_signs_follow_news2_spo2_and_rate_bands(
    rate: int, spo2: int, sbp: int, pulse: int, temp: float
) -> None:
    """Leg pain: PE met on NEWS2 SpO2 score >= 2, or its upper RR band >= 2 with HR > 100."""
    peer = news2(rate, spo2, sbp, pulse, temp, False)
    flag = assessed(("leg-pain",), rate, spo2, sbp, pulse, temp, False)
    tachypnoea = peer["respiratory_rate_score"] >= 2 and rate > 8
    expected = peer["spo2_score"] >= 2 or (tachypnoea and pulse > 100)
    assert (flag.red_flag("redflag.possible-pe").status is Status.MET) == expected


@settings(max_examples=scaled(60), deadline=None)
@example(90)  # NEWS2's upper pulse band starts at 91 ...
@example(91)
@example(50)  # ... and its lower one ends at 50
@example(51)
@given(PULSE)
def test_leg_infection_heart_rate_is_news2_upper_pulse_band(pulse: int) -> None:
    """A red warm leg at 36.8 C is a leg infection exactly on NEWS2's upper pulse bands."""
    peer = news2(16, 97, 120, pulse, 36.8, False)["pulse_score"]
    flag = assessed(("redness", "warmth"), 16, 97, 120, pulse, 36.8, False)
    met = flag.red_flag("redflag.leg-infection").status is Status.MET
    assert met == (peer >= 1 and pulse > 50)
