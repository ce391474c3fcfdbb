"""The red flags new in rule set 2026.12 (``rules.md`` section 7.2).

Necrotising infection, septic arthritis, fever with leg pain, severe electrolyte
disturbance, possible fracture (Ottawa rules) and night bone pain: the classes the
clinical review found missing from rule set 2026.11.  Each follows "unknown is not
absent": an unrecorded finding leaves the flag indeterminate, naming what to ask.
"""

from __future__ import annotations

from legrules.engine.base import Criterion, RedFlagRule
from legrules.engine.logic import AgeIs, All, Any, Measured, Not, Present, Same
from legrules.model import Disposition
from legrules.rules import sources as src
from legrules.rules.signs import (
    FEVER_STATED_OR_MEASURED,
    HEART_RATE_OVER_130,
    INFLAMED_LEG,
    SYSTOLIC_BP_90_OR_LESS,
    any_present,
)

__all__ = [
    "FEVER",
    "NECROTISING_INFECTION",
    "NIGHT_BONE_PAIN",
    "POSSIBLE_FRACTURE",
    "SEPTIC_ARTHRITIS",
    "SEVERE_ELECTROLYTES",
]

_E, _U, _S = Disposition.EMERGENCY, Disposition.URGENT, Disposition.SOON

NECROTISING_INFECTION = RedFlagRule(
    id="redflag.necrotising-infection",
    version="1.0.0",
    title="Possible necrotising soft-tissue infection",
    summary="An inflamed leg with pain out of proportion, crepitus, skin necrosis or "
    "bullae, redness spreading over hours, or a heart rate over 130 or systolic BP of 90 "
    "or less.",
    level=_E,
    citations=(
        src.IDSA_SSTI_2014.backing("the features that suggest necrotising infection"),
        src.NICE_NG141.backing("emergency referral of suspected necrotising fasciitis"),
    ),
    criteria=(
        Criterion("inflamed-leg", INFLAMED_LEG),
        Criterion(
            "necrotising-feature",
            Any(
                Present("pain-out-of-proportion"),
                Present("crepitus"),
                Present("skin-necrosis-or-bullae"),
                Present("rapidly-spreading-redness"),
                HEART_RATE_OVER_130,
                SYSTOLIC_BP_90_OR_LESS,
            ),
        ),
    ),
)

SEPTIC_ARTHRITIS = RedFlagRule(
    id="redflag.septic-arthritis",
    version="1.0.0",
    title="Possible septic arthritis",
    summary="A hot, swollen, painful joint of the leg with fever or chills, inability to "
    "bear weight, a prosthetic joint or immunosuppression.",
    level=_E,
    citations=(
        src.BSR_BOA_2006.backing("a hot swollen joint is septic until proven otherwise"),
        src.CKS_SEPTIC_ARTHRITIS.backing("the risk factors and same-day referral"),
    ),
    criteria=(
        Criterion("hot-swollen-joint", Present("hot-swollen-joint")),
        Criterion(
            "supporting-feature",
            Any(
                FEVER_STATED_OR_MEASURED,
                Present("unable-to-bear-weight"),
                Present("prosthetic-joint"),
                Present("immunosuppressed"),
            ),
        ),
    ),
)

FEVER = RedFlagRule(
    id="redflag.fever",
    version="1.0.0",
    title="Fever with leg pain",
    summary="Leg pain with fever (38.0 C or more) or chills: possible bone, joint or deep "
    "infection even without local signs.",
    level=_U,
    citations=(src.SEED_SORENESS.backing("fever or chills with leg pain: seek care"),),
    criteria=(
        Criterion("leg-pain", Present("leg-pain")),
        Criterion("fever-or-chills", FEVER_STATED_OR_MEASURED),
    ),
)

SEVERE_ELECTROLYTES = RedFlagRule(
    id="redflag.severe-electrolyte-disturbance",
    version="1.0.0",
    title="Severe electrolyte disturbance",
    summary="Potassium below 2.5 mmol/L, magnesium below 0.5 mmol/L or corrected calcium "
    "below 1.9 mmol/L.",
    level=_U,
    combine="any",
    citations=(
        src.CKS_HYPOKALAEMIA.backing("potassium below 2.5 mmol/L"),
        src.SFE_HYPOCALCAEMIA.backing("corrected calcium below 1.9 mmol/L"),
    ),
    criteria=(
        Criterion("potassium", Measured("potassium", "<", 2.5)),
        Criterion("magnesium", Measured("magnesium", "<", 0.5)),
        Criterion("calcium", Measured("calcium", "<", 1.9)),
    ),
)

_OTTAWA = (
    "ottawa-malleolar-tenderness",
    "ottawa-midfoot-tenderness",
    "fibular-head-tenderness",
    "patellar-tenderness-isolated",
    "knee-flexion-below-90",
    "unable-to-bear-weight",
)

#: Stiell 1996: age 55 or over is a criterion of its own after a knee injury.  Kleene
#: conjunction keeps it unknown while the age or the knee is not known, so an older
#: patient's knee injury is asked about rather than taken as absent.
_OLDER_WITH_KNEE_INJURY = All(AgeIs(">=", 55), Present("knee-injury"))

POSSIBLE_FRACTURE = RedFlagRule(
    id="redflag.possible-fracture",
    version="2.0.0",
    title="Possible fracture",
    summary="An injury or fall with any Ottawa ankle or knee criterion, including age 55 or "
    "over with a knee injury.",
    level=_U,
    citations=(
        src.STIELL_1993.backing("the Ottawa ankle and midfoot criteria"),
        src.STIELL_1996.backing("the Ottawa knee criteria, age 55 or over among them"),
    ),
    criteria=(
        Criterion(
            "injury-or-fall",
            # A knee injury is an injury, so "injury" stated absent settles it and needs no
            # question about the knee; but "no knee injury" says nothing of the ankle, so
            # it never settles "injury" (the second statement is met by either finding).
            Any(
                Same(Present("injury"), Any(Present("knee-injury"), Present("injury"))),
                Present("fall"),
            ),
            "An injury (a knee injury is one) or a fall",
        ),
        Criterion(
            "ottawa-criterion",
            Any(any_present(_OTTAWA), _OLDER_WITH_KNEE_INJURY),
            "Any Ottawa criterion: malleolar, midfoot, fibular-head or isolated patellar bone "
            "tenderness; the knee cannot flex to 90 degrees; unable to take 4 steps; or age 55 "
            "or over with a knee injury",
        ),
    ),
)

NIGHT_BONE_PAIN = RedFlagRule(
    id="redflag.night-bone-pain",
    version="2.0.0",
    title="Night pain in the bone",
    summary="Leg or bone pain that wakes the patient most nights for 2 weeks or more and is "
    "not cramp, or unexplained bone pain.",
    level=_S,
    combine="any",
    citations=(
        src.NICE_NG12.backing("unexplained bone pain: consider bone cancer"),
        src.SEED_NIGHT.backing("night pain that is not cramp needs a clinician"),
    ),
    criteria=(
        Criterion(
            "night-pain-not-cramps",
            All(Present("night-pain-waking"), Not(Present("leg-cramp"))),
            "Pain that wakes most nights for 2 weeks or more, in a patient without leg cramps",
        ),
        Criterion("unexplained-bone-pain", Present("unexplained-bone-pain")),
    ),
)
