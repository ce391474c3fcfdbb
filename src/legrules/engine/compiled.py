"""Rule sets compiled into evaluators, and the interpreter they must agree with.

:func:`compiled` turns a rule set into a :class:`CompiledRuleSet` once per rule set and
policy (and caches it): every criterion becomes a closure (see
:mod:`legrules.engine.compiler`) and every static text a trace shows (a criterion's
plain-language description) is built once.  A compiled rule keeps the outcomes of its
criteria and builds its trace only when the assessment's trace is first read.

:func:`interpret_rule` is the reference evaluator, the rules' own ``evaluate`` methods;
a rule of a class the compiler does not know is run by it, so new rule classes keep
working.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable, Iterator, Mapping

import attrs

from legrules.engine.base import (
    DifferentialRule,
    RecommendationRule,
    RedFlagRule,
    Rule,
    ScoreRule,
    because_of,
    score_conclusion,
)
from legrules.engine.compiled_results import STATUS_OF
from legrules.engine.compiler import Compiled, ExprCompiler, Last, combine_all, combine_any
from legrules.engine.facts import Context, Outcome
from legrules.engine.logic import Expr
from legrules.engine.memo import Memo, remembering, scores_key
from legrules.engine.open_questions import differential_result
from legrules.engine.ruleset import RuleSet
from legrules.engine.truth import truth_of
from legrules.engine.what_if import Evaluated, Evaluator
from legrules.model import (
    CriterionTrace,
    Disposition,
    Policy,
    Recommendation,
    RedFlagResult,
    RuleTrace,
    ScoreResult,
    Status,
    Tri,
    Withheld,
)

__all__ = ["CompiledRuleSet", "Sink", "compiled", "interpret_rule"]


@attrs.define
class Sink:
    """What the rules of one assessment produce besides the context's own results."""

    scores: list[ScoreResult] = attrs.Factory(list)
    recommendations: list[Recommendation] = attrs.Factory(list)
    withheld: list[Withheld] = attrs.Factory(list)
    #: Each rule's trace, or what builds it: compiled rules build traces on demand.
    traces: list[RuleTrace | Callable[[], RuleTrace]] = attrs.Factory(list)

    def trace(self) -> tuple[RuleTrace, ...]:
        """Every rule's trace, built now."""
        return tuple(t if isinstance(t, RuleTrace) else t() for t in self.traces)


#: One compiled rule: evaluates into the context and the sink.
Step = Callable[[Context, Sink], None]


def interpret_rule(ruleset: RuleSet, rule: Rule, ctx: Context, sink: Sink) -> None:
    """Evaluate *rule* of *ruleset* with the interpreter, into *ctx* and *sink*."""
    if isinstance(rule, ScoreRule):
        results, trace = rule.evaluate(ctx)
        ctx.scores[rule.id] = results
        sink.scores.extend(results)
    elif isinstance(rule, RedFlagRule):
        flag, trace = rule.evaluate(ctx)
        ctx.red_flags[rule.id] = flag
    elif isinstance(rule, DifferentialRule):
        decision, trace = rule.evaluate(ctx)
        ctx.differentials[rule.id] = differential_result(ruleset, rule, decision)
    else:
        assert isinstance(rule, RecommendationRule)
        advice, trace = rule.evaluate(ctx)
        if isinstance(advice, Recommendation):
            sink.recommendations.append(advice)
        elif isinstance(advice, Withheld):
            sink.withheld.append(advice)
    sink.traces.append(trace)


