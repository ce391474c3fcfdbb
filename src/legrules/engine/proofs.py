"""Evidence that stands for a record of the presentation, so answers can be reused.

A compiled assessment reads its presentation *symbolically*: the evidence of a stated
finding or measurement is a :class:`Proof`, an :class:`~legrules.model.Evidence` that
says which record of the presentation it came from (the finding id, the record's side,
its position among that finding's records, and a variant such as "read with the
conflicting-reports note") and nothing of what the record says.  There is one proof
object per such place, shared by every presentation, so whatever the rules compute from
proofs and truth values, without reading what a record says, is the same for every
presentation whose records give the same truth values.  The compiled evaluator keeps
such answers across assessments (:mod:`legrules.engine.rule_memo`).

Within one presentation a proof stands for exactly one evidence value, and equal
evidence values have equal proofs (a presentation repeating a record word for word is
read plainly instead, see :func:`distinct`), so removing repeats among proofs removes
exactly the repeats among the evidence they stand for.  Before anything leaves the
engine, :class:`Proofs` puts each proof back as the plain evidence of the assessment's
own presentation: the documents are the ones the interpreter writes.
"""

from __future__ import annotations

import operator
import weakref
from collections.abc import Iterable, Mapping, Sequence

from legrules.model import (
    CriterionTrace,
    DifferentialResult,
    Evidence,
    Finding,
    Laterality,
    Measurement,
    RedFlagResult,
    RuleTrace,
    ScoreResult,
    trusted,
)

__all__ = ["DERIVED", "MOST_RECORDS", "Proof", "Proofs", "distinct", "proof"]

#: The record position of a fact derived from the onset date.
DERIVED = -1


class Proof(Evidence):
    """Evidence from record *record* of finding ``finding`` (``variant``: how it was read).

    One object per finding, side, record position and variant, shared by every
    presentation (see :func:`proof`): compared and hashed by identity, in C.  It holds
    no value: a context maps it to its own presentation's plain evidence
    (:class:`Proofs`).
    """

    __slots__ = ("record", "variant")
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    record: int
    variant: str

    def __init__(self, finding: str, laterality: Laterality | None, record: int, variant: str):
        super().__init__(finding, "", laterality)
        object.__setattr__(self, "record", record)
        object.__setattr__(self, "variant", variant)

    def __repr__(self) -> str:
        return f"Proof({self.finding!r}, {self.laterality}, {self.record}, {self.variant!r})"


_PROOFS: dict[tuple[str, Laterality | None, int, str], Proof] = {}

#: Records of one finding a presentation may state and still be read symbolically
#: (bounds the proofs kept for all presentations).
MOST_RECORDS = 32


def proof(finding: str, laterality: Laterality | None, record: int, variant: str = "") -> Proof:
    """The one proof for record *record* of *finding* on *laterality*, read as *variant*."""
    key = (finding, laterality, record, variant)
    found = _PROOFS.get(key)
    if found is None:
        found = _PROOFS.setdefault(key, Proof(finding, laterality, record, variant))
    return found


def distinct(groups: Iterable[Sequence[Finding | Measurement]]) -> bool:
    """Whether no two records of one finding could give equal evidence.

    Records that repeat each other word for word give equal evidence values, which the
    rules merge into one; their proofs would differ.  Such a presentation is read plainly.
    """
    for records in groups:
        if len(records) < 2:
            continue
        if len(records) > MOST_RECORDS:
            return False
        # Records citing distinct sources cannot say the same (the usual case, checked
        # without building what each says).
        cited = {None if r.source is None else r.source.reference for r in records}
        if len(cited) == len(records) and None not in cited:
            continue
        seen = {_said(r) for r in records}
        if len(seen) < len(records):
            return False
    return True


def _said(record: Finding | Measurement) -> tuple[object, ...]:
    """What *record*'s evidence shows (of its source: the reference, whether preliminary)."""
    source = record.source
    cited = None if source is None else (source.reference, source.preliminary)
    if isinstance(record, Finding):
        return (record.state, record.laterality, cited)
    # As the evidence shows the value: readings that differ past its precision look alike.
    return (f"{record.value:g}", record.unit, record.laterality, cited)


