"""score.abi: ankle-brachial index per leg, its bands, and the toe-brachial index."""

from __future__ import annotations

import pytest

from legrules.model import Laterality, ScoreResult
from legrules.rules.pad import abi_band
from tests.support import make, run

LEFT, RIGHT = Laterality.LEFT, Laterality.RIGHT


def reported(value: float, tbi: float | None = None) -> ScoreResult:
    sides = [("abi", value, "1", "left")]
    if tbi is not None:
        sides.append(("tbi", tbi, "1", "left"))
    return run(make(measured_sides=sides)).score("score.abi", LEFT)


def pressures(ankle: float, left_arm: float, right_arm: float | None) -> ScoreResult:
    sides = [
        ("ankle-pressure", ankle, "mm[Hg]", "left"),
        ("brachial-pressure", left_arm, "mm[Hg]", "left"),
    ]
    if right_arm is not None:
        sides.append(("brachial-pressure", right_arm, "mm[Hg]", "right"))
    return run(make(measured_sides=sides)).score("score.abi", LEFT)


@pytest.mark.parametrize(
    ("value", "band"),
    [
        pytest.param(0.50, "abnormal", id="0.50"),
        pytest.param(0.90, "abnormal", id="0.90-abnormal"),
        pytest.param(0.91, "borderline", id="0.91-borderline"),
        pytest.param(0.99, "borderline", id="0.99-borderline"),
        pytest.param(1.00, "normal", id="1.00-normal"),
        pytest.param(1.40, "normal", id="1.40-normal"),
        pytest.param(1.41, "non-compressible", id="1.41-non-compressible"),
    ],
)
def test_abi_band_edges(value: float, band: str) -> None:
    """Each band edge falls on the side the ACC/AHA guideline puts it."""
    result = reported(value)
    assert (result.value, result.class_) == (value, band)
    assert abi_band(value) == band


@pytest.mark.parametrize(
    ("ankle", "brachial", "value", "band"),
    [
        pytest.param(108, 120, 0.90, "abnormal", id="108/120=0.90"),
        pytest.param(109, 120, 0.91, "borderline", id="109/120=0.908->0.91"),
        pytest.param(119, 120, 0.99, "borderline", id="119/120=0.992->0.99"),
        pytest.param(120, 120, 1.00, "normal", id="120/120=1.00"),
        pytest.param(168, 120, 1.40, "normal", id="168/120=1.40"),
        pytest.param(169, 120, 1.41, "non-compressible", id="169/120=1.408->1.41"),
        pytest.param(29, 200, 0.15, "abnormal", id="29/200=0.145-half-up"),
        pytest.param(181, 200, 0.91, "borderline", id="181/200=0.905-half-up"),
    ],
)
def test_abi_computed_from_pressures(
    ankle: float, brachial: float, value: float, band: str
) -> None:
    """Ankle over the higher brachial pressure, rounded half up on the exact ratio."""
    result = pressures(ankle, brachial, brachial - 10)
    assert (result.value, result.class_) == (value, band)
    assert result.missing == (("tbi",) if band == "non-compressible" else ())


def test_abi_uses_the_higher_arm() -> None:
    """The denominator is the higher of the two brachial pressures."""
    assert pressures(100, 100, 125).value == 0.8


def test_abi_with_one_arm_is_a_range_naming_the_other_arm() -> None:
    """With one arm measured the true ABI may be lower: a range, missing brachial-pressure."""
    result = pressures(120, 120, None)
    assert result.value is None
    assert result.max == 1.0
    assert result.min is not None
    assert result.min < 1.0
    assert result.missing == ("brachial-pressure",)


def test_abi_missing_names_the_inputs() -> None:
    """Without any pressures the leg names the ABI or the pressures as missing."""
    result = run(make()).score("score.abi", RIGHT)
    assert result.value is None
    assert result.missing == ("abi", "ankle-pressure", "brachial-pressure")


def test_non_compressible_leg_without_tbi_names_tbi_as_missing() -> None:
    """ABI above 1.40 without a toe-brachial index asks for one."""
    result = reported(1.55)
    assert result.class_ == "non-compressible"
    assert result.missing == ("tbi",)


@pytest.mark.parametrize(
    ("tbi", "klass"),
    [
        pytest.param(0.70, "tbi-abnormal", id="tbi-0.70-abnormal"),
        pytest.param(0.71, "tbi-normal", id="tbi-0.71-normal"),
    ],
)
def test_non_compressible_leg_is_classed_by_its_tbi(tbi: float, klass: str) -> None:
    """A non-compressible leg is classed by its TBI: 0.70 or less abnormal."""
    result = reported(1.55, tbi=tbi)
    assert result.value == 1.55
    assert result.class_ == klass
    assert result.missing == ()
    assert any(e.finding == "tbi" for e in result.evidence)


def test_tbi_does_not_change_a_compressible_leg() -> None:
    """A TBI is recorded as evidence only for non-compressible legs."""
    assert reported(1.10, tbi=0.5).class_ == "normal"
