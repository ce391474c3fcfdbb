"""Scores and differentials of rule set 2026.12 (``rules.md`` section 7.3).

New versions: the Wells 1997 variant with its own nine items, PAD at ``routine`` for
every positive conclusion and ``likely`` for definite claudication in stiff arteries,
calcium in electrolyte depletion, and the two differentials that read "every red flag"
(DOMS, stress) over the 2026.12 screen.  New differentials from the seed articles:
osteoarthritis, vitamin D deficiency and fibromyalgia.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from legrules.engine.base import Criterion, Decision, DifferentialRule, ScoreRule
from legrules.engine.deciding import all_required, evidence_of, indeterminate
from legrules.engine.facts import Context, Outcome
from legrules.engine.logic import AgeIs, All, Any, Measured, Present, RedFlagIs
from legrules.engine.scoring import additive, result
from legrules.model import Disposition, Likelihood, ScoreResult, Status, Tri, WellsVariant
from legrules.rules import benign, cramps
from legrules.rules import sources as src
from legrules.rules.dvt import DDX_DVT, WELLS_DVT, WELLS_POINTS
from legrules.rules.pad import DDX_PAD
from legrules.rules.red_flags_2026_12 import RED_FLAGS_2026_12
from legrules.rules.rls import DDX_RLS
from legrules.rules.sciatica import DDX_SCIATICA

__all__ = ["DIFFERENTIALS_2026_12", "WELLS_1997_ITEMS", "WELLS_DVT_2"]

_ROUTINE = Disposition.ROUTINE

# Wells DVT ----------------------------------------------------------------------------------

#: The nine items of Wells 1997 (Lancet): the 2003 model added "previously documented DVT".
WELLS_1997_ITEMS: Mapping[str, float] = {
    k: v for k, v in WELLS_POINTS.items() if k != "previous-dvt"
}


def _classify_two_level(value: float) -> str:
    return "likely" if value >= 2 else "unlikely"


def _classify_three_level(value: float) -> str:
    if value >= 3:
        return "high"
    return "moderate" if value >= 1 else "low"


def _wells_2(
    rule: ScoreRule, ctx: Context, outcomes: Mapping[str, Outcome]
) -> tuple[tuple[ScoreResult, ...], tuple[str, ...]]:
    nice = ctx.policy.wells_variant is WellsVariant.NICE_2020
    points = WELLS_POINTS if nice else WELLS_1997_ITEMS
    low, high, evidence, missing = additive(points, outcomes)
    classify = _classify_two_level if nice else _classify_three_level
    score = result(rule.id, rule.version, low, high, classify, evidence, missing)
    items = "10 items" if nice else "9 items (previously documented DVT is not an item)"
    note = f"variant {ctx.policy.wells_variant.value}: {items}; +1 each, alternative -2"
    return (score,), (note,)


def _previous_dvt_item(criterion: Criterion) -> Criterion:
    """Say in traces and the catalogue that the item scores only under NICE 2020."""
    if criterion.id != "previous-dvt":
        return criterion
    text = "Previously documented DVT (+1 under NICE 2020; not an item of Wells 1997)"
    return attrs.evolve(criterion, description=text)


WELLS_DVT_2 = attrs.evolve(
    WELLS_DVT,
    version="2.0.1",
    criteria=tuple(_previous_dvt_item(c) for c in WELLS_DVT.criteria),
    summary="Pretest probability of DVT: ten items (-2 to 9), likely at 2 or more (NICE "
    "2020); or the nine items of Wells 1997 (-2 to 8), low / moderate / high. Unknown items "
    "give a range.",
    citations=(
        src.WELLS_2003.backing("the ten items and the two-level classes"),
        src.WELLS_1997.backing("the nine items and the three-level classes of the 1997 model"),
        src.NICE_NG158.backing("the 2020 thresholds (3 cm, 3 days, 12 weeks)"),
    ),
    compute=_wells_2,
)

# PAD -----------------------------------------------------------------------------------------


def _abi_summary(ctx: Context) -> tuple[str, tuple[str, ...]]:
    """Both legs' ABI: abnormal, non-compressible, uncertain, borderline, normal or incomplete."""
    results = ctx.score("score.abi")
    classes = [r.class_ for r in results]
    missing = tuple(dict.fromkeys(m for r in results for m in r.missing))
    if any(c in ("abnormal", "tbi-abnormal") for c in classes):
        return "abnormal", ()
    if "non-compressible" in classes:
        return "non-compressible", ("tbi",)
    if any(r.class_ is None and r.min is not None for r in results):
        return "uncertain", missing
    if "borderline" in classes:
        return "borderline", ()
    if all(c in ("normal", "tbi-normal") for c in classes):
        return "normal", ()
    return "incomplete", missing