@attrs.frozen
class _Criteria:
    """A rule's criteria compiled: ids, closures and descriptions, in order.

    ``stable`` says whether every criterion's answer is final once the rule runs (none
    reads how far evaluation has gone), so that open questions may reuse the outcomes.
    ``conclude`` is a score's computation or a differential's deciding function, which
    keeps its answers when it reads from the context no more than some scores' results
    (see :mod:`legrules.engine.memo`); ``scores`` names those scores, ``None`` when it
    may read more (its answers are then not kept).
    """

    ids: tuple[str, ...]
    run: tuple[Compiled, ...]
    descriptions: tuple[str, ...]
    stable: bool
    conclude: Callable[..., typing.Any] | None
    scores: tuple[str, ...] | None

    @classmethod
    def of(cls, rule: Rule, compiler: ExprCompiler) -> _Criteria:
        conclude: Callable[..., typing.Any] | None = None
        scores: tuple[str, ...] | None = None
        if isinstance(rule, ScoreRule):
            conclude, scores = remembering(rule.compute, 1)
        elif isinstance(rule, DifferentialRule):
            conclude, scores = remembering(rule.decide, 0)
        return cls(
            tuple(c.id for c in rule.criteria),
            tuple(compiler.compile(c.expr) for c in rule.criteria),
            tuple(c.describe() for c in rule.criteria),
            all(compiler.stable(c.expr) for c in rule.criteria),
            conclude,
            scores,
        )

    def outcomes(self, ctx: Context) -> dict[str, Outcome]:
        return dict(zip(self.ids, [run(ctx) for run in self.run], strict=True))

    def kept(self, rule: Rule, ctx: Context) -> dict[str, Outcome]:
        """The outcomes, kept in *ctx* for open questions when they are final."""
        outcomes = self.outcomes(ctx)
        if self.stable:
            ctx.outcomes[rule.id] = outcomes
        return outcomes

    def traces(self, outcomes: Mapping[str, Outcome]) -> tuple[CriterionTrace, ...]:
        return tuple(
            CriterionTrace(cid, text, o.tri, o.evidence, o.missing)
            for cid, text in zip(self.ids, self.descriptions, strict=True)
            if (o := outcomes.get(cid)) is not None
        )


def _red_flag(_: RuleSet, rule: RedFlagRule, criteria: _Criteria, __: ExprCompiler) -> Step:
    combine = combine_all if rule.combine == "all" else combine_any

    def result(outcomes: list[Outcome]) -> RedFlagResult:
        joined = combine(outcomes)
        status = STATUS_OF[id(joined.tri)]
        return RedFlagResult(
            rule.id, rule.version, status, rule.level, joined.evidence, joined.missing
        )

    # The result is immutable: the same criteria outcomes as last time, the same result.
    last: Last[RedFlagResult] = Last()

    def red_flag(ctx: Context, sink: Sink) -> None:
        outcomes = criteria.kept(rule, ctx)
        found = ctx.red_flags[rule.id] = last.combine(list(outcomes.values()), result)
        status = found.status
        sink.traces.append(
            lambda: RuleTrace(rule.id, rule.version, status.value, criteria.traces(outcomes))
        )

    return red_flag


def _score(_: RuleSet, rule: ScoreRule, criteria: _Criteria, __: ExprCompiler) -> Step:
    compute = criteria.conclude or rule.compute

    def score(ctx: Context, sink: Sink) -> None:
        outcomes = criteria.kept(rule, ctx)
        results, notes = compute(rule, ctx, outcomes)
        ctx.scores[rule.id] = results
        sink.scores.extend(results)
        conclusion = "; ".join(score_conclusion(r) for r in results) or "not determinable"
        sink.traces.append(
            lambda: RuleTrace(rule.id, rule.version, conclusion, criteria.traces(outcomes), notes)
        )

    return score


def _differential(
    ruleset: RuleSet, rule: DifferentialRule, criteria: _Criteria, _: ExprCompiler
) -> Step:
    decide = criteria.conclude or rule.decide

    def differential(ctx: Context, sink: Sink) -> None:
        outcomes = criteria.kept(rule, ctx)
        decision = decide(ctx, outcomes)
        ctx.differentials[rule.id] = differential_result(ruleset, rule, decision)
        notes = (decision.note,) if decision.note else ()
        sink.traces.append(
            lambda: RuleTrace(
                rule.id,
                rule.version,
                decision.likelihood.value,
                criteria.traces(outcomes),
                notes,
            )
        )

    return differential


