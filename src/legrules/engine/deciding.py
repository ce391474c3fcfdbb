"""Shared pieces of the differentials' deciding functions.

A differential concludes a likelihood only when the data settle it; otherwise it is
*indeterminate* and names the inputs that would settle it.  ``unlikely`` means the
defining features are not all present; ``excluded`` is reserved for data that truly
rule a diagnosis out, and is never reached from unknowns.

An indeterminate differential sets the level ``undetermined`` when one of its possible
conclusions would raise the triage level (the engine never lets that level lower the
disposition), and ``self-care`` when every possible conclusion is self-care anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from legrules.engine.base import Decision
from legrules.engine.facts import Outcome, combine_all
from legrules.model import Disposition, Evidence, Likelihood, Tri

__all__ = ["all_required", "evidence_of", "indeterminate"]


def evidence_of(outcomes: Iterable[Outcome]) -> tuple[Evidence, ...]:
    """The evidence of *outcomes*, in order, without repeats."""
    return tuple(dict.fromkeys(e for o in outcomes for e in o.evidence))


def indeterminate(
    missing: Sequence[str],
    evidence: tuple[Evidence, ...] = (),
    *,
    raises: bool,
    note: str | None = None,
) -> Decision:
    """An indeterminate decision naming the *missing* inputs.

    *raises* says whether a settled answer could set a level above self-care.
    """
    level = Disposition.UNDETERMINED if raises else Disposition.SELF_CARE
    return Decision(Likelihood.INDETERMINATE, level, evidence, tuple(dict.fromkeys(missing)), note)


def all_required(
    outcomes: Mapping[str, Outcome],
    required: Sequence[str],
    conclusion: Likelihood = Likelihood.LIKELY,
    level: Disposition = Disposition.SELF_CARE,
) -> Decision:
    """*conclusion* (at *level*) when every *required* criterion is met.

    ``unlikely`` when any is not met, indeterminate (naming what is missing) otherwise.
    """
    joined = combine_all([outcomes[name] for name in required])
    if joined.tri is Tri.MET:
        return Decision(conclusion, level, joined.evidence)
    if joined.tri is Tri.NOT_MET:
        return Decision(Likelihood.UNLIKELY, Disposition.SELF_CARE, joined.evidence)
    return indeterminate(joined.missing, joined.evidence, raises=level is not Disposition.SELF_CARE)
