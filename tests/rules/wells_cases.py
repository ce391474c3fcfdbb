"""Builders for Wells DVT presentations shared by the rule tests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from legrules import Presentation
from tests.support import make

#: Every Wells item's finding (the calf difference is a measurement).
WELLS_FINDINGS: tuple[str, ...] = (
    "active-cancer",
    "paralysis-paresis-or-cast",
    "bedridden-3-days",
    "major-surgery-12-weeks",
    "deep-vein-tenderness",
    "entire-leg-swollen",
    "pitting-edema",
    "collateral-superficial-veins",
    "previous-dvt",
    "alternative-diagnosis-as-likely",
)


def wells(
    present: Iterable[str] = (),
    unknown: Iterable[str] = (),
    absent: Iterable[str] = (),
    calf: float | None = 0.0,
    measured: Mapping[str, tuple[float, str]] | None = None,
    **extra: Any,
) -> Presentation:
    """Every Wells item absent (calf difference 0 cm) except *present* and *unknown*.

    *absent* adds further absent findings.
    """
    present, unknown = tuple(present), tuple(unknown)
    absent = [f for f in WELLS_FINDINGS if f not in present and f not in unknown] + [*absent]
    quantities = dict(measured or {})
    if calf is not None:
        quantities["calf-circumference-difference"] = (calf, "cm")
    return make(present=present, absent=absent, measured=quantities, **extra)
