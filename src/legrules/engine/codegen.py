"""Criteria compiled to Python source: one generated function per expression.

A closure per node costs a call, a list and a cache check for every node on every
assessment.  Here the and/or/same/not/proven nodes of an expression, with the findings
and measurements at its leaves, become the statements of one function, generated once
per rule set and policy:

* a leaf reads the context's answer table directly, or answers with the finding's
  prebuilt *unknown* when the presentation does not state it;
* every node has a *default*: its outcome when its children give their defaults (on a
  presentation stating none of its findings).  A node whose children are all their
  defaults (an identity test per child) is its default, built once; a node reading
  findings alone is its default at once when the presentation states none of them,
  without evaluating its children at all;
* any other node (results of earlier rules, the age, a node type the compiler does not
  know, a node shared with other rules and kept once per assessment) is called through
  its compiled closure.

Every generated function gives the outcome the interpreter gives (the tests compare whole
assessment documents byte for byte).
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable, Sequence

from legrules.engine.combine import Last, combine_all, combine_any, negate, proven, same_of
from legrules.engine.facts import Context, Outcome, test
from legrules.engine.logic import (
    All,
    Any,
    ByPolicy,
    Expr,
    Measured,
    Not,
    PolicyValue,
    Present,
    Same,
)
from legrules.engine.predicates import Proven

if typing.TYPE_CHECKING:
    from legrules.engine.compiler import ExprCompiler

__all__ = ["GENERATED", "Analysis", "Source", "children", "compile_text", "generate"]

Compiled = Callable[[Context], Outcome]

_GROUPS: dict[type[Expr], Callable[[Sequence[Outcome]], Outcome]] = {
    All: combine_all,
    Any: combine_any,
    Same: same_of,
}
_SINGLES: dict[type[Expr], Callable[[Outcome], Outcome]] = {Not: negate, Proven: proven}
#: The node types generated as statements (a shared one is called once it is compiled).
GENERATED = frozenset((*_GROUPS, *_SINGLES))


def children(expr: Expr) -> tuple[Expr, ...]:
    """The items of a generated node (of a type in :data:`GENERATED`)."""
    if type(expr) in _SINGLES:
        return (expr.item,)  # type: ignore[attr-defined]
    return expr.items  # type: ignore[attr-defined, no-any-return]


A = typing.TypeVar("A")


def _remembered(
    seen: dict[int, tuple[Expr, A | None]],
    by_value: dict[Expr, A | None],
    expr: Expr,
    compute: Callable[[Expr], A | None],
) -> A | None:
    """``compute(expr)``, once per node value (``None`` for a node that cannot be hashed).

    Looked up by the node object's identity first: hashing an and/or node hashes its
    whole tree (see the compiler).  The object is kept with its answer in *seen*, so its
    id is not reused.
    """
    found = seen.get(id(expr))
    if found is not None and found[0] is expr:
        return found[1]
    if _unhashable(expr):
        return None
    if expr not in by_value:
        by_value[expr] = compute(expr)
    answer = by_value[expr]
    seen[id(expr)] = (expr, answer)
    return answer


class Analysis:
    """Per compiler: each node's default outcome, and the findings it reads if only those.

    Kept per node, so that every use of a node shares the same default object.
    """

    def __init__(self, pick: Callable[[ByPolicy], Expr | None]) -> None:
        self._pick = pick
        self._unknowns: dict[str, Outcome] = {}
        self._defaults: dict[Expr, Outcome | None] = {}
        self._inputs: dict[Expr, frozenset[str] | None] = {}
        #: The same, by the identity of the node object (kept, so its id is not reused).
        self._seen_defaults: dict[int, tuple[Expr, Outcome | None]] = {}
        self._seen_inputs: dict[int, tuple[Expr, frozenset[str] | None]] = {}

    def unknown(self, cid: str) -> Outcome:
        """The prebuilt unknown outcome of finding or measurement *cid*."""
        found = self._unknowns.get(cid)
        if found is None:
            found = self._unknowns[cid] = Outcome.unknown(cid)
        return found

    def default(self, expr: Expr) -> Outcome | None:
        """*expr*'s outcome when it reads nothing stated, or ``None`` if not known here."""
        return _remembered(self._seen_defaults, self._defaults, expr, self._default)

    def _default(self, expr: Expr) -> Outcome | None:
        kind = type(expr)
        if kind is Present or kind is Measured:
            return self.unknown(expr.cid)  # type: ignore[attr-defined]
        if kind is ByPolicy:
            assert isinstance(expr, ByPolicy)
            picked = self._pick(expr)
            return None if picked is None else self.default(picked)
        if kind not in GENERATED:
            return None
        defaults = [self.default(child) for child in children(expr)]
        if any(d is None for d in defaults):
            return None
        known = typing.cast(list[Outcome], defaults)
        group = _GROUPS.get(kind)
        return group(known) if group is not None else _SINGLES[kind](known[0])

    def inputs(self, expr: Expr) -> frozenset[str] | None:
        """The findings and measurements *expr* reads when it reads nothing else."""
        return _remembered(self._seen_inputs, self._inputs, expr, self._inputs_of)

    def _inputs_of(self, expr: Expr) -> frozenset[str] | None:
        kind = type(expr)
        if kind is Present or kind is Measured:
            return frozenset((expr.cid,))  # type: ignore[attr-defined]
        if kind is ByPolicy:
            assert isinstance(expr, ByPolicy)
            picked = self._pick(expr)
            return None if picked is None else self.inputs(picked)
        if kind not in GENERATED:
            return None
        found: set[str] = set()
        for child in children(expr):
            inputs = self.inputs(child)
            if inputs is None:
                return None
            found |= inputs
        return frozenset(found)


