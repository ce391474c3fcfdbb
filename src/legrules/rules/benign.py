"""Benign causes of leg pain: exercise and overuse, venous insufficiency, stress.

The lay descriptions of these causes come from the project's seed articles; the
defining features from the clinical sources each rule cites.  Each is ``likely`` (or,
for stress, at most ``possible``) only when every defining feature is present, and
``unlikely`` when one is absent.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from legrules.engine.base import Criterion, Decision, DifferentialRule
from legrules.engine.deciding import all_required, evidence_of, indeterminate
from legrules.engine.facts import Context, Outcome
from legrules.engine.logic import All, Any, Measured, Not, Present
from legrules.model import Disposition, Likelihood, Tri
from legrules.rules import sources as src
from legrules.rules.red_flags import NO_RED_FLAG

__all__ = [
    "DDX_ACHILLES",
    "DDX_DOMS",
    "DDX_PATELLOFEMORAL",
    "DDX_SHIN_SPLINTS",
    "DDX_STRAIN",
    "DDX_STRESS",
    "DDX_VENOUS",
]

_NO_RED_FLAG = Criterion("no-red-flag", NO_RED_FLAG, "Every red flag is not met")
_NO_SWELLING = Criterion("no-swelling", Not(Present("leg-swelling")), "No leg swelling")

_DOMS = ("unaccustomed-exercise", "12-to-72-hours", "exercised-muscles", "no-swelling")


def _decide_doms(ctx: Context, o: Mapping[str, Outcome]) -> Decision:
    return all_required(o, (*_DOMS, "no-red-flag"))


DDX_DOMS = DifferentialRule(
    id="ddx.doms",
    version="1.0.0",
    title="Delayed-onset muscle soreness",
    summary="Likely: soreness starting 12-72 hours after unaccustomed or intense exercise, in "
    "the exercised muscles, with no swelling and no red flag.",
    citations=(src.CHEUNG_2003, src.SEED_SORENESS),
    decide=_decide_doms,
    criteria=(
        Criterion("unaccustomed-exercise", Present("recent-unaccustomed-exercise")),
        Criterion(
            "12-to-72-hours",
            All(
                Measured("hours-since-exercise", ">=", 12),
                Measured("hours-since-exercise", "<=", 72),
            ),
            "Began 12 to 72 hours after the exercise",
        ),
        Criterion("exercised-muscles", Present("pain-in-exercised-muscles")),
        _NO_SWELLING,
        _NO_RED_FLAG,
    ),
)


def _decide_strain(ctx: Context, o: Mapping[str, Outcome]) -> Decision:
    decision = all_required(o, ("sudden-during-activity", "localised", "contraction-or-stretch"))
    if decision.likelihood is Likelihood.LIKELY and o["bruising"].tri is Tri.MET:
        return attrs.evolve(decision, evidence=decision.evidence + o["bruising"].evidence)
    return decision


DDX_STRAIN = DifferentialRule(
    id="ddx.muscle-strain",
    version="1.0.0",
    title="Muscle strain",
    summary="Likely: sudden pain during activity, localised, hurting when the muscle contracts "
    "or is stretched (bruising supports it).",
    citations=(src.SEED_SORENESS,),
    decide=_decide_strain,
    criteria=(
        Criterion("sudden-during-activity", Present("sudden-pain-during-activity")),
        Criterion("localised", Present("localized-pain")),
        Criterion("contraction-or-stretch", Present("pain-on-contraction-or-stretch")),
        Criterion("bruising", Present("bruising"), "Bruising (supports, not required)"),
    ),
)

_SHIN = ("exercise-related", "inner-shin", "diffuse-tenderness", "no-focal-tenderness")


def _decide_shin(ctx: Context, o: Mapping[str, Outcome]) -> Decision:
    """Focal bony tenderness on a painful shin points to a possible stress fracture."""
    shin, focal = o["inner-shin"], o["no-focal-tenderness"]
    if focal.tri is Tri.NOT_MET and shin.tri is Tri.MET:
        return Decision(
            Likelihood.POSSIBLE,
            Disposition.SOON,
            evidence_of((shin, focal)),
            note="focal bony tenderness: possible stress fracture",
        )
    if focal.tri is Tri.NOT_MET and shin.tri is Tri.UNKNOWN:
        return indeterminate(shin.missing, focal.evidence, raises=True)
    return all_required(o, _SHIN)


DDX_SHIN_SPLINTS = DifferentialRule(
    id="ddx.shin-splints",
    version="1.0.0",
    title="Shin splints (medial tibial stress syndrome)",
    summary="Likely: exercise-related pain along the inner shin with tenderness over 5 cm or "
    "more and no focal bony tenderness. Focal bony tenderness: possible stress fracture (soon).",
    citations=(src.YATES_WHITE_2004, src.SEED_SORENESS),
    decide=_decide_shin,
    criteria=(
        Criterion("exercise-related", Present("running-or-increased-training")),
        Criterion("inner-shin", Present("pain-inner-shin")),
        Criterion("diffuse-tenderness", Present("shin-tenderness-diffuse")),
        Criterion(
            "no-focal-tenderness",
            Not(Present("focal-bony-tenderness")),
            "No focal bony tenderness (which would suggest a stress fracture)",
        ),
    ),
)


def _decide_achilles(ctx: Context, o: Mapping[str, Outcome]) -> Decision:
    return all_required(o, ("achilles-pain", "with-loading", "morning-stiffness"))


DDX_ACHILLES = DifferentialRule(
    id="ddx.achilles-tendinopathy",
    version="1.0.0",
    title="Achilles tendinopathy",
    summary="Likely: pain at or 2-6 cm above the heel insertion, brought on by loading, with "
    "morning stiffness.",
    citations=(src.JOSPT_ACHILLES_2018, src.SEED_SORENESS),
    decide=_decide_achilles,
    criteria=(
        Criterion("achilles-pain", Present("pain-achilles")),
        Criterion("with-loading", Present("pain-with-loading")),
        Criterion("morning-stiffness", Present("morning-stiffness")),
    ),
)


def _decide_patellofemoral(ctx: Context, o: Mapping[str, Outcome]) -> Decision:
    return all_required(o, ("kneecap-pain", "provoked"))


DDX_PATELLOFEMORAL = DifferentialRule(
    id="ddx.patellofemoral-pain",
    version="1.0.0",
    title="Patellofemoral pain",
    summary="Likely: pain around or behind the kneecap with stairs, squats, running or "
    "prolonged sitting.",
    citations=(src.CROSSLEY_2016, src.SEED_SORENESS),
    decide=_decide_patellofemoral,
    criteria=(
        Criterion("kneecap-pain", Present("anterior-knee-pain")),
        Criterion("provoked", Present("pain-stairs-squats-sitting")),
    ),
)


def _decide_venous(ctx: Context, o: Mapping[str, Outcome]) -> Decision:
    return all_required(o, ("worse-standing", "relieved-by-elevation", "venous-sign"))


DDX_VENOUS = DifferentialRule(
    id="ddx.venous-insufficiency",
    version="1.0.0",
    title="Chronic venous insufficiency",
    summary="Likely: heaviness or aching worse on standing and relieved by elevation, with "
    "varicose veins, ankle oedema or venous skin changes.",
    citations=(src.LURIE_2020, src.SEED_SORENESS),
    decide=_decide_venous,
    criteria=(
        Criterion("worse-standing", Present("heaviness-worse-standing")),
        Criterion("relieved-by-elevation", Present("relieved-by-elevation")),
        Criterion(
            "venous-sign",
            Any(
                Present("varicose-veins"),
                Present("ankle-edema"),
                Present("skin-changes-lower-leg"),
            ),
        ),
    ),
)

_STRESS = ("both-legs", "migrating", "heavy-legs", "no-swelling", "stress-linked", "no-red-flag")


def _decide_stress(ctx: Context, o: Mapping[str, Outcome]) -> Decision:
    # A diagnosis of exclusion: never more than possible.
    return all_required(o, _STRESS, Likelihood.POSSIBLE)


DDX_STRESS = DifferentialRule(
    id="ddx.stress-related",
    version="1.0.0",
    title="Stress-related leg pain",
    summary="Possible (never higher; a diagnosis of exclusion): pain in both legs that moves "
    "around, heavy legs, no swelling, linked in time to stress, and every red flag not met.",
    citations=(src.SEED_STRESS,),
    decide=_decide_stress,
    criteria=(
        Criterion("both-legs", Present("bilateral-pain")),
        Criterion("migrating", Present("migrating-pain")),
        Criterion("heavy-legs", Present("heavy-legs")),
        _NO_SWELLING,
        Criterion("stress-linked", Present("stress-linked")),
        _NO_RED_FLAG,
    ),
)
