"""The assessment: what legrules concluded about a presentation, and why.

Results are values, not booleans.  Every red flag, score and differential carries the
evidence that decided it and, when it could not be decided, the inputs that are
missing.  The trace records every criterion of every rule with its three-valued state
and the facts behind it, so that a clinician can audit any conclusion.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, TypeVar

import attrs

from legrules.model._enums import ValueEnum
from legrules.model.policy import Policy
from legrules.model.presentation import IgnoredInput, Laterality
from legrules.model.tri import Tri

__all__ = [
    "Assessment",
    "Audience",
    "CriterionTrace",
    "DifferentialResult",
    "Disposition",
    "Evidence",
    "Likelihood",
    "OpenQuestion",
    "Recommendation",
    "RedFlagResult",
    "RuleSetRef",
    "RuleTrace",
    "ScoreResult",
    "Status",
    "Unresolved",
    "Withheld",
]


class Disposition(ValueEnum):
    """Triage levels, most urgent first (``rules.md`` section 1)."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    SOON = "soon"
    ROUTINE = "routine"
    SELF_CARE = "self-care"
    UNDETERMINED = "undetermined"

    @property
    def rank(self) -> int:
        """The urgency rank, 0 being the most urgent (``UNDETERMINED`` ranks with ``SELF_CARE``).

        Undetermined is not "less urgent" than self-care; it is a different kind of answer
        (the screen is incomplete).  It never outranks a level a rule actually set.
        """
        return _RANKS[self._value_]

    @property
    def cds_indicator(self) -> str:
        """The CDS Hooks card indicator for this level."""
        if self in (Disposition.EMERGENCY, Disposition.URGENT):
            return "critical"
        if self is Disposition.SOON:
            return "warning"
        return "info"

    def above(self, other: Disposition) -> bool:
        """Whether this level is more urgent than *other*.

        A level a rule sets (``routine`` or more urgent) is above ``self-care`` and
        ``undetermined``; neither of those two is above the other.
        """
        # Keyed by value: a str hashes in C, an enum member in Python code.
        return _RANKS[self._value_] < _RANKS[other._value_]

    @classmethod
    def most_urgent(cls, levels: list[Disposition]) -> Disposition | None:
        """The most urgent of *levels*, or ``None`` for an empty list."""
        return min(levels, key=lambda d: d.rank) if levels else None


_RANKS = {
    "emergency": 0,
    "urgent": 1,
    "soon": 2,
    "routine": 3,
    "self-care": 4,
    "undetermined": 4,
}


class Status(ValueEnum):
    """The outcome of a red-flag rule."""

    MET = "met"
    NOT_MET = "not-met"
    INDETERMINATE = "indeterminate"

    @classmethod
    def of(cls, value: Tri) -> Status:
        """Map a three-valued result to a rule status."""
        return {Tri.MET: cls.MET, Tri.NOT_MET: cls.NOT_MET, Tri.UNKNOWN: cls.INDETERMINATE}[value]


class Likelihood(ValueEnum):
    """How strongly a differential is supported (``rules.md`` section 4)."""

    CONFIRMED = "confirmed"
    LIKELY = "likely"
    POSSIBLE = "possible"
    UNLIKELY = "unlikely"
    EXCLUDED = "excluded"
    INDETERMINATE = "indeterminate"


class Audience(ValueEnum):
    """Who a recommendation is written for."""

    PATIENT = "patient"
    CLINICIAN = "clinician"


@attrs.frozen(cache_hash=True)
class Evidence:
    """One fact that decided a criterion: which finding, what it said, and who said it.

    ``value`` is human-readable (``"present"``, ``"38.4 Cel"``); ``source`` is the
    reference of the input that proved it; ``note`` states caveats (preliminary result,
    unit conversion, conflicting reports, derived from the onset date).
    """

    finding: str
    value: str
    laterality: Laterality | None = None
    source: str | None = None
    note: str | None = None


@attrs.frozen
class CriterionTrace:
    """One criterion of a rule: its state, the facts behind it, and what is missing."""

    id: str
    description: str
    status: Tri
    evidence: tuple[Evidence, ...] = ()
    missing: tuple[str, ...] = ()


@attrs.frozen
class RuleTrace:
    """The full reasoning of one rule: its version, conclusion and every criterion."""

    rule: str
    version: str
    conclusion: str
    criteria: tuple[CriterionTrace, ...] = ()
    notes: tuple[str, ...] = ()


@attrs.frozen
class RedFlagResult:
    """A red flag's outcome, the triage level it sets when met, and its evidence."""

    id: str
    version: str
    status: Status
    level: Disposition
    evidence: tuple[Evidence, ...] = ()
    missing: tuple[str, ...] = ()


