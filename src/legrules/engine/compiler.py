"""Compile criterion expressions into closures, once per rule set and policy.

The interpreter (:meth:`Expr.evaluate`) walks the expression tree on every call,
re-reading policy settings, re-choosing policy variants and building an
:class:`~legrules.engine.facts.Outcome` for every node.  A compiled expression is a
closure ``ctx -> Outcome`` in which everything that does not depend on the presentation
is settled in advance:

* policy thresholds and :class:`~legrules.engine.logic.ByPolicy` variants are resolved;
* a finding or measurement the presentation does not speak to at all answers with one
  prebuilt *unknown* outcome, without reading the presentation;
* and/or/same/not/proven nodes become the statements of one generated function per
  expression (:mod:`legrules.engine.codegen`).

Every compiled node gives exactly the outcome its interpreter method gives (the tests
compare whole assessment documents byte for byte).  A node type without a compiler here
keeps working: it is evaluated by its own ``evaluate`` method.
"""

from __future__ import annotations

import typing
from collections import Counter
from collections.abc import Callable

from legrules.engine.codegen import Analysis, generate
from legrules.engine.combine import Last, combine_all, combine_any
from legrules.engine.compiled_results import (
    age_is,
    differential_is,
    differential_level_is,
    red_flag_is,
    score_class_is,
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
from legrules.model import Laterality, Policy, Tri

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


def _one_sided(expr: OneSidedWith, _: ExprCompiler) -> Compiled:
    """:class:`OneSidedWith` over the answer table, its answer on no data built once."""
    primary, companions = expr.primary, expr.companions
    inputs = frozenset((primary, *companions))
    unsided = Outcome.unknown(primary)  # present, but on which leg is not known
    alone = Outcome(Tri.MET)
    nothing: list[Outcome] = []  # the answer when none of the findings is stated

    def on(ctx: Context, side: Laterality, other: Laterality) -> Outcome:
        here = ctx.finding(primary, side)
        if here.tri is Tri.MET and not any(e.laterality is side for e in here.evidence):
            here = unsided
        there = ctx.finding(primary, other)
        if there.tri is not Tri.MET:
            only_here = alone
        elif any(e.laterality is other or e.laterality is _BOTH for e in there.evidence):
            only_here = Outcome(Tri.NOT_MET, there.evidence)
        else:
            only_here = unsided
        matched = combine_any([ctx.finding(c, side) for c in companions])
        return combine_all([here, only_here, matched])

    def one_sided(ctx: Context) -> Outcome:
        if nothing and ctx.stated.isdisjoint(inputs):
            return nothing[0]
        found = combine_any([on(ctx, _LEFT, _RIGHT), on(ctx, _RIGHT, _LEFT)])
        if not nothing and ctx.stated.isdisjoint(inputs):
            nothing.append(found)
        return found

    return one_sided


_LEFT, _RIGHT, _BOTH = Laterality.LEFT, Laterality.RIGHT, Laterality.BOTH


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
    AgeIs: age_is,
    All: generate,
    Any: generate,
    ByPolicy: _by_policy,
    DifferentialIs: differential_is,
    DifferentialLevelIs: differential_level_is,
    RedFlagIs: red_flag_is,
    ScoreClassIs: score_class_is,
    ScoreIs: score_is,
    Measured: _measured,
    Not: generate,
    OneSidedWith: _one_sided,
    Present: _present,
    Proven: generate,
    Same: generate,
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
        #: What :meth:`compile` gave for each node object, by identity.
        self._seen: dict[int, tuple[Expr, Compiled]] = {}
        self._stable: dict[Expr, bool] = {}
        self._slots = 0
        #: Each node's truth function (:func:`legrules.engine.truth.truth_of`), by value.
        self.truths: dict[Expr, Callable[[Context], Tri]] = {}
        for expr in expressions:
            self._count(expr)
        #: Defaults and inputs of nodes, for generated code (:mod:`.codegen`).
        self.analysis = Analysis(self.pick)

    def pick(self, expr: ByPolicy) -> Expr | None:
        """The expression *expr* chooses under this compiler's policy, if any."""
        return chosen(expr, self.policy)

    def shared(self, expr: Expr) -> bool:
        """Whether *expr* occurs more than once in the rule set (compiled once, then)."""
        key = _key(expr)
        return key is not None and self._uses[key] > 1

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
        # The same node object is compiled again for every rule reading it, and hashing
        # an and/or node hashes its whole tree: look the object up by identity first (it
        # is kept with its answer, so its id is not reused), then by value.
        seen = self._seen.get(id(expr))
        if seen is not None and seen[0] is expr:
            return seen[1]
        key = _key(expr)
        if key is not None and key in self._done:
            run = self._done[key]
        else:
            compiler = _COMPILERS.get(type(expr))
            run = expr.evaluate if compiler is None else compiler(expr, self)
            if key is not None:
                if self._uses[key] > 1 and self.stable(expr):
                    run = self._memo(run)
                self._done[key] = run
        if key is not None:
            self._seen[id(expr)] = (expr, run)
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