def _recommendation(
    _: RuleSet, rule: RecommendationRule, criteria: _Criteria, compiler: ExprCompiler
) -> Step:
    trigger = compiler.compile(rule.trigger)
    triggered = truth_of(rule.trigger, compiler)
    trigger_text = rule.trigger.describe()
    described = dict(zip(criteria.ids, criteria.descriptions, strict=True))

    def trace(conclusion: str, fired: Outcome, outcomes: Mapping[str, Outcome]) -> RuleTrace:
        head = CriterionTrace("trigger", trigger_text, fired.tri, fired.evidence, fired.missing)
        return RuleTrace(rule.id, rule.version, conclusion, (head, *criteria.traces(outcomes)))

    def recommendation(ctx: Context, sink: Sink) -> None:
        if triggered(ctx) is not Tri.MET:
            # Its outcome shows in the trace alone: evaluated when the trace is built
            # (every rule it may read has run by now, so it reads the same then).
            sink.traces.append(lambda: trace("not triggered", trigger(ctx), {}))
            return
        fired = trigger(ctx)
        because = because_of(fired)
        outcomes = criteria.outcomes(ctx)
        reasons = []
        if rule.self_care:
            blocking = [
                f"{r.id} {r.status.value}"
                for r in ctx.red_flags.values()
                if r.status is not Status.NOT_MET
            ]
            if blocking:
                reasons.append(
                    "self-care advice is withheld while red flags are met or unresolved: "
                    + ", ".join(blocking)
                )
        met = [described[cid] for cid, o in outcomes.items() if o.tri is Tri.MET]
        if met:
            reasons.append("contraindicated: " + "; ".join(met))
        if reasons:
            sink.withheld.append(Withheld(rule.id, "; ".join(reasons), because))
            sink.traces.append(lambda: trace("withheld", fired, outcomes))
            return
        cautions = tuple(
            f"check first: {described[cid]} (unknown: {', '.join(o.missing)})"
            for cid, o in outcomes.items()
            if o.tri is Tri.UNKNOWN
        )
        sink.recommendations.append(
            Recommendation(rule.id, rule.version, rule.audience, rule.text, because, cautions)
        )
        conclusion = "given with cautions" if cautions else "given"
        sink.traces.append(lambda: trace(conclusion, fired, outcomes))

    return recommendation


_RULE_COMPILERS: dict[type, Callable[[RuleSet, object, _Criteria, ExprCompiler], Step]] = {
    DifferentialRule: _differential,  # type: ignore[dict-item]
    RecommendationRule: _recommendation,  # type: ignore[dict-item]
    RedFlagRule: _red_flag,  # type: ignore[dict-item]
    ScoreRule: _score,  # type: ignore[dict-item]
}


def _compile_rule(
    ruleset: RuleSet, rule: Rule, compiler: ExprCompiler, criteria: dict[str, _Criteria]
) -> Step:
    make = _RULE_COMPILERS.get(type(rule))
    if make is None:
        return lambda ctx, sink: interpret_rule(ruleset, rule, ctx, sink)
    compiled_criteria = criteria[rule.id] = _Criteria.of(rule, compiler)
    return make(ruleset, rule, compiled_criteria, compiler)


def _expressions(rule: Rule) -> list[Expr]:
    found = [c.expr for c in rule.criteria]
    if isinstance(rule, RecommendationRule):
        found.append(rule.trigger)
    return found


@attrs.frozen
class CompiledRuleSet:
    """A rule set compiled for one policy: its rules as steps, in evaluation order."""

    ruleset: RuleSet
    policy: Policy
    steps: tuple[Step, ...]
    #: Evaluates criteria again for open questions, reusing what the run computed.
    evaluator: Evaluator

    @classmethod
    def of(cls, ruleset: RuleSet, policy: Policy) -> CompiledRuleSet:
        """Compile every rule of *ruleset* for *policy*."""
        compiler = ExprCompiler(policy, (e for r in ruleset.rules for e in _expressions(r)))
        criteria: dict[str, _Criteria] = {}
        steps = tuple(_compile_rule(ruleset, r, compiler, criteria) for r in ruleset.rules)
        return cls(ruleset, policy, steps, _CompiledEvaluator(ruleset, criteria))

    def run(self, ctx: Context) -> Sink:
        """Evaluate every rule against *ctx*; results of earlier rules land in *ctx*."""
        sink = Sink()
        for step in self.steps:
            step(ctx, sink)
        return sink


