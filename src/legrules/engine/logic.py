"""A small expression language for criteria, evaluated in three-valued logic.

Rules are data: a criterion is an expression tree built from the nodes below.  Because
the tree is data, legrules can evaluate it (with evidence and missing inputs), print it
for the rule catalogue, list the findings and policy values it reads, and fingerprint
it to catch logic changes that were not given a new version.

>>> from legrules.engine.logic import All, Any, Present, Measured
>>> expr = All(Present("leg-pain"), Any(Present("fever"), Measured("temperature", ">=", 38.0)))
>>> expr.describe()
'Pain in the leg and (Fever or Body temperature >= 38 Cel)'
"""

from __future__ import annotations

import abc
from collections.abc import Iterable

import attrs

from legrules.engine.code import stable_repr
from legrules.engine.facts import SIDES, Context, Outcome, combine_all, combine_any, test
from legrules.model import Evidence, Laterality, Likelihood, Status, Tri, concept

__all__ = [
    "AgeIs",
    "All",
    "Any",
    "ByPolicy",
    "DifferentialIs",
    "Expr",
    "Measured",
    "Not",
    "OneSidedWith",
    "PolicyValue",
    "Present",
    "RedFlagIs",
    "Same",
    "ScoreIs",
]


class Expr(abc.ABC):
    """A criterion expression."""

    @abc.abstractmethod
    def evaluate(self, ctx: Context) -> Outcome:
        """Evaluate against *ctx*: a three-valued outcome with evidence and missing inputs."""

    @abc.abstractmethod
    def describe(self) -> str:
        """A plain-language rendering for traces and the rule catalogue."""

    def reads(self) -> tuple[str, ...]:
        """The finding ids (and score or rule ids) this expression reads."""
        return ()

    def policy(self) -> tuple[str, ...]:
        """The policy settings this expression reads."""
        return ()


def _children_reads(items: tuple[Expr, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(r for item in items for r in item.reads()))


def _children_policy(items: tuple[Expr, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for item in items for p in item.policy()))


# Named converters (not the bare ``frozenset``) so that mypy can type-check callers.
def _likelihoods(items: Iterable[Likelihood]) -> frozenset[Likelihood]:
    return frozenset(items)


def _statuses(items: Iterable[Status]) -> frozenset[Status]:
    return frozenset(items)


def _side(side: Laterality | None) -> str:
    return "" if side is None else f" ({side.value} leg)"


@attrs.frozen
class Present(Expr):
    """Finding *cid* is present (on *side*, or on either leg)."""

    cid: str
    side: Laterality | None = None

    def __attrs_post_init__(self) -> None:
        concept(self.cid)  # fail at import time on a misspelt id

    def evaluate(self, ctx: Context) -> Outcome:  # noqa: D102
        return ctx.finding(self.cid, self.side)

    def describe(self) -> str:  # noqa: D102
        return concept(self.cid).display + _side(self.side)

    def reads(self) -> tuple[str, ...]:  # noqa: D102
        return (self.cid,)


@attrs.frozen
class Not(Expr):
    """The negation of *item* (unknown stays unknown)."""

    item: Expr

    def evaluate(self, ctx: Context) -> Outcome:  # noqa: D102
        outcome = self.item.evaluate(ctx)
        return outcome._replace(tri=~outcome.tri)

    def describe(self) -> str:  # noqa: D102
        return f"no {self.item.describe()}"

    def reads(self) -> tuple[str, ...]:  # noqa: D102
        return self.item.reads()

    def policy(self) -> tuple[str, ...]:  # noqa: D102
        return self.item.policy()


class _Group(Expr):
    items: tuple[Expr, ...]
    joiner = ""

    def __init__(self, *items: Expr) -> None:
        if not items:
            raise ValueError(f"{type(self).__name__} needs at least one item")
        self.items = items

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Group) and type(other) is type(self) and other.items == self.items

    def __hash__(self) -> int:
        # Hashing a node hashes its whole tree, and compiling a rule set hashes every
        # node many times over (once per rule and per analysis reading it): the tree is
        # immutable, so its hash is computed once and kept.
        found: int | None = self.__dict__.get("_hash")
        if found is None:
            found = self.__dict__["_hash"] = hash((type(self).__name__, self.items))
        return found

    def __getstate__(self) -> dict[str, object]:
        # Without the kept hash: a string's hash differs from one process to the next.
        return {"items": self.items}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(map(repr, self.items))})"

    def describe(self) -> str:
        parts = [
            f"({item.describe()})"
            if isinstance(item, _Group) and len(item.items) > 1
            else item.describe()
            for item in self.items
        ]
        return f" {self.joiner} ".join(parts)

    def reads(self) -> tuple[str, ...]:
        return _children_reads(self.items)

    def policy(self) -> tuple[str, ...]:
        return _children_policy(self.items)


