"""Whole rules' answers, kept across assessments and keyed by what each rule read.

A rule's criteria combine the answers of their *atoms* (findings, measurements, the
age, results of earlier rules: every node that is not and/or/same/not/proven) with
Kleene logic, and its conclusion is a pure function of those combinations (and, for
some rules, of a few earlier results read directly: the scores a deciding function
reads, the red flags a self-care recommendation waits for).  Read symbolically (see
:mod:`legrules.engine.proofs`), atoms take a handful of values across a population, so
a rule's whole answer (its result, criteria outcomes, recommendations and trace) is
kept per rule under the tuple of those values and reused whenever a later assessment
reads the same.  The answer holds proofs, put back as each assessment's own plain
evidence when the assessment is built.

A rule is kept this way only when everything it reads is known here: a rule class or a
deciding function that may read more of the context is always evaluated.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from legrules.engine.base import DifferentialRule, RecommendationRule, RedFlagRule, Rule, ScoreRule
from legrules.engine.code import context_reads
from legrules.engine.codegen import GENERATED, children
from legrules.engine.compiler import Compiled, ExprCompiler
from legrules.engine.defaults import TABLES, Default
from legrules.engine.facts import Context
from legrules.engine.logic import ByPolicy, DifferentialIs, Expr, Measured, Present, RedFlagIs
from legrules.engine.memo import Memo
from legrules.engine.sink import Sink, Step
from legrules.engine.truth import Truth, truth_of
from legrules.model import RuleTrace, Tri

__all__ = ["Reuse", "RuleMemo", "atoms", "rule_memo"]

#: Answers kept per rule before its memo starts afresh.
SIZE = 128
#: Answers to open questions kept per rule: one per finding it misses and key it read,
#: so many more than its answers (suspected DVT misses a dozen findings or so: with 128,
#: presentations of five random findings found about half of them kept, with 1,024 about
#: nine in ten, for no measurable memory over 6,000 of them).
ASKED = 1024
#: Lookups over which a memo judges whether it pays, and the share of them that must
#: find an answer; a memo that does not pays nothing for the next ``REST`` assessments.
WINDOW, ENOUGH, REST = 128, 0.5, 8192

_MET = Tri.MET

T = TypeVar("T")


def atoms(expr: Expr, compiler: ExprCompiler) -> Iterator[Expr] | None:
    """The atoms *expr* combines, or ``None`` when a policy choice matches nothing."""
    found: list[Expr] = []
    stack = [expr]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is ByPolicy:
            assert isinstance(node, ByPolicy)
            picked = compiler.pick(node)
            if picked is None:
                return None
            stack.append(picked)
        elif kind in GENERATED:
            stack.extend(reversed(children(node)))
        else:
            found.append(node)
    return iter(found)


class _Atoms:
    """The atoms of some expressions, compiled: a key's part is what they answer.

    A finding or measurement the presentation does not state answers with its prebuilt
    unknown whatever the presentation, so it adds nothing to a key: only the stated
    ones are read (found by one set intersection), each after its position, which tells
    them apart, in the order of their positions.
    """

    __slots__ = ("_cids", "_differentials", "_leaves", "_others", "_red_flags")

    def __init__(
        self,
        others: tuple[Compiled, ...],
        leaves: tuple[tuple[str, int, Compiled], ...],
        red_flags: tuple[str, ...],
        differentials: tuple[str, ...],
    ):
        self._others = others
        self._red_flags = red_flags
        self._differentials = differentials
        # Each finding's leaves, in order; findings in the order of their first leaf.
        self._leaves: dict[str, list[tuple[int, Compiled]]] = {}
        for cid, index, run in leaves:
            self._leaves.setdefault(cid, []).append((index, run))
        self._cids = frozenset(self._leaves)

    @classmethod
    def of(cls, exprs: list[Expr], compiler: ExprCompiler) -> _Atoms | None:
        """The atoms of *exprs*, or ``None`` when a policy choice matches nothing."""
        seen: set[int] = set()
        others: list[Compiled] = []
        red_flags: dict[str, None] = {}
        differentials: dict[str, None] = {}
        leaves: list[tuple[str, int, Compiled]] = []
        for expr in exprs:
            found = atoms(expr, compiler)
            if found is None:
                return None
            for atom in found:
                run = compiler.compile(atom)
                if id(run) in seen:
                    continue
                seen.add(id(run))
                kind = type(atom)
                if kind is Present or kind is Measured:
                    assert isinstance(atom, Present | Measured)
                    leaves.append((atom.cid, len(leaves), run))
                elif kind is RedFlagIs:
                    assert isinstance(atom, RedFlagIs)
                    red_flags[atom.red_flag] = None
                elif kind is DifferentialIs:
                    assert isinstance(atom, DifferentialIs)
                    differentials[atom.differential] = None
                else:
                    others.append(run)
        return cls(tuple(others), tuple(leaves), tuple(red_flags), tuple(differentials))

    def read(self, ctx: Context, into: list[Any]) -> None:
        """Append what the atoms answer in *ctx* to *into*."""
        # An earlier rule's result is read by what its atom answers, not by that rule's
        # whole answer: patients whose red flags differ in their evidence still read the
        # same "not met" of them.  A red flag's or differential's atom answers from the
        # result's status or likelihood and, while it is open, the inputs it misses:
        # those are the key (hashed in C), not the outcome (its evidence hashes in Python).
        for run in self._others:
            into.append(run(ctx))
        # A settled result misses nothing: its status alone (a member, hashed by identity).
        if self._red_flags:
            flags = ctx.red_flags.get
            for name in self._red_flags:
                flag = flags(name)
                if flag is None:
                    into.append(None)
                else:
                    into.append((flag.status, flag.missing) if flag.missing else flag.status)
        if self._differentials:
            results = ctx.differentials.get
            for name in self._differentials:
                # Always there: a rule reads only differentials evaluated before it.
                result = results(name) or ctx.differential(name)
                into.append(
                    (result.likelihood, result.missing) if result.missing else result.likelihood
                )
        stated = ctx.stated & self._cids
        if not stated:
            return
        leaves = self._leaves
        ordered = stated if len(stated) == 1 else [c for c in leaves if c in stated]
        for cid in ordered:
            for index, run in leaves[cid]:
                into.append(index)
                into.append(run(ctx))


class _Once:
    """A trace built the first time it is asked for, then kept."""

    __slots__ = ("_built", "_make")

    def __init__(self, make: Callable[[], RuleTrace]) -> None:
        self._make: Callable[[], RuleTrace] | None = make
        self._built: RuleTrace | None = None

    def __call__(self) -> RuleTrace:
        built = self._built
        if built is None:
            make = self._make
            assert make is not None
            built = self._built = make()
            self._make = None
        return built


class RuleMemo:
    """One rule's answers by the values of what it read."""

    __slots__ = (
        "_asked",
        "_atoms",
        "_hits",
        "_lookups",
        "_memo",
        "_resting",
        "_scores",
        "_self_care",
        "_trigger",
        "_trigger_atoms",
        "rule",
    )

    def __init__(
        self,
        rule: Rule,
        atoms: _Atoms,
        scores: tuple[str, ...],
        trigger: tuple[Truth, _Atoms] | None = None,
        self_care: bool = False,
    ) -> None:
        self.rule = rule
        self._atoms = atoms
        self._scores = scores
        self._trigger = None if trigger is None else trigger[0]
        self._trigger_atoms = None if trigger is None else trigger[1]
        self._self_care = self_care
        self._memo: Memo[tuple[Any, ...], Default] = Memo(SIZE)
        self._asked: Memo[tuple[Any, ...], tuple[Any]] = Memo(ASKED)
        # Counted without a lock: a lost count among threads changes nothing but timing.
        self._lookups = self._hits = self._resting = 0

    def key(self, ctx: Context) -> tuple[Any, ...]:
        """What the rule reads in *ctx*: it concludes the same wherever this is equal."""
        head: list[Any] = []
        if self._trigger is not None:
            assert self._trigger_atoms is not None
            fired = self._trigger(ctx)
            head.append(fired)
            self._trigger_atoms.read(ctx, head)
            if fired is not _MET:
                return tuple(head)  # not triggered: the trigger is all it reads
            head.append(None)  # where the trigger's atoms end
        self._atoms.read(ctx, head)
        if self._scores:
            head += [ctx.score(name) for name in self._scores]
        if self._self_care:
            # Self-care advice reads each red flag's status alone (see _recommendation).
            head += [r.status for r in ctx.red_flags.values()]
        return tuple(head)

    def run(self, step: Step, ctx: Context, sink: Sink) -> None:
        """Put the rule's answer for *ctx* into *ctx* and *sink*: kept, or *step* run.

        Where presentations seldom repeat what the rule reads (many findings stated at
        random), looking answers up costs more than it saves: after a window of lookups
        finding too few answers, the memo rests and the rule is simply evaluated.
        """
        if self._resting:
            self._resting -= 1
            step(ctx, sink)
            return
        key = ctx.keys[self.rule.id] = self.key(ctx)
        found = self._memo.get(key)
        self._lookups += 1
        if found is not None:
            self._hits += 1
            found.apply(ctx, sink)
        else:
            sizes = (len(sink.scores), len(sink.recommendations), len(sink.withheld))
            step(ctx, sink)
            found = self._memo.put(key, self._capture(key, ctx, sink, sizes))
        ctx.tokens[self.rule.id] = found.token
        if self._lookups >= WINDOW:
            if self._hits < ENOUGH * self._lookups:
                self._resting = REST
            self._lookups = self._hits = 0

    def asked(self, key: tuple[Any, ...], answer: Callable[[], T]) -> T:
        """*answer()*, an open question about the rule that *key* settles, kept under it.

        *key* must hold the rule's own key (what it read in the assessment) and whatever
        else the answer depends on.
        """
        found = self._asked.get(key)
        if found is None:
            found = self._asked.put(key, (answer(),))
        return typing.cast(T, found[0])

    def _capture(
        self, key: tuple[Any, ...], ctx: Context, sink: Sink, sizes: tuple[int, int, int]
    ) -> Default:
        rule = self.rule
        table = TABLES.get(type(rule))
        trace = sink.traces[-1]
        if self._trigger is not None and key[0] is not _MET and callable(trace):
            # An untriggered recommendation's trace reads the context: build it now,
            # so that the answer kept holds no assessment's context.
            trace = trace()
        return Default(
            rule.id,
            None,
            table,
            None if table is None else getattr(ctx, table)[rule.id],
            ctx.outcomes.get(rule.id),
            tuple(sink.scores[sizes[0] :]),
            tuple(sink.recommendations[sizes[1] :]),
            tuple(sink.withheld[sizes[2] :]),
            trace if isinstance(trace, RuleTrace) else _Once(trace),
        )


