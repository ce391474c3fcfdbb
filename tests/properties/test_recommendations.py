"""Recommendations: no self-care advice while a red flag is open, no contraindicated advice."""

from __future__ import annotations

import functools

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from legrules import assess
from legrules.engine.base import RecommendationRule
from legrules.engine.ruleset import RuleSet
from legrules.model import Assessment, Policy, Presentation, Status, Tri
from legrules.rules import get_ruleset
from legrules.strategies import presentations
from legrules.strategies._choices import FirstChoice
from legrules.strategies._solve import Solver
from tests.conftest import scaled
from tests.properties.helpers import CONTRAINDICATED, PROBED, RULESETS_UNDER_TEST, SELF_CARE


def _recommendations(ruleset: RuleSet) -> list[RecommendationRule]:
    return [r for r in ruleset.rules if isinstance(r, RecommendationRule)]


@functools.cache
def _any_presentation(ruleset: RuleSet) -> st.SearchStrategy[Presentation]:
    """Partial and complete presentations, and ones that trigger each recommendation.

    Built once per rule set (cached), not once per example: building the strategies
    cost about a sixth of these tests' time, and the examples drawn are the same.
    """
    triggered = [presentations(meeting=r.id, ruleset=ruleset) for r in _recommendations(ruleset)]
    triggered += [
        presentations(meeting=r.id, ruleset=ruleset, complete=True)
        for r in _recommendations(ruleset)
    ]
    return st.one_of(presentations(), presentations(complete=True), *triggered)


# Each example solves for a recommendation's trigger and assesses ~60 rules: a costly
# draw, so fewer examples than the profile default (more under dev and thorough).  The
# two properties over these draws share them (one test, 30 examples each per rule set):
# as two tests each drew and assessed its own, for twice the time.
_COSTLY = settings(max_examples=scaled(30))


def _self_care_advice_is_withheld_while_a_red_flag_is_open(
    ruleset: RuleSet, result: Assessment
) -> None:
    """While any red flag is met or indeterminate, no self-care recommendation is emitted."""
    open_flags = [f.id for f in result.red_flags if f.status is not Status.NOT_MET]
    self_care = {r.id for r in _recommendations(ruleset) if r.self_care}
    given_ids = {r.id for r in result.recommendations}
    if open_flags:
        assert not given_ids & self_care, f"self-care advice with {open_flags} open"


def _no_recommendation_is_given_with_a_contraindication_met(
    ruleset: RuleSet, p: Presentation, result: Assessment
) -> None:
    """For every recommendation rule, a met contraindication keeps its id out of the advice."""
    assert p.as_of is not None
    # An independent evaluation of the contraindications, not the engine's own trace.
    ctx = Solver(FirstChoice(), as_of=result.as_of, policy=Policy(), ruleset=ruleset).context(p)
    given_ids = {r.id for r in result.recommendations}
    for rule in _recommendations(ruleset):
        met = [c.id for c in rule.criteria if c.expr.evaluate(ctx).tri is Tri.MET]
        if met:
            assert rule.id not in given_ids, f"{rule.id} given despite {met}"


@pytest.mark.slow
@pytest.mark.parametrize("ruleset", RULESETS_UNDER_TEST, ids=lambda r: r.version)
@_COSTLY
@given(data=st.data())
def test_no_self_care_advice_while_a_red_flag_is_open_and_none_contraindicated(
    ruleset: RuleSet, data: st.DataObject
) -> None:
    """No self-care advice while a red flag is met or indeterminate; none contraindicated.

    Two properties of every presentation, partial or complete or triggering a
    recommendation: while any red flag is met or indeterminate no self-care
    recommendation is emitted, and no recommendation is given while one of its
    contraindications is met.
    """
    p = data.draw(_any_presentation(ruleset), label="presentation")
    result = assess(p, ruleset=ruleset)
    _self_care_advice_is_withheld_while_a_red_flag_is_open(ruleset, result)
    _no_recommendation_is_given_with_a_contraindication_met(ruleset, p, result)


@pytest.mark.slow
@given(p=presentations(meeting=SELF_CARE.id, ruleset=PROBED, complete=True))
def test_self_care_advice_given_once_every_red_flag_is_not_met(p: Presentation) -> None:
    """Self-care advice is given when triggered and allowed, once every red flag is not met."""
    result = assess(p, ruleset=PROBED)
    clear = all(f.status is Status.NOT_MET for f in result.red_flags)
    allergic = any(f.id == "nsaid-allergy" and f.state.value == "present" for f in p.findings)
    if clear and not allergic:
        assert SELF_CARE.id in {r.id for r in result.recommendations}


PROBED_2026_11 = RuleSet(
    version="test-probes-2026.11",
    released="2026-11-22",
    rules=(*get_ruleset("2026.11").rules, SELF_CARE, CONTRAINDICATED),
    disposition_policy="2026.11",
)
_SEARCH = settings(database=None, derandomize=True, max_examples=300, phases=[Phase.generate])


@pytest.mark.slow
@pytest.mark.parametrize("probe", [SELF_CARE, CONTRAINDICATED], ids=lambda r: r.id)
def test_generated_data_reaches_both_given_and_withheld_probe_advice(
    probe: RecommendationRule,
) -> None:
    """The strategies reach both outcomes of each probe, so the properties above are not vacuous.

    Searched over rule set 2026.11's screen: 2026.12's twenty red flags (vitals, bloods,
    Ottawa items) all have to be stated not met before self-care advice is given, which
    300 generated complete presentations do not reach.
    """
    probed = PROBED_2026_11
    strategy = presentations(meeting=probe.id, ruleset=probed, complete=True)

    def outcome(p: Presentation) -> tuple[set[str], set[str]]:
        result = assess(p, ruleset=probed)
        return {r.id for r in result.recommendations}, {w.id for w in result.withheld}

    find(strategy, lambda p: probe.id in outcome(p)[0], settings=_SEARCH)
    find(strategy, lambda p: probe.id in outcome(p)[1], settings=_SEARCH)
