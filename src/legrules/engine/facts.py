"""Reading facts out of a presentation, in three-valued logic, with their evidence.

The :class:`Context` is the only way rules look at a presentation.  It resolves
repeated statements (the latest wins; equal times that disagree resolve to *present*,
the conservative side, and the evidence says so), applies laterality, derives
onset-based facts, and hands every answer back as an :class:`Outcome` that carries the
evidence that proved it or the finding ids that are missing.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import NamedTuple, TypeVar

import attrs

from legrules.engine.proofs import DERIVED, Proof, Proofs, distinct
from legrules.errors import RulesetError
from legrules.model import (
    Concept,
    DifferentialResult,
    Evidence,
    Finding,
    Laterality,
    Measurement,
    Policy,
    Presence,
    Presentation,
    RedFlagResult,
    ScoreResult,
    Tri,
    concept,
    trusted,
)

__all__ = ["DERIVED_FROM_ONSET", "SIDES", "Context", "Outcome", "Reading"]

#: The two legs, for rules that look at each side in turn.
SIDES: tuple[Laterality, Laterality] = (Laterality.LEFT, Laterality.RIGHT)


class Outcome(NamedTuple):
    """A three-valued answer with the evidence that decided it and what is missing.

    A named tuple rather than an attrs class: the engine builds a few hundred per
    assessment and keys memos by them, and a tuple is built, hashed and compared in C.
    """

    tri: Tri
    evidence: tuple[Evidence, ...] = ()
    missing: tuple[str, ...] = ()

    @classmethod
    def unknown(cls, *missing: str) -> Outcome:
        """An unknown outcome that names the inputs which would settle it."""
        return cls(Tri.UNKNOWN, (), tuple(dict.fromkeys(missing)))


@attrs.frozen
class Reading:
    """A measurement value in the concept's canonical unit, with its evidence.

    ``proof`` is what outcomes carry as its evidence: the evidence itself, or its proof
    when the context reads symbolically (see ``legrules.engine.proofs``).
    """

    value: float
    evidence: Evidence
    proof: Evidence = attrs.field(kw_only=True)

    @proof.default
    def _plain(self) -> Evidence:
        return self.evidence


#: The facts the context derives from the onset date when nothing states them.
DERIVED_FROM_ONSET = ("onset-within-14-days", "symptom-duration")

_CONFLICT = "conflicting reports that may be equally recent; resolved to present"

F = TypeVar("F", Finding, Measurement)


def _current(records: Sequence[F]) -> list[F]:
    """The statements that count now: the latest dated ones, and every undated one.

    An undated statement may be as recent as any dated one, so it competes with the
    latest rather than overriding it: a disagreement then resolves conservatively.
    """
    times = [r.effective for r in records if r.effective is not None]
    if not times:
        return list(records)
    latest = max(times)
    return [r for r in records if r.effective is None or r.effective == latest]


_PRELIMINARY = "preliminary result"


_UNITS: dict[str, str | None] = {}


def _canonical_unit(spec: Concept) -> str | None:
    """*spec*'s canonical unit, looked up once per concept."""
    found = _UNITS.get(spec.id, _UNITS)
    if found is _UNITS:
        found = _UNITS[spec.id] = spec.unit
    return found  # type: ignore[return-value]


def _join(*notes: str | None) -> str | None:
    kept = [n for n in notes if n]
    return "; ".join(kept) if kept else None


def _one_unsided(records: Sequence[Finding | Measurement]) -> bool:
    """Whether *records* is one statement without a side (it covers either leg)."""
    return len(records) == 1 and records[0].laterality is None


def _unsided(records: Sequence[Finding | Measurement]) -> bool:
    """Whether no statement among *records* (at least one) has a side."""
    for record in records:
        if record.laterality is not None:
            return False
    return bool(records)


def _covers(fact_side: Laterality | None, side: Laterality | None) -> bool:
    return side is None or fact_side is None or fact_side.covers(side)


