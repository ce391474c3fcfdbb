"""Recommendations of rule set 2026.12.

The escalation advice reads the 2026.12 red flags (a necrotising infection calls for an
ambulance too); the exercise ABI is asked for even when one leg is unmeasured; a stiff
(non-compressible) artery asks for a toe-brachial index; the symptom diary's "no cause
found" covers the new differentials; and the new differentials get their advice.
Unchanged recommendations are the 2026.11 objects themselves.
"""

from __future__ import annotations

import attrs

from legrules.engine.base import RecommendationRule
from legrules.engine.logic import All, Any, DifferentialIs, Expr, Not, Present, RedFlagIs
from legrules.engine.predicates import DifferentialLevelIs, Proven, ScoreClassIs
from legrules.model import Audience, Disposition, Likelihood, Status
from legrules.rules import recommendations as v1
from legrules.rules import self_care
from legrules.rules import sources as src
from legrules.rules.ddx_2026_12 import DIFFERENTIALS_2026_12
from legrules.rules.red_flags_2026_12 import RED_FLAGS_2026_12

__all__ = ["RECOMMENDATIONS_2026_12"]

_L = Likelihood
_E, _U, _S, _R = Disposition.EMERGENCY, Disposition.URGENT, Disposition.SOON, Disposition.ROUTINE


def _red_flag_at(*levels: Disposition) -> Expr:
    """Any 2026.12 red flag of one of *levels* is met."""
    return Any(*(RedFlagIs(r.id, {Status.MET}) for r in RED_FLAGS_2026_12 if r.level in levels))


# Each red flag's own citations support its level; these say what the advice rests on.
CALL_EMERGENCY = attrs.evolve(
    v1.CALL_EMERGENCY,
    version="2.0.1",
    trigger=_red_flag_at(_E),
    citations=(
        src.SEED_SORENESS.backing("immediate medical attention for breathlessness or chest pain"),
        src.NICE_NG158.backing("immediate assessment of suspected pulmonary embolism"),
        src.NICE_NG51.backing("emergency care for high-risk sepsis"),
    ),
)
SAME_DAY = attrs.evolve(
    v1.SAME_DAY,
    version="2.0.1",
    trigger=Any(_red_flag_at(_U), DifferentialLevelIs({_U})),
    citations=(
        src.SEED_SORENESS.backing("prompt care for a swollen, red or warm leg, fever or chills"),
        src.SEED_STRESS.backing(
            "one-sided pain with redness, warmth or swelling is not for self-care"
        ),
        src.NICE_NG158.backing("DVT assessment within 4 hours"),
    ),
)
SEE_CLINICIAN = attrs.evolve(
    v1.SEE_CLINICIAN,
    version="2.0.1",
    trigger=Any(_red_flag_at(_S, _R), DifferentialLevelIs({_S, _R})),
    citations=(
        src.SEED_NIGHT.backing("a clinician for troublesome cramps, numbness or skin change"),
        src.SEED_SORENESS.backing("a doctor for pain not improving after several days"),
    ),
)

EXERCISE_ABI = attrs.evolve(
    v1.EXERCISE_ABI,
    version="2.0.0",
    text="The resting ABI is normal or borderline in a measured leg but the pain comes on "
    "with walking: arrange an exercise (treadmill) ABI to look for arterial disease that "
    "shows only under load, and measure any leg not yet measured.",
    trigger=All(
        Present("pain-on-walking"),
        ScoreClassIs("score.abi", {"normal", "borderline"}),
        Not(Proven(ScoreClassIs("score.abi", {"abnormal", "tbi-abnormal"}))),
    ),
    citations=(src.ACC_AHA_2024.backing("exercise ABI for exertional symptoms, normal ABI"),),
)

TBI_MEASUREMENT = RecommendationRule(
    id="rec.tbi-measurement",
    version="1.0.0",
    title="Measure the toe-brachial index",
    audience=Audience.CLINICIAN,
    text="The ABI is above 1.40 (stiff, non-compressible arteries), so it cannot show or rule "
    "out arterial disease: measure the toe-brachial index or the toe pressure of that leg.",
    trigger=ScoreClassIs("score.abi", {"non-compressible"}),
    citations=(src.ACC_AHA_2024.backing("TBI when the ABI is above 1.40"),),
)

