"""Self-care advice (``rules.md`` section 5, ``rec.rice`` to ``rec.symptom-log``).

All of it is ``self_care``: the engine withholds it while any red flag is met or
unresolved.  The advice comes from the project's seed articles, in legrules' own words,
written for the patient.  Each contraindication is a criterion: met withholds the
advice and says why; unknown keeps it with a caution naming what to check first.
"""

from __future__ import annotations

from legrules.engine.base import Citation, Criterion, RecommendationRule
from legrules.engine.logic import (
    All,
    Any,
    DifferentialIs,
    Expr,
    Measured,
    Not,
    PolicyValue,
    Present,
    RedFlagIs,
    Same,
    ScoreIs,
)
from legrules.engine.predicates import DifferentialLevelIs, HasScore, ScoreVersusPolicy
from legrules.model import Audience, Disposition, Likelihood, Status
from legrules.rules import sources as src
from legrules.rules.differentials import DIFFERENTIALS
from legrules.rules.signs import DVT_SIGNS

__all__ = ["SELF_CARE", "advice"]

_L = Likelihood
_LIKELY = {_L.LIKELY}
_PAD_OR_HIGHER = {_L.POSSIBLE, _L.LIKELY, _L.CONFIRMED}


def _likely(*differentials: str) -> Expr:
    return Any(*(DifferentialIs(d, _LIKELY) for d in differentials))


_STRESS = DifferentialIs("ddx.stress-related", {_L.POSSIBLE})
_CRAMPS = Any(Present("leg-cramp"), _likely("ddx.nocturnal-cramps"))
_STRAIN = _likely("ddx.muscle-strain")
_OVERUSE = _likely("ddx.shin-splints", "ddx.achilles-tendinopathy", "ddx.patellofemoral-pain")
_WITHIN_48_HOURS = Same(
    Measured("hours-since-injury", "<=", 48), Measured("symptom-duration", "<=", 2)
)
#: No differential is possible or better, and none is being worked up at a higher
#: level (a suspected DVT with an unlikely Wells score is not an "open cause").
_NO_CAUSE_FOUND = All(
    *(DifferentialIs(d.id, {_L.UNLIKELY, _L.EXCLUDED, _L.INDETERMINATE}) for d in DIFFERENTIALS),
    Not(DifferentialLevelIs({Disposition.URGENT, Disposition.SOON, Disposition.ROUTINE})),
)

# Contraindications -----------------------------------------------------------------------
_RECENT_STRAIN = Criterion(
    "strain-within-48h", All(_STRAIN, _WITHIN_48_HOURS), "A muscle strain in the last 48 hours"
)
_SUSPECTED_DVT = Criterion(
    "suspected-dvt",
    All(DVT_SIGNS, Not(DifferentialIs("ddx.dvt", {_L.EXCLUDED}))),
    "Suspected DVT: a DVT sign is present and DVT has not been excluded",
)
_LEG_INFECTION = Criterion(
    "leg-infection",
    Any(
        RedFlagIs("redflag.leg-infection", {Status.MET}),
        All(Present("redness"), Present("warmth")),
    ),
    "Possible leg infection: the leg-infection red flag, or a red and warm leg",
)
_PAD = Criterion(
    "pad",
    DifferentialIs("ddx.pad-claudication", _PAD_OR_HIGHER),
    "Peripheral arterial disease possible, likely or confirmed",
)
_CKD = Criterion("kidney-disease", Present("chronic-kidney-disease"), "Chronic kidney disease")


def advice(
    rec_id: str,
    title: str,
    text: str,
    trigger: Expr,
    contraindications: tuple[Criterion, ...] = (),
    citations: tuple[Citation, ...] = (src.SEED_SORENESS,),
) -> RecommendationRule:
    """A self-care recommendation for the patient (version 1.0.0 of rule set 2026.11)."""
    return RecommendationRule(
        id=rec_id,
        version="1.0.0",
        title=title,
        audience=Audience.PATIENT,
        text=text,
        trigger=trigger,
        criteria=contraindications,
        citations=citations,
        self_care=True,
    )


