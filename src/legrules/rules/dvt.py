"""Deep vein thrombosis: the Wells DVT score.

The two published variants differ in three places (calf difference ``>= 3`` vs ``> 3``
cm, bedridden ``>= 3`` vs ``> 3`` days, surgery within 12 vs 4 weeks) and in the
classes (two-level vs three-level).  The variant is the policy setting
``wells_variant``; every result records which one it used.
"""

from __future__ import annotations

from collections.abc import Mapping

from legrules.model import ScoreResult, WellsVariant
from legrules.rules import sources as src
from legrules.rules.base import Criterion, ScoreRule
from legrules.rules.facts import Context, Outcome
from legrules.rules.logic import All, Any, ByPolicy, Measured, Present, Same
from legrules.rules.scoring import additive, result

__all__ = ["WELLS_DVT", "WELLS_POINTS"]

_NICE = WellsVariant.NICE_2020.value
_1997 = WellsVariant.WELLS_1997.value

#: Points per Wells item (criterion id -> points).
WELLS_POINTS: Mapping[str, float] = {
    "active-cancer": 1,
    "paralysis-paresis-or-cast": 1,
    "bedridden-or-surgery": 1,
    "deep-vein-tenderness": 1,
    "entire-leg-swollen": 1,
    "calf-difference": 1,
    "pitting-edema": 1,
    "collateral-veins": 1,
    "previous-dvt": 1,
    "alternative-diagnosis": -2,
}

# The yes/no findings are recorded against the NICE thresholds (3 days, 12 weeks); a
# duration, where given, states the same fact more precisely.  Under Wells 1997 (more than
# 3 days, 4 weeks) a "no" still rules the item out, but a "yes" needs the duration.
_BEDRIDDEN_NICE = Any(
    Same(Present("bedridden-3-days"), Measured("days-bedridden", ">=", 3)),
    Same(Present("major-surgery-12-weeks"), Measured("weeks-since-major-surgery", "<=", 12)),
)
_BEDRIDDEN_1997 = Any(
    Same(
        Measured("days-bedridden", ">", 3),
        All(Present("bedridden-3-days"), Measured("days-bedridden", ">", 3)),
    ),
    Same(
        Measured("weeks-since-major-surgery", "<=", 4),
        All(Present("major-surgery-12-weeks"), Measured("weeks-since-major-surgery", "<=", 4)),
    ),
)


def _classify_nice(value: float) -> str:
    return "likely" if value >= 2 else "unlikely"


def _classify_1997(value: float) -> str:
    if value >= 3:
        return "high"
    return "moderate" if value >= 1 else "low"


def _wells(
    rule: ScoreRule, ctx: Context, outcomes: Mapping[str, Outcome]
) -> tuple[tuple[ScoreResult, ...], tuple[str, ...]]:
    low, high, evidence, missing = additive(WELLS_POINTS, outcomes)
    variant = ctx.policy.wells_variant
    classify = _classify_nice if variant is WellsVariant.NICE_2020 else _classify_1997
    score = result(rule.id, rule.version, low, high, classify, evidence, missing)
    note = f"variant {variant.value}; items scored +1 each, alternative diagnosis -2"
    return (score,), (note,)


WELLS_DVT = ScoreRule(
    id="score.wells-dvt",
    version="1.0.0",
    title="Wells DVT score",
    summary="Ten-item pretest probability of DVT (-2 to 9); likely at 2 or more (NICE 2020), "
    "or low / moderate / high (Wells 1997). Unknown items give a range.",
    citations=(src.WELLS_2003, src.WELLS_1997, src.NICE_NG158),
    compute=_wells,
    extra_policy=("wells_variant",),
    criteria=(
        Criterion("active-cancer", Present("active-cancer"), "Active cancer (+1)"),
        Criterion(
            "paralysis-paresis-or-cast",
            Present("paralysis-paresis-or-cast"),
            "Paralysis, paresis or recent plaster immobilisation of the leg (+1)",
        ),
        Criterion(
            "bedridden-or-surgery",
            ByPolicy("wells_variant", ((_NICE, _BEDRIDDEN_NICE), (_1997, _BEDRIDDEN_1997))),
            "Bedridden 3 days or more, or major surgery within 12 weeks (NICE 2020); "
            "more than 3 days or within 4 weeks (Wells 1997) (+1)",
        ),
        Criterion(
            "deep-vein-tenderness",
            Present("deep-vein-tenderness"),
            "Localised tenderness along the deep veins (+1)",
        ),
        Criterion("entire-leg-swollen", Present("entire-leg-swollen"), "Entire leg swollen (+1)"),
        Criterion(
            "calf-difference",
            ByPolicy(
                "wells_variant",
                (
                    (_NICE, Measured("calf-circumference-difference", ">=", 3.0)),
                    (_1997, Measured("calf-circumference-difference", ">", 3.0)),
                ),
            ),
            "Calf swelling 3 cm or more (NICE 2020) / more than 3 cm (Wells 1997) over the "
            "other side, 10 cm below the tibial tuberosity (+1)",
        ),
        Criterion(
            "pitting-edema",
            Present("pitting-edema"),
            "Pitting oedema confined to the symptomatic leg (+1)",
        ),
        Criterion(
            "collateral-veins",
            Present("collateral-superficial-veins"),
            "Collateral superficial (non-varicose) veins (+1)",
        ),
        Criterion("previous-dvt", Present("previous-dvt"), "Previously documented DVT (+1)"),
        Criterion(
            "alternative-diagnosis",
            Present("alternative-diagnosis-as-likely"),
            "Alternative diagnosis at least as likely as DVT (-2)",
        ),
    ),
)
