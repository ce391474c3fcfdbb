"""Peripheral arterial disease: the ankle-brachial index, per leg.

The ABI of a leg is the higher of its dorsalis pedis and posterior tibial pressures
(recorded as ``ankle-pressure``) over the higher of the two brachial pressures, to two
decimals (half up, on the exact decimal ratio), or an ABI reported directly.  With only
one arm measured the true denominator may be higher, so the ABI is given as a range up
to the computed value.  A non-compressible leg (ABI above 1.40) is classed by its
toe-brachial index when there is one (``tbi-abnormal`` at 0.70 or less, else
``tbi-normal``), and names ``tbi`` as missing when there is not.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

import attrs

from legrules.engine.base import Criterion, Decision, DifferentialRule, ScoreRule
from legrules.engine.deciding import evidence_of, indeterminate
from legrules.engine.facts import SIDES, Context, Outcome, Reading, test
from legrules.engine.logic import Measured, Present, ScoreIs
from legrules.engine.predicates import ScoreClassIs
from legrules.engine.scoring import completions, ranged_class
from legrules.model import Disposition, Evidence, Laterality, Likelihood, ScoreResult, Tri, concept
from legrules.rules import sources as src

__all__ = ["ABI", "DDX_PAD", "EDINBURGH", "TBI_ABNORMAL", "abi_band", "edinburgh"]

_ROUTINE = Disposition.ROUTINE

#: A toe-brachial index at or below this is abnormal (ACC/AHA 2024).
TBI_ABNORMAL = 0.70


_CENT = Decimal("0.01")


def _round2(value: float) -> float:
    return float(Decimal(str(value)).quantize(_CENT, rounding=ROUND_HALF_UP))


def _ratio(ankle: float, brachial: float) -> float:
    """*ankle* / *brachial* to two decimals, rounding the exact decimal ratio half up.

    Dividing floats first would turn an exact tie such as 29/200 = 0.145 into
    0.14499999... and round it down.
    """
    exact = Decimal(str(ankle)) / Decimal(str(brachial))
    return float(exact.quantize(_CENT, rounding=ROUND_HALF_UP))


def abi_band(value: float) -> str:
    """The ACC/AHA band of an ABI rounded to two decimals."""
    value = _round2(value)
    if value <= 0.90:
        return "abnormal"
    if value <= 0.99:
        return "borderline"
    if value <= 1.40:
        return "normal"
    return "non-compressible"


def _brachial(ctx: Context) -> tuple[list[Reading], bool]:
    """The brachial readings and whether both arms are covered."""
    left = ctx.readings("brachial-pressure", Laterality.LEFT)
    right = ctx.readings("brachial-pressure", Laterality.RIGHT)
    both = bool(left) and bool(right)
    return list(dict.fromkeys((*left, *right))), both


def _leg(rule: ScoreRule, ctx: Context, side: Laterality) -> ScoreResult:
    def scored(
        low: float, high: float, evidence: tuple[Evidence, ...], missing: tuple[str, ...]
    ) -> ScoreResult:
        return ScoreResult(
            rule.id,
            rule.version,
            value=low if low == high else None,
            min=low,
            max=high,
            class_=ranged_class(low, high, abi_band),
            laterality=side,
            evidence=evidence,
            missing=missing,
        )

    reported = ctx.readings("abi", side)
    if reported:
        # Several reports at the same time: keep the lowest, the most concerning.
        chosen = min(reported, key=lambda r: r.value)
        value = _round2(chosen.value)
        return scored(value, value, (chosen.evidence,), ())
    ankles = ctx.readings("ankle-pressure", side)
    brachials, both_arms = _brachial(ctx)
    if not ankles or not brachials:
        missing = ("abi",) + (() if ankles else ("ankle-pressure",))
        missing += () if brachials else ("brachial-pressure",)
        return ScoreResult(
            rule.id, rule.version, None, None, None, laterality=side, missing=missing
        )
    ankle = max(ankles, key=lambda r: r.value)
    brachial = max(brachials, key=lambda r: r.value)
    evidence = (ankle.evidence, brachial.evidence)
    high = _ratio(ankle.value, brachial.value)
    if both_arms:
        return scored(high, high, evidence, ())
    ceiling = concept("brachial-pressure").high
    assert ceiling is not None
    low = _ratio(ankle.value, max(brachial.value, ceiling))
    return scored(low, high, evidence, ("brachial-pressure",))


def _with_tbi(ctx: Context, result: ScoreResult) -> ScoreResult:
    """Class a non-compressible leg by its toe-brachial index, or ask for one."""
    if result.class_ != "non-compressible":
        return result
    side = result.laterality
    readings = ctx.readings("tbi", side)
    if not readings:
        return attrs.evolve(result, missing=("tbi",))
    # Several at the same time: the lowest is the most concerning.
    tbi = min(readings, key=lambda r: r.value)
    klass = "tbi-abnormal" if test("<=", TBI_ABNORMAL)(tbi.value) else "tbi-normal"
    return attrs.evolve(result, class_=klass, evidence=(*result.evidence, tbi.evidence))


def _abi(
    rule: ScoreRule, ctx: Context, outcomes: Mapping[str, Outcome]
) -> tuple[tuple[ScoreResult, ...], tuple[str, ...]]:
    return tuple(_with_tbi(ctx, _leg(rule, ctx, side)) for side in SIDES), (
        "ABI = higher ankle pressure / higher brachial pressure, 2 decimals (half up); "
        "bands: <= 0.90 abnormal, 0.91-0.99 borderline, 1.00-1.40 normal, "
        "> 1.40 non-compressible (then TBI <= 0.70 abnormal)",
    )


ABI = ScoreRule(
    id="score.abi",
    version="1.0.0",
    title="Ankle-brachial index",
    summary="Per leg: ankle over brachial systolic pressure, or a reported ABI; <= 0.90 "
    "abnormal, 0.91-0.99 borderline, 1.00-1.40 normal, > 1.40 non-compressible, then "
    "classed by the toe-brachial index (<= 0.70 tbi-abnormal, else tbi-normal).",
    citations=(src.ACC_AHA_2016, src.ACC_AHA_2024),
    compute=_abi,
    extra_reads=("abi", "ankle-pressure", "brachial-pressure", "tbi"),
)


# Edinburgh Claudication Questionnaire -----------------------------------------------------

_EDINBURGH_ITEMS = (
    "pain-on-walking",
    "pain-starts-at-rest",
    "pain-uphill-or-hurrying",
    "pain-gone-within-10-min-standing",
    "pain-site-calf",
    "pain-site-thigh-or-buttock",
    "pain-ordinary-pace",
)


def edinburgh(answers: Mapping[str, bool]) -> tuple[str, int]:
    """Classify complete Edinburgh answers: ``(class, grade)``.

    Positive only with pain on walking that never starts at rest, comes on when
    hurrying or walking uphill, and goes within 10 minutes of standing still, felt in
    the calf (``definite``) or in the thigh or buttock without the calf (``atypical``);
    grade 2 when it also comes on at an ordinary pace on the level, else grade 1.
    Anything else is ``negative`` with grade 0.

    >>> edinburgh({"pain-on-walking": True, "pain-starts-at-rest": False,
    ...            "pain-uphill-or-hurrying": True, "pain-gone-within-10-min-standing": True,
    ...            "pain-site-calf": True, "pain-site-thigh-or-buttock": False,
    ...            "pain-ordinary-pace": False})
    ('definite', 1)
    """
    claudication = (
        answers["pain-on-walking"]
        and not answers["pain-starts-at-rest"]
        and answers["pain-uphill-or-hurrying"]
        and answers["pain-gone-within-10-min-standing"]
    )
    if claudication and answers["pain-site-calf"]:
        klass = "definite"
    elif claudication and answers["pain-site-thigh-or-buttock"]:
        klass = "atypical"
    else:
        return "negative", 0
    return klass, 2 if answers["pain-ordinary-pace"] else 1


def _edinburgh(
    rule: ScoreRule, ctx: Context, outcomes: Mapping[str, Outcome]
) -> tuple[tuple[ScoreResult, ...], tuple[str, ...]]:
    reachable, missing = completions(outcomes, edinburgh)
    classes = {klass for klass, _ in reachable}
    grades = [grade for _, grade in reachable]
    low, high = min(grades), max(grades)
    evidence = tuple(e for o in outcomes.values() if o.tri is not Tri.UNKNOWN for e in o.evidence)
    result = ScoreResult(
        rule.id,
        rule.version,
        value=low if low == high else None,
        min=low,
        max=high,
        class_=classes.pop() if len(classes) == 1 else None,
        evidence=evidence,
        missing=missing,
    )
    return (result,), (
        "value = grade (0 negative, 1 or 2 positive); class definite, atypical or negative",
    )


EDINBURGH = ScoreRule(
    id="score.edinburgh-claudication",
    version="1.0.0",
    title="Edinburgh Claudication Questionnaire",
    summary="Positive for pain on walking that never starts at rest, comes on hurrying or "
    "uphill and goes within 10 minutes of standing still: calf -> definite, thigh or buttock "
    "without calf -> atypical; grade 2 if it also comes on at an ordinary pace on the level.",
    citations=(src.LENG_FOWKES_1992,),
    compute=_edinburgh,
    criteria=tuple(Criterion(item, Present(item)) for item in _EDINBURGH_ITEMS),
)


# Differential -------------------------------------------------------------------------------

_ABNORMAL = ("abnormal", "tbi-abnormal")
_NORMAL = ("normal", "tbi-normal")


def _abi_status(ctx: Context) -> tuple[str, tuple[str, ...]]:
    """Summarise both legs' ABI, with the inputs that would settle an unsettled leg.

    One of abnormal, non-compressible, uncertain, borderline, normal or incomplete.
    """
    results = ctx.score("score.abi")
    classes = [r.class_ for r in results]
    missing = tuple(dict.fromkeys(m for r in results for m in r.missing))
    if any(c in _ABNORMAL for c in classes):
        return "abnormal", ()
    if "non-compressible" in classes:
        return "non-compressible", ("tbi",)
    if any(r.class_ is None and r.min is not None for r in results):
        return "uncertain", missing
    if "borderline" in classes:
        return "borderline", ()
    if all(c in _NORMAL for c in classes):
        return "normal", ()
    return "incomplete", missing


def _decide_pad(ctx: Context, o: Mapping[str, Outcome]) -> Decision:
    """ABI first (it confirms or qualifies), then the Edinburgh questionnaire."""
    status, abi_missing = _abi_status(ctx)
    proof = [o[c] for c in ("abi-abnormal", "tbi-abnormal") if o[c].tri is Tri.MET]
    if status == "abnormal" or proof:
        return Decision(Likelihood.CONFIRMED, _ROUTINE, evidence_of(proof))
    if status in ("non-compressible", "uncertain"):
        return indeterminate(abi_missing, raises=True, note=f"ABI {status}")
    if status == "borderline":
        return Decision(Likelihood.POSSIBLE, evidence=o["abi-borderline"].evidence)
    questionnaire = ctx.score("score.edinburgh-claudication")[0]
    found = evidence_of(o[f"edinburgh-{k}"] for k in ("definite", "atypical", "negative"))
    if questionnaire.class_ is None:
        wanted = questionnaire.missing + (() if status == "normal" else abi_missing)
        return indeterminate(wanted, raises=status != "normal")
    if questionnaire.class_ == "negative":
        return Decision(Likelihood.UNLIKELY, evidence=found)
    if questionnaire.class_ == "atypical" or status == "normal":
        return Decision(Likelihood.POSSIBLE, evidence=evidence_of((o["abi-normal"],)) + found)
    return Decision(
        Likelihood.LIKELY, _ROUTINE, found, note="definite claudication, ABI not measured"
    )


DDX_PAD = DifferentialRule(
    id="ddx.pad-claudication",
    version="1.0.0",
    title="Peripheral arterial disease with claudication",
    summary="Confirmed by ABI 0.90 or less (or TBI 0.70 or less); possible with a borderline "
    "ABI, or a normal ABI with definite claudication; likely with definite claudication and no "
    "ABI; possible with atypical claudication; unlikely with a negative questionnaire and a "
    "normal or absent ABI; indeterminate for a non-compressible ABI without a TBI.",
    citations=(src.ACC_AHA_2024, src.LENG_FOWKES_1992),
    decide=_decide_pad,
    criteria=(
        Criterion("abi-abnormal", ScoreIs("score.abi", "<=", 0.90), "ABI 0.90 or less"),
        Criterion("tbi-abnormal", Measured("tbi", "<=", TBI_ABNORMAL), "TBI 0.70 or less"),
        Criterion("abi-borderline", ScoreClassIs("score.abi", {"borderline"})),
        Criterion("abi-normal", ScoreClassIs("score.abi", set(_NORMAL))),
        Criterion("edinburgh-definite", ScoreClassIs("score.edinburgh-claudication", {"definite"})),
        Criterion("edinburgh-atypical", ScoreClassIs("score.edinburgh-claudication", {"atypical"})),
        Criterion("edinburgh-negative", ScoreClassIs("score.edinburgh-claudication", {"negative"})),
    ),
)
