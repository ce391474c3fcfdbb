"""Compiled nodes that read the results of earlier rules, and the red-flag statuses.

These nodes answer from a handful of possible results (a differential's likelihood, a
red flag's status), so every answer that does not name missing inputs is built once,
when the rule set is compiled, and looked up by the result's member.  The interpreter
builds the same outcome anew on every call; the outcomes are equal by value, which is
all a document shows (the tests compare whole documents byte for byte).

Members are looked up by ``id``: enum members are singletons, and hashing one runs
Python code on every call.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable

from legrules.engine.facts import Context, Outcome, combine_any, test
from legrules.engine.logic import AgeIs, DifferentialIs, RedFlagIs, ScoreIs
from legrules.engine.predicates import DifferentialLevelIs, ScoreClassIs
from legrules.model import Disposition, Evidence, Likelihood, ScoreResult, Status, Tri

__all__ = [
    "STATUS_OF",
    "age_is",
    "differential_is",
    "differential_level_is",
    "red_flag_is",
    "score_class_is",
    "score_is",
]

Compiled = Callable[[Context], Outcome]

#: :meth:`Status.of` by the member's id.
STATUS_OF = {
    id(Tri.MET): Status.MET,
    id(Tri.NOT_MET): Status.NOT_MET,
    id(Tri.UNKNOWN): Status.INDETERMINATE,
}


def _settled(
    name: str, members: Iterable[Likelihood | Status], wanted: Container[object], open_: object
) -> dict[int, Outcome]:
    """The outcome for each result member that settles the node, by the member's id.

    A member in *wanted* meets it, any other not; the *open_* member settles nothing
    unless it is wanted (its outcome names the missing inputs, so it is built per call).
    """
    return {
        id(member): Outcome(
            Tri.MET if member in wanted else Tri.NOT_MET, (Evidence(name, member.value),)
        )
        for member in members
        if member in wanted or member is not open_
    }


def differential_is(expr: DifferentialIs, _: object) -> Compiled:
    """:class:`DifferentialIs` with its settled answers prebuilt."""
    name = expr.differential
    settled = _settled(name, Likelihood, expr.likelihoods, Likelihood.INDETERMINATE)

    def differential(ctx: Context) -> Outcome:
        result = ctx.differential(name)
        found = settled.get(id(result.likelihood))
        if found is not None:
            return found
        return Outcome(Tri.UNKNOWN, (), result.missing or (name,))

    return differential


def red_flag_is(expr: RedFlagIs, _: object) -> Compiled:
    """:class:`RedFlagIs` with its settled answers prebuilt."""
    name = expr.red_flag
    unknown = Outcome.unknown(name)
    settled = _settled(name, Status, expr.statuses, Status.INDETERMINATE)

    def red_flag(ctx: Context) -> Outcome:
        result = ctx.red_flags.get(name)
        if result is None:
            return unknown
        found = settled.get(id(result.status))
        if found is not None:
            return found
        return Outcome(Tri.UNKNOWN, (), result.missing)

    return red_flag


def differential_level_is(expr: DifferentialLevelIs, _: object) -> Compiled:
    """:class:`DifferentialLevelIs` comparing levels by identity."""
    levels = frozenset(id(level) for level in expr.levels)
    none = Outcome(Tri.NOT_MET)
    shown = {id(level): level.value for level in Disposition}

    def level_is(ctx: Context) -> Outcome:
        setting = [d for d in ctx.differentials.values() if id(d.level) in levels]
        if not setting:
            return none
        return Outcome(
            Tri.MET,
            tuple(Evidence(d.id, f"{d.likelihood.value}, {shown[id(d.level)]}") for d in setting),
        )

    return level_is


class _ByResults:
    """The outcome last computed from a score's results, while they are the same object.

    A score that took its default (:mod:`legrules.engine.defaults`) gives the same
    results object to every assessment, so the outcome is computed once.  The entry
    holds the results, so their id cannot be reused while it lives.
    """

    __slots__ = ("entry",)

    def __init__(self) -> None:
        self.entry: tuple[object, Outcome] | None = None

    def get(self, results: object) -> Outcome | None:
        entry = self.entry  # one read: another thread may replace it meanwhile
        return entry[1] if entry is not None and entry[0] is results else None

    def put(self, results: object, outcome: Outcome) -> Outcome:
        self.entry = (results, outcome)
        return outcome


def score_is(expr: ScoreIs, _: object) -> Compiled:
    """:class:`ScoreIs` with its comparison built once."""
    name, check = expr.score, test(expr.op, expr.threshold)
    unknown = Outcome.unknown(name)
    last = _ByResults()

    def outcome_of(results: tuple[ScoreResult, ...]) -> Outcome:
        outcomes = []
        for result in results:
            low, high = result.min, result.max
            if low is None or high is None:
                outcomes.append(Outcome(Tri.UNKNOWN, (), result.missing or (name,)))
                continue
            evidence = (Evidence(name, result.shown, result.laterality),)
            passes_low, passes_high = check(low), check(high)
            if passes_low and passes_high:
                outcomes.append(Outcome(Tri.MET, evidence))
            elif not passes_low and not passes_high:
                outcomes.append(Outcome(Tri.NOT_MET, evidence))
            else:
                outcomes.append(Outcome(Tri.UNKNOWN, evidence, result.missing))
        return combine_any(outcomes) if outcomes else unknown

    def score(ctx: Context) -> Outcome:
        results = ctx.score(name)
        found = last.get(results)
        return found if found is not None else last.put(results, outcome_of(results))

    return score


def score_class_is(expr: ScoreClassIs, _: object) -> Compiled:
    """:class:`ScoreClassIs`, computed once per score results object in a row."""
    last = _ByResults()

    def score_class(ctx: Context) -> Outcome:
        results = ctx.score(expr.score)
        found = last.get(results)
        return found if found is not None else last.put(results, expr.evaluate(ctx))

    return score_class


def age_is(expr: AgeIs, _: object) -> Compiled:
    """:class:`AgeIs`, its outcome built once per age (at most about 130 of them)."""
    by_age: dict[int | None, Outcome] = {}

    def age(ctx: Context) -> Outcome:
        years = ctx.age
        found = by_age.get(years)
        if found is None:
            found = by_age[years] = expr.evaluate(ctx)
        return found

    return age
