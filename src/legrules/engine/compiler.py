"""Compile criterion expressions into closures, once per rule set and policy.

The interpreter (:meth:`Expr.evaluate`) walks the expression tree on every call,
re-reading policy settings, re-choosing policy variants and building an
:class:`~legrules.engine.facts.Outcome` for every node.  A compiled expression is a
closure ``ctx -> Outcome`` in which everything that does not depend on the presentation
is settled in advance:

* policy thresholds and :class:`~legrules.engine.logic.ByPolicy` variants are resolved;
* a finding or measurement the presentation does not speak to at all answers with one
  prebuilt *unknown* outcome, without reading the presentation;
* Kleene conjunction and disjunction run over the children's closures directly.

Every compiled node gives exactly the outcome its interpreter method gives (the tests
compare whole assessment documents byte for byte).  A node type without a compiler here
keeps working: it is evaluated by its own ``evaluate`` method.
"""

from __future__ import annotations

import operator
import typing
from collections import Counter
from collections.abc import Callable, Sequence

from legrules.engine.compiled_results import (
    differential_is,
    differential_level_is,
    red_flag_is,
    score_is,
)
from legrules.engine.facts import Context, Outcome, test
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
    Same,
    ScoreIs,
)
from legrules.engine.predicates import (
    DifferentialLevelIs,
    HasScore,
    Proven,
    Recorded,
    ScoreClassIs,
    ScoreVersusPolicy,
)
from legrules.model import Evidence, Policy, Tri

__all__ = [
    "Compiled",
    "ExprCompiler",
    "Last",
    "chosen",
    "combine_all",
    "combine_any",
    "compile_expr",
]

#: A compiled expression: a context in, the same outcome the interpreter gives out.
Compiled = Callable[[Context], Outcome]

_MET, _NOT_MET, _UNKNOWN = Tri.MET, Tri.NOT_MET, Tri.UNKNOWN


def _facts(outcomes: Sequence[Outcome]) -> tuple[Evidence, ...]:
    evidence = [e for o in outcomes for e in o.evidence]
    return tuple(evidence) if len(evidence) < 2 else tuple(dict.fromkeys(evidence))


def _missing(outcomes: Sequence[Outcome]) -> tuple[str, ...]:
    names = [m for o in outcomes if o.tri is _UNKNOWN for m in o.missing]
    return tuple(names) if len(names) < 2 else tuple(dict.fromkeys(names))


def combine_all(outcomes: Sequence[Outcome]) -> Outcome:
    """Kleene conjunction, as :func:`legrules.engine.facts.combine_all` computes it."""
    unknown = False
    for outcome in outcomes:
        if outcome.tri is _NOT_MET:
            return Outcome(_NOT_MET, _facts([o for o in outcomes if o.tri is _NOT_MET]))
        if outcome.tri is _UNKNOWN:
            unknown = True
    if not unknown:
        return Outcome(_MET, _facts(outcomes))
    return Outcome(_UNKNOWN, _facts([o for o in outcomes if o.tri is _MET]), _missing(outcomes))


def combine_any(outcomes: Sequence[Outcome]) -> Outcome:
    """Kleene disjunction, as :func:`legrules.engine.facts.combine_any` computes it."""
    unknown = False
    for outcome in outcomes:
        if outcome.tri is _MET:
            return Outcome(_MET, _facts([o for o in outcomes if o.tri is _MET]))
        if outcome.tri is _UNKNOWN:
            unknown = True
    if not unknown:
        return Outcome(_NOT_MET, _facts(outcomes))
    return Outcome(_UNKNOWN, _facts([o for o in outcomes if o.tri is _NOT_MET]), _missing(outcomes))


def _present(expr: Present, compiler: ExprCompiler) -> Compiled:
    cid, side = expr.cid, expr.side
    unknown = Outcome.unknown(cid)

    key = (cid, side)

    def present(ctx: Context) -> Outcome:
        if cid not in ctx.stated:
            return unknown
        found = ctx.answers.get(key)
        return ctx.finding(cid, side) if found is None else found

    return present