class Context:
    """Everything a rule may read.

    That is the presentation, the instant, the policy, and the results of the rules
    evaluated before this one.
    """

    def __init__(
        self, presentation: Presentation, as_of: datetime, policy: Policy, *, symbolic: bool = False
    ) -> None:
        self.presentation = presentation
        self.as_of = as_of
        self.policy = policy
        self.scores: dict[str, tuple[ScoreResult, ...]] = {}
        self.red_flags: dict[str, RedFlagResult] = {}
        self.differentials: dict[str, DifferentialResult] = {}
        # Many rules read the same findings; answers are immutable, so cache them (the
        # compiled leaves look their key up here before calling :meth:`finding`).
        self.answers: dict[tuple[str, Laterality | None], Outcome] = {}
        self._readings: dict[tuple[str, Laterality | None], tuple[Reading, ...]] = {}
        self._findings: dict[str, list[Finding]] = {}
        self._measurements: dict[str, list[Measurement]] = {}
        for finding in presentation.findings:
            self._findings.setdefault(finding.id, []).append(finding)
        for measurement in presentation.measurements:
            self._measurements.setdefault(measurement.id, []).append(measurement)
        # The ids the presentation speaks to at all (stated or derivable): any other
        # finding or measurement is plainly unknown, which the compiled rules use to
        # answer most questions without reading anything.
        derivable = DERIVED_FROM_ONSET if presentation.onset is not None else ()
        self.stated = frozenset((*self._findings, *self._measurements, *derivable))
        # Evidence of stated records as proofs (see :mod:`legrules.engine.proofs`).
        self.symbolic = symbolic and distinct(
            (*self._findings.values(), *self._measurements.values())
        )
        self.proofs = Proofs()
        # Where each record stands among its finding's records, by id (see _proved).
        self._at: dict[int, int] = {}
        # What each rule kept across assessments read here (its memo's key), by rule id.
        self.keys: dict[str, tuple[object, ...]] = {}
        # The token of each rule's answer, when it is one kept (see ``rule_memo``).
        self.tokens: dict[str, object] = {}
        # Answers of compiled expressions used by several rules, by slot.
        self.memo: dict[int, Outcome] = {}
        # Each evaluated rule's criterion outcomes, by rule id (the compiled evaluator
        # keeps them so that open questions need not evaluate the criteria again).
        self.outcomes: dict[str, dict[str, Outcome]] = {}
        # For a "what if" copy: the context it was made from and the finding ids added.
        self.derived_from: tuple[Context, frozenset[str]] | None = None
        # The rules whose results the compiled run took as they are on no data, reading
        # nothing stated (see :meth:`legrules.engine.compiled.CompiledRuleSet.run`).
        self.pristine: frozenset[str] = frozenset()

    def adding(self, findings: Sequence[Finding]) -> Context:
        """This context with *findings* stated too (for "what if" questions).

        Answers already read about other findings are kept; results of rules are copied
        as they are, so a caller re-evaluates the ones the new findings bear on.
        """
        ids = {f.id for f in findings}
        p = self.presentation
        copy = Context.__new__(Context)
        copy.presentation = attrs.evolve(p, findings=(*p.findings, *findings))
        copy.as_of, copy.policy = self.as_of, self.policy
        copy.scores = dict(self.scores)
        copy.red_flags = dict(self.red_flags)
        copy.differentials = dict(self.differentials)
        copy.answers = {k: v for k, v in self.answers.items() if k[0] not in ids}
        copy._findings = dict(self._findings)
        for finding in findings:
            copy._findings[finding.id] = [*copy._findings.get(finding.id, ()), finding]
        copy._measurements = self._measurements
        copy._readings = self._readings  # measurements are never added: the same readings
        copy.stated = self.stated | ids
        copy.memo = {}  # compiled answers may depend on the findings added
        copy.outcomes = {}
        copy.derived_from = (self, frozenset(ids))
        # Evidence read from the findings assumed is plain: "what if" answers show none.
        copy.symbolic, copy.proofs, copy.keys, copy.tokens = False, self.proofs, {}, {}
        copy._at = self._at
        copy.pristine = frozenset()
        return copy

    # -- findings ---------------------------------------------------------------------

    def finding(self, cid: str, side: Laterality | None = None) -> Outcome:
        """Whether finding *cid* is present (on *side*, or on either leg when ``None``).

        A lateral finding is present on either leg if it is present on one, and absent
        only when it is absent on both (a statement without a side covers both legs).
        """
        key = (cid, side)
        answer = self.answers.get(key)
        if answer is None:
            answer = self.answers[key] = self._finding(cid, side)
        return answer

    def _finding(self, cid: str, side: Laterality | None) -> Outcome:
        stated = self._findings.get(cid, ())
        if _one_unsided(stated):
            # One statement without a side answers for either leg and for both alike.
            if side is not None:
                return self.finding(cid, None)
        elif side is not None and _unsided(stated):
            # Statements without a side cover each leg alike: one leg's answer is the
            # other's, and a concept without sides answers the same for either leg.
            if side is not SIDES[0]:
                return self.finding(cid, SIDES[0])
            if not concept(cid).lateral:
                return self.finding(cid, None)
        elif side is None and concept(cid).lateral:
            return _any_side(self.finding(cid, s) for s in SIDES)
        records = [f for f in stated if _covers(f.laterality, side)]
        if len(records) == 1:
            # One statement (the common case): it is the current one.
            state = records[0].state
            if state is Presence.PRESENT:
                return Outcome(Tri.MET, (self._evidence(records[0], None),))
            if state is Presence.ABSENT:
                return Outcome(Tri.NOT_MET, (self._evidence(records[0], None),))
        current = _current(records)
        states = {f.state for f in current}
        if Presence.PRESENT in states:
            # Disagreeing statements that may be equally recent resolve to present.
            note = _CONFLICT if len(states) > 1 else None
            chosen = [f for f in current if f.state is Presence.PRESENT]
            return Outcome(Tri.MET, tuple(self._evidence(f, note) for f in chosen))
        if states == {Presence.ABSENT}:
            return Outcome(Tri.NOT_MET, tuple(self._evidence(f, None) for f in current))
        # Nothing stated, or the latest statement is "unknown": it supersedes older answers.
        derived = self._derived_finding(cid)
        return derived if derived is not None else Outcome.unknown(cid)

    def _evidence(self, fact: Finding, note: str | None) -> Evidence:
        source = fact.source
        shown, reference = note, None
        if source is not None:
            reference = source.reference
            if source.preliminary:
                shown = _join(_PRELIMINARY, note)
        plain = trusted.evidence(fact.id, fact.state.value, fact.laterality, reference, shown)
        return self._proved(plain, self._findings, fact, "conflict" if note else "")

    def _proved(
        self,
        plain: Evidence,
        stated: dict[str, list[F]] | None = None,
        record: F | None = None,
        variant: str = "",
    ) -> Evidence:
        """*plain*, or its proof when reading symbolically.

        *record* is the statement among *stated* it came from; none for a fact derived
        from the onset date.
        """
        if not self.symbolic:
            return plain
        if stated is None:
            return self.proofs.add(DERIVED, variant, plain)
        at = self._at
        position = at.get(id(record))
        if position is None:
            # Each record's place among its finding's records, found once per finding.
            for index, each in enumerate(stated[plain.finding]):
                at.setdefault(id(each), index)
            position = at[id(record)]
        return self.proofs.add(position, variant, plain)

    def _derived_finding(self, cid: str) -> Outcome | None:
        onset = self.presentation.onset
        if cid != "onset-within-14-days" or onset is None:
            return None
        days = (self.as_of - onset).total_seconds() / 86400.0
        tri = Tri.of(0.0 <= days <= 14.0)
        note = f"derived from the onset date {onset.isoformat()} ({days:.1f} days before as_of)"
        plain = Evidence(cid, "present" if tri is Tri.MET else "absent", note=note)
        return Outcome(tri, (self._proved(plain),))

    def replay(self, cited: Iterable[tuple[Evidence, Evidence]]) -> None:
        """Give each proof of *cited* this presentation's plain evidence, as reading would.

        *cited* pairs each proof a kept run cites with the plain evidence it stood for in
        the presentation the run was kept for, whose records this one repeats but for
        their sources (see ``legrules.engine.run_memo.RunMemo.records``).  A
        record's plain evidence is what it states, its side and notes, which those
        records decide, and the reference of its source, taken here from this
        presentation's own record; a fact derived from the onset date cites no source.
        """
        if not self.symbolic:
            raise AssertionError("proofs replayed into a context read plainly")
        put = self.proofs.put
        findings, measurements = self._findings, self._measurements
        for cited_proof, kept in cited:
            assert type(cited_proof) is Proof
            position = cited_proof.record
            if position == DERIVED:
                put(cited_proof, kept)
                continue
            records = findings.get(cited_proof.finding) or measurements[cited_proof.finding]
            source = records[position].source
            reference = None if source is None else source.reference
            if reference != kept.source:
                kept = trusted.evidence(
                    kept.finding, kept.value, kept.laterality, reference, kept.note
                )
            put(cited_proof, kept)

    # -- measurements -----------------------------------------------------------------

    def readings(self, cid: str, side: Laterality | None = None) -> tuple[Reading, ...]:
        """The current readings of measurement *cid* covering *side*, canonical units.

        Only the latest readings count; several at the same latest time are all returned
        (rules then take the conservative one).
        """
        key = (cid, side)
        found = self._readings.get(key)
        if found is None:
            found = self._readings[key] = self._read(cid, side)
        return found

    def _read(self, cid: str, side: Laterality | None) -> tuple[Reading, ...]:
        stated = self._measurements.get(cid, ())
        if side is not None and _unsided(stated):
            return self.readings(cid, None)  # the same readings for either leg
        records = [m for m in stated if _covers(m.laterality, side)]
        if not records:
            derived = self._derived_reading(cid)
            return (derived,) if derived is not None else ()
        return tuple(self._reading(m) for m in _current(records))

    def _reading(self, measurement: Measurement) -> Reading:
        cid, unit = measurement.id, measurement.unit
        spec = concept(cid)
        value, conversion_note = measurement.canonical()
        source = measurement.source
        shown = f"{measurement.value:g} {unit}"
        aged = self._aged(measurement, value) if spec.elapsed else value
        if aged != value:
            shown += f" (= {aged:.4g} {spec.unit} at as_of)"
        elif unit != _canonical_unit(spec):
            shown += f" (= {value:.4g} {spec.unit})"
        notes = (
            None if source is None or not source.preliminary else _PRELIMINARY,
            conversion_note,
            "aged to as_of" if aged != value else None,
        )
        note = _join(*notes) if any(notes) else None
        reference = None if source is None else source.reference
        plain = trusted.evidence(cid, shown, measurement.laterality, reference, note)
        return Reading(aged, plain, proof=self._proved(plain, self._measurements, measurement))

    def _aged(self, measurement: Measurement, value: float) -> float:
        """An elapsed time recorded before as_of, grown by the time since it was recorded."""
        when = measurement.effective
        spec = concept(measurement.id)
        if not spec.elapsed or when is None or when >= self.as_of:
            return value
        days = (self.as_of - when).total_seconds() / 86400.0
        return value + spec.to_canonical(days, "d")[0]

    def _derived_reading(self, cid: str) -> Reading | None:
        onset = self.presentation.onset
        if cid != "symptom-duration" or onset is None or onset > self.as_of:
            return None
        days = (self.as_of - onset).total_seconds() / 86400.0
        note = f"derived from the onset date {onset.isoformat()}"
        plain = Evidence(cid, f"{days:.1f} d", note=note)
        return Reading(days, plain, proof=self._proved(plain))

    def compare(self, cid: str, test: _Test, side: Laterality | None = None) -> Outcome:
        """Whether measurement *cid* passes *test* (on *side*, or on either leg).

        With several readings at the same time, any reading that passes makes it met:
        the conservative choice for criteria that raise concern.
        """
        stated = self._measurements.get(cid, ())
        if side is None and concept(cid).lateral and not _one_unsided(stated):
            if _unsided(stated):
                # Both legs read the same readings (see _read): one comparison for both.
                either = self.compare(cid, test, SIDES[0])
                return _any_side((either, either))
            return _any_side(self.compare(cid, test, s) for s in SIDES)
        readings = self.readings(cid, side)
        if not readings:
            return Outcome.unknown(cid)
        passing = [r for r in readings if test(r.value)]
        if passing:
            return Outcome(Tri.MET, tuple(r.proof for r in passing))
        return Outcome(Tri.NOT_MET, tuple(r.proof for r in readings))

    def as_proofs(self, evidence: tuple[Evidence, ...]) -> tuple[Evidence, ...]:
        """*evidence*, with each reading's plain evidence as its proof when read symbolically.

        A score always evaluated (computed from measured values) builds its result from
        readings' plain evidence.  Given as proofs, its result is the same for every
        presentation whose readings say the same, so the rules reading it (and the whole
        run, see ``legrules.engine.run_memo``) may keep their answers; the proofs are put
        back as plain evidence before anything leaves the engine.
        """
        if not self.symbolic or not evidence:
            return evidence
        proofs = {id(r.evidence): r.proof for found in self._readings.values() for r in found}
        proved = tuple([proofs.get(id(e), e) for e in evidence])
        return evidence if all(map(operator.is_, proved, evidence)) else proved

    # -- patient ----------------------------------------------------------------------

    @property
    def age(self) -> int | None:
        """The patient's age in years, if known."""
        return self.presentation.patient.age

    def age_evidence(self) -> Evidence:
        """Evidence for the patient's age (only call when it is known)."""
        return Evidence("age", f"{self.age} years")

    # -- results of earlier rules -------------------------------------------------------

    def score(self, rule_id: str) -> tuple[ScoreResult, ...]:
        """The results of score *rule_id*, which must come earlier in the rule set."""
        try:
            return self.scores[rule_id]
        except KeyError:
            raise RulesetError(
                f"{rule_id} is read before it was evaluated; fix the rule-set order"
            ) from None

    def differential(self, rule_id: str) -> DifferentialResult:
        """The result of differential *rule_id*, which must come earlier in the rule set."""
        try:
            return self.differentials[rule_id]
        except KeyError:
            raise RulesetError(
                f"{rule_id} is read before it was evaluated; fix the rule-set order"
            ) from None


