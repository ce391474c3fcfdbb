"""Shared pieces of the safety properties: orderings, rule sets and rule-set analysis."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from legrules.engine.base import Citation, Criterion, RecommendationRule, ScoreRule
from legrules.engine.facts import Context, Outcome
from legrules.engine.logic import (
    All,
    Any,
    ByPolicy,
    DifferentialIs,
    Expr,
    Not,
    OneSidedWith,
    Present,
    RedFlagIs,
    ScoreIs,
)
from legrules.model import (
    Audience,
    Disposition,
    Policy,
    Presentation,
    Status,
    Tri,
)
from legrules.rules import LATEST, RULESETS, RuleSet, get_ruleset
from tests.support import AS_OF

SHIPPED = get_ruleset(LATEST)

_TEST = Citation("legrules property tests (not clinical advice)")

#: A self-care recommendation, triggered by common complaints, that must be withheld
#: while any red flag is met or indeterminate.
SELF_CARE = RecommendationRule(
    id="rec.test-self-care",
    version="1.0.0",
    title="Self-care probe",
    citations=(_TEST,),
    audience=Audience.PATIENT,
    text="Probe advice.",
    trigger=Any(Present("leg-pain"), Present("leg-cramp"), Present("tight-muscles")),
    self_care=True,
    criteria=(Criterion("nsaid-allergy", Present("nsaid-allergy")),),
)

#: A recommendation with contraindications of every sort (finding, red flag, score).
CONTRAINDICATED = RecommendationRule(
    id="rec.test-contraindicated",
    version="1.0.0",
    title="Contraindication probe",
    citations=(_TEST,),
    audience=Audience.CLINICIAN,
    text="Probe advice.",
    trigger=Any(Present("leg-pain"), Present("leg-swelling")),
    criteria=(
        Criterion("nsaid-allergy", Present("nsaid-allergy")),
        Criterion("suspected-dvt", RedFlagIs("redflag.suspected-dvt", frozenset({Status.MET}))),
        Criterion("wells-likely", ScoreIs("score.wells-dvt", ">=", 2)),
        Criterion("no-pulses", All(Present("absent-foot-pulses"), Not(Present("pad-known")))),
    ),
)

#: Every shipped rule set, plus one that adds the two probes to the latest, so the
#: recommendation properties bite even while a rule set ships no recommendations.
PROBED = RuleSet(
    version="test-probes",
    released="2026-11-22",
    rules=(*SHIPPED.rules, SELF_CARE, CONTRAINDICATED),
)
RULESETS_UNDER_TEST: tuple[RuleSet, ...] = (*RULESETS.values(), PROBED)


def lowers(before: Disposition, after: Disposition) -> bool:
    """Whether going from *before* to *after* makes the advice less urgent.

    A definite level becoming less urgent lowers it, and so does an incomplete screen
    (undetermined) turning into self-care.  Undetermined becoming any level above
    self-care does not: that is the screen being settled.
    """
    if before is Disposition.UNDETERMINED:
        return after is Disposition.SELF_CARE
    return after.rank > before.rank


def score_weight(rule: ScoreRule, criterion: str) -> int:
    """+1 if the criterion being met raises the score, -1 if it lowers it, 0 if neither."""
    ctx = Context(Presentation(), AS_OF, Policy())
    unknown = {c.id: Outcome(Tri.UNKNOWN) for c in rule.criteria}

    def total(tri: Tri) -> float:
        results = rule.compute(rule, ctx, {**unknown, criterion: Outcome(tri)})[0]
        return sum((r.min or 0) + (r.max or 0) for r in results)

    met, not_met = total(Tri.MET), total(Tri.NOT_MET)
    return (met > not_met) - (met < not_met)


def finding_polarity(ruleset: RuleSet) -> dict[str, set[int]]:
    """Whether each finding, present, pushes toward (+1) or away from (-1) more urgency.

    Read off the expression trees of red flags and differentials (through the scores and
    rules they read).

    A finding with both signs is *mixed*: stating it can legitimately settle a red flag
    as not met (``injury`` rules out ``sudden-severe-pain`` but supports
    ``compartment-syndrome``).  Differentials are assumed to rise with their criteria.
    """
    result: dict[str, set[int]] = defaultdict(set)
    for rule in ruleset.rules:
        if rule.kind in ("red-flag", "differential"):
            for criterion in rule.criteria:
                _walk(criterion.expr, +1, ruleset, result)
    return result


def _walk(expr: Expr, sign: int, ruleset: RuleSet, out: dict[str, set[int]]) -> None:
    if isinstance(expr, Present):
        out[expr.cid].add(sign)
    elif isinstance(expr, Not):
        _walk(expr.item, -sign, ruleset, out)
    elif isinstance(expr, All | Any):
        for item in expr.items:
            _walk(item, sign, ruleset, out)
    elif isinstance(expr, ByPolicy):
        for _, item in expr.choices:
            _walk(item, sign, ruleset, out)
    elif isinstance(expr, OneSidedWith):
        out[expr.primary].update((sign, -sign))  # present on the other leg undoes it
        for companion in expr.companions:
            out[companion].add(sign)
    elif isinstance(expr, ScoreIs):
        _walk_score(expr, sign, ruleset, out)
    elif isinstance(expr, RedFlagIs | DifferentialIs):
        name = expr.red_flag if isinstance(expr, RedFlagIs) else expr.differential
        if isinstance(expr, RedFlagIs) and expr.statuses != {Status.MET}:
            # "Every red flag not met" only gates self-care-level conclusions (stress-
            # related pain, DOMS): it can never raise the disposition, so it says nothing
            # about which way a finding pushes it.
            return
        for criterion in ruleset.rule(name).criteria:
            _walk(criterion.expr, sign, ruleset, out)


def _walk_score(expr: ScoreIs, sign: int, ruleset: RuleSet, out: dict[str, set[int]]) -> None:
    rule = ruleset.rule(expr.score)
    assert isinstance(rule, ScoreRule)
    direction = sign if expr.op in (">=", ">") else -sign
    for criterion in rule.criteria:
        weight = score_weight(rule, criterion.id)
        if weight:
            _walk(criterion.expr, direction * weight, ruleset, out)


def ids_with(
    polarity: dict[str, set[int]], signs: Iterable[int], universe: Iterable[str]
) -> list[str]:
    """The ids in *universe* whose polarity is exactly *signs* (unused ids count as +1)."""
    wanted = set(signs)
    return sorted(i for i in universe if (polarity.get(i) or {1}) == wanted)
