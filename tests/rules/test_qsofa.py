"""score.qsofa: respiratory rate 22 or more, systolic BP 100 or less, altered mentation."""

from __future__ import annotations

import pytest

from tests.support import make, run


@pytest.mark.parametrize(
    ("rate", "systolic", "mentation", "value", "klass"),
    [
        pytest.param(22, 100, False, 2, "positive", id="edges-both-count-2-positive"),
        pytest.param(21, 101, True, 1, "negative", id="just-outside-edges-1-negative"),
        pytest.param(30, 90, True, 3, "positive", id="all-three"),
        pytest.param(16, 120, False, 0, "negative", id="none"),
    ],
)
def test_qsofa_value_and_class(
    rate: float, systolic: float, mentation: bool, value: int, klass: str
) -> None:
    """The qSOFA score counts its three items; 2 or more is positive."""
    presentation = make(
        present=["altered-mentation"] if mentation else [],
        absent=[] if mentation else ["altered-mentation"],
        measured={"respiratory-rate": (rate, "/min"), "systolic-bp": (systolic, "mm[Hg]")},
    )
    result = run(presentation).score("score.qsofa")
    assert (result.value, result.class_) == (value, klass)


def test_qsofa_unknown_items_give_a_range_without_class() -> None:
    """With mentation unknown and one item met, qSOFA is 1 to 2 and names the item."""
    presentation = make(measured={"respiratory-rate": (24, "/min"), "systolic-bp": (130, "mm[Hg]")})
    result = run(presentation).score("score.qsofa")
    assert (result.value, result.min, result.max, result.class_) == (None, 1, 2, None)
    assert result.missing == ("altered-mentation",)
