"""What if: open questions assume a finding present and evaluate rules again.

:mod:`legrules.engine.open_questions` asks how far a rule could still go once an unknown
finding is known to be present.  It does so through an :class:`Evaluator`, which says
how a rule's criteria, a score and a red flag's status are evaluated in a context:

* :class:`Evaluator` itself is the reference: the rules' own interpreter, every
  criterion walked afresh (what :func:`legrules.engine.interpret` uses);
* the compiled evaluator (:mod:`legrules.engine.compiled`) reuses the criterion outcomes
  its run already computed, and in a "what if" context evaluates again only the
  criteria that read the finding assumed present.

Both must give the same answers: the tests compare whole assessment documents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TypeVar

from legrules.engine.base import DifferentialRule, RedFlagRule, Rule, ScoreRule
from legrules.engine.facts import SIDES, Context, Outcome
from legrules.engine.logic import All, Any, ByPolicy, Expr, Not, Present, Same
from legrules.engine.ruleset import RuleSet
from legrules.model import (
    VOCABULARY,
    Disposition,
    Finding,
    Presence,
    ScoreResult,
    Status,
    Tri,
)

__all__ = ["Assuming", "Evaluator", "positive_reads"]

T = TypeVar("T")

#: A rule whose criteria open questions evaluate.
Evaluated = RedFlagRule | DifferentialRule | ScoreRule


class Evaluator:
    """How open questions evaluate rules: the reference interpreter."""

    def outcomes(self, rule: Evaluated, ctx: Context) -> Mapping[str, Outcome]:
        """Each criterion's outcome for *rule* in *ctx*, by criterion id."""
        return {c.id: c.expr.evaluate(ctx) for c in rule.criteria}

    def score(self, rule: ScoreRule, ctx: Context) -> tuple[ScoreResult, ...]:
        """The results of score *rule* in *ctx*."""
        return rule.evaluate(ctx)[0]

    def red_flag(self, rule: RedFlagRule, ctx: Context) -> Status:
        """The status of red flag *rule* in *ctx*."""
        return rule.evaluate(ctx)[0].status

    def keeps(self, rule: Rule, ctx: Context) -> bool:
        """Whether :meth:`kept` keeps answers about *rule* in *ctx*."""
        return False

    def kept(self, rule: Rule, ctx: Context, key: tuple[object, ...], answer: Callable[[], T]) -> T:
        """*answer()*, an answer about *rule* in *ctx* that *key* tells from others.

        The compiled evaluator keeps it when the rule read nothing stated in *ctx*
        (``ctx.pristine``): the answer then depends on the rule, *key* and the
        patient's age alone, whoever the patient is.
        """
        return answer()

    def asked(
        self,
        rule: RedFlagRule | DifferentialRule,
        assuming: Assuming,
        cid: str,
        level: Disposition,
        answer: Callable[[], T],
    ) -> T:
        """*answer()*: how far *rule* could go at *level* once *cid* is present.

        The compiled evaluator keeps it under what the rule (and every score it reads
        that reads *cid*, since those are redone) read in the assessment.
        """
        return answer()

    def levels(
        self,
        rule: DifferentialRule,
        ctx: Context,
        outcomes: Mapping[str, Outcome],
        reached: Callable[[], Iterator[Disposition]],
    ) -> Iterable[Disposition]:
        """The levels *reached* yields: one per way of settling *rule*'s unknown criteria.

        The compiled evaluator keeps them for a deciding function that reads from its
        context *ctx* no more than some scores: they then depend on the *outcomes* and
        those scores' results alone.
        """
        return reached()


#: The reference evaluator.
INTERPRETER = Evaluator()


_ScoresRead = list[tuple[ScoreRule, frozenset[str]]]
#: Per rule set and rule (by id, holding both so that the ids stay theirs): the scores
#: the rule reads.
_SCORES_READ: dict[tuple[int, int], tuple[RuleSet, Rule, _ScoresRead]] = {}


class Assuming:
    """Contexts that assume one more finding present, built once per finding."""

    def __init__(self, ruleset: RuleSet, ctx: Context, evaluator: Evaluator) -> None:
        self.ruleset = ruleset
        self.ctx = ctx
        self.evaluator = evaluator
        self._made: dict[str, tuple[Context, set[str]]] = {}
        self._scores = {r.id: r for r in ruleset.rules if isinstance(r, ScoreRule)}

    def present(self, cid: str, rule: RedFlagRule | DifferentialRule) -> Context:
        """*ctx* with *cid* present where it is unknown, and the scores *rule* reads redone."""
        made = self._made.get(cid)
        if made is None:
            made = self._made[cid] = (self.ctx.adding(self._statements(cid)), set())
        ctx, redone = made
        for score, reads in self.scores_read(rule):
            if score.id not in redone and cid in reads:
                ctx.scores[score.id] = self.evaluator.score(score, ctx)
                redone.add(score.id)
        return ctx

    def scores_read(self, rule: RedFlagRule | DifferentialRule) -> _ScoresRead:
        """The scores *rule* reads, in order, each with what it reads (worked out once)."""
        key = (id(self.ruleset), id(rule))
        found = _SCORES_READ.get(key)
        if found is None:
            scores = [self._scores[name] for name in rule.reads() if name in self._scores]
            reads = [(s, frozenset(s.reads())) for s in scores]
            found = _SCORES_READ[key] = (self.ruleset, rule, reads)
        return found[2]

    def _statements(self, cid: str) -> list[Finding]:
        """*cid* present on the legs where it is unknown: never contradicting a known leg."""
        if not VOCABULARY[cid].lateral:
            return [Finding(cid, Presence.PRESENT)]
        sides = [s for s in SIDES if self.ctx.finding(cid, s).tri is Tri.UNKNOWN]
        if len(sides) == len(SIDES):
            return [Finding(cid, Presence.PRESENT)]
        return [Finding(cid, Presence.PRESENT, side) for side in sides]


_POSITIVE_READS: dict[int, tuple[RedFlagRule, frozenset[str]]] = {}


def positive_reads(rule: RedFlagRule) -> frozenset[str]:
    """The findings *rule* reads only as "present", through and/or/not alone.

    For those, three-valued logic answers the question: present can only move an
    unknown flag toward met.
    """
    hit = _POSITIVE_READS.get(id(rule))
    if hit is None:
        signs: dict[str, set[int]] = {}
        for criterion in rule.criteria:
            _signs(criterion.expr, 1, signs)
        positive = frozenset(cid for cid, seen in signs.items() if seen == {1})
        hit = _POSITIVE_READS[id(rule)] = (rule, positive)
    return hit[1]


def _signs(expr: Expr, sign: int, out: dict[str, set[int]]) -> None:
    if isinstance(expr, Present):
        out.setdefault(expr.cid, set()).add(sign)
    elif isinstance(expr, Not):
        _signs(expr.item, -sign, out)
    elif isinstance(expr, All | Any | Same):
        for item in expr.items:
            _signs(item, sign, out)
    elif isinstance(expr, ByPolicy):
        for _, item in expr.choices:
            _signs(item, sign, out)
    else:
        # Laterality, scores and other rules: the direction is not read off the tree.
        for cid in expr.reads():
            out.setdefault(cid, set()).add(0)