def _threshold(value: float | PolicyValue, policy: Policy) -> float:
    if isinstance(value, PolicyValue):
        resolved: float = getattr(policy, value.key)
        return resolved
    return value


def _measured(expr: Measured, compiler: ExprCompiler) -> Compiled:
    cid, side = expr.cid, expr.side
    check = test(expr.op, _threshold(expr.threshold, compiler.policy))
    unknown = Outcome.unknown(cid)

    def measured(ctx: Context) -> Outcome:
        if cid not in ctx.stated:
            return unknown
        return ctx.compare(cid, check, side)

    return measured


def _not(expr: Not, compiler: ExprCompiler) -> Compiled:
    item = compiler.compile(expr.item)

    def negated(ctx: Context) -> Outcome:
        outcome = item(ctx)
        tri = outcome.tri
        if tri is _UNKNOWN:
            return outcome  # the negation of unknown is unknown: the same outcome
        return Outcome(_NOT_MET if tri is _MET else _MET, outcome.evidence, outcome.missing)

    return negated


R = typing.TypeVar("R")


class Last(typing.Generic[R]):
    """The last combination a node made: its children's outcomes and the result.

    Outcomes are immutable, so when a node's children answer with the very same
    objects as last time (an unstated finding's prebuilt unknown, a prebuilt result of
    an earlier rule), the combination is the same too, whichever assessment asks.  The
    entry holds the children, so their ids cannot be reused while it lives.
    """

    __slots__ = ("entry",)

    def __init__(self) -> None:
        self.entry: tuple[list[Outcome], R] | None = None

    def combine(self, outcomes: list[Outcome], how: Callable[[list[Outcome]], R]) -> R:
        """``how(outcomes)``, or the last result when *outcomes* are the last ones."""
        entry = self.entry  # one read: another thread may replace it meanwhile
        if entry is not None and all(map(operator.is_, entry[0], outcomes)):
            return entry[1]
        result = how(outcomes)
        self.entry = (outcomes, result)
        return result


def _all(expr: All, compiler: ExprCompiler) -> Compiled:
    items = tuple(compiler.compile(item) for item in expr.items)
    last: Last[Outcome] = Last()
    return lambda ctx: last.combine([item(ctx) for item in items], combine_all)


def _any(expr: Any, compiler: ExprCompiler) -> Compiled:
    items = tuple(compiler.compile(item) for item in expr.items)
    last: Last[Outcome] = Last()
    return lambda ctx: last.combine([item(ctx) for item in items], combine_any)


def _same_of(outcomes: list[Outcome]) -> Outcome:
    known = [o for o in outcomes if o.tri is not _UNKNOWN]
    return combine_any(known if known else outcomes)


def _same(expr: Same, compiler: ExprCompiler) -> Compiled:
    items = tuple(compiler.compile(item) for item in expr.items)
    last: Last[Outcome] = Last()
    return lambda ctx: last.combine([item(ctx) for item in items], _same_of)


def _proven(expr: Proven, compiler: ExprCompiler) -> Compiled:
    item = compiler.compile(expr.item)

    def proven(ctx: Context) -> Outcome:
        outcome = item(ctx)
        if outcome.tri is _MET:
            return outcome
        return Outcome(_NOT_MET, outcome.evidence)

    return proven


def chosen(expr: ByPolicy, policy: Policy) -> Expr | None:
    """The expression *expr* chooses under *policy* (``None`` when no choice matches)."""
    value = getattr(policy, expr.key)
    name = getattr(value, "value", value)
    for choice, item in expr.choices:
        if choice == name:
            return item
    return None


def _by_policy(expr: ByPolicy, compiler: ExprCompiler) -> Compiled:
    picked = chosen(expr, compiler.policy)
    # Without a matching choice the interpreter raises the error it always did.
    return expr.evaluate if picked is None else compiler.compile(picked)


def _score_versus_policy(expr: ScoreVersusPolicy, compiler: ExprCompiler) -> Compiled:
    fixed = ScoreIs(expr.score, expr.op, _threshold(expr.threshold, compiler.policy))
    return score_is(fixed, compiler)


