"""Recommendations that send the patient on or tell the clinician what to do next.

``rules.md`` section 5, ``rec.call-emergency`` to ``rec.medication-review``.  None of
these is self-care advice, so none is withheld while red flags are open.  The escalation
advice follows the disposition: it is triggered by a red flag at its level, and also by
a differential that sets that level (a suspected DVT with an unlikely Wells score is
urgent without any red flag being met).
"""

from __future__ import annotations

from legrules.engine.base import Criterion, RecommendationRule
from legrules.engine.logic import (
    AgeIs,
    All,
    Any,
    DifferentialIs,
    Measured,
    Not,
    Present,
    RedFlagIs,
    ScoreIs,
)
from legrules.engine.predicates import DifferentialLevelIs, HasScore, Recorded, ScoreClassIs
from legrules.model import Audience, Disposition, Likelihood, Status
from legrules.rules import sources as src
from legrules.rules.red_flags import RED_FLAGS
from legrules.rules.signs import DVT_SIGNS

__all__ = ["CLINICAL_RECOMMENDATIONS", "PAD_RISK"]

_PATIENT, _CLINICIAN = Audience.PATIENT, Audience.CLINICIAN
_L = Likelihood


def _red_flag_at(*levels: Disposition) -> Any:
    """Any red flag of one of *levels* is met."""
    return Any(*(RedFlagIs(r.id, {Status.MET}) for r in RED_FLAGS if r.level in levels))


#: ACC/AHA 2024 groups at increased risk of PAD: 65 or older, or 50-64 with a risk factor.
PAD_RISK = Any(
    AgeIs(">=", 65),
    All(
        AgeIs(">=", 50),
        Any(
            Present("diabetes"),
            Present("smoker"),
            Present("dyslipidemia"),
            Present("hypertension"),
            Present("chronic-kidney-disease"),
            Present("family-history-pad"),
        ),
    ),
)

CALL_EMERGENCY = RecommendationRule(
    id="rec.call-emergency",
    version="1.0.0",
    title="Call emergency services",
    audience=_PATIENT,
    text="Call an ambulance or go to the nearest emergency department now. Do not drive "
    "yourself and do not wait to see whether it settles.",
    trigger=_red_flag_at(Disposition.EMERGENCY),
    citations=(src.SEED_SORENESS, src.NICE_NG158),
)

SAME_DAY = RecommendationRule(
    id="rec.same-day-assessment",
    version="1.0.0",
    title="Same-day assessment",
    audience=_PATIENT,
    text="See a doctor or nurse in person today, unless other advice here tells you to call "
    "an ambulance. If your own practice cannot see you today, go to an urgent care centre.",
    trigger=Any(_red_flag_at(Disposition.URGENT), DifferentialLevelIs({Disposition.URGENT})),
    citations=(src.SEED_SORENESS, src.SEED_STRESS, src.NICE_NG158),
)

SEE_CLINICIAN = RecommendationRule(
    id="rec.see-clinician",
    version="1.0.0",
    title="See a clinician",
    audience=_PATIENT,
    text="Arrange to see a doctor or nurse about your leg within the next few days (or at "
    "your next routine visit if you have been told it is not pressing), unless other advice "
    "here tells you to get help sooner.",
    trigger=Any(
        _red_flag_at(Disposition.SOON, Disposition.ROUTINE),
        DifferentialLevelIs({Disposition.SOON, Disposition.ROUTINE}),
    ),
    citations=(src.SEED_NIGHT, src.SEED_SORENESS),
)

DVT_IMAGING = RecommendationRule(
    id="rec.dvt-imaging-pathway",
    version="1.0.0",
    title="DVT imaging pathway",
    audience=_CLINICIAN,
    text="Arrange a proximal leg vein ultrasound with the result within 4 hours if possible. "
    "Take blood for a D-dimer before any anticoagulant is started; if the scan cannot be done "
    "within 4 hours, give interim anticoagulation while waiting (NICE NG158).",
    trigger=Any(
        DifferentialIs("ddx.dvt", {_L.LIKELY}),
        All(
            DifferentialIs("ddx.dvt", {_L.UNLIKELY}),
            DVT_SIGNS,
            ScoreClassIs("score.d-dimer", {"positive"}),
        ),
    ),
    citations=(src.NICE_NG158, src.WELLS_2003),
)

D_DIMER_TEST = RecommendationRule(
    id="rec.d-dimer",
    version="1.0.0",
    title="D-dimer test",
    audience=_CLINICIAN,
    text="Request a D-dimer with the result within 4 hours if possible. With a Wells score "
    "of 1 or less, a negative result excludes DVT; a positive one calls for a proximal leg "
    "vein ultrasound.",
    trigger=All(
        DifferentialIs("ddx.dvt", {_L.UNLIKELY}),
        DVT_SIGNS,
        ScoreIs("score.wells-dvt", "<=", 1),
        Not(HasScore("score.d-dimer")),
    ),
    citations=(src.NICE_NG158, src.WELLS_2003),
)

