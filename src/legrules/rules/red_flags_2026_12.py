"""The red-flag screen of rule set 2026.12 (``rules.md`` section 7.2).

An outside clinical review found critically ill patients coming out of rule set 2026.11
as self-care, soon or routine.  The new versions here drop the criteria that hid them
(sepsis without fever, early compartment signs, ischaemia over days, CLTI shown by the
toe pressures, PE with hypoxia, bilateral sciatica); the flags that were missing are in
``red_flags_added_2026_12``.  Rules whose logic did not change are the 2026.11
objects themselves.

Each criterion follows "unknown is not absent": a finding that is not recorded leaves
the criterion unknown, so the flag is indeterminate and names the findings that would
settle it.  The one exception is the *exclusion* of a DVT, which only counts once the
data show it (:class:`~legrules.engine.predicates.Proven`), so that an unknown keeps the
flag met.
"""

from __future__ import annotations

from legrules.engine.base import Criterion, RedFlagRule
from legrules.engine.logic import (
    All,
    Any,
    Measured,
    Not,
    OneSidedWith,
    Present,
    ScoreIs,
)
from legrules.engine.predicates import Proven, ScoreClassIs
from legrules.model import Disposition
from legrules.rules import red_flags as v1
from legrules.rules import sources as src
from legrules.rules.red_flags_added_2026_12 import (
    FEVER,
    NECROTISING_INFECTION,
    NIGHT_BONE_PAIN,
    POSSIBLE_FRACTURE,
    SEPTIC_ARTHRITIS,
    SEVERE_ELECTROLYTES,
)
from legrules.rules.signs import (
    DVT_SIGNS,
    FEVER_STATED_OR_MEASURED,
    HEART_RATE_OVER_130,
    HYPOTHERMIA,
    LEFT,
    RIGHT,
    SYSTOLIC_BP_90_OR_LESS,
    any_present,
    both_legs,
)

__all__ = ["RED_FLAGS_2026_12"]

_E, _U, _S = Disposition.EMERGENCY, Disposition.URGENT, Disposition.SOON


SEPSIS = RedFlagRule(
    id="redflag.sepsis",
    version="3.0.0",
    title="Possible sepsis from a leg source",
    summary="A possible source in the leg (redness, warmth, swelling, an ulcer or wound, a hot "
    "swollen joint) with any NICE high-risk sign; fever is not required (sepsis may present "
    "with a low temperature).",
    level=_E,
    citations=(
        src.NICE_NG51.backing("the high-risk criteria and their thresholds"),
        src.SEPSIS_3.backing("qSOFA of 2 or more"),
    ),
    criteria=(
        Criterion(
            "possible-source",
            Any(
                Present("redness"),
                Present("warmth"),
                Present("leg-swelling"),
                Present("leg-ulcer"),
                Present("leg-wound"),
                Present("hot-swollen-joint"),
            ),
            "A possible source in the leg: redness, warmth or swelling, an ulcer or a wound, "
            "or a hot swollen joint",
        ),
        Criterion(
            "high-risk-sign",
            Any(
                ScoreIs("score.qsofa", ">=", 2),
                Present("altered-mentation"),
                Measured("respiratory-rate", ">=", 25),
                SYSTOLIC_BP_90_OR_LESS,
                HEART_RATE_OVER_130,
                Measured("spo2", "<", 92),
                HYPOTHERMIA,
                Present("mottled-skin"),
                Present("non-blanching-rash"),
            ),
            "Any high-risk sign: qSOFA 2 or more, new altered mentation, respiratory rate 25 "
            "or more, systolic BP 90 or less, heart rate over 130, SpO2 below 92%, "
            "temperature below 36.0 C, mottled or ashen skin, non-blanching rash",
        ),
    ),
)


LEG_INFECTION = RedFlagRule(
    id="redflag.leg-infection",
    version="3.0.0",
    title="Possible leg infection (systemic features)",
    summary="Redness or warmth of the leg with fever, chills, a temperature below 36.0 C, a "
    "heart rate over 90, or redness spreading over days (or faster).",
    level=_U,
    citations=(
        src.NICE_NG141.backing("same-day assessment of cellulitis with systemic features"),
        src.ERON_2003.backing("class II and above: systemically unwell"),
    ),
    criteria=(
        Criterion("red-or-warm-leg", Any(Present("redness"), Present("warmth"))),
        Criterion(
            "systemic-feature",
            Any(
                FEVER_STATED_OR_MEASURED,
                HYPOTHERMIA,
                Measured("heart-rate", ">", 90),
                # Spreading over days is enough (Eron class II); redness spreading over
                # hours is the faster case of it, so either statement meets this.
                Present("spreading-redness"),
                Present("rapidly-spreading-redness"),
            ),
            "Fever of 38.0 C or more or chills, temperature below 36.0 C, heart rate over 90, "
            "or redness spreading over days or hours",
        ),
    ),
)

