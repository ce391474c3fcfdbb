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


def _all(items: tuple[Truth, ...]) -> Truth:
    def conjunction(ctx: Context) -> Tri:
        result = _MET
        for item in items:
            tri = item(ctx)
            if tri is _NOT_MET:
                return _NOT_MET
            if tri is _UNKNOWN:
                result = _UNKNOWN
        return result

    return conjunction


def _any(items: tuple[Truth, ...]) -> Truth:
    def disjunction(ctx: Context) -> Tri:
        result = _NOT_MET
        for item in items:
            tri = item(ctx)
            if tri is _MET:
                return _MET
            if tri is _UNKNOWN:
                result = _UNKNOWN
        return result

    return disjunction


def _same(items: tuple[Truth, ...]) -> Truth:
    def same(ctx: Context) -> Tri:
        # Met when a statement is met; not met when one is known and none is met.
        result = _UNKNOWN
        for item in items:
            tri = item(ctx)
            if tri is _MET:
                return _MET
            if tri is _NOT_MET:
                result = _NOT_MET
        return result

    return same


_NEGATED = {id(_MET): _NOT_MET, id(_NOT_MET): _MET, id(_UNKNOWN): _UNKNOWN}


def _not(item: Truth) -> Truth:
    return lambda ctx: _NEGATED[id(item(ctx))]


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