_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}


class _Test:
    """A numeric comparison against a threshold, printable for traces and catalogues."""

    __slots__ = ("_compare", "op", "threshold")

    def __init__(self, op: str, threshold: float) -> None:
        self.op = op
        self.threshold = threshold
        self._compare: Callable[[float, float], bool] = _OPERATORS[op]

    def __call__(self, value: float) -> bool:
        # Values are compared after rounding away float noise from unit conversion.
        return self._compare(round(value, 9), self.threshold)

    def __repr__(self) -> str:
        return f"{self.op} {self.threshold:g}"


def test(op: str, threshold: float) -> _Test:
    """A comparison ``value <op> threshold``; *op* is one of ``>= > <= <``."""
    if op not in (">=", ">", "<=", "<") or not math.isfinite(threshold):
        raise ValueError(f"bad comparison {op} {threshold}")
    return _Test(op, threshold)


def _any_side(outcomes: Iterable[Outcome]) -> Outcome:
    """Combine per-leg outcomes: met on either leg, not met only when not met on both."""
    return combine_any(list(outcomes))


def _dedup(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _facts(outcomes: Iterable[Outcome]) -> tuple[Evidence, ...]:
    return tuple(dict.fromkeys(e for o in outcomes for e in o.evidence))


def combine_all(outcomes: Sequence[Outcome]) -> Outcome:
    """Kleene conjunction of *outcomes*, keeping the evidence that decided it."""
    tri = Tri.all(o.tri for o in outcomes)
    if tri is Tri.NOT_MET:
        return Outcome(tri, _facts(o for o in outcomes if o.tri is Tri.NOT_MET))
    if tri is Tri.MET:
        return Outcome(tri, _facts(outcomes))
    unknown = [o for o in outcomes if o.tri is Tri.UNKNOWN]
    return Outcome(
        tri,
        _facts(o for o in outcomes if o.tri is Tri.MET),
        _dedup(m for o in unknown for m in o.missing),
    )


def combine_any(outcomes: Sequence[Outcome]) -> Outcome:
    """Kleene disjunction of *outcomes*, keeping the evidence that decided it."""
    tri = Tri.any(o.tri for o in outcomes)
    if tri is Tri.MET:
        return Outcome(tri, _facts(o for o in outcomes if o.tri is Tri.MET))
    if tri is Tri.NOT_MET:
        return Outcome(tri, _facts(outcomes))
    unknown = [o for o in outcomes if o.tri is Tri.UNKNOWN]
    return Outcome(
        tri,
        _facts(o for o in outcomes if o.tri is Tri.NOT_MET),
        _dedup(m for o in unknown for m in o.missing),
    )
