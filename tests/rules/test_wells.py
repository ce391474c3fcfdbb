"""score.wells-dvt: ranges, classes and the two published variants."""

from __future__ import annotations

from typing import Any

import pytest

from legrules.model import ScoreResult
from tests.rules.wells_cases import wells
from tests.support import run_2026_11 as run

WELLS_1997 = {"wells_variant": "wells-1997"}


def score(*args: Any, policy: dict[str, str] | None = None, **kwargs: Any) -> ScoreResult:
    return run(wells(*args, **kwargs), policy=policy).score("score.wells-dvt")


def test_wells_one_is_unlikely() -> None:
    """A closed score of 1 is unlikely (NICE two-level)."""
    result = score(present=["active-cancer"])
    assert (result.value, result.class_, result.missing) == (1, "unlikely", ())


def test_wells_likely_when_score_two_or_more() -> None:
    """A closed score of 2 is likely."""
    result = score(present=["active-cancer", "previous-dvt"])
    assert (result.value, result.class_) == (2, "likely")


def test_wells_alternative_diagnosis_subtracts_two() -> None:
    """An alternative diagnosis at least as likely takes 2 points off."""
    result = score(present=["active-cancer", "alternative-diagnosis-as-likely"])
    assert result.value == -1
    assert result.class_ == "unlikely"


def test_wells_range_spanning_the_threshold_has_no_class() -> None:
    """One point known and one item unknown: 1 to 2, no class, naming the unknown item."""
    result = score(present=["active-cancer"], unknown=["previous-dvt"])
    assert (result.value, result.min, result.max, result.class_) == (None, 1, 2, None)
    assert result.missing == ("previous-dvt",)


def test_wells_range_within_one_class_keeps_the_class() -> None:
    """With only the alternative-diagnosis item unknown, -2 to 0 is still unlikely."""
    result = score(unknown=["alternative-diagnosis-as-likely"])
    assert (result.min, result.max, result.class_) == (-2, 0, "unlikely")


def test_wells_unknown_calf_difference_widens_the_range() -> None:
    """An unmeasured calf difference counts as an unknown item."""
    result = score(present=["previous-dvt"], calf=None)
    assert (result.min, result.max) == (1, 2)
    assert result.missing == ("calf-circumference-difference",)


@pytest.mark.parametrize(
    ("calf", "variant", "points"),
    [
        pytest.param(3.0, None, 1, id="3.0cm-nice-2020-scores"),
        pytest.param(3.0, WELLS_1997, 0, id="3.0cm-wells-1997-does-not"),
        pytest.param(3.1, None, 1, id="3.1cm-nice-2020"),
        pytest.param(3.1, WELLS_1997, 1, id="3.1cm-wells-1997"),
        pytest.param(2.9, None, 0, id="2.9cm-nice-2020"),
    ],
)
def test_wells_calf_difference_of_exactly_3_cm_differs_between_variants(
    calf: float, variant: dict[str, str] | None, points: int
) -> None:
    """NICE 2020 counts a 3 cm difference (>= 3); Wells 1997 needs more than 3 cm."""
    assert score(calf=calf, policy=variant).value == points


@pytest.mark.parametrize(
    ("measured", "nice", "w1997"),
    [
        pytest.param({"days-bedridden": (3, "d")}, 1, 0, id="bedridden-3-days"),
        pytest.param({"days-bedridden": (4, "d")}, 1, 1, id="bedridden-4-days"),
        pytest.param({"weeks-since-major-surgery": (8, "wk")}, 1, 0, id="surgery-8-weeks"),
        pytest.param({"weeks-since-major-surgery": (4, "wk")}, 1, 1, id="surgery-4-weeks"),
        pytest.param({"weeks-since-major-surgery": (13, "wk")}, 0, 0, id="surgery-13-weeks"),
    ],
)
def test_wells_bedridden_and_surgery_thresholds_by_variant(
    measured: dict[str, tuple[float, str]], nice: int, w1997: int
) -> None:
    """Bedridden 3 days or surgery within 12 weeks (NICE) vs over 3 days / 4 weeks (1997)."""
    assert score(measured=measured).value == nice
    assert score(measured=measured, policy=WELLS_1997).value == w1997


def test_wells_1997_needs_the_duration_behind_a_yes() -> None:
    """Under Wells 1997 'bedridden 3 days or more' without the number of days is unknown."""
    result = score(present=["bedridden-3-days"], policy=WELLS_1997)
    assert (result.min, result.max) == (0, 1)
    assert "days-bedridden" in result.missing


@pytest.mark.parametrize(
    ("present", "klass"),
    [
        pytest.param((), "low", id="0-low"),
        pytest.param(("active-cancer",), "moderate", id="1-moderate"),
        pytest.param(("active-cancer", "previous-dvt"), "moderate", id="2-moderate"),
        pytest.param(("active-cancer", "previous-dvt", "pitting-edema"), "high", id="3-high"),
    ],
)
def test_wells_1997_three_level_classes(present: tuple[str, ...], klass: str) -> None:
    """Wells 1997: low at 0 or less, moderate 1-2, high at 3 or more."""
    assert score(present=present, policy=WELLS_1997).class_ == klass


def test_wells_variant_is_recorded_in_the_result_and_trace() -> None:
    """The assessment records the variant used, and the trace says which."""
    assessment = run(wells(), policy=WELLS_1997)
    assert assessment.policy.wells_variant.value == "wells-1997"
    assert "wells-1997" in assessment.rule_trace("score.wells-dvt").notes[0]
