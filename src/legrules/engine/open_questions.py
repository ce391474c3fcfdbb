"""What is still open: the most urgent level the unknowns could reach, and what to ask.

``rules.md`` section 7.1.  The disposition is the level proven by what is known; the
*worst case* is the most urgent level some completion of the unknown findings could
reach, and *ask next* lists the unknown findings whose answer "present" could raise the
level above the disposition, most urgent first.

Both come from what the engine already holds, without searching over completions of the
whole presentation:

* an indeterminate red flag can reach its level: three-valued logic leaves it unknown
  only while a statement of its missing findings could still meet it;
* a differential can reach the levels its deciding function gives when its unknown
  criteria are completed each way (a few calls of a small pure function), whether its
  present conclusion is indeterminate or already settled at a lower level;
* a question is checked by evaluating each open rule once more with the finding assumed
  present on the legs where it is unknown (skipped for red flags that read the finding
  only positively, where three-valued logic already gives the answer).

This module also holds the 2026.12 disposition policy for differentials: a differential
concluded possible or higher never sets a level below its own level (the level its
likely or confirmed conclusions set, ``rules.md`` section 4).

``tests/properties/test_open_questions.py`` checks both against a brute-force search over
completions.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime

import attrs

from legrules.engine.base import Decision, DifferentialRule, RedFlagRule, ScoreRule
from legrules.engine.facts import SIDES, Context, Outcome
from legrules.engine.logic import All, Any, ByPolicy, Expr, Not, Present, Same
from legrules.engine.ruleset import RuleSet
from legrules.model import (
    VOCABULARY,
    DifferentialResult,
    Disposition,
    Finding,
    Kind,
    Likelihood,
    OpenQuestion,
    Policy,
    Presence,
    Presentation,
    Status,
    Tri,
)

__all__ = ["differential_result", "open_questions"]

_RESULT_PREFIXES = ("score.", "redflag.", "ddx.", "rec.")
_POSITIVE = frozenset({Likelihood.POSSIBLE, Likelihood.LIKELY, Likelihood.CONFIRMED})
_SETTLED_POSITIVE = frozenset({Likelihood.LIKELY, Likelihood.CONFIRMED})
#: At most 2**10 completions of a differential's unknown criteria.
_MAX_UNKNOWN = 10
_SELF_CARE = Disposition.SELF_CARE


# -- the 2026.12 disposition policy for differentials -----------------------------------


@attrs.frozen
class _Levels:
    """What a differential can set: its own level, and the most urgent of any conclusion."""

    own: Disposition
    top: Disposition


_STATIC: dict[tuple[int, int], tuple[RuleSet, DifferentialRule, _Levels]] = {}
_EMPTY: dict[int, tuple[RuleSet, Context]] = {}


def differential_result(
    ruleset: RuleSet, rule: DifferentialRule, decision: Decision
) -> DifferentialResult:
    """The result of *rule*'s *decision*, its level raised by the rule set's policy."""
    level = _lifted(ruleset, rule, decision.likelihood, decision.level)
    return DifferentialResult(
        rule.id, rule.version, decision.likelihood, level, decision.evidence, decision.missing
    )


def _lifted(
    ruleset: RuleSet, rule: DifferentialRule, likelihood: Likelihood, level: Disposition
) -> Disposition:
    """*level*, raised to the rule's own level for a possible-or-higher conclusion (2026.12)."""
    if ruleset.disposition_policy == "2026.11" or likelihood not in _POSITIVE:
        return level
    own = _levels(ruleset, rule).own
    return own if own.above(level) else level


def _levels(ruleset: RuleSet, rule: DifferentialRule) -> _Levels:
    key = (id(ruleset), id(rule))
    hit = _STATIC.get(key)
    if hit is None:
        # Keeping the objects alive keeps their ids from being reused.
        hit = _STATIC[key] = (ruleset, rule, _analyse(ruleset, rule))
    return hit[2]


def _analyse(ruleset: RuleSet, rule: DifferentialRule) -> _Levels:
    """Read a differential's levels off every completion of its criteria on no data."""
    ctx = _empty_context(ruleset)
    decisions = [d for _, d in _completions(rule, ctx, _outcomes(rule, ctx))]
    own = _most_urgent(d.level for d in decisions if d.likelihood in _SETTLED_POSITIVE)
    own = own or _SELF_CARE
    lifted = [
        own if d.likelihood in _POSITIVE and ruleset.disposition_policy != "2026.11" else d.level
        for d in decisions
    ]
    return _Levels(own, _most_urgent([*lifted, own]) or _SELF_CARE)


def _empty_context(ruleset: RuleSet) -> Context:
    """A context over an empty presentation with every rule of *ruleset* evaluated."""
    hit = _EMPTY.get(id(ruleset))
    if hit is None:
        ctx = Context(Presentation(), datetime(2026, 1, 1, tzinfo=UTC), Policy())
        for rule in ruleset.rules:
            if isinstance(rule, ScoreRule):
                ctx.scores[rule.id] = rule.evaluate(ctx)[0]
            elif isinstance(rule, RedFlagRule):
                ctx.red_flags[rule.id] = rule.evaluate(ctx)[0]
            elif isinstance(rule, DifferentialRule):
                decision = rule.evaluate(ctx)[0]
                ctx.differentials[rule.id] = DifferentialResult(
                    rule.id, rule.version, decision.likelihood, decision.level
                )
        hit = _EMPTY[id(ruleset)] = (ruleset, ctx)
    return hit[1]


