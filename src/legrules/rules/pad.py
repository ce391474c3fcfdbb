"""Peripheral arterial disease: the ankle-brachial index, per leg.

The ABI of a leg is the higher of its dorsalis pedis and posterior tibial pressures
(recorded as ``ankle-pressure``) over the higher of the two brachial pressures, to two
decimals (half up), or an ABI reported directly.  With only one arm measured the true
denominator may be higher, so the ABI is given as a range up to the computed value.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from legrules.model import Evidence, Laterality, ScoreResult, concept
from legrules.rules import sources as src
from legrules.rules.base import ScoreRule
from legrules.rules.facts import SIDES, Context, Outcome, Reading
from legrules.rules.scoring import ranged_class

__all__ = ["ABI", "abi_band"]


def _round2(value: float) -> float:
    return float(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def abi_band(value: float) -> str:
    """The ACC/AHA band of an ABI rounded to two decimals."""
    value = _round2(value)
    if value <= 0.90:
        return "abnormal"
    if value <= 0.99:
        return "borderline"
    if value <= 1.40:
        return "normal"
    return "non-compressible"


def _brachial(ctx: Context) -> tuple[list[Reading], bool]:
    """The brachial readings and whether both arms are covered."""
    left = ctx.readings("brachial-pressure", Laterality.LEFT)
    right = ctx.readings("brachial-pressure", Laterality.RIGHT)
    both = bool(left) and bool(right)
    return list(dict.fromkeys((*left, *right))), both


def _leg(rule: ScoreRule, ctx: Context, side: Laterality) -> ScoreResult:
    def scored(
        low: float, high: float, evidence: tuple[Evidence, ...], missing: tuple[str, ...]
    ) -> ScoreResult:
        return ScoreResult(
            rule.id,
            rule.version,
            value=low if low == high else None,
            min=low,
            max=high,
            class_=ranged_class(low, high, abi_band),
            laterality=side,
            evidence=evidence,
            missing=missing,
        )

    reported = ctx.readings("abi", side)
    if reported:
        # Several reports at the same time: keep the lowest, the most concerning.
        chosen = min(reported, key=lambda r: r.value)
        value = _round2(chosen.value)
        return scored(value, value, (chosen.evidence,), ())
    ankles = ctx.readings("ankle-pressure", side)
    brachials, both_arms = _brachial(ctx)
    if not ankles or not brachials:
        missing = ("abi",) + (() if ankles else ("ankle-pressure",))
        missing += () if brachials else ("brachial-pressure",)
        return ScoreResult(
            rule.id, rule.version, None, None, None, laterality=side, missing=missing
        )
    ankle = max(ankles, key=lambda r: r.value)
    brachial = max(brachials, key=lambda r: r.value)
    evidence = (ankle.evidence, brachial.evidence)
    high = _round2(ankle.value / brachial.value)
    if both_arms:
        return scored(high, high, evidence, ())
    ceiling = concept("brachial-pressure").high
    assert ceiling is not None
    low = _round2(ankle.value / max(brachial.value, ceiling))
    return scored(low, high, evidence, ("brachial-pressure",))


def _abi(
    rule: ScoreRule, ctx: Context, outcomes: Mapping[str, Outcome]
) -> tuple[tuple[ScoreResult, ...], tuple[str, ...]]:
    return tuple(_leg(rule, ctx, side) for side in SIDES), (
        "ABI = higher ankle pressure / higher brachial pressure, 2 decimals (half up); "
        "bands: <= 0.90 abnormal, 0.91-0.99 borderline, 1.00-1.40 normal, "
        "> 1.40 non-compressible",
    )


ABI = ScoreRule(
    id="score.abi",
    version="1.0.0",
    title="Ankle-brachial index",
    summary="Per leg: ankle over brachial systolic pressure, or a reported ABI; <= 0.90 "
    "abnormal, 0.91-0.99 borderline, 1.00-1.40 normal, > 1.40 non-compressible.",
    citations=(src.ACC_AHA_2016, src.ACC_AHA_2024),
    compute=_abi,
    extra_reads=("abi", "ankle-pressure", "brachial-pressure"),
)
