"""Kleene combinations of outcomes, as the interpreter computes them, and their helpers.

Shared by the compiled closures and the generated code of :mod:`legrules.engine.codegen`:
every function here gives exactly the outcome the interpreter's node gives for the same
children (the tests compare whole documents).
"""

from __future__ import annotations

import operator
import typing
from collections.abc import Callable, Sequence

from legrules.engine.facts import Outcome
from legrules.model import Evidence, Tri

__all__ = ["Last", "combine_all", "combine_any", "negate", "proven", "same_of"]

_MET, _NOT_MET, _UNKNOWN = Tri.MET, Tri.NOT_MET, Tri.UNKNOWN


def _facts(outcomes: Sequence[Outcome]) -> tuple[Evidence, ...]:
    evidence = [e for o in outcomes for e in o.evidence]
    return tuple(evidence) if len(evidence) < 2 else tuple(dict.fromkeys(evidence))


def _missing(outcomes: Sequence[Outcome]) -> tuple[str, ...]:
    names = [m for o in outcomes if o.tri is _UNKNOWN for m in o.missing]
    return tuple(names) if len(names) < 2 else tuple(dict.fromkeys(names))


def combine_all(outcomes: Sequence[Outcome]) -> Outcome:
    """Kleene conjunction, as :func:`legrules.engine.facts.combine_all` computes it."""
    unknown = False
    for outcome in outcomes:
        if outcome.tri is _NOT_MET:
            return Outcome(_NOT_MET, _facts([o for o in outcomes if o.tri is _NOT_MET]))
        if outcome.tri is _UNKNOWN:
            unknown = True
    if not unknown:
        return Outcome(_MET, _facts(outcomes))
    return Outcome(_UNKNOWN, _facts([o for o in outcomes if o.tri is _MET]), _missing(outcomes))


def combine_any(outcomes: Sequence[Outcome]) -> Outcome:
    """Kleene disjunction, as :func:`legrules.engine.facts.combine_any` computes it."""
    unknown = False
    for outcome in outcomes:
        if outcome.tri is _MET:
            return Outcome(_MET, _facts([o for o in outcomes if o.tri is _MET]))
        if outcome.tri is _UNKNOWN:
            unknown = True
    if not unknown:
        return Outcome(_NOT_MET, _facts(outcomes))
    return Outcome(_UNKNOWN, _facts([o for o in outcomes if o.tri is _NOT_MET]), _missing(outcomes))


R = typing.TypeVar("R")


class Last(typing.Generic[R]):
    """The last combination a node made: its children's outcomes and the result.

    Outcomes are immutable, so when a node's children answer with the very same
    objects as last time (an unstated finding's prebuilt unknown, a prebuilt result of
    an earlier rule), the combination is the same too, whichever assessment asks.  The
    entry holds the children, so their ids cannot be reused while it lives.
    """

    __slots__ = ("entry",)

    def __init__(self) -> None:
        self.entry: tuple[list[Outcome], R] | None = None

    def combine(self, outcomes: list[Outcome], how: Callable[[list[Outcome]], R]) -> R:
        """``how(outcomes)``, or the last result when *outcomes* are the last ones."""
        entry = self.entry  # one read: another thread may replace it meanwhile
        if entry is not None and all(map(operator.is_, entry[0], outcomes)):
            return entry[1]
        result = how(outcomes)
        self.entry = (outcomes, result)
        return result


def same_of(outcomes: Sequence[Outcome]) -> Outcome:
    """:class:`~legrules.engine.logic.Same`: any known statement decides, else unknown."""
    known = [o for o in outcomes if o.tri is not _UNKNOWN]
    return combine_any(known if known else outcomes)


def negate(outcome: Outcome) -> Outcome:
    """:class:`~legrules.engine.logic.Not`: met and not met swap, unknown stays itself."""
    tri = outcome.tri
    if tri is _UNKNOWN:
        return outcome  # the negation of unknown is unknown: the same outcome
    return Outcome(_NOT_MET if tri is _MET else _MET, outcome.evidence, outcome.missing)


def proven(outcome: Outcome) -> Outcome:
    """:class:`~legrules.engine.predicates.Proven`: met stays met, anything else not met."""
    if outcome.tri is _MET:
        return outcome
    return Outcome(_NOT_MET, outcome.evidence)
