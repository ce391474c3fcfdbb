"""The Wells DVT score: bounded, ordered, narrowing with data, and classed consistently."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from legrules import assess, get_ruleset
from legrules.engine.base import ScoreRule
from legrules.engine.ruleset import RuleSet
from legrules.model import (
    Finding,
    Policy,
    Presence,
    Presentation,
    ScoreResult,
    Tri,
    WellsVariant,
)
from legrules.rules.ddx_2026_12 import WELLS_1997_ITEMS
from legrules.rules.dvt import WELLS_POINTS
from legrules.strategies import policies, presentations
from legrules.strategies._model import DrawChooser
from legrules.strategies._solve import Solver
from tests.properties.helpers import SHIPPED

#: The Wells score of the shipped rule set (2.0.0 in 2026.12: nine items under wells-1997).
WELLS_DVT = SHIPPED.rule("score.wells-dvt")
#: Both shipped rule sets: each Wells version must narrow as its own items become known.
NARROWING = [get_ruleset("2026.11"), SHIPPED]

ANY_PRESENTATION = st.one_of(
    presentations(), presentations(complete=True), presentations(meeting="redflag.suspected-dvt")
)


def items_scored(rule: ScoreRule, variant: WellsVariant) -> Mapping[str, float]:
    """The criteria the variant adds up.

    Wells 1997 has nine items: from score version 2.0.0 on, "previously documented DVT"
    (an item of the 2003 model that NICE 2020 uses) is still read, for the NICE variant,
    but not scored, so stating it rightly leaves a 1997 range where it was.
    """
    if variant is WellsVariant.WELLS_1997 and rule.version != "1.0.0":
        return WELLS_1997_ITEMS
    return WELLS_POINTS


def wells(p: Presentation, policy: Policy) -> ScoreResult:
    return assess(p, policy=policy).score(WELLS_DVT.id)


def classify(value: float, variant: WellsVariant) -> str:
    """The published classes: two-level (NICE 2020) or three-level (Wells 1997)."""
    if variant is WellsVariant.NICE_2020:
        return "likely" if value >= 2 else "unlikely"
    return "high" if value >= 3 else "moderate" if value >= 1 else "low"


def _range_lies_within_minus_two_and_nine(score: ScoreResult) -> None:
    """Value, min and max all lie in [-2, 9], and min <= max."""
    assert score.min is not None
    assert score.max is not None
    assert -2 <= score.min <= score.max <= 9
    if score.value is not None:
        assert score.value == score.min == score.max


def _class_agrees_with_value_and_range(score: ScoreResult, variant: WellsVariant) -> None:
    """The class is the value's class; for a range, given only when both ends agree."""
    assert score.min is not None
    assert score.max is not None
    low = classify(score.min, variant)
    high = classify(score.max, variant)
    if score.value is not None:
        assert score.class_ == classify(score.value, variant)
    else:
        assert score.class_ == (low if low == high else None)
        assert score.missing, "an open range names the items that would close it"


# The two properties below share their examples (one test): as two tests each drew
# and assessed its own presentations and policies, for twice the time.
@pytest.mark.slow
@given(p=ANY_PRESENTATION, policy=policies())
def test_wells_range_lies_within_minus_two_and_nine_and_its_class_agrees(
    p: Presentation, policy: Policy
) -> None:
    """The range lies in [-2, 9]; the class is the value's, or both ends' when they agree.

    Value, min and max all lie in [-2, 9], and min <= max.  The class is the value's
    class; for a range, it is given only when both ends are in the same class, and an
    open range names the items that would close it.
    """
    score = wells(p, policy)
    _range_lies_within_minus_two_and_nine(score)
    _class_agrees_with_value_and_range(score, policy.wells_variant)


@pytest.mark.slow
@pytest.mark.parametrize("ruleset", NARROWING, ids=[r.version for r in NARROWING])
@given(p=ANY_PRESENTATION, policy=policies(), data=st.data())
def test_wells_range_narrows_as_an_unknown_item_becomes_known(
    ruleset: RuleSet, p: Presentation, policy: Policy, data: st.DataObject
) -> None:
    """Stating one unknown Wells item (either way) gives a range inside the previous one."""
    assert p.as_of is not None
    solver = Solver(DrawChooser(data.draw), as_of=p.as_of, policy=policy, ruleset=ruleset)
    ctx = solver.context(p)
    rule = ruleset.rule("score.wells-dvt")
    assert isinstance(rule, ScoreRule)
    scored = items_scored(rule, policy.wells_variant)
    unknown = [
        c for c in rule.criteria if c.id in scored and c.expr.evaluate(ctx).tri is Tri.UNKNOWN
    ]
    assume(unknown)
    item = data.draw(st.sampled_from(unknown), label="item")
    want = data.draw(st.sampled_from([Tri.MET, Tri.NOT_MET]), label="state")
    q = next(solver.solve(item.expr, want, p), None)
    assume(q is not None)
    assert q is not None
    before = assess(p, policy=policy, ruleset=ruleset).score(rule.id)
    after = assess(q, policy=policy, ruleset=ruleset).score(rule.id)
    assert before.min is not None
    assert before.max is not None
    assert after.min is not None
    assert after.max is not None
    assert before.min <= after.min <= after.max <= before.max
    assert (after.max - after.min) < (before.max - before.min)


@pytest.mark.slow
@given(p=presentations(meeting="redflag.suspected-dvt"))
def test_previous_dvt_is_not_an_item_of_wells_1997(p: Presentation) -> None:
    """Under Wells 1997 (score 2.0.0) stating a previous DVT either way leaves the range."""
    policy = Policy(wells_variant=WellsVariant.WELLS_1997)
    rest = [f for f in p.findings if f.id != "previous-dvt"]
    ranges = set()
    for state in ("present", "absent"):
        stated = attrs.evolve(p, findings=(*rest, Finding("previous-dvt", Presence(state))))
        score = assess(stated, policy=policy, ruleset=SHIPPED).score(WELLS_DVT.id)
        ranges.add((score.min, score.max))
        assert "previous-dvt" not in score.missing
    assert len(ranges) == 1