class Same(_Group):
    """One fact stated in several ways (a yes/no finding and a measurement, say).

    Met when any statement is met; not met when a statement is known and none is met;
    unknown only when no statement is known.
    """

    joiner = "/"

    def evaluate(self, ctx: Context) -> Outcome:  # noqa: D102
        outcomes = [item.evaluate(ctx) for item in self.items]
        if any(o.tri is not Tri.UNKNOWN for o in outcomes):
            known = [o for o in outcomes if o.tri is not Tri.UNKNOWN]
            return combine_any(known)
        return combine_any(outcomes)


class All(_Group):
    """Every item is met (Kleene conjunction)."""

    joiner = "and"

    def evaluate(self, ctx: Context) -> Outcome:  # noqa: D102
        return combine_all([item.evaluate(ctx) for item in self.items])


class Any(_Group):
    """At least one item is met (Kleene disjunction)."""

    joiner = "or"

    def evaluate(self, ctx: Context) -> Outcome:  # noqa: D102
        return combine_any([item.evaluate(ctx) for item in self.items])


@attrs.frozen
class PolicyValue:
    """A threshold taken from a policy setting rather than fixed in the rule."""

    key: str

    def resolve(self, ctx: Context) -> float:
        """The setting's value in *ctx*'s policy."""
        value: float = getattr(ctx.policy, self.key)
        return value


@attrs.frozen
class Measured(Expr):
    """Measurement *cid* compared with a threshold (fixed, or a policy value)."""

    cid: str
    op: str
    threshold: float | PolicyValue
    side: Laterality | None = None

    def __attrs_post_init__(self) -> None:
        if concept(self.cid).unit is None:
            raise ValueError(f"{self.cid} is not a measurement")
        if not isinstance(self.threshold, PolicyValue):
            test(self.op, self.threshold)

    def evaluate(self, ctx: Context) -> Outcome:  # noqa: D102
        threshold = (
            self.threshold.resolve(ctx)
            if isinstance(self.threshold, PolicyValue)
            else self.threshold
        )
        return ctx.compare(self.cid, test(self.op, threshold), self.side)

    def describe(self) -> str:  # noqa: D102
        spec = concept(self.cid)
        if isinstance(self.threshold, PolicyValue):
            limit = f"policy {self.threshold.key}"
        else:
            limit = f"{self.threshold:g}"
        unit = "" if spec.unit in ("1", "{score}") else f" {spec.unit}"
        return f"{spec.display} {self.op} {limit}{unit}{_side(self.side)}"

    def reads(self) -> tuple[str, ...]:  # noqa: D102
        return (self.cid,)

    def policy(self) -> tuple[str, ...]:  # noqa: D102
        return (self.threshold.key,) if isinstance(self.threshold, PolicyValue) else ()


@attrs.frozen
class ScoreIs(Expr):
    """A score compared with a threshold, using its whole possible range.

    Met when every value in ``[min, max]`` passes, not met when none does, unknown
    otherwise (with the score's missing inputs).  For per-leg scores, either leg counts.
    """

    score: str
    op: str
    threshold: float

    def evaluate(self, ctx: Context) -> Outcome:  # noqa: D102
        check = test(self.op, self.threshold)
        outcomes = []
        for result in ctx.score(self.score):
            low, high = result.min, result.max
            shown = result.shown
            evidence = (Evidence(self.score, shown, result.laterality),)
            if low is None or high is None:
                outcomes.append(Outcome(Tri.UNKNOWN, (), result.missing or (self.score,)))
            elif check(low) and check(high):
                outcomes.append(Outcome(Tri.MET, evidence))
            elif not check(low) and not check(high):
                outcomes.append(Outcome(Tri.NOT_MET, evidence))
            else:
                outcomes.append(Outcome(Tri.UNKNOWN, evidence, result.missing))
        if not outcomes:
            return Outcome.unknown(self.score)
        return combine_any(outcomes)

    def describe(self) -> str:  # noqa: D102
        return f"{self.score} {self.op} {self.threshold:g}"

    def reads(self) -> tuple[str, ...]:  # noqa: D102
        return (self.score,)


@attrs.frozen
class AgeIs(Expr):
    """The patient's age compared with a number of years."""

    op: str
    years: float

    def evaluate(self, ctx: Context) -> Outcome:  # noqa: D102
        if ctx.age is None:
            return Outcome.unknown("age")
        return Outcome(Tri.of(test(self.op, self.years)(ctx.age)), (ctx.age_evidence(),))

    def describe(self) -> str:  # noqa: D102
        return f"age {self.op} {self.years:g} years"

    def reads(self) -> tuple[str, ...]:  # noqa: D102
        return ("age",)


