"""The red-flag screen (``rules.md`` section 2): fifteen rules, each with a triage level.

Each red flag is met, not met, or indeterminate.  Indeterminate flags name the findings
that would settle them; they never count as not met, so a patient with missing answers
is never sent home with self-care advice.
"""

from __future__ import annotations

from legrules.engine.base import Criterion, RedFlagRule
from legrules.engine.logic import (
    All,
    Any,
    Measured,
    Not,
    OneSidedWith,
    PolicyValue,
    Present,
    RedFlagIs,
    ScoreIs,
)
from legrules.model import Disposition, Status
from legrules.rules import sources as src
from legrules.rules.signs import (
    DVT_SIGNS,
    FEVER_OR_CHILLS,
    INFLAMED_LEG,
    LEFT,
    RIGHT,
    both_legs,
)

__all__ = ["NO_RED_FLAG", "RED_FLAGS"]

_E, _U, _S, _R = Disposition.EMERGENCY, Disposition.URGENT, Disposition.SOON, Disposition.ROUTINE


POSSIBLE_PE = RedFlagRule(
    id="redflag.possible-pe",
    version="1.0.0",
    title="Possible pulmonary embolism",
    summary="Leg pain or swelling with new breathlessness, chest pain or coughing blood.",
    level=_E,
    citations=(src.SEED_SORENESS, src.NICE_NG158),
    criteria=(
        Criterion(
            "leg-symptom",
            Any(Present("leg-pain"), Present("leg-swelling"), Present("ultrasound-dvt")),
            "Leg pain or leg swelling, or a DVT shown on ultrasound",
        ),
        Criterion(
            "chest-symptom",
            Any(Present("dyspnea"), Present("chest-pain"), Present("hemoptysis")),
        ),
    ),
)

ACUTE_LIMB_ISCHEMIA = RedFlagRule(
    id="redflag.acute-limb-ischemia",
    version="1.0.0",
    title="Acute limb ischaemia",
    summary="Sudden leg pain in the last 14 days with absent foot pulses, pallor or a cold limb.",
    level=_E,
    citations=(src.ACC_AHA_2024,),
    criteria=(
        Criterion("leg-pain", Present("leg-pain")),
        Criterion("sudden-onset", Present("sudden-onset")),
        Criterion("recent-onset", Present("onset-within-14-days")),
        Criterion(
            "ischaemic-sign",
            Any(Present("absent-foot-pulses"), Present("pallor"), Present("cold-limb")),
        ),
    ),
)

CAUDA_EQUINA = RedFlagRule(
    id="redflag.cauda-equina",
    version="1.0.0",
    title="Possible cauda equina syndrome",
    summary="Saddle numbness, new bladder or bowel disturbance, or bilateral sciatica with "
    "bilateral weakness or numbness.",
    level=_E,
    combine="any",
    citations=(src.NICE_NG59, src.CKS_SCIATICA),
    criteria=(
        Criterion("saddle-anaesthesia", Present("saddle-anesthesia")),
        Criterion("bladder", Any(Present("urinary-retention"), Present("urinary-incontinence"))),
        Criterion("bowel", Present("fecal-incontinence")),
        Criterion(
            "bilateral-sciatica-with-deficit",
            All(
                Present("pain-radiates-below-knee", LEFT),
                Present("pain-radiates-below-knee", RIGHT),
                Any(both_legs("leg-weakness"), both_legs("numbness")),
            ),
            "Sciatica in both legs with weakness or numbness in both legs",
        ),
    ),
)

