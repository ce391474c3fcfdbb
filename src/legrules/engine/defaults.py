"""What each rule concludes when nothing it reads is stated: built once, reused per call.

A sparse presentation states a handful of the vocabulary, so most rules read nothing it
states: their criteria are all unknown in the same way for every such patient of the
same age, and so are their result, their trace and their criterion outcomes.
:func:`defaults` runs a compiled rule set once over a presentation stating the age alone
and keeps, per rule, what it produced (its *default*) with the inputs it reads
(:func:`rule_inputs`).  An assessment whose
context states none of a rule's inputs, and in which every earlier rule the rule reads
gave its own default, takes the default instead of evaluating the rule: the result is
the same by construction, since the rule reads nothing else.

Inputs are read off the expression tree: findings and measurements by id, ``age``, and
the results of earlier rules by rule id.  A rule that may read anything more (a node
type, a rule class or a deciding function whose reads are not known here) has no inputs
(``None``) and is always evaluated: new node types and rule classes keep working.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

import attrs

from legrules.engine.base import DifferentialRule, RecommendationRule, RedFlagRule, Rule, ScoreRule
from legrules.engine.code import context_reads
from legrules.engine.compiler import chosen
from legrules.engine.facts import Context, Outcome
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
from legrules.engine.ruleset import RuleSet
from legrules.engine.sink import Sink, Step
from legrules.model import (
    Patient,
    Policy,
    Presentation,
    Recommendation,
    RuleTrace,
    ScoreResult,
    Withheld,
)

__all__ = ["TABLES", "Default", "defaults", "rule_inputs"]

#: Leaves whose ``reads()`` names everything they read: findings, measurements, ``age``
#: and results of earlier rules.
_LEAVES: frozenset[type[Expr]] = frozenset(
    {
        AgeIs,
        DifferentialIs,
        HasScore,
        Measured,
        OneSidedWith,
        Present,
        Recorded,
        RedFlagIs,
        ScoreClassIs,
        ScoreIs,
        ScoreVersusPolicy,
    }
)

#: Any instant: an empty presentation reads nothing that depends on it.
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def _expr_inputs(expr: Expr, policy: Policy, earlier: tuple[str, ...]) -> set[str] | None:
    """What *expr* reads under *policy*, or ``None`` when that is not known.

    *earlier* holds the differentials evaluated before the rule (what
    :class:`DifferentialLevelIs` reads).  Node types are matched exactly: a subclass may
    read more.
    """
    kind = type(expr)
    children: Iterable[Expr]
    if kind in _LEAVES:
        return set(expr.reads())
    if kind is DifferentialLevelIs:
        return set(earlier)
    if kind is All or kind is Any or kind is Same:
        assert isinstance(expr, All | Any | Same)
        children = expr.items
    elif kind is Not or kind is Proven:
        assert isinstance(expr, Not | Proven)
        children = (expr.item,)
    elif kind is ByPolicy:
        assert isinstance(expr, ByPolicy)
        picked = chosen(expr, policy)
        if picked is None:
            return None
        children = (picked,)
    else:
        return None
    return _inputs_of(children, policy, earlier)


def _inputs_of(exprs: Iterable[Expr], policy: Policy, earlier: tuple[str, ...]) -> set[str] | None:
    found: set[str] = set()
    for expr in exprs:
        inputs = _expr_inputs(expr, policy, earlier)
        if inputs is None:
            return None
        found |= inputs
    return found


def _position(rules: Sequence[Rule], rule: Rule) -> int:
    """Where *rule* is in *rules*: ``rules.index(rule)``, found by identity first.

    The index compares *rule* with every rule before it, attribute by attribute, and
    defaults are built for every rule of a set: that was a fifth of building them.  A
    rule set's ids are unique, so no rule before *rule* itself can equal it.
    """
    for index, candidate in enumerate(rules):
        if candidate is rule:
            return index
    return rules.index(rule)


def rule_inputs(
    ruleset: RuleSet, rule: Rule, policy: Policy, *, triggered: bool = True
) -> frozenset[str] | None:
    """Everything *rule* of *ruleset* reads under *policy*, or ``None`` if not known.

    A recommendation that is not *triggered* reads its trigger alone; a triggered
    self-care recommendation also reads every red flag.
    """
    position = _position(ruleset.rules, rule)
    earlier = tuple(r.id for r in ruleset.rules[:position] if isinstance(r, DifferentialRule))
    exprs: list[Expr] = [c.expr for c in rule.criteria]
    extra: Sequence[str] | None = ()
    if type(rule) is ScoreRule:
        # A score's computation names what it reads in ``extra_reads`` (its ``reads()``
        # is what open questions redo it for); the age is the defaults' own.
        extra = context_reads(rule.compute, 1) or rule.reads()
    elif type(rule) is DifferentialRule:
        extra = context_reads(rule.decide, 0)
    elif type(rule) is RecommendationRule:
        if not triggered:
            exprs = []
        elif rule.self_care:
            extra = [r.id for r in ruleset.rules if isinstance(r, RedFlagRule)]
        exprs.append(rule.trigger)
    elif type(rule) is not RedFlagRule:
        return None
    found = _inputs_of(exprs, policy, earlier)
    if found is None or extra is None:
        return None
    return frozenset((*found, *extra))


#: Where a rule of each class keeps its result in the context.
TABLES: dict[type, str] = {
    ScoreRule: "scores",
    RedFlagRule: "red_flags",
    DifferentialRule: "differentials",
}


@attrs.frozen
class Default:
    """What one rule produces when nothing it reads is stated.

    ``inputs`` is ``None`` when the rule must always be evaluated.  ``table`` names the
    context's dictionary for the rule's result (``None`` for a recommendation).
    """

    rule_id: str
    inputs: frozenset[str] | None
    table: str | None
    result: object
    outcomes: dict[str, Outcome] | None
    scores: tuple[ScoreResult, ...]
    recommendations: tuple[Recommendation, ...]
    withheld: tuple[Withheld, ...]
    #: The trace, or what builds it when it is first read.
    trace: RuleTrace | Callable[[], RuleTrace]
    #: Stands for this answer in the keys of later rules' memos (compared by identity;
    #: a key holding it keeps it from being reused while the key lives).
    token: object = attrs.field(factory=object, eq=False, repr=False)

    def apply(self, ctx: Context, sink: Sink) -> None:
        """Put the default into *ctx* and *sink*, as evaluating the rule would."""
        if self.table is not None:
            getattr(ctx, self.table)[self.rule_id] = self.result
        if self.outcomes is not None:
            ctx.outcomes[self.rule_id] = self.outcomes
        if self.scores:
            sink.scores.extend(self.scores)
        if self.recommendations:
            sink.recommendations.extend(self.recommendations)
        if self.withheld:
            sink.withheld.extend(self.withheld)
        sink.traces.append(self.trace)

    def holds(self, ctx: Context) -> bool:
        """Whether the rule's result in *ctx* equals its default (by value)."""
        if self.table is None:
            return False
        found: object = getattr(ctx, self.table).get(self.rule_id)
        return found == self.result


