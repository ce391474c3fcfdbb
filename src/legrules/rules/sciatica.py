"""Sciatica (lumbar radiculopathy)."""

from __future__ import annotations

from collections.abc import Mapping

from legrules.engine.base import Criterion, Decision, DifferentialRule
from legrules.engine.deciding import evidence_of, indeterminate
from legrules.engine.facts import Context, Outcome
from legrules.engine.logic import Any, Present
from legrules.model import Disposition, Likelihood, Tri
from legrules.rules import sources as src

__all__ = ["DDX_SCIATICA"]


def _decide_sciatica(ctx: Context, o: Mapping[str, Outcome]) -> Decision:
    """Radiation below the knee makes it possible; one supporting feature makes it likely."""
    radiating, support = o["radiates-below-knee"], o["supporting-feature"]
    if radiating.tri is Tri.NOT_MET:
        return Decision(Likelihood.UNLIKELY, evidence=radiating.evidence)
    if radiating.tri is Tri.UNKNOWN:
        wanted = radiating.missing + (support.missing if support.tri is Tri.UNKNOWN else ())
        return indeterminate(wanted, support.evidence, raises=True)
    if support.tri is Tri.MET:
        return Decision(Likelihood.LIKELY, Disposition.ROUTINE, evidence_of((radiating, support)))
    if support.tri is Tri.NOT_MET:
        return Decision(Likelihood.POSSIBLE, evidence=evidence_of((radiating, support)))
    return indeterminate(support.missing, radiating.evidence, raises=True)


DDX_SCIATICA = DifferentialRule(
    id="ddx.sciatica",
    version="1.0.0",
    title="Sciatica",
    summary="Likely: leg pain radiating below the knee with leg pain worse than back pain, a "
    "positive straight-leg raise (30-70 degrees) or dermatomal numbness; possible: radiation "
    "below the knee alone.",
    citations=(src.NICE_NG59, src.CKS_SCIATICA, src.SEED_SORENESS),
    decide=_decide_sciatica,
    criteria=(
        Criterion("radiates-below-knee", Present("pain-radiates-below-knee")),
        Criterion(
            "supporting-feature",
            Any(
                Present("leg-pain-worse-than-back-pain"),
                Present("straight-leg-raise-positive"),
                Present("dermatomal-numbness"),
            ),
        ),
    ),
)