COMPARTMENT_SYNDROME = RedFlagRule(
    id="redflag.compartment-syndrome",
    version="1.0.0",
    title="Possible acute compartment syndrome",
    summary="After injury, fracture, a cast or strenuous exertion: disproportionate pain or "
    "pain on passive stretch, with a tense compartment or paraesthesia.",
    level=_E,
    citations=(src.BOAST_2016,),
    criteria=(
        Criterion(
            "precipitant",
            Any(
                Present("injury"),
                Present("recent-fracture-or-cast"),
                Present("strenuous-exertion"),
            ),
        ),
        Criterion(
            "pain",
            Any(Present("pain-out-of-proportion"), Present("pain-on-passive-stretch")),
        ),
        Criterion(
            "compartment-sign",
            Any(Present("tense-compartment"), Present("tingling")),
            "Tense, swollen compartment or paraesthesia (tingling)",
        ),
    ),
)

SEPSIS = RedFlagRule(
    id="redflag.sepsis",
    version="1.0.0",
    title="Possible sepsis from a leg infection",
    summary="Signs of leg infection with fever or chills, and qSOFA of 2 or more.",
    level=_E,
    citations=(src.SEPSIS_3, src.NICE_NG141),
    criteria=(
        Criterion("inflamed-leg", INFLAMED_LEG),
        Criterion("fever-or-chills", FEVER_OR_CHILLS),
        Criterion("qsofa", ScoreIs("score.qsofa", ">=", 2), "qSOFA 2 or more"),
    ),
)

SUSPECTED_DVT = RedFlagRule(
    id="redflag.suspected-dvt",
    version="1.0.0",
    title="Suspected deep vein thrombosis",
    summary="One-sided leg swelling with pain, tenderness, warmth or redness in that leg; or a "
    "DVT sign with a Wells score of 2 or more.",
    level=_U,
    combine="any",
    citations=(src.SEED_STRESS, src.SEED_SORENESS, src.NICE_NG158),
    criteria=(
        Criterion(
            "one-sided-swelling",
            OneSidedWith("leg-swelling", ("leg-pain", "deep-vein-tenderness", "warmth", "redness")),
        ),
        Criterion(
            "sign-with-likely-wells",
            All(DVT_SIGNS, ScoreIs("score.wells-dvt", ">=", 2)),
            "A DVT sign and a Wells DVT score of 2 or more over its whole possible range",
        ),
    ),
)

LEG_INFECTION = RedFlagRule(
    id="redflag.leg-infection",
    version="1.0.0",
    title="Possible leg infection",
    summary="Redness, warmth or swelling of the leg with fever (38.0 C or more) or chills.",
    level=_U,
    citations=(src.SEED_SORENESS, src.NICE_NG141),
    criteria=(
        Criterion("inflamed-leg", INFLAMED_LEG),
        Criterion("fever-or-chills", FEVER_OR_CHILLS),
    ),
)

UNABLE_TO_BEAR_WEIGHT = RedFlagRule(
    id="redflag.unable-to-bear-weight",
    version="1.0.0",
    title="Unable to bear weight",
    summary="Cannot take four steps on the leg.",
    level=_U,
    citations=(src.SEED_SORENESS, src.STIELL_1993, src.STIELL_1996),
    criteria=(Criterion("unable-to-bear-weight", Present("unable-to-bear-weight")),),
)

CLTI = RedFlagRule(
    id="redflag.chronic-limb-threatening-ischemia",
    version="1.0.0",
    title="Possible chronic limb-threatening ischaemia",
    summary="Foot rest pain, or an ulcer or gangrene over two weeks, with known PAD, ABI 0.90 "
    "or less, or absent foot pulses.",
    level=_U,
    citations=(src.GVG_2019,),
    criteria=(
        Criterion(
            "tissue-threat",
            Any(Present("rest-pain-foot"), Present("leg-ulcer"), Present("gangrene")),
        ),
        Criterion(
            "arterial-disease",
            Any(
                Present("pad-known"),
                ScoreIs("score.abi", "<=", 0.90),
                Present("absent-foot-pulses"),
            ),
            "Known PAD, ABI 0.90 or less in either leg, or absent foot pulses",
        ),
    ),
)