COMPARTMENT_SYNDROME = RedFlagRule(
    id="redflag.compartment-syndrome",
    version="2.0.0",
    title="Possible acute compartment syndrome",
    summary="After injury, fracture, a cast, crush, reperfusion or strenuous exertion: pain "
    "out of proportion, pain on passive stretch, or a tense compartment. Paraesthesia, "
    "paralysis and lost pulses come late and are not required.",
    level=_E,
    citations=(src.BOAST_2021.backing("the early signs; late signs are not to be waited for"),),
    criteria=(
        Criterion(
            "precipitant",
            Any(
                Present("injury"),
                Present("recent-fracture-or-cast"),
                Present("crush-or-reperfusion"),
                Present("strenuous-exertion"),
            ),
        ),
        Criterion(
            "early-sign",
            Any(
                Present("pain-out-of-proportion"),
                Present("pain-on-passive-stretch"),
                Present("tense-compartment"),
            ),
            "Pain out of proportion, pain on passive stretch, or a tense swollen compartment",
        ),
    ),
)

_ISCHAEMIC = ("absent-foot-pulses", "pallor", "cold-limb", "paralysis")
_NEW_DEFICIT = ("numbness", "tingling", "paralysis")

ACUTE_LIMB_ISCHEMIA = RedFlagRule(
    id="redflag.acute-limb-ischemia",
    version="2.0.0",
    title="Acute limb ischaemia",
    summary="An ischaemic sign of the leg (absent foot pulses, pallor, cold limb, paralysis) "
    "with onset in the last 14 days, sudden onset, or numbness, tingling or paralysis of "
    "that leg. Onset over hours to days counts.",
    level=_E,
    citations=(
        src.ESVS_2020_ALI.backing("onset within 14 days; sensory and motor loss (Rutherford)"),
        src.ACC_AHA_2024.backing("the ischaemic signs (the 6 Ps)"),
    ),
    criteria=(
        Criterion(
            "ischaemic-leg",
            Any(
                *(
                    All(
                        any_present(_ISCHAEMIC, side),
                        Any(
                            Present("onset-within-14-days"),
                            Present("sudden-onset"),
                            *(Present(c, side) for c in _NEW_DEFICIT),
                        ),
                    )
                    for side in (LEFT, RIGHT)
                )
            ),
            "On one leg: absent foot pulses, pallor, a cold limb or paralysis, with onset in "
            "the last 14 days, sudden onset, or numbness, tingling or paralysis of that leg",
        ),
    ),
)

CLTI = RedFlagRule(
    id="redflag.chronic-limb-threatening-ischemia",
    version="2.0.0",
    title="Possible chronic limb-threatening ischaemia",
    summary="Foot rest pain, or an ulcer or gangrene over two weeks, with known PAD, ABI "
    "0.90 or less, TBI 0.70 or less, toe pressure below 30 mmHg, or absent foot pulses.",
    level=_U,
    citations=(
        src.GVG_2019.backing("the clinical picture of CLTI and the toe-pressure threshold"),
        src.GVG_2019_ESVS.backing("TBI or toe pressure when the ABI is non-compressible"),
    ),
    criteria=(
        v1.CLTI.criteria[0],
        Criterion(
            "arterial-disease",
            Any(
                Present("pad-known"),
                ScoreIs("score.abi", "<=", 0.90),
                Measured("tbi", "<=", 0.70),
                Measured("toe-pressure", "<", 30),
                Present("absent-foot-pulses"),
            ),
            "Known PAD, ABI 0.90 or less, TBI 0.70 or less, toe pressure below 30 mmHg, or "
            "absent foot pulses",
        ),
    ),
)

