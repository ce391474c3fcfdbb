"""Rule definitions: data plus a small pure function.

Every rule has a stable ``id``, a semver ``version``, a ``title``, its ``citations``
and its ``criteria`` (named expressions).  The four kinds differ only in what they
conclude:

* :class:`RedFlagRule`: met / not met / indeterminate, and a triage level when met;
* :class:`ScoreRule`: a value, or a ``[min, max]`` range while inputs are unknown;
* :class:`DifferentialRule`: a likelihood and the triage level it implies;
* :class:`RecommendationRule`: advice given, given with cautions, or withheld.

A rule's *logic fingerprint* hashes everything that can change a conclusion (criteria,
thresholds, the deciding function's source) but not its wording or citations, so a
test can insist that every logic change comes with a version bump.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal

import attrs

from legrules.engine.code import dependencies
from legrules.engine.facts import Context, Outcome, combine_all, combine_any
from legrules.engine.logic import Expr
from legrules.model import (
    Audience,
    CriterionTrace,
    Disposition,
    Evidence,
    Likelihood,
    Recommendation,
    RedFlagResult,
    RuleTrace,
    ScoreResult,
    Status,
    Tri,
    Withheld,
)

__all__ = [
    "Citation",
    "Criterion",
    "Decision",
    "DifferentialRule",
    "RecommendationRule",
    "RedFlagRule",
    "Rule",
    "ScoreRule",
]

RuleKind = Literal["score", "red-flag", "differential", "recommendation"]


@attrs.frozen
class Citation:
    """A source a rule rests on.

    ``text`` is a conventional reference (authors, title, journal or guideline, year);
    ``seed`` names the source article of the project's own seed set where the rule's
    lay content came from; ``supports`` says which part of the rule the source
    supports (a threshold, a criterion, the level), so a reviewer can check the one
    against the other.

    .. versionchanged:: 2026.12 ``supports``.
    """

    text: str
    url: str | None = None
    seed: str | None = None
    supports: str | None = None

    def backing(self, what: str) -> Citation:
        """This source, stating that it supports *what*."""
        return attrs.evolve(self, supports=what)


@attrs.frozen
class Criterion:
    """A named criterion: an id unique within its rule, and the expression that decides it."""

    id: str
    expr: Expr
    description: str | None = None

    def describe(self) -> str:
        """The criterion in plain language."""
        return self.description or self.expr.describe()

    def trace(self, outcome: Outcome) -> CriterionTrace:
        """The trace entry for this criterion's *outcome*."""
        return CriterionTrace(
            self.id, self.describe(), outcome.tri, outcome.evidence, outcome.missing
        )


def _source_of(function: Callable[..., object] | None) -> str:
    """The deciding function with the helpers and tables it uses (see :mod:`.code`)."""
    return "".join(text for _, text in dependencies(function))


@attrs.frozen(kw_only=True)
class _RuleBase:
    id: str
    version: str
    title: str
    citations: tuple[Citation, ...]
    criteria: tuple[Criterion, ...] = ()
    summary: str = ""

    kind: RuleKind = attrs.field(init=False, default="score")

    def expressions(self) -> tuple[Expr, ...]:
        """Every expression this rule evaluates: its criteria's (and a trigger)."""
        return tuple(c.expr for c in self.criteria)

    def reads(self) -> tuple[str, ...]:
        """Every finding, score or rule id this rule reads."""
        return tuple(dict.fromkeys(r for c in self.criteria for r in c.expr.reads()))

    def policy_keys(self) -> tuple[str, ...]:
        """The policy settings this rule reads."""
        return tuple(dict.fromkeys(p for c in self.criteria for p in c.expr.policy()))

    def _logic(self) -> str:
        return repr([(c.id, c.expr) for c in self.criteria])

    def fingerprint(self) -> str:
        """A hash of the rule's logic (not its wording): changes need a version bump."""
        import hashlib  # here: assessing never hashes, and the import costs every start

        return hashlib.sha256(self._logic().encode()).hexdigest()[:16]

    def _trace(self, conclusion: str, outcomes: Mapping[str, Outcome]) -> RuleTrace:
        return RuleTrace(
            self.id,
            self.version,
            conclusion,
            tuple(c.trace(outcomes[c.id]) for c in self.criteria),
        )

    def _outcomes(self, ctx: Context) -> dict[str, Outcome]:
        return {c.id: c.expr.evaluate(ctx) for c in self.criteria}


