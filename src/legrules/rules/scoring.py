"""Shared arithmetic for additive scores with unknown items.

An additive score whose items may be unknown has a *range*: the lowest total assumes
every unknown item goes the score-lowering way, the highest the score-raising way.  The
value is reported only when the range has closed, and a class only when the whole range
lies in one class, so that missing data can neither raise nor lower a conclusion.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from legrules.model import Evidence, Laterality, ScoreResult, Tri
from legrules.rules.facts import Outcome

__all__ = ["additive", "ranged_class"]


def additive(
    points: Mapping[str, float], outcomes: Mapping[str, Outcome]
) -> tuple[float, float, tuple[Evidence, ...], tuple[str, ...]]:
    """Sum *points* over met items: ``(min, max, evidence of met items, missing inputs)``."""
    low = high = 0.0
    evidence: list[Evidence] = []
    missing: list[str] = []
    for item, weight in points.items():
        outcome = outcomes[item]
        if outcome.tri is Tri.MET:
            low += weight
            high += weight
            evidence.extend(outcome.evidence)
        elif outcome.tri is Tri.UNKNOWN:
            if weight < 0:
                low += weight
            else:
                high += weight
            missing.extend(outcome.missing)
    return low, high, tuple(dict.fromkeys(evidence)), tuple(dict.fromkeys(missing))


def ranged_class(
    low: float | None, high: float | None, classify: Callable[[float], str]
) -> str | None:
    """The class of a score range, or ``None`` unless both ends fall in the same class.

    Works for scores that are monotone in their classes (every class is an interval).
    """
    if low is None or high is None:
        return None
    first, last = classify(low), classify(high)
    return first if first == last else None


def result(
    rule_id: str,
    version: str,
    low: float,
    high: float,
    classify: Callable[[float], str],
    evidence: tuple[Evidence, ...],
    missing: tuple[str, ...],
    laterality: Laterality | None = None,
) -> ScoreResult:
    """A :class:`ScoreResult` for a range; ``value`` only when the range has closed."""
    return ScoreResult(
        rule_id,
        version,
        value=low if low == high else None,
        min=low,
        max=high,
        class_=ranged_class(low, high, classify),
        laterality=laterality,
        evidence=evidence,
        missing=() if low == high else missing,
    )
