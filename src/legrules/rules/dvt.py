"""Deep vein thrombosis: the Wells DVT score, the D-dimer and the DVT differential.

The two published variants differ in three places (calf difference ``>= 3`` vs ``> 3``
cm, bedridden ``>= 3`` vs ``> 3`` days, surgery within 12 vs 4 weeks) and in the
classes (two-level vs three-level).  The variant is the policy setting
``wells_variant``; every result records which one it used.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from legrules.engine.base import Criterion, Decision, DifferentialRule, ScoreRule
from legrules.engine.deciding import evidence_of, indeterminate
from legrules.engine.facts import Context, Outcome, test
from legrules.engine.logic import AgeIs, All, Any, ByPolicy, Measured, Present, Same, ScoreIs
from legrules.engine.predicates import ScoreClassIs
from legrules.engine.scoring import additive, result
from legrules.model import Disposition, Likelihood, ScoreResult, Tri, WellsVariant
from legrules.rules import sources as src
from legrules.rules.signs import DVT_SIGNS

__all__ = ["DDX_DVT", "D_DIMER", "WELLS_DVT", "WELLS_POINTS", "d_dimer_cutoff"]

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


# D-dimer ---------------------------------------------------------------------------------

_FIXED_CUTOFF = 500.0
# The oldest age a presentation accepts (Patient validates 0-130 years), so the highest
# age-adjusted cut-off any patient can have.
_OLDEST = 130


def d_dimer_cutoff(age: int | None, age_adjusted: bool) -> float | None:
    """The D-dimer cut-off in ng/mL FEU, or ``None`` when it depends on an unknown age.

    500 ng/mL FEU; with age adjustment, age x 10 above age 50.  A result below the
    cut-off is negative, one at or above it positive.

    >>> d_dimer_cutoff(70, True), d_dimer_cutoff(70, False), d_dimer_cutoff(45, True)
    (700.0, 500.0, 500.0)
    """
    if not age_adjusted:
        return _FIXED_CUTOFF
    if age is None:
        return None
    return age * 10.0 if age > 50 else _FIXED_CUTOFF


def _d_dimer_class(value: float, age: int | None, age_adjusted: bool) -> str | None:
    cutoff = d_dimer_cutoff(age, age_adjusted)
    if cutoff is not None:
        return "negative" if test("<", cutoff)(value) else "positive"
    # Age unknown: the cut-off lies somewhere in [500, 1300]; decide only when the
    # value falls on the same side of every possible cut-off.
    if test("<", _FIXED_CUTOFF)(value):
        return "negative"
    if not test("<", _OLDEST * 10.0)(value):
        return "positive"
    return None


def _d_dimer(
    rule: ScoreRule, ctx: Context, outcomes: Mapping[str, Outcome]
) -> tuple[tuple[ScoreResult, ...], tuple[str, ...]]:
    adjusted = ctx.policy.age_adjusted_d_dimer
    cutoff = d_dimer_cutoff(ctx.age, adjusted)
    notes = [
        f"policy age_adjusted_d_dimer={'on' if adjusted else 'off'}; cut-off "
        + (f"{cutoff:g} ng/mL FEU" if cutoff is not None else "depends on the unknown age")
    ]
    readings = ctx.readings("d-dimer")
    if not readings:
        absent = ScoreResult(rule.id, rule.version, None, None, None, missing=("d-dimer",))
        return (absent,), tuple(notes)
    # Several results at the same time: the highest is the conservative one.
    reading = max(readings, key=lambda r: r.value)
    value = round(reading.value, 6)
    klass = _d_dimer_class(value, ctx.age, adjusted)
    evidence = [reading.evidence]
    if adjusted and ctx.age is not None:
        evidence.append(ctx.age_evidence())
    if reading.evidence.note:
        notes.append(reading.evidence.note)
    score = ScoreResult(
        rule.id,
        rule.version,
        value,
        value,
        value,
        klass,
        evidence=tuple(evidence),
        missing=("age",) if klass is None else (),
    )
    return (score,), tuple(notes)


D_DIMER = ScoreRule(
    id="score.d-dimer",
    version="1.0.0",
    title="D-dimer",
    summary="D-dimer in ng/mL FEU (DDU doubled) against 500, or age x 10 above age 50 when "
    "age-adjusted (policy age_adjusted_d_dimer); below the cut-off is negative.",
    citations=(src.NICE_NG158, src.LE_GAL_2026, src.RIGHINI_2014),
    compute=_d_dimer,
    extra_policy=("age_adjusted_d_dimer",),
    extra_reads=("d-dimer", "age"),
    criteria=(
        Criterion(
            "above-fixed-cut-off",
            Measured("d-dimer", ">=", _FIXED_CUTOFF),
            "D-dimer at or above the fixed cut-off of 500 ng/mL FEU",
        ),
        Criterion(
            "age-over-50",
            AgeIs(">", 50),
            "Age over 50 (the age-adjusted cut-off is age x 10 ng/mL FEU)",
        ),
    ),
)


# Differential ------------------------------------------------------------------------------

_URGENT = Disposition.URGENT


def _decide_dvt(ctx: Context, o: Mapping[str, Outcome]) -> Decision:
    """Follow the NICE NG158 two-level pathway for a suspected DVT.

    Imaging confirms; Wells unlikely with a negative D-dimer (or a negative scan with a
    negative D-dimer) excludes.
    """
    sign, negative = o["dvt-sign"], o["d-dimer-negative"]
    wells_unlikely = o["wells-unlikely"]
    if o["ultrasound"].tri is Tri.MET:
        return Decision(Likelihood.CONFIRMED, _URGENT, o["ultrasound"].evidence)
    if sign.tri is Tri.NOT_MET:
        return Decision(
            Likelihood.UNLIKELY, evidence=sign.evidence, note="no DVT sign: not suspected"
        )
    if negative.tri is Tri.MET and Tri.MET in (wells_unlikely.tri, ~o["ultrasound"].tri):
        ruled_out = wells_unlikely if wells_unlikely.tri is Tri.MET else o["ultrasound"]
        return Decision(Likelihood.EXCLUDED, evidence=evidence_of((ruled_out, negative)))
    if sign.tri is Tri.UNKNOWN:
        return indeterminate(sign.missing, raises=True, note="whether a DVT sign is present")
    if o["wells-likely"].tri is Tri.MET:
        return Decision(Likelihood.LIKELY, _URGENT, evidence_of((sign, o["wells-likely"])))
    if wells_unlikely.tri is Tri.MET:
        return Decision(
            Likelihood.UNLIKELY,
            _URGENT,
            evidence_of((sign, wells_unlikely, o["d-dimer-positive"])),
            note="suspected DVT, Wells unlikely, D-dimer positive or not yet known: urgent",
        )
    # The Wells range spans the threshold of 2.  Every completion is urgent unless the
    # D-dimer is negative (then a closed Wells range of 1 or less would exclude DVT).
    decision = indeterminate(wells_unlikely.missing, sign.evidence, raises=True)
    return decision if negative.tri is Tri.MET else attrs.evolve(decision, level=_URGENT)


DDX_DVT = DifferentialRule(
    id="ddx.dvt",
    version="1.0.0",
    title="Deep vein thrombosis",
    summary="Suspected when a DVT sign is present. Confirmed by ultrasound; excluded by Wells "
    "unlikely (or a negative scan) with a negative D-dimer; likely when Wells is 2 or more; "
    "unlikely when Wells is 1 or less (urgent while the D-dimer is positive or not known).",
    citations=(src.NICE_NG158, src.WELLS_2003),
    decide=_decide_dvt,
    criteria=(
        Criterion("ultrasound", Present("ultrasound-dvt")),
        Criterion("dvt-sign", DVT_SIGNS, "A DVT sign is present (suspected DVT)"),
        Criterion("wells-likely", ScoreIs("score.wells-dvt", ">=", 2), "Wells DVT 2 or more"),
        Criterion("wells-unlikely", ScoreIs("score.wells-dvt", "<=", 1), "Wells DVT 1 or less"),
        Criterion("d-dimer-negative", ScoreClassIs("score.d-dimer", {"negative"})),
        Criterion("d-dimer-positive", ScoreClassIs("score.d-dimer", {"positive"})),
    ),
)