def defaults(
    ruleset: RuleSet,
    policy: Policy,
    steps: Sequence[Step],
    age: int | None = None,
    known: Sequence[Default] = (),
) -> tuple[Default, ...]:
    """Each rule's default: *steps* (the compiled rules) run on the patient's *age* alone.

    *known* holds the defaults for an unknown age, if built: a rule that reads neither
    the age nor (through earlier rules) anything that does keeps its default from there.
    """
    ctx = Context(Presentation(Patient(age=age)), _EPOCH, policy)
    sink = Sink()
    ids = {rule.id for rule in ruleset.rules}
    same: set[str] = set()  # rules whose result is the one they give for an unknown age
    made: list[Callable[[RuleTrace], Default] | Default] = []
    for index, (rule, step) in enumerate(zip(ruleset.rules, steps, strict=True)):
        before = known[index] if known else None
        inputs = None if before is None else before.inputs
        if inputs is not None and "age" not in inputs and same.issuperset(inputs & ids):
            assert before is not None
            before.apply(ctx, sink)
            made.append(before)
            same.add(rule.id)
            continue
        sizes = (len(sink.scores), len(sink.recommendations), len(sink.withheld))
        step(ctx, sink)
        made.append(_capture(ruleset, rule, policy, ctx, sink, sizes))
        if before is not None and before.holds(ctx):
            same.add(rule.id)
    # Traces are built once every rule has run, as an assessment's are.
    return tuple(
        make if isinstance(make, Default) else make(trace)
        for make, trace in zip(made, sink.trace(), strict=True)
    )


def _capture(
    ruleset: RuleSet,
    rule: Rule,
    policy: Policy,
    ctx: Context,
    sink: Sink,
    sizes: tuple[int, int, int],
) -> Callable[[RuleTrace], Default]:
    """What *rule* just put into *ctx* and *sink*, waiting for its trace."""
    table = TABLES.get(type(rule))
    recommendations = tuple(sink.recommendations[sizes[1] :])
    withheld = tuple(sink.withheld[sizes[2] :])
    triggered = bool(recommendations or withheld)
    inputs = rule_inputs(ruleset, rule, policy, triggered=triggered)
    outcomes = ctx.outcomes.get(rule.id)
    result = None if table is None else getattr(ctx, table)[rule.id]
    scores = tuple(sink.scores[sizes[0] :])
    return lambda trace: Default(
        rule.id,
        inputs,
        table,
        result,
        outcomes,
        scores,
        recommendations,
        withheld,
        trace,
    )