RICE = advice(
    "rec.rice",
    "Rest, ice, compression, elevation",
    "For the first two days after the strain: rest the leg; hold an ice pack wrapped in a "
    "cloth on the sore spot for 15 to 20 minutes every 2 to 3 hours; wrap it with an elastic "
    "bandage that is snug but lets a finger slip underneath; and keep it raised on pillows.",
    All(_STRAIN, _WITHIN_48_HOURS),
)
STRETCHING = advice(
    "rec.stretching",
    "Gentle stretching",
    "Stretch the tight muscles gently once or twice a day and before bed: the calf (lean on a "
    "wall with the back heel down), the back of the thigh and the front of the thigh. Hold "
    "each stretch for 20 to 30 seconds without bouncing; it should pull, not hurt. During a "
    "cramp, straighten the leg and draw your toes up towards your knee.",
    Any(_CRAMPS, _likely("ddx.doms"), _STRESS, Present("tight-muscles")),
    (_RECENT_STRAIN, _SUSPECTED_DVT),
    (src.SEED_NIGHT, src.SEED_SORENESS, src.SEED_STRESS),
)
MASSAGE = advice(
    "rec.massage-foam-rolling",
    "Massage or foam rolling",
    "Rub and knead the sore muscles with your hands, or roll them slowly over a foam roller, "
    "stopping for half a minute on tender spots. Firm pressure is fine; sharp pain means ease "
    "off.",
    Any(_likely("ddx.doms"), _CRAMPS, _STRESS),
    (_SUSPECTED_DVT, _LEG_INFECTION, _RECENT_STRAIN),
    (src.SEED_NIGHT, src.SEED_SORENESS),
)
HEAT = advice(
    "rec.heat-warm-bath",
    "Heat or a warm bath",
    "Warmth relaxes aching or cramped muscles: a warm bath or shower, or a heat pad or warm "
    "damp towel on the sore area for 15 to 20 minutes. Make sure it feels warm, never hot.",
    Any(_likely("ddx.doms"), _CRAMPS, _STRESS),
    (
        _RECENT_STRAIN,
        _LEG_INFECTION,
        Criterion(
            "numbness",
            Present("numbness"),
            "Numbness in the leg or foot (skin that cannot feel heat can burn)",
        ),
    ),
    (src.SEED_NIGHT, src.SEED_SORENESS),
)
COLD_EXPOSURE = advice(
    "rec.cold-exposure",
    "Brief cold exposure",
    "Some people find that ending a shower with about 30 seconds of cold water helps the body "
    "settle after a stressful day. Stop if it feels unpleasant.",
    _STRESS,
    (_PAD, Criterion("cold-limb", Present("cold-limb"), "A cold leg or foot")),
    (src.SEED_STRESS,),
)
COMPRESSION = advice(
    "rec.compression",
    "Compression socks",
    "Graduated compression socks can ease heavy, tired or swollen legs, for example on long "
    "flights or long days on your feet. Have them fitted for size, and take them off if your "
    "toes turn cold, pale, numb or painful.",
    Any(
        _likely("ddx.venous-insufficiency"),
        Present("prolonged-sitting-or-standing"),
        Present("long-haul-travel"),
    ),
    (
        Criterion(
            "abi-low",
            ScoreVersusPolicy("score.abi", "<", PolicyValue("compression_min_abi")),
            "ABI below the policy compression_min_abi in either leg",
        ),
        Criterion(
            "abi-high",
            ScoreIs("score.abi", ">", 1.30),
            "ABI above 1.30 in either leg (stiff, calcified arteries)",
        ),
        Criterion(
            "pad-without-abi",
            All(DifferentialIs("ddx.pad-claudication", _PAD_OR_HIGHER), Not(HasScore("score.abi"))),
            "Peripheral arterial disease possible or higher and no ABI measured",
        ),
        _LEG_INFECTION,
        _SUSPECTED_DVT,
    ),
    (src.SEED_SORENESS, src.CKS_COMPRESSION),
)
ELEVATION = advice(
    "rec.elevation",
    "Raise the legs",
    "Lie down and raise your legs on pillows, a little above the level of your heart, for 10 "
    "to 15 minutes a few times a day.",
    Any(_likely("ddx.venous-insufficiency"), All(_STRAIN, Present("leg-swelling"))),
    (
        _PAD,
        Criterion(
            "clti",
            RedFlagIs("redflag.chronic-limb-threatening-ischemia", {Status.MET}),
            "Chronic limb-threatening ischaemia",
        ),
    ),
    (src.SEED_NIGHT, src.SEED_SORENESS),
)
HYDRATION = advice(
    "rec.hydration-electrolytes",
    "Fluids and minerals",
    "Drink steadily through the day so that your urine stays pale yellow, and more in hot "
    "weather or when you sweat a lot. Bananas, potatoes, leafy greens, nuts and dairy foods "
    "help keep up potassium, magnesium and calcium.",
    Any(_CRAMPS, DifferentialIs("ddx.electrolyte-depletion", {_L.LIKELY, _L.POSSIBLE})),
    (
        Criterion(
            "heart-or-kidney-disease",
            Any(Present("heart-failure"), Present("chronic-kidney-disease")),
            "Heart failure or kidney disease: ask a clinician before changing how much you "
            "drink or taking electrolyte drinks",
        ),
    ),
    (src.SEED_NIGHT, src.SEED_SORENESS, src.SEED_STRESS),
)
MAGNESIUM = advice(
    "rec.magnesium",
    "Magnesium",
    "A magnesium supplement, or a warm bath with Epsom salts, helps some people with cramps "
    "or restless, achy legs. Ask a pharmacist which product and dose suit you.",
    Any(_CRAMPS, _STRESS),
    (_CKD,),
    (src.SEED_STRESS, src.SEED_NIGHT),
)
TOPICAL_NSAID = advice(
    "rec.topical-nsaid",
    "Anti-inflammatory gel",
    "An anti-inflammatory gel such as ibuprofen or diclofenac gel, rubbed gently into the "
    "sore area, can ease the pain. Follow the directions on the pack and keep it off broken "
    "skin.",
    Any(_STRAIN, _likely("ddx.doms"), _OVERUSE),
    (Criterion("nsaid-allergy", Present("nsaid-allergy"), "Allergy or intolerance to NSAIDs"),),
)
GRADUAL_PROGRESSION = advice(
    "rec.gradual-progression",
    "Build up gradually",
    "Build up your training slowly: add no more than about a tenth to your weekly distance or "
    "load from one week to the next, and drop back a step if the pain returns.",
    Any(_OVERUSE, _likely("ddx.doms")),
)
WARM_UP = advice(
    "rec.warm-up-cool-down",
    "Warm up and cool down",
    "Before exercise, warm up for 5 to 10 minutes with brisk walking or easy jogging and leg "
    "swings; afterwards, slow down gradually and finish with gentle stretches.",
    Any(_likely("ddx.doms"), _STRAIN, _OVERUSE),
)
SLEEP_ROUTINE = advice(
    "rec.sleep-routine",
    "A regular sleep routine",
    "Go to bed and get up at about the same times every day, keep the bedroom cool, dark and "
    "quiet, and stretch your legs gently before bed. Less caffeine after midday can help too.",
    Any(_likely("ddx.nocturnal-cramps", "ddx.restless-legs"), _STRESS),
    citations=(src.SEED_NIGHT, src.SEED_SORENESS),
)
MOVEMENT_BREAKS = advice(
    "rec.movement-breaks",
    "Movement breaks",
    "If you sit or stand still for long stretches, get up and move for a few minutes every "
    "hour: walk about, rise up onto your toes, or circle your ankles. A short daily walk helps "
    "as well.",
    Any(Present("prolonged-sitting-or-standing"), _likely("ddx.venous-insufficiency"), _STRESS),
    citations=(src.SEED_NIGHT, src.SEED_SORENESS, src.SEED_STRESS),
)
FOOTWEAR = advice(
    "rec.supportive-footwear",
    "Supportive footwear",
    "Wear shoes with good arch support and cushioning, especially if you are on your feet a "
    "lot or run, and replace running shoes once the cushioning has worn down.",
    Any(
        _likely("ddx.shin-splints", "ddx.achilles-tendinopathy"),
        Present("prolonged-sitting-or-standing"),
    ),
    citations=(src.SEED_NIGHT, src.SEED_SORENESS),
)
RELAXATION = advice(
    "rec.relaxation-breathing",
    "Relaxation and breathing",
    "Try progressive muscle relaxation: tighten one group of muscles for about five seconds, "
    "then let go, moving up from your toes to your neck. Whenever you notice yourself "
    "clenching, take three slow breaths deep into your belly.",
    _STRESS,
    citations=(src.SEED_STRESS,),
)
SYMPTOM_LOG = advice(
    "rec.symptom-log",
    "Keep a symptom diary",
    "For three days, write down when the pain comes, how bad it is from 0 to 10, and what you "
    "were doing or feeling just before. It helps you spot triggers, and helps any clinician "
    "you see.",
    Any(_STRESS, _CRAMPS, _NO_CAUSE_FOUND),
    citations=(src.SEED_STRESS,),
)

#: The self-care recommendations, in ``rules.md`` order.
SELF_CARE: tuple[RecommendationRule, ...] = (
    RICE,
    STRETCHING,
    MASSAGE,
    HEAT,
    COLD_EXPOSURE,
    COMPRESSION,
    ELEVATION,
    HYDRATION,
    MAGNESIUM,
    TOPICAL_NSAID,
    GRADUAL_PROGRESSION,
    WARM_UP,
    SLEEP_ROUTINE,
    MOVEMENT_BREAKS,
    FOOTWEAR,
    RELAXATION,
    SYMPTOM_LOG,
)