def _decide_pad_2(ctx: Context, o: Mapping[str, Outcome]) -> Decision:
    """ABI (or TBI) first, then the Edinburgh questionnaire; every positive is routine."""
    status, abi_missing = _abi_summary(ctx)
    proof = [o[c] for c in ("abi-abnormal", "tbi-abnormal") if o[c].tri is Tri.MET]
    if status == "abnormal" or proof:
        return Decision(Likelihood.CONFIRMED, _ROUTINE, evidence_of(proof))
    questionnaire = ctx.score("score.edinburgh-claudication")[0]
    found = evidence_of(o[f"edinburgh-{k}"] for k in ("definite", "atypical", "negative"))
    if status == "non-compressible" and questionnaire.class_ == "definite":
        note = "ABI over 1.40 (non-compressible) with definite claudication: TBI needed"
        return Decision(Likelihood.LIKELY, _ROUTINE, found, note=note)
    if status in ("non-compressible", "uncertain"):
        return indeterminate(abi_missing, raises=True, note=f"ABI {status}")
    if status == "borderline":
        return Decision(Likelihood.POSSIBLE, _ROUTINE, o["abi-borderline"].evidence)
    if questionnaire.class_ is None:
        wanted = questionnaire.missing + (() if status == "normal" else abi_missing)
        return indeterminate(wanted, raises=True)
    if questionnaire.class_ == "negative":
        return Decision(Likelihood.UNLIKELY, evidence=found)
    if questionnaire.class_ == "atypical" or status == "normal":
        evidence = evidence_of((o["abi-normal"],)) + found
        return Decision(Likelihood.POSSIBLE, _ROUTINE, evidence)
    return Decision(
        Likelihood.LIKELY, _ROUTINE, found, note="definite claudication, ABI not measured"
    )


DDX_PAD_2 = attrs.evolve(
    DDX_PAD,
    version="2.0.0",
    summary="Confirmed by ABI 0.90 or less (or TBI 0.70 or less); likely with definite "
    "claudication and no ABI, or an ABI over 1.40 without a TBI; possible with a borderline "
    "ABI, a normal ABI with definite claudication, or atypical claudication; unlikely with a "
    "negative questionnaire. Routine for possible, likely and confirmed.",
    citations=(
        src.ACC_AHA_2024.backing("the ABI and TBI thresholds and the work-up of possible PAD"),
        src.LENG_FOWKES_1992.backing("definite and atypical claudication"),
    ),
    decide=_decide_pad_2,
)

# Electrolytes ---------------------------------------------------------------------------------


def _decide_electrolytes_2(ctx: Context, o: Mapping[str, Outcome]) -> Decision:
    """A low potassium, magnesium or calcium makes it likely; fluid loss or a diuretic, possible."""
    cramp, low, loss = o["cramps"], o["low-electrolyte"], o["fluid-loss-or-diuretic"]
    if cramp.tri is Tri.NOT_MET:
        return Decision(Likelihood.UNLIKELY, evidence=cramp.evidence)
    if low.tri is Tri.NOT_MET and loss.tri is Tri.NOT_MET:
        return Decision(Likelihood.UNLIKELY, evidence=evidence_of((low, loss)))
    if cramp.tri is Tri.UNKNOWN or low.tri is Tri.UNKNOWN:
        wanted = [m for x in (cramp, low) if x.tri is Tri.UNKNOWN for m in x.missing]
        return indeterminate(wanted, evidence_of((cramp, low)), raises=low.tri is not Tri.NOT_MET)
    if low.tri is Tri.MET:
        return Decision(Likelihood.LIKELY, Disposition.SOON, evidence_of((cramp, low)))
    if loss.tri is Tri.MET:
        return Decision(Likelihood.POSSIBLE, evidence=evidence_of((cramp, low, loss)))
    return indeterminate(loss.missing, evidence_of((cramp, low)), raises=False)


DDX_ELECTROLYTES_2 = attrs.evolve(
    cramps.DDX_ELECTROLYTES,
    version="2.0.0",
    summary="Likely: cramps with potassium below 3.5, magnesium below 0.7 or corrected "
    "calcium below 2.2 mmol/L; possible: cramps with normal levels and dehydration, heavy "
    "sweating or a thiazide or loop diuretic.",
    citations=(
        src.SEED_NIGHT.backing("electrolyte imbalance as a cause of cramps"),
        src.ALLEN_KIRBY_2012.backing("low potassium, magnesium and calcium in cramps"),
    ),
    decide=_decide_electrolytes_2,
    criteria=(
        cramps.DDX_ELECTROLYTES.criteria[0],
        Criterion(
            "low-electrolyte",
            Any(
                Measured("potassium", "<", 3.5),
                Measured("magnesium", "<", 0.7),
                Measured("calcium", "<", 2.2),
            ),
            "Potassium below 3.5, magnesium below 0.7 or corrected calcium below 2.2 mmol/L",
        ),
        cramps.DDX_ELECTROLYTES.criteria[2],
    ),
)