def _outcomes(rule: DifferentialRule, ctx: Context) -> dict[str, Outcome]:
    return {c.id: c.expr.evaluate(ctx) for c in rule.criteria}


def _unknown(rule: DifferentialRule, outcomes: Mapping[str, Outcome]) -> list[str]:
    return [c.id for c in rule.criteria if outcomes[c.id].tri is Tri.UNKNOWN][:_MAX_UNKNOWN]


def _completions(
    rule: DifferentialRule, ctx: Context, outcomes: Mapping[str, Outcome]
) -> Iterator[tuple[tuple[Tri, ...], Decision]]:
    """*rule*'s decision for every way of settling its unknown criteria (with the way)."""
    unknown = _unknown(rule, outcomes)
    for combo in itertools.product((Tri.MET, Tri.NOT_MET), repeat=len(unknown)):
        assumed = dict(outcomes)
        assumed.update({cid: Outcome(tri) for cid, tri in zip(unknown, combo, strict=True)})
        yield combo, rule.decide(ctx, assumed)


def _most_urgent(levels: Iterator[Disposition] | list[Disposition]) -> Disposition | None:
    """The most urgent level above self-care among *levels*, if any."""
    raised = [level for level in levels if level.above(_SELF_CARE)]
    return Disposition.most_urgent(raised)


# -- what the unknowns could reach ------------------------------------------------------


def _levels_reached(
    ruleset: RuleSet, rule: DifferentialRule, ctx: Context, outcomes: Mapping[str, Outcome]
) -> Iterator[tuple[tuple[Tri, ...], Disposition]]:
    """The level each way of settling the unknown criteria sets (self-care when none)."""
    top = _levels(ruleset, rule).top
    for combo, decision in _completions(rule, ctx, outcomes):
        level = _lifted(ruleset, rule, decision.likelihood, decision.level)
        if decision.likelihood is Likelihood.INDETERMINATE and (
            level is Disposition.UNDETERMINED or ruleset.disposition_policy != "2026.11"
        ):
            # Still open with every criterion settled: the deciding function reads more
            # than its criteria, so take the most urgent level the rule can set.
            level = top
        yield combo, level if level.above(_SELF_CARE) else _SELF_CARE


def _differential_reach(
    ruleset: RuleSet,
    rule: DifferentialRule,
    ctx: Context,
    enough: Disposition | None = None,
    outcomes: Mapping[str, Outcome] | None = None,
) -> Disposition | None:
    """The most urgent level a differential could still set, if any.

    Settled conclusions count too: a deciding function may settle one conclusion while a
    more urgent one still hangs on an unknown criterion.  The search stops at *enough*
    (default: the most urgent level the rule can set).
    """
    enough = enough or _levels(ruleset, rule).top
    outcomes = _outcomes(rule, ctx) if outcomes is None else outcomes
    best: Disposition | None = None
    for _, level in _levels_reached(ruleset, rule, ctx, outcomes):
        if level.above(_SELF_CARE) and (best is None or level.above(best)):
            best = level
            if not enough.above(best):
                break
    return best


def _deciding_missing(
    ruleset: RuleSet,
    rule: DifferentialRule,
    ctx: Context,
    outcomes: Mapping[str, Outcome],
    reach: Disposition,
) -> tuple[str, ...]:
    """The missing inputs of the unknown criteria that decide whether *reach* is reached.

    A criterion decides when changing it alone, in some completion that reaches the
    level, loses it: an unknown ultrasound decides a DVT with every sign absent; the
    Wells items then do not.
    """
    unknown = _unknown(rule, outcomes)
    reached = {
        combo: not reach.above(level)
        for combo, level in _levels_reached(ruleset, rule, ctx, outcomes)
    }
    deciding: list[str] = []
    for index, cid in enumerate(unknown):
        for combo, ok in reached.items():
            flipped = (*combo[:index], ~combo[index], *combo[index + 1 :])
            if ok and not reached[flipped]:
                deciding += outcomes[cid].missing
                break
    return tuple(dict.fromkeys(deciding))