POSSIBLE_PE = RedFlagRule(
    id="redflag.possible-pe",
    version="2.0.0",
    title="Possible pulmonary embolism",
    summary="Leg pain or swelling with new breathlessness, chest pain, coughing blood, "
    "fainting, SpO2 below 94% on air, or respiratory rate over 20 with heart rate over 100.",
    level=_E,
    citations=(
        src.NICE_NG158.backing("the PE symptoms, including syncope"),
        src.ESC_2019_PE.backing("hypoxaemia, tachypnoea and tachycardia as signs of PE"),
    ),
    criteria=(
        v1.POSSIBLE_PE.criteria[0],
        Criterion(
            "chest-or-circulation",
            Any(
                Present("dyspnea"),
                Present("chest-pain"),
                Present("hemoptysis"),
                Present("syncope"),
                Measured("spo2", "<", 94),
                All(Measured("respiratory-rate", ">", 20), Measured("heart-rate", ">", 100)),
            ),
        ),
    ),
)

CAUDA_EQUINA = RedFlagRule(
    id="redflag.cauda-equina",
    version="2.0.0",
    title="Possible cauda equina syndrome",
    summary="Saddle numbness, new bladder, bowel or sexual dysfunction, sciatica in both "
    "legs, or weakness or numbness of both legs with back pain.",
    level=_E,
    combine="any",
    citations=(
        src.CKS_SCIATICA.backing("the cauda equina red flags"),
        src.GIRFT_CES_2023.backing("bilateral sciatica alone calls for emergency imaging"),
    ),
    criteria=(
        *v1.CAUDA_EQUINA.criteria[:3],
        Criterion("sexual", Present("sexual-dysfunction-new")),
        Criterion(
            "bilateral-sciatica",
            both_legs("pain-radiates-below-knee"),
            "Sciatica (pain radiating below the knee) in both legs",
        ),
        Criterion(
            "bilateral-deficit-with-back-pain",
            All(
                Present("back-pain"),
                Any(both_legs("leg-weakness"), both_legs("numbness")),
            ),
            "Weakness or numbness in both legs, with back pain",
        ),
    ),
)

# The exclusion of ``ddx.dvt`` (which runs later), from the same facts: a negative D-dimer
# with Wells 1 or less or a negative scan, and no scan showing a DVT.
_DVT_EXCLUDED = Proven(
    All(
        ScoreClassIs("score.d-dimer", {"negative"}),
        Any(ScoreIs("score.wells-dvt", "<=", 1), Not(Present("ultrasound-dvt"))),
        Not(Proven(Present("ultrasound-dvt"))),
    )
)

SUSPECTED_DVT = RedFlagRule(
    id="redflag.suspected-dvt",
    version="2.1.0",
    title="Suspected deep vein thrombosis",
    summary="One-sided leg swelling with pain, tenderness, warmth or redness in that leg; or a "
    "DVT sign with a Wells score of 2 or more; and DVT not excluded (a negative D-dimer with "
    "Wells 1 or less or a negative ultrasound).",
    level=_U,
    citations=(src.NICE_NG158.backing("the DVT pathway and its exclusion"),),
    criteria=(
        Criterion(
            "suspected",
            Any(
                OneSidedWith(
                    "leg-swelling", ("leg-pain", "deep-vein-tenderness", "warmth", "redness")
                ),
                All(DVT_SIGNS, ScoreIs("score.wells-dvt", ">=", 2)),
            ),
            "One-sided swelling with pain, tenderness, warmth or redness in that leg; or a "
            "DVT sign with a Wells DVT score of 2 or more over its whole range",
        ),
        Criterion(
            "not-excluded",
            Not(_DVT_EXCLUDED),
            "DVT has not been shown excluded (negative D-dimer with Wells 1 or less, or with a "
            "negative ultrasound)",
        ),
    ),
)

#: The red flags of 2026.12 in evaluation order (most urgent level first).
RED_FLAGS_2026_12: tuple[RedFlagRule, ...] = (
    POSSIBLE_PE,
    ACUTE_LIMB_ISCHEMIA,
    CAUDA_EQUINA,
    COMPARTMENT_SYNDROME,
    SEPSIS,
    NECROTISING_INFECTION,
    SEPTIC_ARTHRITIS,
    SUSPECTED_DVT,
    LEG_INFECTION,
    FEVER,
    v1.UNABLE_TO_BEAR_WEIGHT,
    POSSIBLE_FRACTURE,
    CLTI,
    SEVERE_ELECTROLYTES,
    v1.PROGRESSIVE_WEAKNESS,
    v1.SUDDEN_SEVERE_PAIN,
    v1.NUMBNESS_TINGLING,
    v1.SKIN_CHANGE,
    NIGHT_BONE_PAIN,
    v1.NOT_IMPROVING,
    v1.TROUBLESOME_CRAMPS,
)
