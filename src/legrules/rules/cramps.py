"""Leg cramps: nocturnal cramps, electrolyte depletion and medicines that cause cramps."""

from __future__ import annotations

from collections.abc import Mapping

from legrules.engine.base import Criterion, Decision, DifferentialRule
from legrules.engine.deciding import all_required, evidence_of, indeterminate
from legrules.engine.facts import Context, Outcome
from legrules.engine.logic import Any, Measured, Present
from legrules.model import Disposition, Likelihood, Tri
from legrules.rules import sources as src

__all__ = ["CRAMP_MEDICINES", "DDX_ELECTROLYTES", "DDX_MEDICATION", "DDX_NOCTURNAL_CRAMPS"]

_NOCTURNAL = ("muscle-hardening", "in-bed", "relieved-by-stretching")


def _decide_nocturnal(ctx: Context, o: Mapping[str, Outcome]) -> Decision:
    return all_required(o, _NOCTURNAL)


DDX_NOCTURNAL_CRAMPS = DifferentialRule(
    id="ddx.nocturnal-cramps",
    version="1.0.0",
    title="Nocturnal (sleep-related) leg cramps",
    summary="Likely: sudden, painful, involuntary hardening of a muscle, in bed, relieved by "
    "stretching.",
    citations=(src.ICSD_3, src.ALLEN_KIRBY_2012, src.SEED_NIGHT),
    decide=_decide_nocturnal,
    criteria=(
        Criterion("muscle-hardening", Present("cramp-muscle-hardening")),
        Criterion("in-bed", Present("cramp-in-bed")),
        Criterion("relieved-by-stretching", Present("cramp-relieved-by-stretching")),
    ),
)


def _decide_electrolytes(ctx: Context, o: Mapping[str, Outcome]) -> Decision:
    """A low potassium or magnesium makes it likely; fluid loss or a diuretic, possible."""
    cramps, low, loss = o["cramps"], o["low-potassium-or-magnesium"], o["fluid-loss-or-diuretic"]
    if cramps.tri is Tri.NOT_MET:
        return Decision(Likelihood.UNLIKELY, evidence=cramps.evidence)
    if low.tri is Tri.NOT_MET and loss.tri is Tri.NOT_MET:
        return Decision(Likelihood.UNLIKELY, evidence=evidence_of((low, loss)))
    if cramps.tri is Tri.UNKNOWN or low.tri is Tri.UNKNOWN:
        wanted = [m for x in (cramps, low) if x.tri is Tri.UNKNOWN for m in x.missing]
        # A low level could still make it likely, which sets the level "soon".
        return indeterminate(wanted, evidence_of((cramps, low)), raises=low.tri is not Tri.NOT_MET)
    if low.tri is Tri.MET:
        return Decision(Likelihood.LIKELY, Disposition.SOON, evidence_of((cramps, low)))
    if loss.tri is Tri.MET:
        return Decision(Likelihood.POSSIBLE, evidence=evidence_of((cramps, low, loss)))
    return indeterminate(loss.missing, evidence_of((cramps, low)), raises=False)


DDX_ELECTROLYTES = DifferentialRule(
    id="ddx.electrolyte-depletion",
    version="1.0.0",
    title="Electrolyte depletion",
    summary="Likely: cramps with serum potassium below 3.5 mmol/L or magnesium below 0.7 "
    "mmol/L; possible: cramps with normal levels and dehydration, heavy sweating or a "
    "thiazide or loop diuretic.",
    citations=(src.SEED_NIGHT, src.SEED_SORENESS, src.ALLEN_KIRBY_2012),
    decide=_decide_electrolytes,
    criteria=(
        Criterion("cramps", Present("leg-cramp")),
        Criterion(
            "low-potassium-or-magnesium",
            Any(Measured("potassium", "<", 3.5), Measured("magnesium", "<", 0.7)),
        ),
        Criterion(
            "fluid-loss-or-diuretic",
            Any(
                Present("dehydration"),
                Present("heavy-sweating"),
                Present("thiazide-diuretic"),
                Present("loop-diuretic"),
            ),
        ),
    ),
)

#: Medicines associated with cramps or muscle pain (Garrison 2012; seed 001).
CRAMP_MEDICINES = (
    "statin",
    "thiazide-diuretic",
    "potassium-sparing-diuretic",
    "loop-diuretic",
    "long-acting-beta-agonist",
)


def _decide_medication(ctx: Context, o: Mapping[str, Outcome]) -> Decision:
    return all_required(
        o, ("cramps-or-muscle-pain", "medicine"), Likelihood.POSSIBLE, Disposition.ROUTINE
    )


DDX_MEDICATION = DifferentialRule(
    id="ddx.medication-associated",
    version="1.0.0",
    title="Medication-associated cramps or muscle pain",
    summary="Possible (never higher): cramps or leg pain while taking a statin, a diuretic or "
    "a long-acting beta-agonist; calls for a medication review.",
    citations=(src.GARRISON_2012, src.SEED_NIGHT),
    decide=_decide_medication,
    criteria=(
        Criterion("cramps-or-muscle-pain", Any(Present("leg-cramp"), Present("leg-pain"))),
        Criterion("medicine", Any(*(Present(m) for m in CRAMP_MEDICINES))),
    ),
)
