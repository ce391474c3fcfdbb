"""Expression nodes for the clinical rules, in addition to :mod:`legrules.engine.logic`.

These read the results of earlier rules in ways the core nodes do not: a score's
*class* (the D-dimer is positive or negative against a cut-off that depends on age, so
its value alone cannot be compared with a fixed threshold), whether a score or a
measurement exists at all (a test "not yet done" is what triggers advice to do it),
a score against a policy threshold, and the triage level the differentials set.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from legrules.engine.code import stable_repr
from legrules.engine.facts import Context, Outcome, combine_any
from legrules.engine.logic import Expr, PolicyValue, ScoreIs
from legrules.model import Disposition, Evidence, Tri

__all__ = [
    "DifferentialLevelIs",
    "HasScore",
    "Proven",
    "Recorded",
    "ScoreClassIs",
    "ScoreVersusPolicy",
]


def _strings(items: Iterable[str]) -> frozenset[str]:
    return frozenset(items)


def _levels(items: Iterable[Disposition]) -> frozenset[Disposition]:
    return frozenset(items)


@attrs.frozen
class ScoreClassIs(Expr):
    """A score's class is one of *classes* (for per-leg scores, on either leg).

    A score without a class (its range spans classes, or inputs are missing) is
    unknown here, naming the inputs that would settle it.
    """

    score: str
    classes: frozenset[str] = attrs.field(converter=_strings, repr=stable_repr)

    def evaluate(self, ctx: Context) -> Outcome:  # noqa: D102
        outcomes = []
        for result in ctx.score(self.score):
            if result.class_ is None:
                outcomes.append(Outcome(Tri.UNKNOWN, (), result.missing or (self.score,)))
                continue
            evidence = (Evidence(self.score, result.class_, result.laterality),)
            tri = Tri.of(result.class_ in self.classes)
            outcomes.append(Outcome(tri, evidence))
        if not outcomes:
            return Outcome.unknown(self.score)
        return combine_any(outcomes)

    def describe(self) -> str:  # noqa: D102
        return f"{self.score} is {' or '.join(sorted(self.classes))}"

    def reads(self) -> tuple[str, ...]:  # noqa: D102
        return (self.score,)


@attrs.frozen
class HasScore(Expr):
    """Score *score* has a value or a range (on either leg): the test has been done.

    Never unknown: it states what the record holds, not what is true of the patient.
    """

    score: str

    def evaluate(self, ctx: Context) -> Outcome:  # noqa: D102
        known = [r for r in ctx.score(self.score) if r.min is not None]
        if known:
            return Outcome(Tri.MET, tuple(e for r in known for e in r.evidence))
        return Outcome(Tri.NOT_MET, (Evidence(self.score, "not recorded"),))

    def describe(self) -> str:  # noqa: D102
        return f"{self.score} has been measured"

    def reads(self) -> tuple[str, ...]:  # noqa: D102
        return (self.score,)


@attrs.frozen
class Recorded(Expr):
    """Measurement *cid* has at least one reading (any side). Never unknown."""

    cid: str

    def evaluate(self, ctx: Context) -> Outcome:  # noqa: D102
        readings = ctx.readings(self.cid)
        if readings:
            return Outcome(Tri.MET, tuple(r.proof for r in readings))
        return Outcome(Tri.NOT_MET, (Evidence(self.cid, "not recorded"),))

    def describe(self) -> str:  # noqa: D102
        return f"{self.cid} has been measured"

    def reads(self) -> tuple[str, ...]:  # noqa: D102
        return (self.cid,)


@attrs.frozen
class ScoreVersusPolicy(Expr):
    """A score compared, over its whole range, with a threshold taken from the policy."""

    score: str
    op: str
    threshold: PolicyValue

    def evaluate(self, ctx: Context) -> Outcome:  # noqa: D102
        return ScoreIs(self.score, self.op, self.threshold.resolve(ctx)).evaluate(ctx)

    def describe(self) -> str:  # noqa: D102
        return f"{self.score} {self.op} policy {self.threshold.key}"

    def reads(self) -> tuple[str, ...]:  # noqa: D102
        return (self.score,)

    def policy(self) -> tuple[str, ...]:  # noqa: D102
        return (self.threshold.key,)


@attrs.frozen
class DifferentialLevelIs(Expr):
    """Some differential already evaluated sets one of the triage *levels*.

    Never unknown: a differential whose level is unsettled sets ``undetermined``, which
    is not one of the levels this node is asked about.
    """

    levels: frozenset[Disposition] = attrs.field(converter=_levels, repr=stable_repr)

    def evaluate(self, ctx: Context) -> Outcome:  # noqa: D102
        setting = [d for d in ctx.differentials.values() if d.level in self.levels]
        if setting:
            evidence = tuple(
                Evidence(d.id, f"{d.likelihood.value}, {d.level.value}") for d in setting
            )
            return Outcome(Tri.MET, evidence)
        return Outcome(Tri.NOT_MET)

    def describe(self) -> str:  # noqa: D102
        names = " or ".join(sorted(level.value for level in self.levels))
        return f"a differential sets the level {names}"


@attrs.frozen
class Proven(Expr):
    """*item* is shown by the data: met when *item* is met, otherwise not met.

    Never unknown.  Only for the proof of an *exclusion* (``Not(Proven(excluded))``),
    where an unknown must keep the concern alive: a DVT that has not been shown to be
    excluded is still suspected.  Never use it to let a concern's unknown count as absent.
    """

    item: Expr

    def evaluate(self, ctx: Context) -> Outcome:  # noqa: D102
        outcome = self.item.evaluate(ctx)
        if outcome.tri is Tri.MET:
            return outcome
        return Outcome(Tri.NOT_MET, outcome.evidence)

    def describe(self) -> str:  # noqa: D102
        return f"shown: {self.item.describe()}"

    def reads(self) -> tuple[str, ...]:  # noqa: D102
        return self.item.reads()

    def policy(self) -> tuple[str, ...]:  # noqa: D102
        return self.item.policy()
