"""Shared arithmetic for additive scores with unknown items.

An additive score whose items may be unknown has a *range*: the lowest total assumes
every unknown item goes the score-lowering way, the highest the score-raising way.  The
value is reported only when the range has closed, and a class only when the whole range
lies in one class, so that missing data can neither raise nor lower a conclusion.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Mapping
from typing import TypeVar

from legrules.engine.facts import Outcome
from legrules.model import Evidence, Laterality, ScoreResult, Tri

__all__ = ["additive", "completions", "ranged_class"]

H = TypeVar("H", bound=Hashable)


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


def completions(
    outcomes: Mapping[str, Outcome], conclude: Callable[[Mapping[str, bool]], H]
) -> tuple[frozenset[H], tuple[str, ...]]:
    """Every conclusion *conclude* can reach as the unknown items are filled in.

    For rules that are not additive (a questionnaire with a decision tree), the honest
    answer with unknown items is the set of conclusions still possible.  Returns that
    set and the inputs that matter: those of each unknown item whose answer can change
    the conclusion.  With n unknown items this tries 2**n completions, so it is meant
    for short questionnaires only.
    """
    known = {k: o.tri is Tri.MET for k, o in outcomes.items() if o.tri is not Tri.UNKNOWN}
    unknown = [k for k, o in outcomes.items() if o.tri is Tri.UNKNOWN]
    reached: dict[tuple[bool, ...], H] = {}
    for answers in itertools.product((False, True), repeat=len(unknown)):
        reached[answers] = conclude({**known, **dict(zip(unknown, answers, strict=True))})
    relevant = [
        item
        for index, item in enumerate(unknown)
        if any(
            reached[answers] != reached[(*answers[:index], True, *answers[index + 1 :])]
            for answers in reached
            if not answers[index]
        )
    ]
    missing = (m for item in relevant for m in outcomes[item].missing)
    return frozenset(reached.values()), tuple(dict.fromkeys(missing))
