"""Infection and sepsis: the qSOFA score used by ``redflag.sepsis``."""

from __future__ import annotations

from collections.abc import Mapping

from legrules.engine.base import Criterion, ScoreRule
from legrules.engine.facts import Context, Outcome
from legrules.engine.logic import Measured, Present
from legrules.engine.scoring import additive, result
from legrules.model import ScoreResult
from legrules.rules import sources as src

__all__ = ["QSOFA"]

_POINTS: Mapping[str, float] = {"respiratory-rate": 1, "systolic-bp": 1, "altered-mentation": 1}


def _classify(value: float) -> str:
    return "positive" if value >= 2 else "negative"


def _qsofa(
    rule: ScoreRule, ctx: Context, outcomes: Mapping[str, Outcome]
) -> tuple[tuple[ScoreResult, ...], tuple[str, ...]]:
    low, high, evidence, missing = additive(_POINTS, outcomes)
    return (result(rule.id, rule.version, low, high, _classify, evidence, missing),), ()


QSOFA = ScoreRule(
    id="score.qsofa",
    version="1.0.0",
    title="qSOFA",
    summary="Quick SOFA, 0-3: respiratory rate 22/min or more, systolic BP 100 mmHg or less, "
    "altered mentation; positive at 2 or more.",
    citations=(src.SEPSIS_3,),
    compute=_qsofa,
    criteria=(
        Criterion("respiratory-rate", Measured("respiratory-rate", ">=", 22)),
        Criterion("systolic-bp", Measured("systolic-bp", "<=", 100)),
        Criterion("altered-mentation", Present("altered-mentation")),
    ),
)
