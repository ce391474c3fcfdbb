"""Unknown is not absent: a red flag that data could still make met is never not-met."""

from __future__ import annotations

import pytest
from hypothesis import given

from legrules import assess
from legrules.engine.logic import RedFlagIs
from legrules.engine.ruleset import RuleSet
from legrules.model import Policy, Presentation, Status, Tri
from legrules.strategies import policies, presentations
from legrules.strategies._choices import FirstChoice
from legrules.strategies._solve import Solver
from tests.properties.helpers import RULESETS_UNDER_TEST, SHIPPED
from tests.support import make, run

_MET = frozenset({Status.MET})


def completion_meeting(
    p: Presentation, flag: str, ruleset: RuleSet, policy: Policy
) -> Presentation | None:
    """A completion of *p* (only unknown facts stated) on which *flag* is met, if any."""
    assert p.as_of is not None
    solver = Solver(FirstChoice(), as_of=p.as_of, policy=policy, ruleset=ruleset)
    return next(solver.solve(RedFlagIs(flag, _MET), Tri.MET, p), None)


def test_completion_search_finds_what_would_make_a_flag_met() -> None:
    """The search states the unknown facts that would meet a flag, and none for a settled one."""
    p = make(present=["leg-pain"], as_of=run(make()).as_of)
    found = completion_meeting(p, "redflag.possible-pe", SHIPPED, Policy())
    assert found is not None
    assert run(found).red_flag("redflag.possible-pe").status is Status.MET
    settled = make(absent=["unable-to-bear-weight"], as_of=run(make()).as_of)
    assert completion_meeting(settled, "redflag.unable-to-bear-weight", SHIPPED, Policy()) is None


@pytest.mark.parametrize("ruleset", RULESETS_UNDER_TEST, ids=lambda r: r.version)
@given(p=presentations(), policy=policies())
def test_red_flag_that_some_completion_meets_is_never_not_met(
    ruleset: RuleSet, p: Presentation, policy: Policy
) -> None:
    """For every red flag: if stating unknown facts could make it met, it is not not-met now."""
    result = assess(p, ruleset=ruleset, policy=policy)
    for flag in result.red_flags:
        if flag.status is not Status.NOT_MET:
            continue
        found = completion_meeting(p, flag.id, ruleset, policy)
        added = None if found is None else set(found.findings) - set(p.findings)
        assert found is None, f"{flag.id} is not-met, but stating {added} makes it met"


@given(p=presentations())
def test_indeterminate_red_flags_name_what_is_missing(p: Presentation) -> None:
    """Every indeterminate red flag is listed as unresolved, with the inputs that settle it."""
    result = assess(p)
    unresolved = {u.id: u.missing for u in result.unresolved}
    for flag in result.red_flags:
        if flag.status is Status.INDETERMINATE:
            assert unresolved.get(flag.id), flag.id
