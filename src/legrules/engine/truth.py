"""Expressions compiled to their truth alone: ``ctx -> Tri``, with no evidence built.

Some answers matter only for their truth: a recommendation that is not triggered shows
its trigger in the trace alone, and the trace is built on demand.  A truth closure runs
Kleene logic over its children's truths and stops as soon as the answer is settled
(``and`` at the first not met, ``or`` at the first met), so it builds no
:class:`~legrules.engine.facts.Outcome` for the combinations; leaves answer through
their compiled closures, which read prebuilt or cached outcomes.

The truth is always the ``tri`` of the outcome the compiled (and interpreted)
expression gives: the tests compare whole documents with the interpreter's.
"""

from __future__ import annotations

from collections.abc import Callable

from legrules.engine.compiler import ExprCompiler, chosen
from legrules.engine.facts import Context
from legrules.engine.logic import All, Any, ByPolicy, Expr, Not, Same
from legrules.engine.predicates import Proven
from legrules.model import Tri

__all__ = ["Truth", "truth_of"]

#: A compiled truth: a context in, the ``tri`` of the expression's outcome out.
Truth = Callable[[Context], Tri]

_MET, _NOT_MET, _UNKNOWN = Tri.MET, Tri.NOT_MET, Tri.UNKNOWN


def _fold(start: Tri, stop: Tri, weaker: Tri) -> Callable[[tuple[Truth, ...]], Truth]:
    """A Kleene fold: *stop* settles it at once, *weaker* lowers *start* to itself.

    ``and``: met, stops at not met, unknown lowers; ``or``: not met, stops at met,
    unknown lowers; ``same``: unknown, stops at met, not met lowers (one known statement
    that is not met settles it as not met unless another is met).
    """

    def group(items: tuple[Truth, ...]) -> Truth:
        def fold(ctx: Context) -> Tri:
            result = start
            for item in items:
                tri = item(ctx)
                if tri is stop:
                    return stop
                if tri is weaker:
                    result = weaker
            return result

        return fold

    return group


_all = _fold(_MET, _NOT_MET, _UNKNOWN)
_any = _fold(_NOT_MET, _MET, _UNKNOWN)
_same = _fold(_UNKNOWN, _MET, _NOT_MET)

#: Enum members hash by identity (``legrules.model._enums.ValueEnum``).
_NEGATED = {_MET: _NOT_MET, _NOT_MET: _MET, _UNKNOWN: _UNKNOWN}


def _not(item: Truth) -> Truth:
    return lambda ctx: _NEGATED[item(ctx)]


def _proven(item: Truth) -> Truth:
    return lambda ctx: _MET if item(ctx) is _MET else _NOT_MET


def _leaf(expr: Expr, compiler: ExprCompiler) -> Truth:
    run = compiler.compile(expr)
    return lambda ctx: run(ctx).tri


_GROUPS: dict[type[Expr], Callable[[tuple[Truth, ...]], Truth]] = {
    All: _all,
    Any: _any,
    Same: _same,
}


def truth_of(expr: Expr, compiler: ExprCompiler) -> Truth:
    """*expr*'s truth as a closure, for the policy *compiler* compiles for.

    Node types are matched exactly (a subclass may evaluate differently): any other
    node answers through its compiled closure.
    """
    kind = type(expr)
    group = _GROUPS.get(kind)
    if group is not None:
        assert isinstance(expr, All | Any | Same)
        return group(tuple(truth_of(item, compiler) for item in expr.items))
    if kind is Not or kind is Proven:
        assert isinstance(expr, Not | Proven)
        item = truth_of(expr.item, compiler)
        return _not(item) if kind is Not else _proven(item)
    if kind is ByPolicy:
        assert isinstance(expr, ByPolicy)
        picked = chosen(expr, compiler.policy)
        if picked is not None:
            return truth_of(picked, compiler)
    return _leaf(expr, compiler)