@attrs.frozen
class ScoreResult:
    """A score's value, or its possible range ``[min, max]`` when inputs are unknown.

    ``value`` is set only when every input that matters is known; ``class_`` (``"class"``
    in JSON) only when the whole range falls in one class.  Per-leg scores (ABI) carry a
    ``laterality``.
    """

    id: str
    version: str
    value: float | None
    min: float | None
    max: float | None
    class_: str | None = None
    laterality: Laterality | None = None
    evidence: tuple[Evidence, ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        """The value, or the range ``"a to b"``, or ``"not determinable"``, for people."""
        if self.value is not None:
            return f"{self.value:g}"
        if self.min is not None and self.max is not None:
            return f"{self.min:g} to {self.max:g}"
        return "not determinable"


@attrs.frozen
class DifferentialResult:
    """A differential diagnosis with its likelihood and the triage level it implies."""

    id: str
    version: str
    likelihood: Likelihood
    level: Disposition = Disposition.SELF_CARE
    evidence: tuple[Evidence, ...] = ()
    missing: tuple[str, ...] = ()


@attrs.frozen
class Recommendation:
    """Advice for a patient or clinician, the rules that triggered it, and any cautions.

    ``cautions`` name what to check first when a contraindication could not be ruled
    out (it was unknown rather than met).
    """

    id: str
    version: str
    audience: Audience
    text: str
    because: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()


@attrs.frozen
class Withheld:
    """A recommendation that was triggered but withheld, and the reason."""

    id: str
    reason: str
    because: tuple[str, ...] = ()


@attrs.frozen
class Unresolved:
    """An indeterminate red flag and the findings that would settle it."""

    id: str
    missing: tuple[str, ...]


@attrs.frozen
class OpenQuestion:
    """An unknown finding whose answer "present" could raise the disposition.

    ``could_reach`` is the most urgent level some completion of the unknowns with this
    finding present reaches (for a measurement or the age: with some value); ``settles``
    names the open rules whose outcome it bears on (``rules.md`` section 7.1).

    .. versionadded:: 0.2
    """

    finding: str
    could_reach: Disposition
    settles: tuple[str, ...] = ()


@attrs.frozen
class RuleSetRef:
    """Which rule set produced a result."""

    id: str = "legrules"
    version: str = "2026.11"


def _disposition(assessment: Assessment) -> Disposition:
    return assessment.disposition


def _not_below_disposition(assessment: Assessment, _: object, worst: Disposition) -> None:
    """The worst case is the disposition itself or more urgent (``rules.md`` 7.1)."""
    disposition = assessment.disposition
    if worst is not disposition and not worst.above(disposition):
        raise ValueError(
            f"worst_case_disposition {worst.value!r} is below disposition {disposition.value!r}"
        )


def _questions_raise(
    assessment: Assessment, _: object, questions: tuple[OpenQuestion, ...]
) -> None:
    """Every question could raise the level above the disposition, up to the worst case."""
    disposition, worst = assessment.disposition, assessment.worst_case_disposition
    # By rank, as Disposition.above compares (checked on every assessment, for each question).
    highest, lowest = _RANKS[worst._value_], _RANKS[disposition._value_]
    for question in questions:
        reach = question.could_reach
        if not highest <= _RANKS[reach._value_] < lowest:
            raise ValueError(
                f"ask_next {question.finding!r} could reach {reach.value!r}: it must be above "
                f"disposition {disposition.value!r} and no more urgent than "
                f"worst_case_disposition {worst.value!r}"
            )


@attrs.frozen
class Assessment:
    """Everything legrules concluded about one presentation at one instant.

    ``disposition`` is the level proven by what is known; ``worst_case_disposition`` the
    most urgent level any completion of the unknown findings could reach, and
    ``ask_next`` the unknown findings that could raise it, most urgent first.

    .. versionchanged:: 0.2
       ``worst_case_disposition`` and ``ask_next`` (``rules.md`` section 7.1).
    """

    ruleset: RuleSetRef
    as_of: datetime
    policy: Policy
    disposition: Disposition
    worst_case_disposition: Disposition = attrs.field(
        default=attrs.Factory(_disposition, takes_self=True), validator=_not_below_disposition
    )
    ask_next: tuple[OpenQuestion, ...] = attrs.field(default=(), validator=_questions_raise)
    red_flags: tuple[RedFlagResult, ...] = ()
    scores: tuple[ScoreResult, ...] = ()
    differentials: tuple[DifferentialResult, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    withheld: tuple[Withheld, ...] = ()
    unresolved: tuple[Unresolved, ...] = ()
    trace: tuple[RuleTrace, ...] = ()
    ignored: tuple[IgnoredInput, ...] = ()
    patient: str | None = None
    legrules_version: str = ""

    @property
    def cds_indicator(self) -> str:
        """The CDS Hooks indicator of the disposition."""
        return self.disposition.cds_indicator

    def red_flag(self, rule_id: str) -> RedFlagResult:
        """The result of the red flag *rule_id* (``KeyError`` if it was not evaluated)."""
        return _by_id(self.red_flags, rule_id)

    def score(self, rule_id: str, laterality: Laterality | None = None) -> ScoreResult:
        """The score *rule_id* (for per-leg scores, the one on *laterality*)."""
        for result in self.scores:
            if result.id == rule_id and result.laterality == laterality:
                return result
        raise KeyError(rule_id)

    def differential(self, rule_id: str) -> DifferentialResult:
        """The differential *rule_id* (``KeyError`` if it was not evaluated)."""
        return _by_id(self.differentials, rule_id)

    def rule_trace(self, rule_id: str) -> RuleTrace:
        """The trace of *rule_id*."""
        return _by_id_rule(self.trace, rule_id)


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


R = TypeVar("R", bound=_HasId)


def _by_id(items: tuple[R, ...], rule_id: str) -> R:
    for item in items:
        if item.id == rule_id:
            return item
    raise KeyError(rule_id)


def _by_id_rule(items: tuple[RuleTrace, ...], rule_id: str) -> RuleTrace:
    for item in items:
        if item.rule == rule_id:
            return item
    raise KeyError(rule_id)
