"""Expressions shared by several rules, defined once so they cannot drift apart."""

from __future__ import annotations

from legrules.model import Laterality
from legrules.rules.logic import Any, Measured, Present

__all__ = ["DVT_SIGNS", "FEVER_OR_CHILLS", "INFLAMED_LEG", "LEFT", "RIGHT"]

LEFT = Laterality.LEFT
RIGHT = Laterality.RIGHT

#: Any sign of a deep vein thrombosis (``rules.md``: ``redflag.suspected-dvt``).
DVT_SIGNS = Any(
    Present("leg-swelling"),
    Present("entire-leg-swollen"),
    Present("pitting-edema"),
    Present("deep-vein-tenderness"),
    Measured("calf-circumference-difference", ">=", 3.0),
)

#: Fever measured at 38.0 C or more, reported fever, or chills.
FEVER_OR_CHILLS = Any(
    Measured("temperature", ">=", 38.0),
    Present("fever"),
    Present("chills"),
)

#: Redness, warmth or swelling of the leg.
INFLAMED_LEG = Any(Present("redness"), Present("warmth"), Present("leg-swelling"))
