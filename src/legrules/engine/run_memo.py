"""Whole runs' answers, kept across assessments and keyed by what all the rules read.

Each rule's answer is kept under what it read (:mod:`legrules.engine.rule_memo`), and
what it reads comes, rule by rule, from the same few places: what each *leaf* answers
(every finding and measurement the presentation states, read symbolically, see
:mod:`legrules.engine.proofs`), what a few other atoms answer from the presentation
(whether a measurement is recorded, swelling on one leg), the age, and the results of
earlier rules.  Those results are themselves answers of this kind, except for the rules
always evaluated (a score computed from measured values), whose results follow from
their inputs' readings.  So the tuple of

* the age, and which findings the presentation states at all (which decides the rules
  that take their defaults),
* every leaf's answer on the stated findings, and the other atoms' answers,
* the readings of the always-evaluated rules' inputs, read symbolically,

decides the whole run: every result, the traces, the worst case and what to ask next.
Where presentations repeat all of it (a population whose patients state the same few
findings and vital signs, within the same bands), the run is kept under that key, and an
assessment reading the same takes the kept answer, whose proofs are put back as its
own records' evidence, without evaluating any rule.  Where they seldom do, the memo
rests, as a rule's memo does.

Working that key out reads every leaf, which costs about as much as the rest of an
assessment that finds its run.  So runs are also kept under a plainer key, the
presentation's very records (:meth:`RunMemo.records`): everything the context reads
from them, save where each came from.  Presentations repeating one another's records
(patients answering the same questions alike, vital signs at the same values) find
their run without reading a leaf; the proofs the run cites are then given their plain
evidence from the records they stand for (:meth:`~legrules.engine.facts.Context.replay`).
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, Generic, NamedTuple, TypeVar

import attrs

from legrules.engine.base import Rule, ScoreRule
from legrules.engine.compiler import Compiled, ExprCompiler
from legrules.engine.defaults import rule_inputs
from legrules.engine.facts import SIDES, Context
from legrules.engine.logic import (
    AgeIs,
    DifferentialIs,
    Expr,
    Measured,
    OneSidedWith,
    Present,
    RedFlagIs,
    ScoreIs,
)
from legrules.engine.memo import Memo
from legrules.engine.predicates import (
    DifferentialLevelIs,
    HasScore,
    Recorded,
    ScoreClassIs,
    ScoreVersusPolicy,
)
from legrules.engine.proofs import Proof
from legrules.engine.rule_memo import atoms
from legrules.model import (
    DifferentialResult,
    Disposition,
    Evidence,
    Finding,
    Kind,
    Laterality,
    Measurement,
    OpenQuestion,
    Policy,
    Recommendation,
    RedFlagResult,
    RuleTrace,
    ScoreResult,
    Source,
    Unresolved,
    Withheld,
)
from legrules.model.vocabulary import VOCABULARY

if typing.TYPE_CHECKING:
    from legrules.engine.ruleset import RuleSet

__all__ = ["ByRecords", "Cited", "Kept", "RunMemo", "citing"]

#: Whole runs kept before the memo starts afresh (each holds a run's results and traces,
#: most of them shared with the rules' own memos).
SIZE = 256
#: Lookups over which the memo judges whether it pays, and the share of them that must
#: find a run; one that does not pays nothing for the next ``REST`` assessments.  A
#: lookup costs little beyond what the run reads anyway, so a few hits pay for it.
WINDOW, ENOUGH, REST = 128, 0.125, 4096

#: Atoms that read only results of earlier rules (decided by the rest of the key).
_RESULTS: frozenset[type[Expr]] = frozenset(
    [
        DifferentialIs,
        DifferentialLevelIs,
        HasScore,
        RedFlagIs,
        ScoreClassIs,
        ScoreIs,
        ScoreVersusPolicy,
    ]
)
#: Atoms that read the presentation beside the leaves: their answers join the key.
_PRESENTATION: frozenset[type[Expr]] = frozenset((Recorded, OneSidedWith))

_EACH_SIDE: tuple[Laterality | None, ...] = (None, *SIDES)


class Kept(NamedTuple):
    """One run's answer, with proofs for evidence (see :mod:`legrules.engine.proofs`)."""

    red_flags: tuple[RedFlagResult, ...]
    differentials: tuple[DifferentialResult, ...]
    scores: tuple[ScoreResult, ...]
    recommendations: tuple[Recommendation, ...]
    withheld: tuple[Withheld, ...]
    #: Built, or what builds them (an answer not kept), or deferred (one given out).
    traces: Sequence[RuleTrace] | Callable[[], tuple[RuleTrace, ...]]
    disposition: Disposition
    worst: Disposition
    ask_next: tuple[OpenQuestion, ...]
    #: The red flags left open (see ``legrules.engine.evaluation.unresolved``).
    unresolved: tuple[Unresolved, ...]
    #: Where the results and built traces cite proofs (``None``: traces not built).
    cited: Cited | None = None


