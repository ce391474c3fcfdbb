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

from collections.abc import Callable

from legrules.engine.codegen import GENERATED, Source, children
from legrules.engine.compiler import ExprCompiler
from legrules.engine.facts import Context
from legrules.engine.logic import All, Any, ByPolicy, Expr, Measured, Not, Present, Same
from legrules.model import Tri

__all__ = ["Truth", "truth_of"]

#: A compiled truth: a context in, the ``tri`` of the expression's outcome out.
Truth = Callable[[Context], Tri]

_MET, _NOT_MET, _UNKNOWN = Tri.MET, Tri.NOT_MET, Tri.UNKNOWN

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
        else:
            self.line(depth, f"{name} = {self.const(self.compiler.compile(expr))}(ctx)[0]")
        return name

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


def truth_of(expr: Expr, compiler: ExprCompiler) -> Truth:
    """*expr*'s truth as one generated function, for the policy *compiler* compiles for.

    Node types are matched exactly (a subclass may evaluate differently): any other
    node answers through its compiled closure.
    """
    source = _Truths(compiler)
    result = source.truth(expr, 1)
    run: Truth = source.function(result, f"<legrules truth {type(expr).__name__}>")
    return run