@attrs.frozen(kw_only=True)
class RedFlagRule(_RuleBase):
    """A red flag: met when its criteria combine (``all`` or ``any``) to met."""

    level: Disposition
    combine: Literal["all", "any"] = "all"
    kind: RuleKind = attrs.field(init=False, default="red-flag")

    def _logic(self) -> str:
        return f"{self.level.value}|{self.combine}|{super()._logic()}"

    def evaluate(self, ctx: Context) -> tuple[RedFlagResult, RuleTrace]:
        """Evaluate the red flag; indeterminate results name their missing findings."""
        outcomes = self._outcomes(ctx)
        joined = (combine_all if self.combine == "all" else combine_any)(list(outcomes.values()))
        status = Status.of(joined.tri)
        result = RedFlagResult(
            self.id, self.version, status, self.level, joined.evidence, joined.missing
        )
        return result, self._trace(status.value, outcomes)


#: A score's computation: the rule, the context and its criteria outcomes in, results out.
ScoreFunction = Callable[
    ["ScoreRule", Context, Mapping[str, Outcome]], tuple[tuple[ScoreResult, ...], tuple[str, ...]]
]


@attrs.frozen(kw_only=True)
class ScoreRule(_RuleBase):
    """A score computed by a small pure function from its criteria (its items)."""

    compute: ScoreFunction
    extra_policy: tuple[str, ...] = ()
    extra_reads: tuple[str, ...] = ()
    kind: RuleKind = attrs.field(init=False, default="score")

    def policy_keys(self) -> tuple[str, ...]:  # noqa: D102
        return tuple(dict.fromkeys((*super().policy_keys(), *self.extra_policy)))

    def reads(self) -> tuple[str, ...]:  # noqa: D102
        return tuple(dict.fromkeys((*super().reads(), *self.extra_reads)))

    def _logic(self) -> str:
        return super()._logic() + _source_of(self.compute)

    def evaluate(self, ctx: Context) -> tuple[tuple[ScoreResult, ...], RuleTrace]:
        """Compute the score (one result, or one per leg) with its trace."""
        outcomes = self._outcomes(ctx)
        results, notes = self.compute(self, ctx, outcomes)
        conclusion = "; ".join(score_conclusion(r) for r in results) or "not determinable"
        trace = attrs.evolve(self._trace(conclusion, outcomes), notes=notes)
        return results, trace


def score_conclusion(result: ScoreResult) -> str:
    """A score result as its trace shows it: ``left: 3 (likely)``."""
    side = f"{result.laterality.value}: " if result.laterality else ""
    return f"{side}{result.shown}" + (f" ({result.class_})" if result.class_ else "")


@attrs.frozen
class Decision:
    """What a differential's deciding function concluded."""

    likelihood: Likelihood
    level: Disposition = Disposition.SELF_CARE
    evidence: tuple[Evidence, ...] = ()
    missing: tuple[str, ...] = ()
    note: str | None = None


#: A differential's decision: the context and its criteria outcomes in, a decision out.
DecideFunction = Callable[[Context, Mapping[str, Outcome]], Decision]


@attrs.frozen(kw_only=True)
class DifferentialRule(_RuleBase):
    """A differential diagnosis decided by a small pure function over its criteria."""

    decide: DecideFunction
    extra_policy: tuple[str, ...] = ()
    kind: RuleKind = attrs.field(init=False, default="differential")

    def policy_keys(self) -> tuple[str, ...]:  # noqa: D102
        return tuple(dict.fromkeys((*super().policy_keys(), *self.extra_policy)))

    def _logic(self) -> str:
        return super()._logic() + _source_of(self.decide)

    def evaluate(self, ctx: Context) -> tuple[Decision, RuleTrace]:
        """Decide the differential with its trace."""
        outcomes = self._outcomes(ctx)
        decision = self.decide(ctx, outcomes)
        trace = self._trace(decision.likelihood.value, outcomes)
        if decision.note:
            trace = attrs.evolve(trace, notes=(decision.note,))
        return decision, trace


