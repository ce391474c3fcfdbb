"""Expressions shared by several rules, defined once so they cannot drift apart."""

from __future__ import annotations

from legrules.engine.logic import All, Any, Expr, Measured, Present, Same
from legrules.model import Laterality

__all__ = [
    "DVT_SIGNS",
    "FEVER_OR_CHILLS",
    "FEVER_STATED_OR_MEASURED",
    "HEART_RATE_OVER_130",
    "HYPOTHERMIA",
    "INFLAMED_LEG",
    "LEFT",
    "RIGHT",
    "SYSTOLIC_BP_90_OR_LESS",
    "any_present",
    "both_legs",
]

LEFT = Laterality.LEFT
RIGHT = Laterality.RIGHT

#: Any sign of a deep vein thrombosis (``rules.md``: ``redflag.suspected-dvt``).
#: A calf 3 cm or more larger than the other is a swollen leg, so when the calves have
#: not been measured, a leg stated not to be swollen settles that sign too.
DVT_SIGNS = Any(
    Present("leg-swelling"),
    Present("entire-leg-swollen"),
    Present("pitting-edema"),
    Present("deep-vein-tenderness"),
    Same(Measured("calf-circumference-difference", ">=", 3.0), Present("leg-swelling")),
)

#: Fever measured at 38.0 C or more, reported fever, or chills.
FEVER_OR_CHILLS = Any(
    Measured("temperature", ">=", 38.0),
    Present("fever"),
    Present("chills"),
)

#: Redness, warmth or swelling of the leg.
INFLAMED_LEG = Any(Present("redness"), Present("warmth"), Present("leg-swelling"))

#: Fever of 38.0 C or more, measured or reported (a reported "no fever" settles it when no
#: temperature was taken), or chills.
FEVER_STATED_OR_MEASURED = Any(
    Same(Measured("temperature", ">=", 38.0), Present("fever")),
    Present("chills"),
)

#: A temperature below 36.0 C: sepsis may present cold rather than with fever.
HYPOTHERMIA = Measured("temperature", "<", 36.0)

#: A heart rate over 130 a minute (a NICE NG51 high-risk sign).
HEART_RATE_OVER_130 = Measured("heart-rate", ">", 130)

#: A systolic blood pressure of 90 mmHg or less (a NICE NG51 high-risk sign).
SYSTOLIC_BP_90_OR_LESS = Measured("systolic-bp", "<=", 90)


def any_present(cids: tuple[str, ...], side: Laterality | None = None) -> Any:
    """Any of the findings *cids* present (on *side*, or on either leg), in that order."""
    return Any(*(Present(cid, side) for cid in cids))


def both_legs(cid: str) -> Expr:
    """Finding *cid* present on the left leg and on the right."""
    return All(Present(cid, LEFT), Present(cid, RIGHT))
