"""Expressions shared by several rules, defined once so they cannot drift apart."""

from __future__ import annotations

from legrules.engine.logic import Any, Measured, Present, Same
from legrules.model import Laterality

__all__ = ["DVT_SIGNS", "FEVER_OR_CHILLS", "INFLAMED_LEG", "LEFT", "RIGHT"]

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