@attrs.frozen
class DifferentialIs(Expr):
    """A differential reached one of *likelihoods*.

    An indeterminate differential is unknown here unless *likelihoods* names
    ``INDETERMINATE`` itself.
    """

    differential: str
    # A set's repr follows the hash seed; the logic fingerprint needs the same text in
    # every process.
    likelihoods: frozenset[Likelihood] = attrs.field(converter=_likelihoods, repr=stable_repr)

    def evaluate(self, ctx: Context) -> Outcome:  # noqa: D102
        result = ctx.differential(self.differential)
        evidence = (Evidence(self.differential, result.likelihood.value),)
        if result.likelihood in self.likelihoods:
            return Outcome(Tri.MET, evidence)
        if result.likelihood is Likelihood.INDETERMINATE:
            return Outcome(Tri.UNKNOWN, (), result.missing or (self.differential,))
        return Outcome(Tri.NOT_MET, evidence)

    def describe(self) -> str:  # noqa: D102
        names = " or ".join(sorted(v.value for v in self.likelihoods))
        return f"{self.differential} {names}"

    def reads(self) -> tuple[str, ...]:  # noqa: D102
        return (self.differential,)


@attrs.frozen
class RedFlagIs(Expr):
    """A red flag has one of *statuses* (an indeterminate flag is unknown otherwise)."""

    red_flag: str
    statuses: frozenset[Status] = attrs.field(converter=_statuses, repr=stable_repr)

    def evaluate(self, ctx: Context) -> Outcome:  # noqa: D102
        result = ctx.red_flags.get(self.red_flag)
        if result is None:
            return Outcome.unknown(self.red_flag)
        evidence = (Evidence(self.red_flag, result.status.value),)
        if result.status in self.statuses:
            return Outcome(Tri.MET, evidence)
        if result.status is Status.INDETERMINATE:
            return Outcome(Tri.UNKNOWN, (), result.missing)
        return Outcome(Tri.NOT_MET, evidence)

    def describe(self) -> str:  # noqa: D102
        names = " or ".join(sorted(v.value for v in self.statuses))
        return f"{self.red_flag} {names}"

    def reads(self) -> tuple[str, ...]:  # noqa: D102
        return (self.red_flag,)


def _on_side(outcome: Outcome, sides: tuple[Laterality, ...]) -> bool:
    return any(e.laterality in sides for e in outcome.evidence)


@attrs.frozen
class OneSidedWith(Expr):
    """*primary* is present on one leg only, with one of *companions* on that same leg.

    A finding recorded on one named side (left or right) is taken as one-sided unless
    it is also recorded present on the other side or on both; a companion recorded
    without a side counts for either leg.
    """

    primary: str
    companions: tuple[str, ...]

    def evaluate(self, ctx: Context) -> Outcome:  # noqa: D102
        per_side = [self._on(ctx, side) for side in SIDES]
        return combine_any(per_side)

    def _on(self, ctx: Context, side: Laterality) -> Outcome:
        other = Laterality.RIGHT if side is Laterality.LEFT else Laterality.LEFT
        unsided = Outcome.unknown(self.primary)  # present, but on which leg is not known
        here = ctx.finding(self.primary, side)
        if here.tri is Tri.MET and not _on_side(here, (side,)):
            here = unsided
        there = ctx.finding(self.primary, other)
        if there.tri is not Tri.MET:
            only_here = Outcome(Tri.MET)
        elif _on_side(there, (other, Laterality.BOTH)):
            only_here = Outcome(Tri.NOT_MET, there.evidence)
        else:
            only_here = unsided
        companions = combine_any([ctx.finding(c, side) for c in self.companions])
        return combine_all([here, only_here, companions])

    def describe(self) -> str:  # noqa: D102
        names = ", ".join(concept(c).display.lower() for c in self.companions)
        return f"{concept(self.primary).display} in one leg with {names} in that leg"

    def reads(self) -> tuple[str, ...]:  # noqa: D102
        return (self.primary, *self.companions)


@attrs.frozen
class ByPolicy(Expr):
    """Choose the expression by a policy setting (for variants such as Wells 1997 vs NICE)."""

    key: str
    choices: tuple[tuple[str, Expr], ...]

    def _chosen(self, ctx: Context) -> Expr:
        value = getattr(ctx.policy, self.key)
        name = getattr(value, "value", value)
        for choice, expr in self.choices:
            if choice == name:
                return expr
        raise ValueError(f"no expression for {self.key}={name}")  # pragma: no cover

    def evaluate(self, ctx: Context) -> Outcome:  # noqa: D102
        return self._chosen(ctx).evaluate(ctx)

    def describe(self) -> str:  # noqa: D102
        return "; ".join(f"[{self.key} {c}] {e.describe()}" for c, e in self.choices)

    def reads(self) -> tuple[str, ...]:  # noqa: D102
        return _children_reads(tuple(e for _, e in self.choices))

    def policy(self) -> tuple[str, ...]:  # noqa: D102
        return (self.key, *_children_policy(tuple(e for _, e in self.choices)))