PROGRESSIVE_WEAKNESS = RedFlagRule(
    id="redflag.progressive-weakness",
    version="1.0.0",
    title="Progressive leg weakness",
    summary="Leg weakness or foot drop that is getting worse.",
    level=_U,
    citations=(src.NICE_NG59,),
    criteria=(
        Criterion("weakness", Any(Present("leg-weakness"), Present("foot-drop"))),
        Criterion("progressive", Present("weakness-progressive")),
    ),
)

SUDDEN_SEVERE_PAIN = RedFlagRule(
    id="redflag.sudden-severe-pain",
    version="1.0.0",
    title="Sudden severe pain without injury",
    summary="Sudden onset of severe pain (7/10 or more) with no injury to explain it.",
    level=_U,
    citations=(src.SEED_SORENESS,),
    criteria=(
        Criterion("sudden-onset", Present("sudden-onset")),
        Criterion("severe", Measured("pain-score", ">=", 7)),
        Criterion("no-injury", Not(Present("injury"))),
    ),
)

NUMBNESS_TINGLING = RedFlagRule(
    id="redflag.numbness-tingling",
    version="1.0.0",
    title="Numbness or tingling",
    summary="Numbness or tingling in the leg or foot.",
    level=_S,
    combine="any",
    citations=(src.SEED_NIGHT, src.SEED_SORENESS),
    criteria=(
        Criterion("numbness", Present("numbness")),
        Criterion("tingling", Present("tingling")),
    ),
)

SKIN_CHANGE = RedFlagRule(
    id="redflag.skin-change",
    version="1.0.0",
    title="New skin colour change",
    summary="A new change of skin colour on the leg.",
    level=_S,
    citations=(src.SEED_NIGHT,),
    criteria=(Criterion("skin-colour-change", Present("skin-color-change")),),
)

NOT_IMPROVING = RedFlagRule(
    id="redflag.not-improving",
    version="1.0.0",
    title="Worsening or not improving",
    summary="Pain getting worse, or no better after the policy's number of days of self-care.",
    level=_S,
    combine="any",
    citations=(src.SEED_SORENESS,),
    criteria=(
        Criterion("worsening", Present("worsening")),
        Criterion(
            "no-improvement",
            All(
                Present("no-improvement-with-self-care"),
                Measured("symptom-duration", ">=", PolicyValue("not_improving_days")),
            ),
        ),
    ),
)

TROUBLESOME_CRAMPS = RedFlagRule(
    id="redflag.troublesome-cramps",
    version="1.0.0",
    title="Troublesome cramps",
    summary="Cramps that are very painful, frequent, long, or keep disrupting sleep.",
    level=_R,
    citations=(src.SEED_NIGHT,),
    criteria=(
        Criterion("cramps", Present("leg-cramp")),
        Criterion(
            "troublesome",
            Any(
                Present("cramp-very-painful"),
                Measured("cramp-nights-per-week", ">=", 3),
                Measured("cramp-duration", ">", 10),
                Present("sleep-disrupted"),
            ),
        ),
    ),
)

#: The red flags in evaluation order (most urgent level first).
RED_FLAGS: tuple[RedFlagRule, ...] = (
    POSSIBLE_PE,
    ACUTE_LIMB_ISCHEMIA,
    CAUDA_EQUINA,
    COMPARTMENT_SYNDROME,
    SEPSIS,
    SUSPECTED_DVT,
    LEG_INFECTION,
    UNABLE_TO_BEAR_WEIGHT,
    CLTI,
    PROGRESSIVE_WEAKNESS,
    SUDDEN_SEVERE_PAIN,
    NUMBNESS_TINGLING,
    SKIN_CHANGE,
    NOT_IMPROVING,
    TROUBLESOME_CRAMPS,
)

#: Every red flag of the screen is not met (indeterminate flags leave this unknown).
NO_RED_FLAG = All(*(RedFlagIs(rule.id, {Status.NOT_MET}) for rule in RED_FLAGS))