_COMPILERS: dict[type[Expr], Callable[[typing.Any, ExprCompiler], Compiled]] = {
    All: _all,
    Any: _any,
    ByPolicy: _by_policy,
    DifferentialIs: differential_is,
    DifferentialLevelIs: differential_level_is,
    RedFlagIs: red_flag_is,
    ScoreIs: score_is,
    Measured: _measured,
    Not: _not,
    Present: _present,
    Proven: _proven,
    Same: _same,
    ScoreVersusPolicy: _score_versus_policy,
}

#: Nodes whose answer depends only on the presentation, the policy and results that
#: never change once set (a score or differential is read only after it is computed):
#: their answer can be kept for the rest of the assessment.  ``RedFlagIs`` and
#: ``DifferentialLevelIs`` are not here: their answer depends on how far evaluation is.
_STABLE_LEAVES: frozenset[type[Expr]] = frozenset(
    {
        AgeIs,
        DifferentialIs,
        HasScore,
        Measured,
        OneSidedWith,
        Present,
        Recorded,
        ScoreClassIs,
        ScoreIs,
        ScoreVersusPolicy,
    }
)


def _key(expr: Expr) -> Expr | None:
    """*expr* itself as a dictionary key, or ``None`` for an unhashable node type."""
    try:
        hash(expr)
    except TypeError:
        return None
    return expr


class ExprCompiler:
    """Compiles the expressions of one rule set for one policy.

    A node that occurs more than once in the rule set (the same signs feed several
    rules) is compiled once and, when its answer is stable, evaluated once per
    assessment: later uses read its answer from the context's memo.
    """

    def __init__(self, policy: Policy, expressions: typing.Iterable[Expr]) -> None:
        self.policy = policy
        self._uses: Counter[Expr] = Counter()
        self._done: dict[Expr, Compiled] = {}
        self._stable: dict[Expr, bool] = {}
        self._slots = 0
        for expr in expressions:
            self._count(expr)

    def _children(self, expr: Expr) -> tuple[Expr, ...]:
        if isinstance(expr, Not | Proven):
            return (expr.item,)
        if isinstance(expr, All | Any | Same):
            return expr.items
        if isinstance(expr, ByPolicy):
            picked = chosen(expr, self.policy)
            return () if picked is None else (picked,)
        return ()

    def _count(self, expr: Expr) -> None:
        key = _key(expr)
        if key is not None:
            self._uses[key] += 1
            if self._uses[key] > 1:
                return
        for child in self._children(expr):
            self._count(child)

    def stable(self, expr: Expr) -> bool:
        """Whether *expr*'s answer cannot change during one assessment."""
        if type(expr) in _STABLE_LEAVES:
            return True
        if type(expr) not in (All, Any, Same, Not, ByPolicy):
            return False
        found = self._stable.get(expr)
        if found is None:
            children = self._children(expr)
            found = self._stable[expr] = bool(children) and all(map(self.stable, children))
        return found

    def compile(self, expr: Expr) -> Compiled:
        """*expr* as a closure; nodes without a compiler use their interpreter."""
        key = _key(expr)
        if key is not None and key in self._done:
            return self._done[key]
        compiler = _COMPILERS.get(type(expr))
        run = expr.evaluate if compiler is None else compiler(expr, self)
        if key is not None:
            if self._uses[key] > 1 and self.stable(expr):
                run = self._memo(run)
            self._done[key] = run
        return run

    def _memo(self, run: Compiled) -> Compiled:
        slot = self._slots
        self._slots += 1

        def memo(ctx: Context) -> Outcome:
            answers = ctx.memo
            found = answers.get(slot)
            if found is None:
                found = answers[slot] = run(ctx)
            return found

        return memo


def compile_expr(expr: Expr, policy: Policy) -> Compiled:
    """*expr* alone as a closure for *policy* (rule sets share one :class:`ExprCompiler`)."""
    return ExprCompiler(policy, (expr,)).compile(expr)