class Proofs:
    """The proofs one presentation gave, and the plain evidence each stands for."""

    __slots__ = ("_plain",)

    def __init__(self) -> None:
        self._plain: dict[Evidence, Evidence] = {}

    def add(self, record: int, variant: str, plain: Evidence) -> Proof:
        """The proof for *plain*, from record *record* of its finding, read as *variant*."""
        found = proof(plain.finding, plain.laterality, record, variant)
        self._plain[found] = plain
        return found

    def put(self, proof: Proof, plain: Evidence) -> None:
        """Let *proof* stand for *plain* (the evidence of its record here)."""
        self._plain[proof] = plain

    @property
    def table(self) -> Mapping[Evidence, Evidence]:
        """Each proof given so far, and the plain evidence it stands for (not to change)."""
        return self._plain

    def plain(self, evidence: tuple[Evidence, ...]) -> tuple[Evidence, ...]:
        """*evidence* with every proof put back as this presentation's plain evidence."""
        for item in evidence:
            if type(item) is Proof:
                plain = self._plain
                return tuple(plain[e] if type(e) is Proof else e for e in evidence)
        return evidence

    def red_flag(self, result: RedFlagResult) -> RedFlagResult:
        """*result* with plain evidence."""
        evidence = self.plain(result.evidence)
        if evidence is result.evidence:
            return result
        return trusted.red_flag_result(
            result.id, result.version, result.status, result.level, evidence, result.missing
        )

    def differential(self, result: DifferentialResult) -> DifferentialResult:
        """*result* with plain evidence."""
        evidence = self.plain(result.evidence)
        if evidence is result.evidence:
            return result
        return trusted.differential_result(
            result.id, result.version, result.likelihood, result.level, evidence, result.missing
        )

    def score(self, result: ScoreResult) -> ScoreResult:
        """*result* with plain evidence."""
        evidence = self.plain(result.evidence)
        if evidence is result.evidence:
            return result
        return trusted.score_result(result, evidence)

    def trace(self, trace: RuleTrace) -> RuleTrace:
        """*trace* with plain evidence in every criterion."""
        seen = _PROOF_FREE.get(id(trace))
        if seen is not None and seen() is trace:
            return trace  # a kept trace already seen to hold no proof
        plain = self.plain
        criteria = tuple(
            c
            if (e := plain(c.evidence)) is c.evidence
            else CriterionTrace(c.id, c.description, c.status, e, c.missing)
            for c in trace.criteria
        )
        if all(map(operator.is_, criteria, trace.criteria)):
            if len(_PROOF_FREE) >= _MOST_PROOF_FREE:
                _PROOF_FREE.clear()
            _PROOF_FREE[id(trace)] = weakref.ref(trace)
            return trace
        return RuleTrace(trace.rule, trace.version, trace.conclusion, criteria, trace.notes)

    def trace_at(self, trace: RuleTrace, criteria: tuple[int, ...]) -> RuleTrace:
        """*trace* with plain evidence in its *criteria* (positions), the ones citing proofs."""
        plain = self._plain
        put = list(trace.criteria)
        for index in criteria:
            c = put[index]
            evidence = tuple([plain[e] if type(e) is Proof else e for e in c.evidence])
            put[index] = CriterionTrace(c.id, c.description, c.status, evidence, c.missing)
        return RuleTrace(trace.rule, trace.version, trace.conclusion, tuple(put), trace.notes)


#: Traces seen to hold no proof, by id: the traces rules keep across assessments are
#: shared, and most hold none.  Weak references, checked on use (as the document
#: writer's table of shared traces, ``legrules.model.assessment_json``): an id is never
#: taken for another trace's, and one assessment's traces are freed with it.
_PROOF_FREE: dict[int, weakref.ref[RuleTrace]] = {}
_MOST_PROOF_FREE = 4096
