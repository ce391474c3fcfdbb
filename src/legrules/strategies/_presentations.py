"""The ``presentations`` strategy: partial, complete, and "consistent with rule X met"."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import attrs
from hypothesis import assume
from hypothesis import strategies as st

from legrules.engine.logic import Expr
from legrules.engine.ruleset import RuleSet
from legrules.model import (
    VOCABULARY,
    Finding,
    Kind,
    Laterality,
    Policy,
    Presence,
    Presentation,
    Tri,
)
from legrules.rules.registry import get_ruleset
from legrules.strategies._model import (
    BOOLEAN_IDS,
    QUANTITY_IDS,
    DrawChooser,
    datetimes,
    findings,
    known_findings,
    known_measurements,
    measurements,
    patients,
)
from legrules.strategies._solve import Solver, rule_target, transitive_reads

_DERIVED = frozenset({"onset-within-14-days", "symptom-duration"})


def presentations(
    *,
    complete: bool = False,
    meeting: str | None = None,
    ruleset: str | RuleSet | None = None,
    policy: Policy | None = None,
    as_of: datetime | None = None,
) -> st.SearchStrategy[Presentation]:
    """Presentations of one patient's leg pain, each with ``as_of`` set.

    * ``complete=False`` (default): a few findings in any state (present, absent,
      explicitly unknown, several statements of one finding at different times, a few
      recorded after ``as_of``) and a few measurements; everything else is unknown.
    * ``complete=True``: every finding of the vocabulary is present or absent (on both
      legs when it takes a side), every measurement is given, age, sex and onset are known.
    * ``meeting="redflag.suspected-dvt"``: the rule is met when the presentation is
      assessed with *ruleset* and *policy* (a red flag met, a differential likely or
      confirmed, a recommendation triggered).  The rule's criteria are made true by
      construction, adding only facts the rest of the presentation leaves unknown.

    ``as_of`` defaults to a date-time drawn from 2020-2030.
    """
    rules = get_ruleset(ruleset)
    settings = policy if policy is not None else Policy()
    target = rule_target(rules, meeting) if meeting is not None else None

    @st.composite
    def build(draw: st.DrawFn) -> Presentation:
        instant = as_of if as_of is not None else draw(_instants())
        base = draw(_complete(instant) if complete else _partial(instant))
        if target is None:
            return base
        solver = Solver(DrawChooser(draw), as_of=instant, policy=settings, ruleset=rules)
        return _meeting(draw, solver, target, base, complete=complete)

    return build()


def _instants() -> st.SearchStrategy[datetime]:
    return datetimes(before=datetime.fromisoformat("2030-01-01T00:00:00+00:00"), span=3653 * _DAY)


_DAY = timedelta(days=1)


def _partial(as_of: datetime) -> st.SearchStrategy[Presentation]:
    # Effective times run a day past as_of, so some facts are late and must be ignored.
    horizon = as_of + _DAY
    return st.builds(
        Presentation,
        patient=patients(),
        findings=st.lists(findings(as_of=horizon), max_size=12).map(tuple),
        measurements=st.lists(measurements(as_of=horizon), max_size=5).map(tuple),
        onset=st.none() | datetimes(before=as_of, span=60 * _DAY),
        as_of=st.just(as_of),
    )


def _complete(as_of: datetime) -> st.SearchStrategy[Presentation]:
    @st.composite
    def build(draw: st.DrawFn) -> Presentation:
        return Presentation(
            patient=draw(patients(complete=True)),
            findings=tuple(known_findings(draw, BOOLEAN_IDS)),
            measurements=tuple(known_measurements(draw, QUANTITY_IDS, as_of)),
            onset=draw(datetimes(before=as_of, span=60 * _DAY)),
            as_of=as_of,
        )

    return build()


def _meeting(
    draw: st.DrawFn, solver: Solver, target: Expr, base: Presentation, *, complete: bool
) -> Presentation:
    """Complete *base* so that *target* is met; if *base* rules that out, rebuild its part."""
    found = next(solver.solve(target, Tri.MET, base), None)
    if found is None:
        reads = transitive_reads(solver.ruleset, target)
        found = next(solver.solve(target, Tri.MET, _without(base, reads)), None)
        if found is not None and complete:
            found = _refill(draw, solver, target, found, reads, base.onset)
    assume(found is not None)  # last resort: the rule cannot be met on this base
    assert found is not None
    return found


def _without(p: Presentation, reads: frozenset[str]) -> Presentation:
    """*p* without any statement about *reads* (or the onset, when a rule derives from it)."""
    onset = None if reads & _DERIVED else p.onset
    age = None if "age" in reads else p.patient.age
    return attrs.evolve(
        p,
        findings=tuple(f for f in p.findings if f.id not in reads),
        measurements=tuple(m for m in p.measurements if m.id not in reads),
        onset=onset,
        patient=attrs.evolve(p.patient, age=age),
    )


def _refill(
    draw: st.DrawFn,
    solver: Solver,
    target: Expr,
    p: Presentation,
    reads: frozenset[str],
    onset: datetime | None,
) -> Presentation:
    """State every concept in *reads* the solution left unknown, keeping *target* met."""
    for cid in sorted(reads & VOCABULARY.keys()):
        for option in _options(draw, cid, p, solver.as_of):
            if solver.evaluate(target, option).tri is Tri.MET:
                p = option
                break
    if p.patient.age is None:
        # The age moves thresholds (the age-adjusted D-dimer, say), so an age is kept
        # only if the target stays met with it: the drawn one first, then a few others.
        ages = (draw(st.integers(0, 130)), 40, 0, 70, 130)
        aged = (attrs.evolve(p, patient=attrs.evolve(p.patient, age=age)) for age in ages)
        kept = next((a for a in aged if solver.evaluate(target, a).tri is Tri.MET), None)
        assume(kept is not None)
        assert kept is not None
        p = kept
    with_onset = attrs.evolve(p, onset=onset)
    return with_onset if solver.evaluate(target, with_onset).tri is Tri.MET else p


def _options(draw: st.DrawFn, cid: str, p: Presentation, as_of: datetime) -> Iterable[Presentation]:
    """Ways to state *cid* on the legs *p* says nothing about, in drawn order."""
    spec = VOCABULARY[cid]
    if spec.kind is Kind.QUANTITY:
        if not any(m.id == cid for m in p.measurements):
            added = known_measurements(draw, [cid], as_of)
            yield attrs.evolve(p, measurements=(*p.measurements, *added))
        return
    stated = {f.laterality for f in p.findings if f.id == cid}
    if None in stated or Laterality.BOTH in stated or stated >= {Laterality.LEFT, Laterality.RIGHT}:
        return
    if not spec.lateral:
        side = None
    else:
        open_sides = [s for s in (Laterality.LEFT, Laterality.RIGHT) if s not in stated]
        side = open_sides[0] if len(open_sides) == 1 else None
    for state in draw(st.permutations([Presence.PRESENT, Presence.ABSENT])):
        yield attrs.evolve(p, findings=(*p.findings, Finding(cid, state, side)))


__all__ = ["QUANTITY_IDS", "presentations"]
