"""Each policy value of rules.md changes a conclusion, and the result records the value used."""

from __future__ import annotations

from typing import Any

import pytest

from legrules import Assessment, Presentation
from tests.rules.rec_support import clear, fate
from tests.rules.self_care_cases import abi
from tests.rules.wells_cases import wells
from tests.support import run_2026_11 as run


def assess(presentation: Presentation, **policy: Any) -> Assessment:
    return run(presentation, policy=policy or None)


@pytest.mark.parametrize(
    ("value", "minimum", "expected"),
    [
        pytest.param(0.80, None, "given", id="abi-0.80-default-0.8-given"),
        pytest.param(0.79, None, "withheld", id="abi-0.79-default-0.8-withheld"),
        pytest.param(0.85, 0.9, "withheld", id="abi-0.85-policy-0.9-withheld"),
        pytest.param(0.85, 0.8, "given", id="abi-0.85-policy-0.8-given"),
    ],
)
def test_compression_min_abi_decides_compression(
    value: float, minimum: float | None, expected: str
) -> None:
    """Compression socks are withheld below compression_min_abi (default 0.8)."""
    policy = {} if minimum is None else {"compression_min_abi": minimum}
    assessment = assess(clear("long-haul-travel", measured_sides=abi(value)), **policy)
    assert fate(assessment, "rec.compression")[0] == expected
    assert assessment.policy.compression_min_abi == (minimum or 0.8)


def not_improving(days: float) -> Presentation:
    return clear("no-improvement-with-self-care", measured={"symptom-duration": (days, "d")})


@pytest.mark.parametrize(
    ("days", "setting", "status"),
    [
        pytest.param(7, None, "met", id="7-days-default-7-met"),
        pytest.param(6, None, "not-met", id="6-days-default-7-not-met"),
        pytest.param(7, 10, "not-met", id="7-days-policy-10-not-met"),
        pytest.param(3, 3, "met", id="3-days-policy-3-met"),
    ],
)
def test_not_improving_days_decides_the_red_flag(
    days: float, setting: int | None, status: str
) -> None:
    """'Not improving' counts from not_improving_days of self-care (default 7)."""
    policy = {} if setting is None else {"not_improving_days": setting}
    assessment = assess(not_improving(days), **policy)
    assert assessment.red_flag("redflag.not-improving").status.value == status
    assert assessment.policy.not_improving_days == (setting or 7)
    expected = "soon" if status == "met" else "self-care"
    assert assessment.disposition.value == expected


def test_age_adjusted_d_dimer_decides_whether_dvt_is_excluded() -> None:
    """At 75 a D-dimer of 600 excludes DVT only with the age-adjusted cut-off."""
    presentation = wells(
        present=("leg-swelling",), measured={"d-dimer": (600, "ng/mL{FEU}")}, age=75
    )
    on, off = assess(presentation), assess(presentation, age_adjusted_d_dimer=False)
    assert on.differential("ddx.dvt").likelihood.value == "excluded"
    assert off.differential("ddx.dvt").likelihood.value == "unlikely"
    assert (on.policy.age_adjusted_d_dimer, off.policy.age_adjusted_d_dimer) == (True, False)
    assert on.score("score.d-dimer").class_ == "negative"
    assert off.score("score.d-dimer").class_ == "positive"


def test_wells_variant_decides_dvt_likelihood_at_exactly_3_cm() -> None:
    """A 3 cm calf difference makes Wells 2 (likely) under NICE 2020 but 1 under Wells 1997."""
    presentation = wells(present=("leg-swelling", "active-cancer"), calf=3.0, age=40)
    nice, older = assess(presentation), assess(presentation, wells_variant="wells-1997")
    assert (nice.score("score.wells-dvt").value, older.score("score.wells-dvt").value) == (2, 1)
    assert nice.differential("ddx.dvt").likelihood.value == "likely"
    assert older.differential("ddx.dvt").likelihood.value == "unlikely"
    assert nice.policy.wells_variant.value == "nice-2020"
    assert older.policy.wells_variant.value == "wells-1997"