class _CompiledEvaluator(Evaluator):
    """Open questions' evaluator over compiled criteria.

    In the assessment's own context it reuses the outcomes the run kept.  In a "what
    if" context (one finding assumed present, see :class:`legrules.engine.what_if.Assuming`)
    it evaluates again only the criteria that read that finding, or a score that reads
    it (the only scores such a context computes again); every other criterion reads
    what it read before and keeps its outcome.
    """

    def __init__(self, ruleset: RuleSet, criteria: Mapping[str, _Criteria]) -> None:
        self._criteria = criteria
        self._rules = {r.id: r for r in ruleset.rules}
        self._reading: dict[tuple[str, frozenset[str]], tuple[int, ...]] = {}
        self._levels: Memo[tuple[object, ...], tuple[Disposition, ...]] = Memo()

    def outcomes(self, rule: Evaluated, ctx: Context) -> Mapping[str, Outcome]:
        found = ctx.outcomes.get(rule.id)
        if found is not None:
            return found
        criteria = self._criteria.get(rule.id)
        if criteria is None:
            return super().outcomes(rule, ctx)
        derived = ctx.derived_from
        before = None if derived is None else derived[0].outcomes.get(rule.id)
        if derived is None or before is None:
            found = criteria.outcomes(ctx)
        else:
            found = dict(before)
            for index in self._reading_any(rule, derived[1]):
                found[criteria.ids[index]] = criteria.run[index](ctx)
        # Kept in *ctx* too: every rule has run, so the outcomes are final.
        ctx.outcomes[rule.id] = found
        return found

    def _reading_any(self, rule: Evaluated, ids: frozenset[str]) -> tuple[int, ...]:
        """The criteria of *rule* that read one of *ids*, directly or through a score."""
        key = (rule.id, ids)
        found = self._reading.get(key)
        if found is None:
            found = self._reading[key] = tuple(
                index for index, c in enumerate(rule.criteria) if self._reads(c.expr) & ids
            )
        return found

    def _reads(self, expr: Expr) -> set[str]:
        reads = set(expr.reads())
        for name in expr.reads():
            score = self._rules.get(name)
            if isinstance(score, ScoreRule):
                reads.update(score.reads())
        return reads

    def score(self, rule: ScoreRule, ctx: Context) -> tuple[ScoreResult, ...]:
        criteria = self._criteria.get(rule.id)
        if criteria is None or criteria.conclude is None:
            return super().score(rule, ctx)
        results: tuple[ScoreResult, ...] = criteria.conclude(rule, ctx, self.outcomes(rule, ctx))[0]
        return results

    def levels(
        self,
        rule: DifferentialRule,
        ctx: Context,
        outcomes: Mapping[str, Outcome],
        reached: Callable[[], Iterator[Disposition]],
    ) -> Iterable[Disposition]:
        criteria = self._criteria.get(rule.id)
        if criteria is None or criteria.scores is None:
            return reached()
        key = (
            rule.id,
            tuple(outcomes[cid] for cid in criteria.ids),
            scores_key(ctx, criteria.scores),
        )
        found = self._levels.get(key)
        if found is None:
            found = self._levels.put(key, tuple(reached()))
        return found

    def red_flag(self, rule: RedFlagRule, ctx: Context) -> Status:
        if rule.id not in self._criteria:
            return super().red_flag(rule, ctx)
        tris = [o.tri for o in self.outcomes(rule, ctx).values()]
        return Status.of(Tri.all(tris) if rule.combine == "all" else Tri.any(tris))


_CACHE: dict[tuple[int, Policy], CompiledRuleSet] = {}
_CACHE_SIZE = 64


def compiled(ruleset: RuleSet, policy: Policy) -> CompiledRuleSet:
    """*ruleset* compiled for *policy*, built on first use and cached."""
    key = (id(ruleset), policy)
    found = _CACHE.get(key)
    # The entry holds its rule set, so an id is never reused while its entry lives;
    # the identity check guards the case of a rule set built anew at the same address.
    if found is not None and found.ruleset is ruleset:
        return found
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    made = _CACHE[key] = CompiledRuleSet.of(ruleset, policy)
    return made