# Differentials that read every red flag -------------------------------------------------------

#: Every red flag of the 2026.12 screen is not met.
NO_RED_FLAG_2026_12 = Criterion(
    "no-red-flag",
    All(*(RedFlagIs(rule.id, {Status.NOT_MET}) for rule in RED_FLAGS_2026_12)),
    "Every red flag (of rule set 2026.12) is not met",
)


def _with_new_screen(rule: DifferentialRule) -> DifferentialRule:
    criteria = tuple(NO_RED_FLAG_2026_12 if c.id == "no-red-flag" else c for c in rule.criteria)
    return attrs.evolve(rule, version="2.0.0", criteria=criteria)


DDX_DOMS_2 = _with_new_screen(benign.DDX_DOMS)
DDX_STRESS_2 = _with_new_screen(benign.DDX_STRESS)

# New differentials ----------------------------------------------------------------------------

_OA = ("age-45-or-over", "activity-related-pain", "short-morning-stiffness")


def _decide_osteoarthritis(ctx: Context, o: Mapping[str, Outcome]) -> Decision:
    return all_required(o, _OA, Likelihood.LIKELY, _ROUTINE)


DDX_OSTEOARTHRITIS = DifferentialRule(
    id="ddx.osteoarthritis",
    version="1.0.0",
    title="Osteoarthritis of the knee or hip",
    summary="Likely: age 45 or over, activity-related knee or hip pain, and morning "
    "stiffness of 30 minutes or less (a clinical diagnosis without imaging). Routine.",
    citations=(src.NICE_NG226.backing("the clinical diagnosis without investigations"),),
    decide=_decide_osteoarthritis,
    criteria=(
        Criterion("age-45-or-over", AgeIs(">=", 45)),
        Criterion("activity-related-pain", Present("activity-related-joint-pain")),
        Criterion("short-morning-stiffness", Present("morning-stiffness-under-30-min")),
    ),
)


def _decide_vitamin_d(ctx: Context, o: Mapping[str, Outcome]) -> Decision:
    return all_required(o, ("low-vitamin-d", "aches"), Likelihood.LIKELY, _ROUTINE)


DDX_VITAMIN_D = DifferentialRule(
    id="ddx.vitamin-d-deficiency",
    version="1.0.0",
    title="Vitamin D deficiency",
    summary="Likely: serum 25-hydroxyvitamin D below 25 nmol/L (10 ng/mL) with diffuse bone "
    "or muscle aches. Routine.",
    citations=(
        src.SACN_2016.backing("deficiency below 25 nmol/L"),
        src.CKS_VITAMIN_D.backing("aches and pains as its presentation; treatment"),
    ),
    decide=_decide_vitamin_d,
    criteria=(
        Criterion("low-vitamin-d", Measured("vitamin-d-25oh", "<", 25)),
        Criterion("aches", Present("diffuse-bone-or-muscle-aches")),
    ),
)


def _decide_fibromyalgia(ctx: Context, o: Mapping[str, Outcome]) -> Decision:
    # Possible at most: the ACR 2016 criteria ask for more than legrules screens.
    return all_required(o, ("widespread-pain", "fatigue-or-sleep"), Likelihood.POSSIBLE, _ROUTINE)


DDX_FIBROMYALGIA = DifferentialRule(
    id="ddx.fibromyalgia",
    version="1.0.0",
    title="Fibromyalgia",
    summary="Possible (never higher): widespread pain for 3 months or more with fatigue or "
    "unrefreshing sleep. Routine: a clinician can apply the full ACR 2016 criteria.",
    citations=(
        src.ACR_FIBROMYALGIA_2016.backing(
            "widespread pain over 3 months with fatigue or unrefreshing sleep as core features"
        ),
    ),
    decide=_decide_fibromyalgia,
    criteria=(
        Criterion("widespread-pain", Present("widespread-pain-3-months")),
        Criterion("fatigue-or-sleep", Present("fatigue-or-unrefreshing-sleep")),
    ),
)

#: The differentials of 2026.12, in catalogue order.
DIFFERENTIALS_2026_12: tuple[DifferentialRule, ...] = (
    DDX_DVT,
    DDX_PAD_2,
    DDX_RLS,
    DDX_SCIATICA,
    cramps.DDX_NOCTURNAL_CRAMPS,
    DDX_DOMS_2,
    benign.DDX_STRAIN,
    benign.DDX_SHIN_SPLINTS,
    benign.DDX_ACHILLES,
    benign.DDX_PATELLOFEMORAL,
    benign.DDX_VENOUS,
    DDX_ELECTROLYTES_2,
    cramps.DDX_MEDICATION,
    DDX_STRESS_2,
    DDX_OSTEOARTHRITIS,
    DDX_VITAMIN_D,
    DDX_FIBROMYALGIA,
)
