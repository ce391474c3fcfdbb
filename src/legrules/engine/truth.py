"""Expressions compiled to their truth alone: ``ctx -> Tri``, with no evidence built.

Some answers matter only for their truth: a recommendation that is not triggered shows
its trigger in the trace alone, and the trace is built on demand.  A truth is generated
as one function per expression (as :mod:`legrules.engine.codegen` generates outcomes):
Kleene logic over its children's truths that stops as soon as the answer is settled
(``and`` at the first not met, ``or`` at the first met), building no
:class:`~legrules.engine.facts.Outcome` for the combinations.  Findings and measurements
are read from the context's answer table; a node reading only findings none of which is
stated has the truth of its default at once; other leaves answer through their compiled
closures, which read prebuilt or cached outcomes.

The truth is always the ``tri`` of the outcome the compiled (and interpreted)
expression gives: the tests compare whole documents with the interpreter's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from legrules.engine.codegen import GENERATED, Source, children
from legrules.engine.compiler import ExprCompiler
from legrules.engine.facts import Context
from legrules.engine.logic import (
    All,
    Any,
    ByPolicy,
    DifferentialIs,
    Expr,
    Measured,
    Not,
    Present,
    RedFlagIs,
    Same,
)
from legrules.engine.predicates import DifferentialLevelIs
from legrules.model import DifferentialResult, Likelihood, Status, Tri

__all__ = ["Truth", "truth_of"]

#: A compiled truth: a context in, the ``tri`` of the expression's outcome out.
Truth = Callable[[Context], Tri]

_MET, _NOT_MET, _UNKNOWN = Tri.MET, Tri.NOT_MET, Tri.UNKNOWN
#: The results that settle nothing: a node reading them is unknown unless it wants them.
_OPEN = (Status.INDETERMINATE, Likelihood.INDETERMINATE)

#: A Kleene fold: ``(start, stop, weaker)``.  *stop* settles it at once, *weaker* lowers
#: *start* to itself.  ``and``: met, stops at not met, unknown lowers; ``or``: not met,
#: stops at met, unknown lowers; ``same``: unknown, stops at met, not met lowers (one
#: known statement that is not met settles it as not met unless another is met).
_FOLDS: dict[type[Expr], tuple[Tri, Tri, Tri]] = {
    All: (_MET, _NOT_MET, _UNKNOWN),
    Any: (_NOT_MET, _MET, _UNKNOWN),
    Same: (_UNKNOWN, _MET, _NOT_MET),
}


class _Truths(Source):
    """The source of one truth function."""

    def truth(self, expr: Expr, depth: int) -> str:
        """Statements computing *expr*'s truth into a new variable: its name."""
        kind = type(expr)
        if kind is ByPolicy:
            assert isinstance(expr, ByPolicy)
            picked = self.compiler.pick(expr)
            if picked is not None:
                return self.truth(picked, depth)
        name = self.var()
        if kind is Present or kind is Measured:
            assert isinstance(expr, Present | Measured)
            self.line(
                depth,
                f"{name} = {self.const(_UNKNOWN)} if {self.const(expr.cid)} "
                f"not in S else {self.read(expr)}[0]",
            )
        elif kind in GENERATED:
            self.combined(expr, name, depth)
        elif kind is RedFlagIs or kind is DifferentialIs:
            assert isinstance(expr, RedFlagIs | DifferentialIs)
            self.result(expr, name, depth)
        elif kind is DifferentialLevelIs:
            assert isinstance(expr, DifferentialLevelIs)
            levels = self.const(frozenset(id(level) for level in expr.levels))
            self.line(depth, f"{name} = {self.const(_level_is)}(ctx.differentials, {levels})")
        else:
            self.line(depth, f"{name} = {self.const(self.compiler.compile(expr))}(ctx)[0]")
        return name

    def result(self, expr: RedFlagIs | DifferentialIs, name: str, depth: int) -> None:
        """The truth of an earlier rule's result, looked up by the result's member."""
        if isinstance(expr, RedFlagIs):
            wanted: frozenset[object] = frozenset(expr.statuses)
            members: Iterable[Status | Likelihood] = Status
            read, attribute = f"ctx.red_flags.get({self.const(expr.red_flag)})", "status"
        else:
            wanted, members = frozenset(expr.likelihoods), Likelihood
            read, attribute = f"ctx.differential({self.const(expr.differential)})", "likelihood"
        # As the compiled nodes answer: wanted is met, an open result unknown, else not met.
        table = self.const(
            {id(m): _MET if m in wanted else _UNKNOWN if m in _OPEN else _NOT_MET for m in members}
        )
        self.line(depth, f"{name} = {read}")
        self.line(
            depth,
            f"{name} = {self.const(_UNKNOWN)} if {name} is None else "
            f"{table}[id({name}.{attribute})]",
        )

    def combined(self, expr: Expr, name: str, depth: int) -> None:
        """An and/or/same/not/proven node's truth into *name*."""
        default, inputs = self.analysis.default(expr), self.analysis.inputs(expr)
        if default is not None and inputs is not None:
            self.line(depth, f"if S.isdisjoint({self.const(inputs)}):")
            self.line(depth + 1, f"{name} = {self.const(default.tri)}")
            self.line(depth, "else:")
            depth += 1
        met, not_met, unknown = self.const(_MET), self.const(_NOT_MET), self.const(_UNKNOWN)
        fold = _FOLDS.get(type(expr))
        if fold is None:
            item = self.truth(children(expr)[0], depth)
            if type(expr) is Not:
                flipped = f"({not_met} if {item} is {met} else {met})"
                self.line(depth, f"{name} = {item} if {item} is {unknown} else {flipped}")
            else:  # Proven
                self.line(depth, f"{name} = {met} if {item} is {met} else {not_met}")
            return
        start, stop, weaker = (self.const(t) for t in fold)
        self.line(depth, f"{name} = {start}")
        for child in children(expr):
            item = self.truth(child, depth)
            self.line(depth, f"if {item} is {stop}:")
            self.line(depth + 1, f"{name} = {stop}")
            self.line(depth, "else:")
            depth += 1
            self.line(depth, f"if {item} is {weaker}:")
            self.line(depth + 1, f"{name} = {weaker}")


def _level_is(differentials: Mapping[str, DifferentialResult], levels: frozenset[int]) -> Tri:
    """:class:`DifferentialLevelIs`: met when an earlier differential sets one of *levels*."""
    for result in differentials.values():
        if id(result.level) in levels:
            return _MET
    return _NOT_MET


def truth_of(expr: Expr, compiler: ExprCompiler) -> Truth:
    """*expr*'s truth as one generated function, for the policy *compiler* compiles for.

    Node types are matched exactly (a subclass may evaluate differently): any other
    node answers through its compiled closure.  Generated once per node value and
    compiler: a recommendation's trigger is asked for by its step and by its memo, and
    a truth holds no state of its own (what it calls, the compiler shares anyway).
    """
    try:
        found = compiler.truths.get(expr)
    except TypeError:  # a node type that cannot be hashed: generated every time
        return _generated(expr, compiler)
    if found is None:
        found = compiler.truths[expr] = _generated(expr, compiler)
    return found


def _generated(expr: Expr, compiler: ExprCompiler) -> Truth:
    source = _Truths(compiler)
    result = source.truth(expr, 1)
    run: Truth = source.function(result, f"<legrules truth {type(expr).__name__}>")
    return run
