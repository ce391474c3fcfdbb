"""Rule sets compiled into evaluators, and the interpreter they must agree with.

:func:`compiled` turns a rule set into a :class:`CompiledRuleSet` once per rule set and
policy (and caches it): every criterion becomes a closure or a generated function (see
:mod:`legrules.engine.compiler`) and every static text a trace shows (a criterion's
plain-language description) is built once.  A compiled rule keeps the outcomes of its
criteria and builds its trace only when the assessment's trace is first read.  A rule
that reads nothing the presentation states takes its result on no data, built once per
age (:mod:`legrules.engine.defaults`).

:func:`interpret_rule` is the reference evaluator, the rules' own ``evaluate`` methods;
a rule of a class the compiler does not know is run by it, so new rule classes keep
working.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping

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
from legrules.engine.compiled_evaluator import CompiledEvaluator
from legrules.engine.compiled_results import STATUS_OF
from legrules.engine.compiler import ExprCompiler, Last, combine_all, combine_any
from legrules.engine.criteria import Criteria
from legrules.engine.defaults import TABLES, Default, defaults
from legrules.engine.facts import Context, Outcome
from legrules.engine.memo import Memo
from legrules.engine.open_questions import differential_result, open_questions
from legrules.engine.rule_memo import Reuse, RuleMemo, rule_memo
from legrules.engine.ruleset import RuleSet
from legrules.engine.run_memo import RunMemo
from legrules.engine.sink import Sink, Step
from legrules.engine.truth import truth_of
from legrules.engine.what_if import Evaluator
from legrules.model import (
    VOCABULARY,
    CriterionTrace,
    Disposition,
    Kind,
    OpenQuestion,
    Policy,
    Recommendation,
    RedFlagResult,
    RuleTrace,
    Tri,
    Withheld,
    trusted,
)

__all__ = ["CompiledRuleSet", "Sink", "compiled", "interpret_rule"]


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


def _red_flag(_: RuleSet, rule: RedFlagRule, criteria: Criteria, __: ExprCompiler) -> Step:
    combine = combine_all if rule.combine == "all" else combine_any

    def result(outcomes: list[Outcome]) -> RedFlagResult:
        joined = combine(outcomes)
        status = STATUS_OF[id(joined.tri)]
        return trusted.red_flag_result(
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


def _score(_: RuleSet, rule: ScoreRule, criteria: Criteria, __: ExprCompiler) -> Step:
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
    ruleset: RuleSet, rule: DifferentialRule, criteria: Criteria, _: ExprCompiler
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
    _: RuleSet, rule: RecommendationRule, criteria: Criteria, compiler: ExprCompiler
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
            blocking = sink.blocking_red_flags(ctx)
            if blocking:
                reasons.append(
                    "self-care advice is withheld while red flags are met or unresolved: "
                    + blocking
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


_RULE_COMPILERS: dict[type, Callable[[RuleSet, object, Criteria, ExprCompiler], Step]] = {
    DifferentialRule: _differential,  # type: ignore[dict-item]
    RecommendationRule: _recommendation,  # type: ignore[dict-item]
    RedFlagRule: _red_flag,  # type: ignore[dict-item]
    ScoreRule: _score,  # type: ignore[dict-item]
}


def _proving(rule: ScoreRule, step: Step) -> Step:
    """*step* of a score always evaluated, its results' evidence given as proofs.

    See :meth:`Context.as_proofs`: only a context reading symbolically changes anything.
    """

    def score(ctx: Context, sink: Sink) -> None:
        step(ctx, sink)
        results = ctx.scores[rule.id]
        if not ctx.symbolic or not results:
            return
        proved = tuple(
            r if (e := ctx.as_proofs(r.evidence)) is r.evidence else attrs.evolve(r, evidence=e)
            for r in results
        )
        if any(map(operator.is_not, proved, results)):
            ctx.scores[rule.id] = proved
            sink.scores[-len(results) :] = proved

    return score


def _compile_rule(
    ruleset: RuleSet, rule: Rule, compiler: ExprCompiler, criteria: dict[str, Criteria]
) -> Step:
    make = _RULE_COMPILERS.get(type(rule))
    if make is None:
        return lambda ctx, sink: interpret_rule(ruleset, rule, ctx, sink)
    compiled_criteria = criteria[rule.id] = Criteria.of(rule, compiler)
    return make(ruleset, rule, compiled_criteria, compiler)


@attrs.frozen
class CompiledRuleSet:
    """A rule set compiled for one policy: its rules as steps, in evaluation order.

    Each step comes with its rule's default for the patient's age (see
    :mod:`legrules.engine.defaults`), taken instead of the step when the context states
    none of the rule's inputs.  Defaults are built for each age when first needed.
    """

    ruleset: RuleSet
    policy: Policy
    steps: tuple[Step, ...]
    #: Evaluates criteria again for open questions, reusing what the run computed.
    evaluator: Evaluator
    #: Each rule's answers kept across assessments, ``None`` for a rule always evaluated.
    memos: tuple[RuleMemo | None, ...]
    #: Whole runs kept across assessments (``None`` when what the rules read is not known).
    runs: RunMemo | None
    _plans: dict[int | None, tuple[tuple[Default, Step], ...]] = attrs.field(
        factory=dict, init=False, repr=False, eq=False
    )
    _defaulted: dict[int | None, tuple[tuple[object, ...], ...]] = attrs.field(
        factory=dict, init=False, repr=False, eq=False
    )
    #: Whether every rule reads only the results of rules before it.
    backward: bool = attrs.field(init=False)
    _questions: Memo[tuple[object, ...], tuple[Disposition, tuple[OpenQuestion, ...]]] = (
        attrs.field(factory=lambda: Memo(256), init=False, repr=False, eq=False)
    )
    _reuse: Reuse = attrs.field(factory=Reuse, init=False, repr=False, eq=False)
    #: Rules evaluated without a memo whose result alone tells what open questions read
    #: of them (they read no finding a "what if" could assume present), with the table
    #: of the context their result is in.
    _valued: dict[str, str] = attrs.field(init=False, repr=False, eq=False)

    @_valued.default
    def _find_valued(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for rule, memo in zip(self.ruleset.rules, self.memos, strict=True):
            table = TABLES.get(type(rule))
            booleans = [
                c for c in rule.reads() if c in VOCABULARY and VOCABULARY[c].kind is Kind.BOOLEAN
            ]
            if memo is None and table is not None and not booleans:
                found[rule.id] = table
        return found

    #: The rules whose answers open questions may read: all but the recommendations
    #: (a context has no table of advice, so no criterion reads one).
    _asked_of: tuple[Rule, ...] = attrs.field(init=False, repr=False, eq=False)

    @_asked_of.default
    def _find_asked_of(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.ruleset.rules if type(r) is not RecommendationRule)

    @backward.default
    def _backward(self) -> bool:
        position = {rule.id: index for index, rule in enumerate(self.ruleset.rules)}
        return all(
            position.get(name, -1) < index
            for index, rule in enumerate(self.ruleset.rules)
            for name in rule.reads()
        )

    @classmethod
    def of(cls, ruleset: RuleSet, policy: Policy) -> CompiledRuleSet:
        """Compile every rule of *ruleset* for *policy*."""
        compiler = ExprCompiler(policy, (e for r in ruleset.rules for e in r.expressions()))
        criteria: dict[str, Criteria] = {}
        steps = tuple(_compile_rule(ruleset, r, compiler, criteria) for r in ruleset.rules)
        memos = tuple(rule_memo(r, compiler) if r.id in criteria else None for r in ruleset.rules)
        steps = tuple(
            _proving(r, s) if m is None and type(r) is ScoreRule else s
            for r, s, m in zip(ruleset.rules, steps, memos, strict=True)
        )
        kept = {m.rule.id: m for m in memos if m is not None}
        always = [r for r, m in zip(ruleset.rules, memos, strict=True) if m is None]
        return cls(
            ruleset,
            policy,
            steps,
            CompiledEvaluator(ruleset, criteria, kept, compiler),
            memos,
            RunMemo.of(ruleset, policy, compiler, always),
        )

    def plan(self, age: int | None) -> tuple[tuple[Default, Step], ...]:
        """Each rule's default for a patient of *age*, with its step (built once per age)."""
        found = self._plans.get(age)
        if found is None:
            # Two threads may both build it: the same value, and either may be kept.
            # Rules the age cannot change keep their defaults for an unknown age.
            known = () if age is None else tuple(d for d, _ in self.plan(None))
            made = defaults(self.ruleset, self.policy, self.steps, age, known)
            found = self._plans[age] = tuple(zip(made, self.steps, strict=True))
        return found

    def defaulted_keys(self, age: int | None) -> tuple[tuple[object, ...], ...]:
        """Each rule's memo key when it takes its default for a patient of *age*.

        What such a rule read: nothing stated and nothing changed, and the age when its
        default may depend on it.  A rule keeping its very default for an unknown age
        reads no age itself, and every rule it reads gave what it gives for an unknown
        age (see :func:`~legrules.engine.defaults.defaults`): its key is the same at
        every age, so open questions kept under it serve every age (a "what if"
        computes again only the scores reading the finding it assumes, and adds their
        keys, which hold the age where it counts; see :meth:`CompiledEvaluator.asked`).
        """
        found = self._defaulted.get(age)
        if found is None:
            unknown = self.plan(None)
            found = self._defaulted[age] = tuple(
                (_DEFAULTED, None) if default is agefree else (_DEFAULTED, age)
                for (default, _), (agefree, _) in zip(self.plan(age), unknown, strict=True)
            )
        return found

    def run(self, ctx: Context) -> Sink:
        """Evaluate every rule against *ctx*; results of earlier rules land in *ctx*.

        A rule none of whose inputs is *changed* (stated, or an earlier rule's result
        other than its default) takes its default.  Rules that took it while none of
        their inputs was *touched* (stated, or evaluated at all) are *pristine*: open
        questions may reuse what they found for the same rule and age before
        (``ctx.pristine``).
        """
        sink = Sink()
        changed = set(ctx.stated)
        touched = set(changed)
        pristine: list[str] = []
        keys = self.defaulted_keys(ctx.age)
        for (default, step), memo, key in zip(self.plan(ctx.age), self.memos, keys, strict=True):
            inputs = default.inputs
            if inputs is not None and changed.isdisjoint(inputs):
                default.apply(ctx, sink)
                ctx.tokens[default.rule_id] = default.token
                if memo is not None:
                    ctx.keys[default.rule_id] = key
                if touched.isdisjoint(inputs):
                    pristine.append(default.rule_id)
                else:
                    touched.add(default.rule_id)
                continue
            if memo is None or not ctx.symbolic:
                step(ctx, sink)
            else:
                memo.run(step, ctx, sink)
            touched.add(default.rule_id)
            # A rule that is always evaluated often still gives its default (a D-dimer
            # with no reading): the rules reading it need not be evaluated.
            if inputs is not None or not default.holds(ctx):
                changed.add(default.rule_id)
        # A rule reading a later rule's result would see it in open questions' contexts,
        # after it was settled: no shipped rule set does, and none then keeps answers.
        ctx.pristine = frozenset(pristine) if self.backward else frozenset()
        return sink

    def symbolic(self) -> bool:
        """Whether the next assessment should read its records as proofs (see :class:`Reuse`)."""
        return self._reuse.worth()

    def timed(self) -> bool:
        """Whether the next assessment's CPU time counts (see :meth:`Reuse.timed`)."""
        return self._reuse.timed()

    def spent(self, symbolic: bool, nanoseconds: int) -> None:
        """Count the CPU time of an assessment read symbolically or not (see :class:`Reuse`)."""
        self._reuse.spent(symbolic, nanoseconds)

    def open_questions(
        self, ctx: Context, disposition: Disposition
    ) -> tuple[Disposition, tuple[OpenQuestion, ...]]:
        """The worst case and what to ask next, for *ctx* run by :meth:`run`.

        When every rule's answer was one kept (a token in ``ctx.tokens``), or a result that
        no "what if" evaluates again (compared by value), the questions follow from those
        answers and *disposition* alone (every "what if" reads what a rule read, and the
        scores it reads), so they are kept under them too.  Recommendations are not
        among those rules: no rule reads advice, so no question depends on it.
        """
        key: list[object] = [disposition]
        tokens = ctx.tokens
        for rule in self._asked_of:
            token = tokens.get(rule.id)
            if token is None:
                table = self._valued.get(rule.id)
                if table is None or not ctx.symbolic:
                    return open_questions(self.ruleset, ctx, disposition, self.evaluator)
                token = getattr(ctx, table)[rule.id]
            key.append(token)
        whole = tuple(key)
        found = self._questions.get(whole)
        if found is None:
            found = self._questions.put(
                whole, open_questions(self.ruleset, ctx, disposition, self.evaluator)
            )
        return found


#: Marks the key of a rule that took its default (see :meth:`CompiledRuleSet.run`).
_DEFAULTED = object()

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
