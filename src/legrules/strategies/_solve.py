"""Construct facts that make a criterion expression met or not met.

The solver walks a rule's expression tree and *adds* statements for facts that are
still unknown, never changing a fact already known: so what it returns is a completion
of the presentation it was given.  Every step is checked with the real
:class:`~legrules.engine.facts.Context`, so laterality, derived onset facts and "latest
statement wins" behave exactly as in the engine; a branch whose result does not
evaluate as wanted is dropped and the next one tried (the generators backtrack).

A :class:`Chooser` decides the order of alternatives and the values picked: the
hypothesis strategies draw them, the completion search takes them in a fixed order.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

import attrs

from legrules.engine.base import (
    Criterion,
    DifferentialRule,
    RecommendationRule,
    RedFlagRule,
    ScoreRule,
)
from legrules.engine.facts import SIDES, Context, Outcome
from legrules.engine.logic import (
    AgeIs,
    All,
    Any,
    ByPolicy,
    DifferentialIs,
    Expr,
    Measured,
    Not,
    OneSidedWith,
    PolicyValue,
    Present,
    RedFlagIs,
    ScoreIs,
)
from legrules.engine.open_questions import differential_result
from legrules.engine.ruleset import RuleSet
from legrules.model import (
    Finding,
    Kind,
    Laterality,
    Likelihood,
    Measurement,
    Policy,
    Presence,
    Presentation,
    Status,
    Tri,
    concept,
)
from legrules.strategies._choices import Chooser, Region, in_unit, inside, region_for
from legrules.strategies._stated import BOTH_LEGS, stated_sides

__all__ = ["Solver", "rule_target", "transitive_reads"]

T = TypeVar("T")
_RESULT_PREFIXES = ("score.", "redflag.", "ddx.", "rec.")
_MAX_ITEMS = 12  # 2**12 item combinations at most when completing a score or differential


def _current(presentation: Presentation, as_of: datetime) -> Presentation:
    """The presentation as the engine sees it at *as_of* (later facts dropped).

    *presentation* itself when it states nothing later (most do): rebuilding an equal
    presentation was a fifth of the solver's time.
    """

    def keep(fact: Finding | Measurement) -> bool:
        return fact.effective is None or fact.effective <= as_of

    findings = tuple(f for f in presentation.findings if keep(f))
    measurements = tuple(m for m in presentation.measurements if keep(m))
    if len(findings) == len(presentation.findings) and len(measurements) == len(
        presentation.measurements
    ):
        return presentation
    return attrs.evolve(presentation, findings=findings, measurements=measurements)


def _needs_results(expr: Expr) -> bool:
    return any(r.startswith(_RESULT_PREFIXES) for r in expr.reads())


class Solver:
    """Completes presentations so that expressions evaluate as wanted."""

    def __init__(
        self, chooser: Chooser, *, as_of: datetime, policy: Policy, ruleset: RuleSet
    ) -> None:
        self.chooser = chooser
        self.as_of = as_of
        self.policy = policy
        self.ruleset = ruleset
        self._reads: dict[Expr, frozenset[str]] = {}
        # Whether an expression reads other rules' results, by identity (the expression
        # is kept with its answer, so an id is not reused while its entry lives).
        self._needs: dict[int, tuple[Expr, bool]] = {}
        # The context :meth:`evaluate` built last: a solved item's candidate is evaluated
        # for it and then, unchanged, for the next item of the chain.
        self._last: tuple[Presentation, bool, Context] | None = None

    # -- evaluation -------------------------------------------------------------------

    def context(self, presentation: Presentation, *, results: bool = True) -> Context:
        """A context over *presentation* with scores, red flags and differentials."""
        ctx = Context(_current(presentation, self.as_of), self.as_of, self.policy)
        if not results:
            return ctx
        for rule in self.ruleset.rules:
            if isinstance(rule, ScoreRule):
                ctx.scores[rule.id] = rule.evaluate(ctx)[0]
            elif isinstance(rule, RedFlagRule):
                ctx.red_flags[rule.id] = rule.evaluate(ctx)[0]
            elif isinstance(rule, DifferentialRule):
                decision = rule.evaluate(ctx)[0]
                ctx.differentials[rule.id] = differential_result(self.ruleset, rule, decision)
        return ctx

    def evaluate(self, expr: Expr, presentation: Presentation) -> Outcome:
        """*expr* evaluated on *presentation*, exactly as the engine would.

        The context is built once for consecutive evaluations on the same presentation:
        it is only read here (what it caches, answers about the same facts, is the same).
        """
        known = self._needs.get(id(expr))
        if known is None or known[0] is not expr:
            known = self._needs[id(expr)] = (expr, _needs_results(expr))
        results = known[1]
        last = self._last
        if last is not None and last[0] is presentation and last[1] is results:
            return expr.evaluate(last[2])
        ctx = self.context(presentation, results=results)
        self._last = (presentation, results, ctx)
        return expr.evaluate(ctx)

    # -- solving ----------------------------------------------------------------------

    def solve(self, expr: Expr, want: Tri, p: Presentation) -> Iterator[Presentation]:
        """Completions of *p* on which *expr* evaluates to *want* (MET or NOT_MET)."""
        outcome = self.evaluate(expr, p)
        if outcome.tri is want:
            yield p
            return
        if outcome.tri is not Tri.UNKNOWN and not self._open(expr, p):
            return
        for candidate in self._construct(expr, want, p):
            if self.evaluate(expr, candidate).tri is want:
                yield candidate

    def _open(self, expr: Expr, p: Presentation) -> bool:
        """Whether some fact *expr* depends on is not yet stated in *p*."""
        reads = self._reads.get(expr)
        if reads is None:
            reads = self._reads[expr] = transitive_reads(self.ruleset, expr)
        return any(stated_sides(p, cid, self.as_of) != BOTH_LEGS for cid in reads)

    def _construct(self, expr: Expr, want: Tri, p: Presentation) -> Iterator[Presentation]:
        if isinstance(expr, Not):
            return self.solve(expr.item, ~want, p)
        if isinstance(expr, All | Any):
            every = isinstance(expr, All) == (want is Tri.MET)
            items = list(expr.items)
            return (
                self._chain(items, [want] * len(items), p) if every else self._one(items, want, p)
            )
        if isinstance(expr, ByPolicy):
            return self.solve(_chosen(expr, self.policy), want, p)
        if isinstance(expr, Present):
            return self._finding(expr, want, p)
        if isinstance(expr, Measured):
            return self._measured(expr, want, p)
        if isinstance(expr, AgeIs):
            return self._age(expr, want, p)
        if isinstance(expr, OneSidedWith):
            return self._one_sided(expr, want, p)
        if isinstance(expr, ScoreIs):
            return self._score(expr, want, p)
        if isinstance(expr, RedFlagIs):
            return self._red_flag(expr, want, p)
        if isinstance(expr, DifferentialIs):
            return self._differential(expr, want, p)
        return iter(())

    def _chain(
        self, items: list[Expr], wants: list[Tri], p: Presentation
    ) -> Iterator[Presentation]:
        if not items:
            yield p
            return
        for partial in self.solve(items[0], wants[0], p):
            yield from self._chain(items[1:], wants[1:], partial)

    def _one(self, items: list[Expr], want: Tri, p: Presentation) -> Iterator[Presentation]:
        for item in self.chooser.order(items):
            yield from self.solve(item, want, p)

    # -- leaves -----------------------------------------------------------------------

    def _open_sides(
        self, expr: Present | Measured, want: Tri, p: Presentation
    ) -> list[Laterality | None]:
        """The sides a new statement may name without touching a known side."""
        if not concept(expr.cid).lateral:
            return [None]
        if expr.side is not None:
            return [expr.side]
        stated = stated_sides(p, expr.cid, self.as_of)
        unknown = [s for s in SIDES if s not in stated]
        if len(unknown) == len(SIDES):
            both: list[Laterality | None] = [None, Laterality.BOTH]
            return self.chooser.order([*SIDES, *both]) if want is Tri.MET else both
        return list(unknown)

    def _finding(self, expr: Present, want: Tri, p: Presentation) -> Iterator[Presentation]:
        if concept(expr.cid).kind is not Kind.BOOLEAN:
            return
        state = Presence.PRESENT if want is Tri.MET else Presence.ABSENT
        for side in self._open_sides(expr, want, p):
            yield attrs.evolve(p, findings=(*p.findings, Finding(expr.cid, state, side)))

    def _measured(self, expr: Measured, want: Tri, p: Presentation) -> Iterator[Presentation]:
        threshold = expr.threshold
        if isinstance(threshold, PolicyValue):
            threshold = float(getattr(self.policy, threshold.key))
        for side in self._open_sides(expr, want, p):
            for added in self.measurements(expr.cid, expr.op, threshold, want, side):
                yield attrs.evolve(p, measurements=(*p.measurements, added))

    def measurements(
        self, cid: str, op: str, threshold: float, want: Tri, side: Laterality | None
    ) -> Iterator[Measurement]:
        """Measurements of *cid* whose canonical value makes ``<op> threshold`` *want*.

        The first is in a chosen unit; the second, in case unit conversion moved a value
        at the very edge of the region, in the canonical unit.
        """
        spec = concept(cid)
        assert spec.low is not None
        assert spec.high is not None
        assert spec.unit is not None
        region = region_for(op, threshold, want, spec.low, spec.high)
        if region.empty:
            return
        value = self.chooser.number(region)
        unit = self.chooser.order(spec.accepted_units())[0]
        if unit != spec.unit:
            yield Measurement(cid, in_unit(cid, value, unit), unit, side)
        yield Measurement(cid, value, spec.unit, side)

    def _age(self, expr: AgeIs, want: Tri, p: Presentation) -> Iterator[Presentation]:
        region = region_for(expr.op, expr.years, want, 0, 130)
        ages = [a for a in range(131) if inside(float(a), region)]
        if ages:
            age = int(self.chooser.number(Region(ages[0], ages[-1])))
            yield attrs.evolve(p, patient=attrs.evolve(p.patient, age=age))

    def _one_sided(self, expr: OneSidedWith, want: Tri, p: Presentation) -> Iterator[Presentation]:
        if want is Tri.NOT_MET:
            options: list[Expr] = [Not(Present(expr.primary))]
            options.append(Not(Any(*(Present(c) for c in expr.companions))))
            yield from self._one(options, want.MET, p)
            return
        for side in self.chooser.order(list(SIDES)):
            other = SIDES[1] if side is SIDES[0] else SIDES[0]
            companions = Any(*(Present(c, side) for c in expr.companions))
            here = [Present(expr.primary, side), Not(Present(expr.primary, other)), companions]
            yield from self._chain(here, [Tri.MET] * 3, p)

    # -- results of other rules -----------------------------------------------------------

    def _score(self, expr: ScoreIs, want: Tri, p: Presentation) -> Iterator[Presentation]:
        rule = self.ruleset.rule(expr.score)
        if not isinstance(rule, ScoreRule):
            return
        if rule.criteria:
            yield from self._score_items(rule, expr, want, p)
        name = expr.score.removeprefix("score.")
        spec = concept(name) if name in rule.reads() else None
        if spec is not None and spec.kind is Kind.QUANTITY:
            side_options = [None, *SIDES] if want is Tri.NOT_MET else [*SIDES, None]
            for side in self.chooser.order(side_options) if spec.lateral else [None]:
                for added in self.measurements(name, expr.op, expr.threshold, want, side):
                    yield attrs.evolve(p, measurements=(*p.measurements, added))

    def _score_items(
        self, rule: ScoreRule, expr: ScoreIs, want: Tri, p: Presentation
    ) -> Iterator[Presentation]:
        ctx = self.context(p)
        outcomes = {c.id: c.expr.evaluate(ctx) for c in rule.criteria}

        def decides(assumed: Mapping[str, Outcome]) -> bool:
            ctx.scores[rule.id] = rule.compute(rule, ctx, assumed)[0]
            return expr.evaluate(ctx).tri is want

        yield from self._items(rule.criteria, outcomes, decides, p)

    def _items(
        self,
        criteria: Sequence[Criterion],
        outcomes: Mapping[str, Outcome],
        decides: _Decides,
        p: Presentation,
    ) -> Iterator[Presentation]:
        """Complete the unknown criteria of a rule in every combination that *decides*."""
        unknown = [c for c in criteria if outcomes[c.id].tri is Tri.UNKNOWN][:_MAX_ITEMS]
        combos = []
        for combo in itertools.product((Tri.MET, Tri.NOT_MET), repeat=len(unknown)):
            assumed = dict(outcomes)
            assumed.update({c.id: Outcome(t) for c, t in zip(unknown, combo, strict=True)})
            if decides(assumed):
                combos.append(combo)
        for combo in self.chooser.order(combos):
            yield from self._chain([c.expr for c in unknown], list(combo), p)

    def _red_flag(self, expr: RedFlagIs, want: Tri, p: Presentation) -> Iterator[Presentation]:
        rule = self.ruleset.rule(expr.red_flag)
        if not isinstance(rule, RedFlagRule):
            return
        wanted = expr.statuses if want is Tri.MET else set(Status) - expr.statuses
        joined = (All if rule.combine == "all" else Any)(*(c.expr for c in rule.criteria))
        for status in self.chooser.order(sorted(wanted - {Status.INDETERMINATE}, key=str)):
            yield from self.solve(joined, Tri.MET if status is Status.MET else Tri.NOT_MET, p)

    def _differential(
        self, expr: DifferentialIs, want: Tri, p: Presentation
    ) -> Iterator[Presentation]:
        rule = self.ruleset.rule(expr.differential)
        if not isinstance(rule, DifferentialRule):
            return
        ctx = self.context(p)
        outcomes = {c.id: c.expr.evaluate(ctx) for c in rule.criteria}

        def decides(assumed: Mapping[str, Outcome]) -> bool:
            reached = rule.decide(ctx, assumed).likelihood in expr.likelihoods
            return reached == (want is Tri.MET)

        yield from self._items(rule.criteria, outcomes, decides, p)


class _Decides(Protocol):
    def __call__(self, assumed: Mapping[str, Outcome]) -> bool: ...


def _chosen(expr: ByPolicy, policy: Policy) -> Expr:
    value = getattr(policy, expr.key)
    name = getattr(value, "value", value)
    for choice, item in expr.choices:
        if choice == name:
            return item
    raise ValueError(f"no expression for {expr.key}={name}")


# attrs' ``converter=frozenset`` hides the element type from mypy, hence the ignores.
_MET = frozenset({Status.MET})
_LIKELY = frozenset({Likelihood.LIKELY, Likelihood.CONFIRMED})


def rule_target(ruleset: RuleSet, rule_id: str) -> Expr:
    """The expression that is met when rule *rule_id* is "met".

    A red flag is met; a differential is likely or confirmed; a recommendation is
    triggered.  Scores have no "met" and are refused.
    """
    rule = ruleset.rule(rule_id)
    if isinstance(rule, RedFlagRule):
        return RedFlagIs(rule.id, _MET)
    if isinstance(rule, DifferentialRule):
        return DifferentialIs(rule.id, _LIKELY)
    if isinstance(rule, RecommendationRule):
        return rule.trigger
    raise ValueError(f"{rule_id} is a score; name a red flag, differential or recommendation")


def transitive_reads(ruleset: RuleSet, expr: Expr) -> frozenset[str]:
    """Every vocabulary concept *expr* depends on, through the rules it reads."""
    seen: set[str] = set()
    stack = list(expr.reads())
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        if name.startswith(_RESULT_PREFIXES):
            stack.extend(ruleset.rule(name).reads())
    return frozenset(n for n in seen if not n.startswith(_RESULT_PREFIXES))
