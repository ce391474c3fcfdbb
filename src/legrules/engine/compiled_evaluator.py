"""Open questions' evaluator over a compiled rule set's criteria (see :mod:`.what_if`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import cast

from legrules.engine.base import DifferentialRule, RedFlagRule, Rule, ScoreRule
from legrules.engine.compiler import ExprCompiler
from legrules.engine.criteria import Criteria
from legrules.engine.facts import Context, Outcome
from legrules.engine.logic import Expr
from legrules.engine.memo import Memo, scores_key
from legrules.engine.open_questions import levels_by_reads
from legrules.engine.rule_memo import RuleMemo
from legrules.engine.ruleset import RuleSet
from legrules.engine.truth import Truth, truth_of
from legrules.engine.what_if import Assuming, Evaluated, Evaluator, T
from legrules.model import Disposition, ScoreResult, Status, Tri

__all__ = ["CompiledEvaluator"]


class CompiledEvaluator(Evaluator):
    """Open questions' evaluator over compiled criteria.

    In the assessment's own context it reuses the outcomes the run kept.  In a "what
    if" context (one finding assumed present, see :class:`legrules.engine.what_if.Assuming`)
    it evaluates again only the criteria that read that finding, or a score that reads
    it (the only scores such a context computes again); every other criterion reads
    what it read before and keeps its outcome.  A red flag's status there is its
    criteria's truth alone: those criteria are evaluated as truths
    (:mod:`legrules.engine.truth`), building no evidence nobody reads.
    """

    def __init__(
        self,
        ruleset: RuleSet,
        criteria: Mapping[str, Criteria],
        memos: Mapping[str, RuleMemo],
        compiler: ExprCompiler,
    ) -> None:
        self._ruleset = ruleset
        self._criteria = criteria
        self._compiler = compiler
        # Each red flag's criteria as truths, generated when first asked for.
        self._truths: dict[str, tuple[Truth, ...]] = {}
        self._memos = memos
        self._rules = {r.id: r for r in ruleset.rules}
        self._reading: dict[tuple[str, frozenset[str]], tuple[int, ...]] = {}
        self._levels: Memo[tuple[object, ...], tuple[Disposition, ...]] = Memo()
        # Bounded by the rules, the levels and the ages (about 130).
        self._kept: Memo[tuple[object, ...], tuple[object]] = Memo(1 << 14)

    def keeps(self, rule: Rule, ctx: Context) -> bool:  # noqa: D102
        return rule.id in ctx.pristine

    def kept(  # noqa: D102
        self, rule: Rule, ctx: Context, key: tuple[object, ...], answer: Callable[[], T]
    ) -> T:
        if rule.id not in ctx.pristine:
            return answer()
        full = (rule.id, ctx.age, *key)
        found = self._kept.get(full)
        if found is None:
            found = self._kept.put(full, (answer(),))
        return cast(T, found[0])

    def asked(  # noqa: D102
        self,
        rule: RedFlagRule | DifferentialRule,
        assuming: Assuming,
        cid: str,
        level: Disposition,
        answer: Callable[[], T],
    ) -> T:
        memo = self._memos.get(rule.id)
        keys = assuming.ctx.keys
        read = keys.get(rule.id)
        if memo is None or read is None:
            return answer()
        key: list[object] = [cid, id(level), read]
        for score, reads in assuming.scores_read(rule):
            if cid in reads:
                redone = keys.get(score.id)
                if redone is None:
                    return answer()
                key.append(redone)
        return memo.asked(tuple(key), answer)

    def outcomes(self, rule: Evaluated, ctx: Context) -> Mapping[str, Outcome]:  # noqa: D102
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

    def score(self, rule: ScoreRule, ctx: Context) -> tuple[ScoreResult, ...]:  # noqa: D102
        criteria = self._criteria.get(rule.id)
        if criteria is None or criteria.conclude is None:
            return super().score(rule, ctx)
        results: tuple[ScoreResult, ...] = criteria.conclude(rule, ctx, self.outcomes(rule, ctx))[0]
        return results

    def levels(  # noqa: D102
        self,
        rule: DifferentialRule,
        ctx: Context,
        outcomes: Mapping[str, Outcome],
        reached: Callable[[], Iterator[Disposition]],
    ) -> Iterable[Disposition]:
        # What *reached* gives, with fewer calls of the deciding function (the reference
        # interpreter enumerates every completion: the tests compare the two).
        criteria = self._criteria.get(rule.id)
        if criteria is None or criteria.scores is None:
            return levels_by_reads(self._ruleset, rule, ctx, outcomes)
        key = (
            rule.id,
            tuple(outcomes[cid] for cid in criteria.ids),
            scores_key(ctx, criteria.scores),
        )
        found = self._levels.get(key)
        if found is None:
            found = self._levels.put(
                key, tuple(levels_by_reads(self._ruleset, rule, ctx, outcomes))
            )
        return found

    def red_flag(self, rule: RedFlagRule, ctx: Context) -> Status:  # noqa: D102
        if rule.id not in self._criteria:
            return super().red_flag(rule, ctx)
        found = ctx.outcomes.get(rule.id)
        derived = ctx.derived_from
        before = None if derived is None else derived[0].outcomes.get(rule.id)
        if found is not None:
            tris = [o.tri for o in found.values()]
        elif derived is not None and before is not None:
            # What the assessment's own context answered, but the criteria reading the
            # findings assumed present.
            truths = self._truths_of(rule)
            tris = [o.tri for o in before.values()]
            for index in self._reading_any(rule, derived[1]):
                tris[index] = truths[index](ctx)
        else:
            tris = [truth(ctx) for truth in self._truths_of(rule)]
        return Status.of(Tri.all(tris) if rule.combine == "all" else Tri.any(tris))

    def _truths_of(self, rule: RedFlagRule) -> tuple[Truth, ...]:
        found = self._truths.get(rule.id)
        if found is None:
            made = tuple(truth_of(c.expr, self._compiler) for c in rule.criteria)
            found = self._truths[rule.id] = made
        return found