#: A run kept by its presentation's records, with the plain evidence of each proof it
#: cites in that presentation (see :meth:`RunMemo.keep_records`).
ByRecords = tuple[Kept, tuple[Evidence, ...]]
V = TypeVar("V")


class Cited(NamedTuple):
    """Where a kept run cites proofs: what each assessment taking it puts back, no more.

    The positions of the results (of each kind) whose evidence holds a proof; of each
    trace holding one, with the positions of its criteria that do; and every proof
    cited, once each.  Most results and traces cite none: shared as they are.
    """

    red_flags: tuple[int, ...]
    differentials: tuple[int, ...]
    scores: tuple[int, ...]
    traces: tuple[tuple[int, tuple[int, ...]], ...]
    proofs: tuple[Proof, ...]


def citing(kept: Kept) -> Cited | None:
    """Where *kept* cites proofs, in its results and its built traces (``None``: not built)."""
    traces = kept.traces
    if callable(traces):
        return None
    found: dict[Proof, None] = {}

    def cites(evidence: Iterable[Evidence]) -> bool:
        proofs = [item for item in evidence if type(item) is Proof]
        found.update(dict.fromkeys(proofs))
        return bool(proofs)

    def results(
        kind: Sequence[RedFlagResult | DifferentialResult | ScoreResult],
    ) -> tuple[int, ...]:
        return tuple(index for index, result in enumerate(kind) if cites(result.evidence))

    red_flags = results(kept.red_flags)
    differentials = results(kept.differentials)
    scores = results(kept.scores)
    citing_traces = []
    for index, trace in enumerate(traces):
        criteria = tuple(at for at, c in enumerate(trace.criteria) if cites(c.evidence))
        if criteria:
            citing_traces.append((index, criteria))
    return Cited(red_flags, differentials, scores, tuple(citing_traces), tuple(found))


#: The fields of a statement and of its source that :meth:`RunMemo.records` knows: a new
#: one would be left out of its key, and a run kept for other records taken.
_KNOWN_FIELDS = {
    Finding: ("id", "state", "laterality", "source", "effective"),
    Measurement: ("id", "value", "unit", "laterality", "source", "effective"),
    Source: ("reference", "display", "preliminary"),
}
for _kind, _names in _KNOWN_FIELDS.items():
    if tuple(f.name for f in attrs.fields(_kind)) != _names:
        raise AssertionError(f"{_kind.__name__} changed: update RunMemo.records")