def open_questions(
    ruleset: RuleSet, ctx: Context, disposition: Disposition
) -> tuple[Disposition, tuple[OpenQuestion, ...]]:
    """The worst case and the questions to ask next, for an evaluated *ctx*.

    *ctx* holds every score, red flag and differential of *ruleset*; *disposition* is the
    level they prove.
    """
    reach: dict[str, Disposition] = {}
    missing: dict[str, tuple[str, ...]] = {}
    for flag in ctx.red_flags.values():
        if flag.status is Status.INDETERMINATE and flag.level.above(disposition):
            reach[flag.id], missing[flag.id] = flag.level, flag.missing
    for rule in ruleset.rules:
        if not isinstance(rule, DifferentialRule):
            continue
        if not _levels(ruleset, rule).top.above(disposition):
            continue  # nothing it could conclude would raise the level
        result = ctx.differentials[rule.id]
        outcomes = _outcomes(rule, ctx)
        if not _unknown(rule, outcomes) and result.likelihood is not Likelihood.INDETERMINATE:
            continue  # settled for good: its level is already in the disposition
        level = _differential_reach(ruleset, rule, ctx, outcomes=outcomes)
        if level is not None and level.above(disposition):
            reach[rule.id] = level
            deciding = _deciding_missing(ruleset, rule, ctx, outcomes, level)
            missing[rule.id] = tuple(dict.fromkeys((*result.missing, *deciding)))
    worst = Disposition.most_urgent([disposition, *reach.values()])
    assert worst is not None
    return worst, _questions(ruleset, ctx, disposition, reach, missing)


def _questions(
    ruleset: RuleSet,
    ctx: Context,
    disposition: Disposition,
    reach: Mapping[str, Disposition],
    missing: Mapping[str, tuple[str, ...]],
) -> tuple[OpenQuestion, ...]:
    """Each unknown finding whose presence could raise the level, most urgent first."""
    rules = {r.id: r for r in ruleset.rules if r.id in reach}
    assuming = _Assuming(ruleset, ctx)
    settles: dict[str, list[str]] = {}
    could_reach: dict[str, Disposition] = {}
    # Most urgent rules first, so that a finding is checked against a less urgent rule
    # only while nothing more urgent is known to be reachable with it.
    for rule_id, level in sorted(reach.items(), key=lambda item: item[1].rank):
        rule = rules[rule_id]
        assert isinstance(rule, RedFlagRule | DifferentialRule)
        for cid in missing[rule_id]:
            if cid.startswith(_RESULT_PREFIXES):
                continue
            settles.setdefault(cid, []).append(rule_id)
            known = could_reach.get(cid)
            if known is not None and not level.above(known):
                continue
            got = _reach_if_present(assuming, rule, cid, level)
            if got is not None and got.above(disposition):
                could_reach[cid] = got if known is None or got.above(known) else known
    order = {rule_id: index for index, rule_id in enumerate(rules)}
    questions = [
        OpenQuestion(cid, level, tuple(sorted(settles[cid], key=order.__getitem__)))
        for cid, level in could_reach.items()
    ]
    # Stable: ties keep the order in which the most urgent rules name their findings.
    questions.sort(key=lambda q: (q.could_reach.rank, -len(q.settles)))
    return tuple(questions)


def _reach_if_present(
    assuming: _Assuming, rule: RedFlagRule | DifferentialRule, cid: str, level: Disposition
) -> Disposition | None:
    """The level *rule* could still reach once *cid* is known to be present."""
    spec = VOCABULARY.get(cid)
    if spec is None or spec.kind is not Kind.BOOLEAN:
        return level  # a measurement or the age: some value could reach it
    if isinstance(rule, RedFlagRule):
        if cid in _positive_reads(rule):
            return level
        flag = rule.evaluate(assuming.present(cid, rule))[0]
        return None if flag.status is Status.NOT_MET else rule.level
    return _differential_reach(assuming.ruleset, rule, assuming.present(cid, rule), level)


class _Assuming:
    """Contexts that assume one more finding present, built once per finding."""

    def __init__(self, ruleset: RuleSet, ctx: Context) -> None:
        self.ruleset = ruleset
        self.ctx = ctx
        self._made: dict[str, tuple[Context, set[str]]] = {}
        self._scores = {r.id: r for r in ruleset.rules if isinstance(r, ScoreRule)}

    def present(self, cid: str, rule: RedFlagRule | DifferentialRule) -> Context:
        """*ctx* with *cid* present where it is unknown, and the scores *rule* reads redone."""
        made = self._made.get(cid)
        if made is None:
            made = self._made[cid] = (self.ctx.adding(self._statements(cid)), set())
        ctx, redone = made
        for name in rule.reads():
            score = self._scores.get(name)
            if score is not None and name not in redone and cid in score.reads():
                ctx.scores[name] = score.evaluate(ctx)[0]
                redone.add(name)
        return ctx

    def _statements(self, cid: str) -> list[Finding]:
        """*cid* present on the legs where it is unknown: never contradicting a known leg."""
        if not VOCABULARY[cid].lateral:
            return [Finding(cid, Presence.PRESENT)]
        sides = [s for s in SIDES if self.ctx.finding(cid, s).tri is Tri.UNKNOWN]
        if len(sides) == len(SIDES):
            return [Finding(cid, Presence.PRESENT)]
        return [Finding(cid, Presence.PRESENT, side) for side in sides]


_POSITIVE_READS: dict[int, tuple[RedFlagRule, frozenset[str]]] = {}


def _positive_reads(rule: RedFlagRule) -> frozenset[str]:
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