IRON_STUDIES = attrs.evolve(
    v1.IRON_STUDIES,
    version="1.0.1",
    citations=(src.IRLSSG_IRON_2018.backing("the morning, iron-free sample for iron studies"),),
)
IRON_THERAPY = attrs.evolve(
    v1.IRON_THERAPY,
    version="1.0.1",
    citations=(
        src.AASM_2024.backing("iron for ferritin 75 ng/mL or less or saturation below 20%"),
    ),
)

_L_OA = DifferentialIs("ddx.osteoarthritis", {_L.LIKELY})

JOINT_EXERCISE = RecommendationRule(
    id="rec.joint-exercise",
    version="1.0.0",
    title="Exercise for osteoarthritis",
    audience=Audience.PATIENT,
    text="Exercise is the main treatment for a worn knee or hip: muscle-strengthening and "
    "general activity such as walking, cycling or swimming, built up over weeks, and losing "
    "weight if you are overweight. A physiotherapist can plan the exercises with you.",
    trigger=_L_OA,
    self_care=True,
    citations=(src.NICE_NG226.backing("therapeutic exercise and weight management"),),
)

TOPICAL_NSAID = attrs.evolve(
    self_care.TOPICAL_NSAID,
    version="2.0.0",
    trigger=Any(self_care.TOPICAL_NSAID.trigger, _L_OA),
    citations=(
        src.SEED_SORENESS.backing("anti-inflammatory gel for sore muscles"),
        src.NICE_NG226.backing("a topical NSAID for knee osteoarthritis"),
    ),
)

VITAMIN_D_TREATMENT = RecommendationRule(
    id="rec.vitamin-d-treatment",
    version="1.0.0",
    title="Treat vitamin D deficiency",
    audience=Audience.CLINICIAN,
    text="Treat the vitamin D deficiency with a loading course of colecalciferol followed by "
    "maintenance, as NICE CKS describes, and check the corrected calcium about a month "
    "after the loading course.",
    trigger=DifferentialIs("ddx.vitamin-d-deficiency", {_L.LIKELY}),
    citations=(src.CKS_VITAMIN_D.backing("loading and maintenance; calcium check"),),
)

FIBROMYALGIA_ASSESSMENT = RecommendationRule(
    id="rec.fibromyalgia-assessment",
    version="1.0.0",
    title="Assess for fibromyalgia",
    audience=Audience.CLINICIAN,
    text="Assess against the full 2016 ACR criteria (widespread pain index and symptom "
    "severity score) and look for other causes of widespread pain before making the "
    "diagnosis.",
    trigger=DifferentialIs("ddx.fibromyalgia", {_L.POSSIBLE}),
    citations=(src.ACR_FIBROMYALGIA_2016.backing("the full diagnostic criteria"),),
)

#: No differential is possible or better, and none is being worked up at a higher level.
_NO_CAUSE_FOUND = All(
    *(
        DifferentialIs(d.id, {_L.UNLIKELY, _L.EXCLUDED, _L.INDETERMINATE})
        for d in DIFFERENTIALS_2026_12
    ),
    Not(DifferentialLevelIs({_U, _S, _R})),
)

SYMPTOM_LOG = attrs.evolve(
    self_care.SYMPTOM_LOG,
    version="2.0.1",
    citations=(src.SEED_STRESS.backing("a three-day log of the pain and its triggers"),),
    trigger=Any(
        DifferentialIs("ddx.stress-related", {_L.POSSIBLE}),
        Any(Present("leg-cramp"), DifferentialIs("ddx.nocturnal-cramps", {_L.LIKELY})),
        _NO_CAUSE_FOUND,
    ),
)

_REPLACED = {
    r.id: r
    for r in (
        CALL_EMERGENCY,
        SAME_DAY,
        SEE_CLINICIAN,
        EXERCISE_ABI,
        IRON_STUDIES,
        IRON_THERAPY,
        TOPICAL_NSAID,
        SYMPTOM_LOG,
    )
}


def _in_order(rules: tuple[RecommendationRule, ...]) -> tuple[RecommendationRule, ...]:
    return tuple(_REPLACED.get(r.id, r) for r in rules)


#: The recommendations of 2026.12: the clinical ones, then self-care advice.
RECOMMENDATIONS_2026_12: tuple[RecommendationRule, ...] = (
    *_in_order(v1.CLINICAL_RECOMMENDATIONS),
    TBI_MEASUREMENT,
    VITAMIN_D_TREATMENT,
    FIBROMYALGIA_ASSESSMENT,
    *_in_order(self_care.SELF_CARE),
    JOINT_EXERCISE,
)