class Reuse:
    """Whether reading records as proofs, to reuse rules' answers, pays here.

    Proofs and keys cost a little on every assessment; they pay when rules find their
    answers kept, which depends on the population (a few findings each: nearly always;
    many findings drawn at random: seldom).  So the two ways are timed against each
    other, in cycles: :data:`WARM` assessments read symbolically to fill the memos,
    then a window of :data:`WINDOW` read symbolically and one read plainly (every rule
    evaluated, as before answers were kept) are timed (CPU time), and the way that
    costs less is kept for the :data:`SETTLED` assessments that end the cycle; proofs
    are given the benefit of the doubt within :data:`MARGIN`, since the memos they fill
    keep paying after the window (a population run's memos were still filling at the
    first window).  The plain window ends as soon as it has cost more than the symbolic
    one: costs only add up, so the rest of it could not change the choice (a population
    whose answers are kept settles after a dozen plain assessments, not 64, each several
    times a symbolic one).  Counted without a lock: a count lost between threads changes
    only timing.
    """

    __slots__ = ("_spent", "_step", "_symbolic")

    #: Assessments that fill the memos, per timed window, and settled, in each cycle.
    WARM, WINDOW, SETTLED = 512, 64, 2048
    #: How much more the symbolic window may cost and still be kept.
    MARGIN = 1.0

    def __init__(self) -> None:
        self._step = 0  # the next assessment's place in the cycle
        self._spent = [0, 0]  # CPU nanoseconds of the timed plain and symbolic windows
        self._symbolic = True

    def worth(self) -> bool:
        """Whether to read the next assessment symbolically."""
        step = self._step
        if step < self.WARM + self.WINDOW:
            return True
        if step < self.WARM + 2 * self.WINDOW:
            return False
        return self._symbolic

    def timed(self) -> bool:
        """Whether the next assessment's CPU time counts (it falls in a timed window).

        Only those are timed: reading a thread's CPU clock is a system call, which costs
        more than a memo lookup where system calls are slow (a sandboxed machine).
        """
        return self.WARM <= self._step < self.WARM + 2 * self.WINDOW

    def spent(self, symbolic: bool, nanoseconds: int) -> None:
        """Count one assessment's CPU time; choose the way once both windows are timed.

        Called after every assessment (its time only counts when :meth:`timed`).
        """
        step = self._step
        timed = self.WARM + 2 * self.WINDOW
        if self.WARM <= step < timed:
            spent = self._spent
            spent[symbolic] += nanoseconds
            if not symbolic and spent[1] <= spent[0] * self.MARGIN:
                step = timed - 1  # proofs win whatever the rest of the plain window costs
        step += 1
        if step == timed:
            plain, proofs = self._spent
            self._symbolic = proofs <= plain * self.MARGIN
            self._spent = [0, 0]
        self._step = step % (timed + self.SETTLED)


def rule_memo(rule: Rule, compiler: ExprCompiler) -> RuleMemo | None:
    """*rule*'s memo, or ``None`` when it may read more than its memo's key holds."""
    kind = type(rule)
    criteria = _Atoms.of([c.expr for c in rule.criteria], compiler)
    if criteria is None:
        return None
    if kind is RedFlagRule:
        return RuleMemo(rule, criteria, ())
    if kind is ScoreRule or kind is DifferentialRule:
        assert isinstance(rule, ScoreRule | DifferentialRule)
        function = rule.compute if isinstance(rule, ScoreRule) else rule.decide
        scores = context_reads(function, 1 if isinstance(rule, ScoreRule) else 0)
        return None if scores is None else RuleMemo(rule, criteria, tuple(scores))
    if kind is RecommendationRule:
        assert isinstance(rule, RecommendationRule)
        trigger = _Atoms.of([rule.trigger], compiler)
        if trigger is None:
            return None
        truth = truth_of(rule.trigger, compiler)
        return RuleMemo(rule, criteria, (), (truth, trigger), rule.self_care)
    return None
