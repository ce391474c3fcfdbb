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

from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from functools import partial

import attrs

from legrules.engine.base import Decision, DifferentialRule, RedFlagRule, ScoreRule
from legrules.engine.facts import Context, Outcome
from legrules.engine.ruleset import RuleSet
from legrules.engine.what_if import INTERPRETER, Assuming, Evaluator, positive_reads
from legrules.model import (
    VOCABULARY,
    DifferentialResult,
    Disposition,
    Kind,
    Likelihood,
    OpenQuestion,
    Policy,
    Presentation,
    Status,
    Tri,
    trusted,
)

__all__ = ["differential_result", "levels_by_reads", "open_questions"]

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
    return trusted.differential_result(
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
    # As :func:`_lifted` does: a possible-or-higher conclusion is raised to the rule's own
    # level, never lowered to it (shin splints' "possible stress fracture" is soon while
    # its likely conclusion is self-care: replacing the level hid that from the worst case).
    lifted = [
        own
        if d.likelihood in _POSITIVE
        and ruleset.disposition_policy != "2026.11"
        and own.above(d.level)
        else d.level
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


class _Settling:
    """A rule's criterion outcomes with its unknown criteria settled one way or another.

    A way is a bit mask over the unknown criteria (bit *i* set: criterion *i* met), so
    that ways are cheap to store and to compare: enum members hash in Python code.  The
    reference enumeration and the one that skips ways share this, so both give a
    deciding function the very same outcomes.
    """

    __slots__ = ("_met", "_not_met", "assumed", "unknown")

    def __init__(self, rule: DifferentialRule, outcomes: Mapping[str, Outcome]) -> None:
        self.unknown = _unknown(rule, outcomes)
        self._met = [Outcome(Tri.MET) for _ in self.unknown]
        self._not_met = [Outcome(Tri.NOT_MET) for _ in self.unknown]
        self.assumed = dict(outcomes)

    def settled(self, mask: int) -> dict[str, Outcome]:
        """The outcomes with each unknown criterion met or not as *mask* says (kept dict)."""
        assumed, met, not_met = self.assumed, self._met, self._not_met
        for index, cid in enumerate(self.unknown):
            assumed[cid] = met[index] if mask >> index & 1 else not_met[index]
        return assumed


def _completions(
    rule: DifferentialRule, ctx: Context, outcomes: Mapping[str, Outcome]
) -> Iterator[tuple[int, Decision]]:
    """*rule*'s decision for every way of settling its unknown criteria (with the way)."""
    settling = _Settling(rule, outcomes)
    for mask in range(1 << len(settling.unknown)):
        yield mask, rule.decide(ctx, settling.settled(mask))


def _most_urgent(levels: Iterator[Disposition] | list[Disposition]) -> Disposition | None:
    """The most urgent level above self-care among *levels*, if any."""
    raised = [level for level in levels if level.above(_SELF_CARE)]
    return Disposition.most_urgent(raised)


# -- what the unknowns could reach ------------------------------------------------------


def _levels_reached(
    ruleset: RuleSet, rule: DifferentialRule, ctx: Context, outcomes: Mapping[str, Outcome]
) -> Iterator[tuple[int, Disposition]]:
    """The level each way of settling the unknown criteria sets (self-care when none)."""
    top = _levels(ruleset, rule).top
    for mask, decision in _completions(rule, ctx, outcomes):
        yield mask, _level_set(ruleset, rule, decision, top)


def _level_set(
    ruleset: RuleSet, rule: DifferentialRule, decision: Decision, top: Disposition
) -> Disposition:
    """The level *decision* of a completion sets (self-care when none); *top*: the rule's."""
    level = _lifted(ruleset, rule, decision.likelihood, decision.level)
    if decision.likelihood is Likelihood.INDETERMINATE and (
        level is Disposition.UNDETERMINED or ruleset.disposition_policy != "2026.11"
    ):
        # Still open with every criterion settled: the deciding function reads more
        # than its criteria, so take the most urgent level the rule can set.
        level = top
    return level if level.above(_SELF_CARE) else _SELF_CARE


class _Reading(Mapping[str, Outcome]):
    """Criterion outcomes as a deciding function reads them, noting the unknown ones read.

    *bits* gives each unknown criterion its bit; ``read`` gathers the bits of those read
    (by subscript, ``get``, ``in``, ``values`` or ``items``: every way a mapping gives a
    value goes through :meth:`__getitem__`).  It is not a dict, so a deciding function
    cannot reach the values any other way.
    """

    __slots__ = ("_bits", "_outcomes", "read")

    def __init__(self, outcomes: Mapping[str, Outcome], bits: Mapping[str, int]) -> None:
        self._outcomes = outcomes
        self._bits = bits
        self.read = 0

    def __getitem__(self, cid: str) -> Outcome:
        bit = self._bits.get(cid)
        if bit is not None:
            self.read |= bit
        return self._outcomes[cid]

    def __iter__(self) -> Iterator[str]:
        return iter(self._outcomes)

    def __len__(self) -> int:
        return len(self._outcomes)


def levels_by_reads(
    ruleset: RuleSet, rule: DifferentialRule, ctx: Context, outcomes: Mapping[str, Outcome]
) -> Iterator[Disposition]:
    """The level of every way of settling *rule*'s unknown criteria, by bit mask.

    What :func:`_levels_reached` gives, with fewer calls of the deciding function: a
    deciding function is pure, so a completion's decision depends on its context and on
    the outcomes it reads alone.  Each call notes which unknown criteria it read; every
    completion settling those the same way has the same decision, and takes its level
    without a call.  A deciding function that reads the ABI first and finds it abnormal
    decides all 2**n completions of its questionnaire items in one call.  Lazily, as the
    reference: a caller looking for a level stops calling once it has found it.
    """
    settling = _Settling(rule, outcomes)
    count = len(settling.unknown)
    every = (1 << count) - 1
    bits = {cid: 1 << index for index, cid in enumerate(settling.unknown)}
    top = _levels(ruleset, rule).top
    levels: list[Disposition | None] = [None] * (1 << count)
    for mask in range(1 << count):
        level = levels[mask]
        if level is None:  # else settled by an earlier call that read fewer criteria
            reading = _Reading(settling.settled(mask), bits)
            level = _level_set(ruleset, rule, rule.decide(ctx, reading), top)
            read = reading.read
            fixed, free = mask & read, every & ~read
            ways = free  # every subset of the criteria it did not read, this one's way
            while True:
                levels[fixed | ways] = level
                if not ways:
                    break
                ways = (ways - 1) & free
        yield level


def _reach_of(levels: Iterable[Disposition], enough: Disposition) -> Disposition | None:
    """The most urgent level above self-care among *levels*; stops once *enough* is reached."""
    best: Disposition | None = None
    for level in levels:
        if level.above(_SELF_CARE) and (best is None or level.above(best)):
            best = level
            if not enough.above(best):
                break
    return best


def _levels_of(
    evaluator: Evaluator,
    ruleset: RuleSet,
    rule: DifferentialRule,
    ctx: Context,
    outcomes: Mapping[str, Outcome],
) -> Iterable[Disposition]:
    """The level of every way of settling *rule*'s unknown criteria, by bit mask."""
    return evaluator.levels(
        rule,
        ctx,
        outcomes,
        lambda: (level for _, level in _levels_reached(ruleset, rule, ctx, outcomes)),
    )


def _differential_reach(
    evaluator: Evaluator,
    ruleset: RuleSet,
    rule: DifferentialRule,
    ctx: Context,
    enough: Disposition,
    outcomes: Mapping[str, Outcome],
) -> Disposition | None:
    """The most urgent level a differential could still set, if any.

    Settled conclusions count too: a deciding function may settle one conclusion while a
    more urgent one still hangs on an unknown criterion.  The search stops at *enough*.
    """
    return _reach_of(_levels_of(evaluator, ruleset, rule, ctx, outcomes), enough)


def _deciding_missing(
    rule: DifferentialRule,
    outcomes: Mapping[str, Outcome],
    levels: list[Disposition],
    reach: Disposition,
) -> tuple[str, ...]:
    """The missing inputs of the unknown criteria that decide whether *reach* is reached.

    *levels* holds the level of every way of settling the unknown criteria, by bit mask.
    A criterion decides when changing it alone, in some completion that reaches the
    level, loses it: an unknown ultrasound decides a DVT with every sign absent; the
    Wells items then do not.
    """
    unknown = _unknown(rule, outcomes)
    reached = [not reach.above(level) for level in levels]
    deciding: list[str] = []
    for index, cid in enumerate(unknown):
        bit = 1 << index
        if any(ok and not reached[mask ^ bit] for mask, ok in enumerate(reached)):
            deciding += outcomes[cid].missing
    return tuple(dict.fromkeys(deciding))


def _differential_open(
    evaluator: Evaluator,
    ruleset: RuleSet,
    rule: DifferentialRule,
    ctx: Context,
    top: Disposition,
    disposition: Disposition,
) -> tuple[Disposition, tuple[str, ...]] | None:
    """The level above *disposition* *rule* could still set, and what decides it, if any."""
    result = ctx.differentials[rule.id]
    outcomes = evaluator.outcomes(rule, ctx)
    if not _unknown(rule, outcomes) and result.likelihood is not Likelihood.INDETERMINATE:
        return None  # settled for good: its level is already in the disposition
    # Every completion's level, once: both the reach and what decides it read them.
    levels = list(_levels_of(evaluator, ruleset, rule, ctx, outcomes))
    level = _reach_of(levels, top)
    if level is None or not level.above(disposition):
        return None
    deciding = _deciding_missing(rule, outcomes, levels, level)
    return level, tuple(dict.fromkeys((*result.missing, *deciding)))


def open_questions(
    ruleset: RuleSet,
    ctx: Context,
    disposition: Disposition,
    evaluator: Evaluator = INTERPRETER,
) -> tuple[Disposition, tuple[OpenQuestion, ...]]:
    """The worst case and the questions to ask next, for an evaluated *ctx*.

    *ctx* holds every score, red flag and differential of *ruleset*; *disposition* is the
    level they prove.  *evaluator* evaluates criteria again (default: the interpreter).
    """
    reach: dict[str, Disposition] = {}
    missing: dict[str, tuple[str, ...]] = {}
    for flag in ctx.red_flags.values():
        if flag.status is Status.INDETERMINATE and flag.level.above(disposition):
            reach[flag.id], missing[flag.id] = flag.level, flag.missing
    for rule in ruleset.rules:
        if not isinstance(rule, DifferentialRule):
            continue
        top = _levels(ruleset, rule).top
        if not top.above(disposition):
            continue  # nothing it could conclude would raise the level
        found = evaluator.kept(
            rule,
            ctx,
            ("open", id(disposition)),
            partial(_differential_open, evaluator, ruleset, rule, ctx, top, disposition),
        )
        if found is not None:
            reach[rule.id], missing[rule.id] = found
    worst = Disposition.most_urgent([disposition, *reach.values()])
    assert worst is not None
    return worst, _questions(Assuming(ruleset, ctx, evaluator), disposition, reach, missing)


def _questions(
    assuming: Assuming,
    disposition: Disposition,
    reach: Mapping[str, Disposition],
    missing: Mapping[str, tuple[str, ...]],
) -> tuple[OpenQuestion, ...]:
    """Each unknown finding whose presence could raise the level, most urgent first."""
    rules = {r.id: r for r in assuming.ruleset.rules if r.id in reach}
    settles: dict[str, list[str]] = {}
    could_reach: dict[str, Disposition] = {}
    rank = _RANK  # ``a.above(b)`` is ``rank[a] < rank[b]``, looked up in C
    floor = rank[disposition]
    # Most urgent rules first, so that a finding is checked against a less urgent rule
    # only while nothing more urgent is known to be reachable with it.
    for rule_id, level in sorted(reach.items(), key=lambda item: rank[item[1]]):
        rule = rules[rule_id]
        assert isinstance(rule, RedFlagRule | DifferentialRule)
        cids = [cid for cid in missing[rule_id] if not cid.startswith(_RESULT_PREFIXES)]
        for cid in cids:
            settles.setdefault(cid, []).append(rule_id)
        if assuming.evaluator.keeps(rule, assuming.ctx):
            # Every answer at once, kept for the next patient this rule reads nothing of.
            answers = assuming.evaluator.kept(
                rule,
                assuming.ctx,
                ("ask", id(level)),
                lambda: tuple(_reach_if_present(assuming, rule, c, level) for c in cids),  # noqa: B023
            )
            found = dict(zip(cids, answers, strict=True))
        else:
            found = None
        asked = rank[level]
        for cid in cids:
            known = could_reach.get(cid)
            if known is not None and asked >= rank[known]:
                continue  # it could not reach more with this rule
            got = _reach_if_present(assuming, rule, cid, level) if found is None else found[cid]
            if got is not None and rank[got] < floor:
                could_reach[cid] = got if known is None or rank[got] < rank[known] else known
    order = {rule_id: index for index, rule_id in enumerate(rules)}
    questions = [
        _question(
            cid,
            level,
            tuple(
                named if len(named := settles[cid]) < 2 else sorted(named, key=order.__getitem__)
            ),
        )
        for cid, level in could_reach.items()
    ]
    # Stable: ties keep the order in which the most urgent rules name their findings.
    questions.sort(key=lambda q: (rank[q.could_reach], -len(q.settles)))
    return tuple(questions)


#: Each level's urgency rank (:attr:`Disposition.rank`), by member.
_RANK: dict[Disposition, int] = {level: level.rank for level in Disposition}


#: Open questions already built, shared by the assessments that ask them (a population's
#: patients ask mostly the same ones): an immutable value, built once.
_ASKED: dict[tuple[str, Disposition, tuple[str, ...]], OpenQuestion] = {}
_MOST_ASKED = 4096


def _question(cid: str, level: Disposition, settles: tuple[str, ...]) -> OpenQuestion:
    """The open question asking for *cid*, which could reach *level* and settles *settles*."""
    key = (cid, level, settles)
    found = _ASKED.get(key)
    if found is None:
        if len(_ASKED) >= _MOST_ASKED:
            _ASKED.clear()
        found = _ASKED[key] = OpenQuestion(cid, level, settles)
    return found


def _reach_if_present(
    assuming: Assuming, rule: RedFlagRule | DifferentialRule, cid: str, level: Disposition
) -> Disposition | None:
    """The level *rule* could still reach once *cid* is known to be present."""
    spec = VOCABULARY.get(cid)
    if spec is None or spec.kind is not Kind.BOOLEAN:
        return level  # a measurement or the age: some value could reach it
    if isinstance(rule, RedFlagRule) and cid in positive_reads(rule):
        return level
    return assuming.evaluator.asked(
        rule, assuming, cid, level, partial(_reach_assumed, assuming, rule, cid, level)
    )


def _reach_assumed(
    assuming: Assuming, rule: RedFlagRule | DifferentialRule, cid: str, level: Disposition
) -> Disposition | None:
    """:func:`_reach_if_present`, worked out in a context assuming *cid* present."""
    evaluator = assuming.evaluator
    ctx = assuming.present(cid, rule)
    if isinstance(rule, RedFlagRule):
        status = evaluator.red_flag(rule, ctx)
        return None if status is Status.NOT_MET else rule.level
    outcomes = evaluator.outcomes(rule, ctx)
    return _differential_reach(evaluator, assuming.ruleset, rule, ctx, level, outcomes)