def _unhashable(expr: Expr) -> bool:
    try:
        hash(expr)
    except TypeError:
        return True
    return False


class Source:
    """The source of one generated function and the objects it refers to."""

    def __init__(self, compiler: ExprCompiler) -> None:
        self.compiler = compiler
        self.analysis = compiler.analysis
        self.names: dict[str, object] = {}
        self.lines: list[str] = []
        self.count = 0

    def const(self, value: object) -> str:
        """A name under which the generated code refers to *value*."""
        name = f"_k{len(self.names)}"
        self.names[name] = value
        return name

    def var(self) -> str:
        """A new local variable."""
        self.count += 1
        return f"o{self.count}"

    def line(self, depth: int, text: str) -> None:
        """Add a statement at indentation *depth*."""
        self.lines.append("    " * depth + text)

    def function(self, result: str, label: str) -> typing.Any:
        """The function ``run(ctx)`` whose body is the lines so far, returning *result*."""
        body = "\n".join(self.lines)
        text = (
            f"def run(ctx):\n    S = ctx.stated\n    A = ctx.answers\n{body}\n    return {result}\n"
        )
        namespace: dict[str, typing.Any] = dict(self.names)
        exec(_compiled(text, label), namespace)
        return namespace["run"]

    def read(self, expr: Present | Measured) -> str:
        """The expression reading *expr*'s outcome from a stated finding or measurement."""
        cid, side = self.const(expr.cid), self.const(expr.side)
        if isinstance(expr, Present):
            key = self.const((expr.cid, expr.side))
            return f"(A.get({key}) or ctx.finding({cid}, {side}))"
        threshold = expr.threshold
        if isinstance(threshold, PolicyValue):
            threshold = getattr(self.compiler.policy, threshold.key)
        check = self.const(test(expr.op, threshold))
        return f"ctx.compare({cid}, {check}, {side})"

    def emit(self, expr: Expr, depth: int, top: bool = False) -> tuple[str, Outcome | None]:
        """Statements computing *expr* into a new variable: its name and *expr*'s default."""
        kind = type(expr)
        if kind is ByPolicy:
            assert isinstance(expr, ByPolicy)
            picked = self.compiler.pick(expr)
            if picked is not None:
                return self.emit(picked, depth)
        elif kind is Present or kind is Measured:
            assert isinstance(expr, Present | Measured)
            return self.leaf(expr, depth), self.analysis.unknown(expr.cid)
        elif kind in GENERATED and (top or not self.compiler.shared(expr)):
            return self.group(expr, depth)
        name = self.var()
        self.line(depth, f"{name} = {self.const(self.compiler.compile(expr))}(ctx)")
        return name, self.analysis.default(expr) if kind in GENERATED else None

    def leaf(self, expr: Present | Measured, depth: int) -> str:
        """A finding or measurement: its prebuilt unknown unless the context states it."""
        name, cid = self.var(), self.const(expr.cid)
        unknown = self.const(self.analysis.unknown(expr.cid))
        self.line(depth, f"{name} = {unknown} if {cid} not in S else {self.read(expr)}")
        return name

    def group(self, expr: Expr, depth: int) -> tuple[str, Outcome | None]:
        """An and/or/same/not/proven node, its default when its children give theirs."""
        name, default = self.var(), self.analysis.default(expr)
        inputs = self.analysis.inputs(expr)
        inner = depth
        if default is not None and inputs is not None:
            self.line(depth, f"if S.isdisjoint({self.const(inputs)}):")
            self.line(depth + 1, f"{name} = {self.const(default)}")
            self.line(depth, "else:")
            inner = depth + 1
        items = [self.emit(child, inner) for child in children(expr)]
        names = ", ".join(n for n, _ in items)
        single = _SINGLES.get(type(expr))
        how = self.const(single if single is not None else _GROUPS[type(expr)])
        call = f"{how}({names})" if single is not None else f"{how}(({names},))"
        if default is not None and all(d is not None for _, d in items):
            same = " and ".join(f"{n} is {self.const(d)}" for n, d in items)
            self.line(inner, f"{name} = {self.const(default)} if {same} else {call}")
        elif single is None:
            last: Last[Outcome] = Last()
            self.line(inner, f"{name} = {self.const(last)}.combine([{names}], {how})")
        else:
            self.line(inner, f"{name} = {call}")
        return name, default


def _compile(text: str, label: str) -> types.CodeType:
    return compile(text, label, "exec")


#: Compiles generated text: ``compile`` itself, unless a program keeps what it compiled
#: between runs (the command line does, see :mod:`legrules._cli.code_cache`).  Any
#: replacement must give exactly what ``compile(text, label, "exec")`` gives.
compile_text: Callable[[str, str], types.CodeType] = _compile


@functools.lru_cache(maxsize=1024)
def _compiled(text: str, label: str) -> types.CodeType:
    """*text* compiled, once per process.

    About half of what a rule set generates is text generated before (the same
    expression read by several rules; the values it names, thresholds among them, live
    in each function's own namespace), and compiling was some 30 ms of every start.
    """
    return compile_text(text, label)


def generate(expr: Expr, compiler: ExprCompiler) -> Compiled:
    """*expr* (an and/or/same/not/proven node) as one generated function."""
    source = Source(compiler)
    result, _ = source.emit(expr, 1, top=True)
    run: Compiled = source.function(result, f"<legrules {type(expr).__name__}>")
    return run
