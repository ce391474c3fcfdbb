"""Restless legs syndrome (Willis-Ekbom disease): the five IRLSSG 2012 criteria."""

from __future__ import annotations

from collections.abc import Mapping

from legrules.engine.base import Criterion, Decision, DifferentialRule
from legrules.engine.deciding import all_required
from legrules.engine.facts import Context, Outcome
from legrules.engine.logic import Present
from legrules.model import Disposition, Likelihood
from legrules.rules import sources as src

__all__ = ["DDX_RLS", "IRLSSG_CRITERIA"]

#: The five essential criteria, every one of which must be met.
IRLSSG_CRITERIA = (
    "urge-to-move-legs",
    "worse-at-rest",
    "relieved-by-movement",
    "worse-evening-night",
    "not-explained-by-other-condition",
)


def _decide_rls(ctx: Context, o: Mapping[str, Outcome]) -> Decision:
    return all_required(o, IRLSSG_CRITERIA, Likelihood.LIKELY, Disposition.ROUTINE)


DDX_RLS = DifferentialRule(
    id="ddx.restless-legs",
    version="1.0.0",
    title="Restless legs syndrome",
    summary="Likely when all five IRLSSG criteria are met (an urge to move the legs that "
    "starts or worsens at rest, is relieved by moving, is worse in the evening or night, and "
    "is not solely explained by another condition); unlikely when any is not met.",
    citations=(src.IRLSSG_2014, src.SEED_SORENESS),
    decide=_decide_rls,
    criteria=(
        Criterion("urge-to-move-legs", Present("urge-to-move-legs")),
        Criterion("worse-at-rest", Present("worse-at-rest")),
        Criterion("relieved-by-movement", Present("relieved-by-movement")),
        Criterion("worse-evening-night", Present("worse-evening-night")),
        Criterion(
            "not-explained-by-other-condition",
            Present("not-explained-by-other-condition"),
            "Not solely explained by another condition (cramps, positional discomfort, "
            "myalgia, venous stasis, oedema, arthritis, habitual foot tapping)",
        ),
    ),
)