@attrs.frozen(kw_only=True)
class RecommendationRule(_RuleBase):
    """Advice triggered by an expression and withheld by its contraindications.

    ``criteria`` holds the contraindications.  A met contraindication withholds the
    advice; an unknown one keeps it, with a caution naming what to check first.
    ``self_care`` advice is also withheld while any red flag is met or indeterminate.
    """

    audience: Audience
    text: str
    trigger: Expr
    self_care: bool = False
    kind: RuleKind = attrs.field(init=False, default="recommendation")

    def expressions(self) -> tuple[Expr, ...]:  # noqa: D102
        return (*super().expressions(), self.trigger)

    def reads(self) -> tuple[str, ...]:  # noqa: D102
        return tuple(dict.fromkeys((*self.trigger.reads(), *super().reads())))

    def policy_keys(self) -> tuple[str, ...]:  # noqa: D102
        return tuple(dict.fromkeys((*self.trigger.policy(), *super().policy_keys())))

    def _logic(self) -> str:
        return f"{self.self_care}|{self.trigger!r}|{super()._logic()}"

    def evaluate(self, ctx: Context) -> tuple[Recommendation | Withheld | None, RuleTrace]:
        """Give, caution or withhold the advice; ``None`` when it is not triggered."""
        trigger = self.trigger.evaluate(ctx)
        if trigger.tri is not Tri.MET:
            return None, self._trace_with("not triggered", trigger, {})
        because = because_of(trigger)
        outcomes = self._outcomes(ctx)
        blocking = [
            f"{r.id} {r.status.value}"
            for r in ctx.red_flags.values()
            if r.status is not Status.NOT_MET
        ]
        met = [c.describe() for c in self.criteria if outcomes[c.id].tri is Tri.MET]
        reasons = []
        if self.self_care and blocking:
            reasons.append(
                "self-care advice is withheld while red flags are met or unresolved: "
                + ", ".join(blocking)
            )
        if met:
            # Named even when red flags already withhold it, so the reason stays true
            # once the red flags are resolved.
            reasons.append("contraindicated: " + "; ".join(met))
        if reasons:
            return Withheld(self.id, "; ".join(reasons), because), self._trace_with(
                "withheld", trigger, outcomes
            )
        cautions = tuple(
            f"check first: {c.describe()} (unknown: {', '.join(outcomes[c.id].missing)})"
            for c in self.criteria
            if outcomes[c.id].tri is Tri.UNKNOWN
        )
        advice = Recommendation(self.id, self.version, self.audience, self.text, because, cautions)
        conclusion = "given with cautions" if cautions else "given"
        return advice, self._trace_with(conclusion, trigger, outcomes)

    def _trace_with(
        self, conclusion: str, trigger: Outcome, outcomes: Mapping[str, Outcome]
    ) -> RuleTrace:
        head = CriterionTrace(
            "trigger", self.trigger.describe(), trigger.tri, trigger.evidence, trigger.missing
        )
        rest = tuple(c.trace(outcomes[c.id]) for c in self.criteria if c.id in outcomes)
        return RuleTrace(self.id, self.version, conclusion, (head, *rest))


_RULE_PREFIXES = ("score.", "redflag.", "ddx.", "rec.")


def because_of(trigger: Outcome) -> tuple[str, ...]:
    """The rule ids behind a met trigger, or its findings when no rule is involved."""
    names = [e.finding for e in trigger.evidence]
    rules = [n for n in names if n.startswith(_RULE_PREFIXES)]
    return tuple(dict.fromkeys(rules or names))


Rule = ScoreRule | RedFlagRule | DifferentialRule | RecommendationRule