ABI_MEASUREMENT = RecommendationRule(
    id="rec.abi-measurement",
    version="1.0.0",
    title="Measure the ankle-brachial index",
    audience=_CLINICIAN,
    text="Measure the resting ankle-brachial index in both legs (Doppler; the higher of the "
    "dorsalis pedis and posterior tibial pressures over the higher brachial pressure), and a "
    "toe-brachial index for any leg above 1.40.",
    trigger=All(
        Not(HasScore("score.abi")),
        Any(DifferentialIs("ddx.pad-claudication", {_L.POSSIBLE, _L.LIKELY}), PAD_RISK),
    ),
    citations=(src.ACC_AHA_2024,),
)

EXERCISE_ABI = RecommendationRule(
    id="rec.exercise-abi",
    version="1.0.0",
    title="Exercise ABI",
    audience=_CLINICIAN,
    text="The resting ABI is normal or borderline but the pain comes on with walking: "
    "arrange an exercise (treadmill) ABI to look for arterial disease that shows only under "
    "load.",
    trigger=All(
        Present("pain-on-walking"),
        ScoreClassIs("score.abi", {"normal", "borderline"}),
        Not(ScoreClassIs("score.abi", {"abnormal", "tbi-abnormal"})),
    ),
    citations=(src.ACC_AHA_2024,),
)

SUPERVISED_EXERCISE = RecommendationRule(
    id="rec.supervised-exercise",
    version="1.0.0",
    title="Supervised exercise",
    audience=_PATIENT,
    text="Ask your doctor about a supervised walking programme. It usually runs for about 12 "
    "weeks, three sessions a week: you walk until the leg pain is moderate, rest until it "
    "eases, and walk again. Over the weeks most people can walk further with less pain.",
    trigger=DifferentialIs("ddx.pad-claudication", {_L.CONFIRMED, _L.LIKELY}),
    criteria=(
        Criterion(
            "clti",
            RedFlagIs("redflag.chronic-limb-threatening-ischemia", {Status.MET}),
            "Chronic limb-threatening ischaemia (needs a vascular specialist first)",
        ),
    ),
    citations=(src.ACC_AHA_2024,),
)

SMOKING_CESSATION = RecommendationRule(
    id="rec.smoking-cessation",
    version="1.0.0",
    title="Stop smoking",
    audience=_PATIENT,
    text="Stopping smoking does more for the arteries and veins in your legs than almost "
    "anything else. Ask your doctor, nurse or pharmacist about free help to quit and about "
    "medicines that make it easier.",
    trigger=All(
        Present("smoker"),
        Any(
            DifferentialIs("ddx.pad-claudication", {_L.CONFIRMED, _L.LIKELY, _L.POSSIBLE}),
            Present("pad-known"),
            DifferentialIs("ddx.dvt", {_L.CONFIRMED, _L.LIKELY}),
            Present("previous-dvt"),
            AgeIs(">=", 50),
        ),
    ),
    citations=(src.ACC_AHA_2024, src.NICE_NG158),
)

IRON_STUDIES = RecommendationRule(
    id="rec.iron-studies",
    version="1.0.0",
    title="Iron studies",
    audience=_CLINICIAN,
    text="Check serum ferritin and transferrin saturation on a morning sample, with no iron "
    "tablets or iron-containing supplements or foods in the 24 hours before.",
    trigger=All(
        DifferentialIs("ddx.restless-legs", {_L.LIKELY}),
        Any(Not(Recorded("ferritin")), Not(Recorded("transferrin-saturation"))),
    ),
    citations=(src.IRLSSG_IRON_2018,),
)

IRON_THERAPY = RecommendationRule(
    id="rec.iron-therapy",
    version="1.0.0",
    title="Iron therapy",
    audience=_CLINICIAN,
    text="Iron stores are below the target for restless legs (ferritin 75 ng/mL or less, or "
    "transferrin saturation below 20%): offer iron replacement (oral ferrous sulfate, or "
    "intravenous iron if oral iron fails or is not tolerated) and recheck the iron studies.",
    trigger=All(
        DifferentialIs("ddx.restless-legs", {_L.LIKELY}),
        Any(Measured("ferritin", "<=", 75), Measured("transferrin-saturation", "<", 20)),
    ),
    citations=(src.IRLSSG_IRON_2018,),
)

MEDICATION_REVIEW = RecommendationRule(
    id="rec.medication-review",
    version="1.0.0",
    title="Medication review",
    audience=_PATIENT,
    text="One of your medicines is known to cause cramps or muscle aches in some people. Ask "
    "your doctor or pharmacist to review it with you, and keep taking it until you have "
    "spoken to them.",
    trigger=DifferentialIs("ddx.medication-associated", {_L.POSSIBLE}),
    citations=(src.GARRISON_2012, src.SEED_NIGHT),
)

#: The recommendations of this module, in ``rules.md`` order.
CLINICAL_RECOMMENDATIONS: tuple[RecommendationRule, ...] = (
    CALL_EMERGENCY,
    SAME_DAY,
    SEE_CLINICIAN,
    DVT_IMAGING,
    D_DIMER_TEST,
    ABI_MEASUREMENT,
    EXERCISE_ABI,
    SUPERVISED_EXERCISE,
    SMOKING_CESSATION,
    IRON_STUDIES,
    IRON_THERAPY,
    MEDICATION_REVIEW,
)