class RunMemo:
    """Whole runs' answers by what the rules of one compiled rule set read."""

    __slots__ = ("_booleans", "_cids", "_exact", "_leaves", "_measured", "_others", "_read")

    def __init__(
        self,
        leaves: dict[str, tuple[Compiled, ...]],
        others: tuple[Compiled, ...],
        measured: frozenset[str],
        booleans: frozenset[str],
    ) -> None:
        self._leaves = leaves
        self._cids = frozenset(leaves)
        self._others = others
        self._measured = measured
        self._booleans = booleans
        # Runs by what the rules read (see key), and the same by the presentation's
        # records (see records), each resting on its own.
        self._read: _Window[Kept] = _Window()
        self._exact: _Window[ByRecords] = _Window()

    @classmethod
    def of(
        cls,
        ruleset: RuleSet,
        policy: Policy,
        compiler: ExprCompiler,
        always: Iterable[Rule],
    ) -> RunMemo | None:
        """The memo of *ruleset* compiled by *compiler*, whose rules *always* are evaluated.

        ``None`` when what some rule reads is not known here: an atom of a kind this
        module does not know, a policy choice that matches nothing, or an always-evaluated
        rule whose inputs are not declared.  Also when an always-evaluated rule is not a
        score: only a score's results are given proofs for the readings they cite
        (``legrules.engine.compiled``), and a kept run must hold no patient's own
        evidence.  (A score's notes are kept too: they may show what its readings say,
        which the key holds, but not where they came from; the tests of kept runs give
        every presentation a twin whose sources differ, for every shipped rule set.)
        """
        leaves: dict[str, dict[int, Compiled]] = {}
        others: dict[int, Compiled] = {}
        for rule in ruleset.rules:
            for expr in rule.expressions():
                found = atoms(expr, compiler)
                if found is None:
                    return None
                for atom in found:
                    kind = type(atom)
                    run = compiler.compile(atom)
                    if kind is Present or kind is Measured:
                        assert isinstance(atom, Present | Measured)
                        leaves.setdefault(atom.cid, {})[id(run)] = run
                    elif kind in _PRESENTATION:
                        others[id(run)] = run
                    elif kind is not AgeIs and kind not in _RESULTS:
                        return None
        rule_ids = {r.id for r in ruleset.rules}
        measured: set[str] = set()
        booleans: set[str] = set()
        for rule in always:
            inputs = rule_inputs(ruleset, rule, policy)
            if type(rule) is not ScoreRule or inputs is None:
                return None
            for name in inputs:
                if name in rule_ids or name == "age":
                    continue
                spec = VOCABULARY.get(name)
                if spec is None:
                    return None
                (booleans if spec.kind is Kind.BOOLEAN else measured).add(name)
        return cls(
            {cid: tuple(runs.values()) for cid, runs in leaves.items()},
            tuple(others.values()),
            frozenset(measured),
            frozenset(booleans),
        )

    def key(self, ctx: Context) -> tuple[Any, ...] | None:
        """What the rules read in *ctx* (read symbolically), or ``None`` while resting."""
        read = self._read
        if read.resting:
            read.resting -= 1
            return None
        stated = ctx.stated
        parts: list[Any] = [ctx.age, stated]
        leaves = self._leaves
        for cid in sorted(stated & self._cids):
            for run in leaves[cid]:
                parts.append(run(ctx))
        for run in self._others:
            parts.append(run(ctx))
        for cid in sorted(stated & self._measured):
            for side in _EACH_SIDE:
                parts.append(
                    tuple(
                        (r.value, r.proof, r.evidence.value, r.evidence.note)
                        for r in ctx.readings(cid, side)
                    )
                )
        for cid in sorted(stated & self._booleans):
            for side in _EACH_SIDE:
                parts.append(ctx.finding(cid, side))
        return tuple(parts)

    def records(self, ctx: Context) -> tuple[Any, ...] | None:
        """Everything *ctx* reads from its presentation but the records' sources, or ``None``.

        That is the instant, the age, the onset date, and every finding and measurement,
        in order: its id, what it states, its side, its time, and of its source whether
        it is preliminary and its display.  Each as it is written, where values equal in
        Python are written otherwise: a date-time with its offset (an onset date is shown
        as written), a zero with its sign.  Rules read a presentation only through its
        context, and the context reads no more than that but where each record came from,
        which reaches the results only through proofs (their positions are the records'
        order).  So two presentations with equal keys get the same run, each its own
        evidence (see :meth:`~legrules.engine.facts.Context.replay`).  ``None`` while
        resting: presentations seldom repeating their records.
        """
        exact = self._exact
        if exact.resting:
            exact.resting -= 1
            return None
        p = ctx.presentation
        # Each record's time is what _instant gives, written in line: the key is made on
        # every assessment, and a call per record would be its one call per entry.
        return (
            _instant(ctx.as_of),
            p.patient.age,
            _instant(p.onset),
            tuple(
                [
                    (
                        f.id,
                        f.state,
                        f.laterality,
                        None if (t := f.effective) is None else (t, t.utcoffset()),
                        None if (s := f.source) is None else (s.preliminary, s.display),
                    )
                    for f in p.findings
                ]
            ),
            tuple(
                [
                    (
                        m.id,
                        # A zero as written: 0.0 and -0.0 are equal, but show as 0 and -0.
                        m.value if m.value else repr(m.value),
                        m.unit,
                        m.laterality,
                        None if (t := m.effective) is None else (t, t.utcoffset()),
                        None if (s := m.source) is None else (s.preliminary, s.display),
                    )
                    for m in p.measurements
                ]
            ),
        )

    def get_records(self, key: tuple[Any, ...]) -> ByRecords | None:
        """The run kept under the records *key* (see :meth:`records`), if any."""
        return self._exact.get(key)

    def keep_records(
        self, key: tuple[Any, ...], kept: Kept, evidence: tuple[Evidence, ...]
    ) -> None:
        """Keep *kept* under the records *key*, with the plain *evidence* of its proofs.

        *evidence*: what each proof *kept* cites (``kept.cited.proofs``, in order) stood for in
        the presentation read, whose records are *key*: the evidence those records give
        (see :meth:`~legrules.engine.facts.Context.replay`).  A run found by what the
        rules read may have been kept for other records: its proofs' evidence must be
        this presentation's.
        """
        if kept.cited is None or len(kept.cited.proofs) != len(evidence):
            raise AssertionError("a run kept by its records needs the evidence of its proofs")
        self._exact.memo.put(key, (kept, evidence))

    def get(self, key: tuple[Any, ...]) -> Kept | None:
        """The run kept under *key*, if any; after a window of too few, the memo rests."""
        return self._read.get(key)

    def keep(self, key: tuple[Any, ...], kept: Kept) -> Kept:
        """Keep *kept* under *key*, and return it."""
        return self._read.memo.put(key, kept)

    def wake(self) -> None:
        """Look runs up again from the next assessment on, counting a new window."""
        for window in (self._read, self._exact):
            window.lookups = window.hits = window.resting = 0

    @property
    def resting(self) -> bool:
        """Whether either key is resting (looked up again after :data:`REST` assessments)."""
        return bool(self._read.resting or self._exact.resting)


def _instant(when: datetime | None) -> tuple[datetime, timedelta | None] | None:
    """*when* with its offset, or ``None``.

    Equal instants in other zones are equal date-times, but their text is not (an onset
    date is shown in the evidence derived from it).
    """
    return None if when is None else (when, when.utcoffset())


class _Window(Generic[V]):
    """Runs kept under one kind of key: a memo that rests when it seldom finds one.

    Counted without a lock: a lost count among threads changes nothing but timing.
    """

    __slots__ = ("hits", "lookups", "memo", "resting")

    def __init__(self) -> None:
        self.memo: Memo[tuple[Any, ...], V] = Memo(SIZE)
        self.lookups = self.hits = self.resting = 0

    def get(self, key: tuple[Any, ...]) -> V | None:
        """The run kept under *key*, if any; after a window of too few, the memo rests."""
        found = self.memo.get(key)
        self.lookups += 1
        if found is not None:
            self.hits += 1
        if self.lookups >= WINDOW:
            if self.hits < ENOUGH * self.lookups:
                self.resting = REST
            self.lookups = self.hits = 0
        return found
