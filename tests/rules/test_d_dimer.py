"""score.d-dimer: positive or negative against 500 ng/mL FEU, or age x 10 above 50."""

from __future__ import annotations

from typing import Any

import pytest

from legrules.model import ScoreResult
from legrules.rules.dvt import d_dimer_cutoff
from tests.support import make, run


def d_dimer(
    value: float, unit: str = "ng/mL{FEU}", age: int | None = None, **options: Any
) -> ScoreResult:
    presentation = make(measured={"d-dimer": (value, unit)}, age=age)
    return run(presentation, **options).score("score.d-dimer")


@pytest.mark.parametrize(
    ("age", "value", "expected"),
    [
        pytest.param(40, 499, "negative", id="age-40-below-500"),
        pytest.param(40, 500, "positive", id="age-40-at-500"),
        pytest.param(50, 500, "positive", id="age-50-cut-off-still-500"),
        pytest.param(70, 699, "negative", id="age-70-just-below-700"),
        pytest.param(70, 700, "positive", id="age-70-exactly-at-700"),
        pytest.param(51, 509.9, "negative", id="age-51-just-below-510"),
        pytest.param(51, 510, "positive", id="age-51-exactly-at-510"),
    ],
)
def test_d_dimer_class_at_the_age_adjusted_cut_off(age: int, value: float, expected: str) -> None:
    """Below the cut-off is negative; exactly at the cut-off is positive."""
    assert d_dimer(value, age=age).class_ == expected


def test_d_dimer_value_is_reported_in_feu() -> None:
    """The score's value is the concentration in ng/mL FEU, determinate."""
    result = d_dimer(0.65, "mg/L{FEU}", age=30)
    assert (result.value, result.min, result.max) == (650.0, 650.0, 650.0)
    assert result.class_ == "positive"
    assert result.missing == ()


def test_ddu_result_is_doubled_and_the_caveat_reaches_evidence_and_trace() -> None:
    """A DDU result is doubled to FEU, and the approximation is stated in the evidence and trace."""
    assessment = run(make(measured={"d-dimer": (300, "ng/mL{DDU}")}, age=40))
    result = assessment.score("score.d-dimer")
    assert result.value == 600.0
    assert result.class_ == "positive"
    assert any(e.note and "DDU" in e.note for e in result.evidence)
    trace = assessment.rule_trace("score.d-dimer")
    assert any("DDU" in note for note in trace.notes)
    measured = next(c for c in trace.criteria if c.id == "above-fixed-cut-off")
    assert any(e.note and "DDU" in e.note for e in measured.evidence)


def test_ddu_result_below_half_the_cut_off_is_negative() -> None:
    """249 ng/mL DDU is 498 ng/mL FEU: negative."""
    assert d_dimer(249, "ng/mL{DDU}", age=40).class_ == "negative"


def test_unknown_age_negative_when_below_500_for_every_age() -> None:
    """With age unknown, a value below 500 is negative whatever the age."""
    result = d_dimer(499)
    assert result.class_ == "negative"
    assert result.missing == ()


def test_unknown_age_positive_when_above_every_possible_cut_off() -> None:
    """With age unknown, a value at or above 1300 (age 130 x 10) is positive whatever the age."""
    assert d_dimer(1300).class_ == "positive"


def test_unknown_age_indeterminate_between_500_and_1300() -> None:
    """With age unknown, a value between the possible cut-offs is indeterminate, naming age."""
    result = d_dimer(800)
    assert result.class_ is None
    assert result.value == 800.0
    assert result.missing == ("age",)


def test_unknown_age_decides_when_age_adjustment_is_off() -> None:
    """Without age adjustment the cut-off is 500 and age is not needed."""
    result = d_dimer(800, policy={"age_adjusted_d_dimer": False})
    assert result.class_ == "positive"
    assert result.missing == ()


def test_age_adjustment_policy_changes_the_class_and_is_recorded() -> None:
    """At age 80, 600 ng/mL is negative age-adjusted and positive with the fixed cut-off."""
    on = run(make(measured={"d-dimer": (600, "ng/mL{FEU}")}, age=80))
    off = run(
        make(measured={"d-dimer": (600, "ng/mL{FEU}")}, age=80),
        policy={"age_adjusted_d_dimer": False},
    )
    assert on.score("score.d-dimer").class_ == "negative"
    assert off.score("score.d-dimer").class_ == "positive"
    assert on.policy.age_adjusted_d_dimer is True
    assert off.policy.age_adjusted_d_dimer is False
    assert "age_adjusted_d_dimer=off" in off.rule_trace("score.d-dimer").notes[0]


def test_no_d_dimer_result_names_d_dimer_as_missing() -> None:
    """Without a result the score has no value and names d-dimer as missing."""
    result = run(make(age=60)).score("score.d-dimer")
    assert (result.value, result.min, result.class_) == (None, None, None)
    assert result.missing == ("d-dimer",)


def test_cut_off_function() -> None:
    """The cut-off is 500, age x 10 above 50 when adjusted, None for an unknown age."""
    assert d_dimer_cutoff(None, False) == 500.0
    assert d_dimer_cutoff(None, True) is None
    assert d_dimer_cutoff(51, True) == 510.0
    assert d_dimer_cutoff(90, False) == 500.0
