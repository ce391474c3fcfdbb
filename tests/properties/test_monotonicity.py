"""More information that points toward danger never makes the advice less urgent."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from legrules import assess
from legrules.engine.base import RedFlagRule
from legrules.engine.logic import Present, RedFlagIs
from legrules.engine.ruleset import RuleSet
from legrules.model import Disposition, Policy, Presentation, Status, Tri
from legrules.strategies import BOOLEAN_IDS, presentations
from legrules.strategies._model import DrawChooser
from legrules.strategies._solve import Solver
from tests.properties.helpers import (
    RULESETS_UNDER_TEST,
    SHIPPED,
    finding_polarity,
    ids_with,
    lowers,
)

_POLARITY = finding_polarity(SHIPPED)
#: Raising findings the rules read (unread ones cannot change anything).
RAISING = [i for i in ids_with(_POLARITY, [1], BOOLEAN_IDS) if i in _POLARITY]
LOWERING = ids_with(_POLARITY, [-1], BOOLEAN_IDS)
MIXED = ids_with(_POLARITY, [1, -1], BOOLEAN_IDS)


def test_lowers_treats_undetermined_to_self_care_as_lowering() -> None:
    """Undetermined to self-care lowers; to urgent does not; self-care to undetermined does not."""
    assert lowers(Disposition.UNDETERMINED, Disposition.SELF_CARE)
    assert not lowers(Disposition.UNDETERMINED, Disposition.URGENT)
    assert not lowers(Disposition.SELF_CARE, Disposition.UNDETERMINED)
    assert lowers(Disposition.URGENT, Disposition.UNDETERMINED)
    assert lowers(Disposition.EMERGENCY, Disposition.SOON)


def test_polarity_analysis_sorts_every_finding_and_finds_the_mixed_ones() -> None:
    """Each finding is raising, lowering or mixed; injury and leg swelling are mixed by design."""
    raising = ids_with(_POLARITY, [1], BOOLEAN_IDS)
    assert sorted(raising + LOWERING + MIXED) == sorted(BOOLEAN_IDS)
    # injury supports compartment syndrome but rules out sudden severe pain; swelling on
    # the other leg undoes "one-sided swelling".  Stating them can settle a flag as not
    # met, so the monotonicity properties below exclude them.
    assert {"injury", "leg-swelling"} <= set(MIXED)
    # An alternative diagnosis lowers the Wells score, which the DVT differential reads
    # both ways (Wells likely and Wells unlikely each lead somewhere): never "raising".
    assert "alternative-diagnosis-as-likely" not in RAISING


@st.composite
def near_complete(draw: st.DrawFn, cid: str) -> Presentation:
    """A complete presentation with *cid* and a few other findings forgotten (unknown)."""
    p = draw(presentations(complete=True))
    forgotten = {cid, *draw(st.lists(st.sampled_from(BOOLEAN_IDS), max_size=4))}
    return attrs.evolve(p, findings=tuple(f for f in p.findings if f.id not in forgotten))


def some_presentation(data: st.DataObject, cid: str) -> Presentation:
    """A partial presentation, or a complete one in which *cid* is unknown."""
    return data.draw(st.one_of(presentations(), near_complete(cid)), label="presentation")


def _state(
    data: st.DataObject, p: Presentation, cid: str, want: Tri, ruleset: RuleSet
) -> Presentation:
    """*p* with *cid* stated (present for MET, absent for NOT_MET) where it was unknown."""
    assert p.as_of is not None
    solver = Solver(DrawChooser(data.draw), as_of=p.as_of, policy=Policy(), ruleset=ruleset)
    q = next(solver.solve(Present(cid), want, p), None)
    assume(q is not None and q != p)  # the finding was already known on every leg
    assert q is not None
    return q


@given(data=st.data())
def test_unknown_finding_turning_present_never_lowers_disposition(data: st.DataObject) -> None:
    """A finding that only ever raises concern, turned from unknown to present, never lowers."""
    cid = data.draw(st.sampled_from(RAISING), label="finding")
    p = some_presentation(data, cid)
    q = _state(data, p, cid, Tri.MET, SHIPPED)
    before, after = assess(p).disposition, assess(q).disposition
    assert not lowers(before, after), f"{cid} present: {before.value} -> {after.value}"


@given(data=st.data())
def test_unknown_finding_turning_absent_never_lowers_when_absence_raises(
    data: st.DataObject,
) -> None:
    """A finding whose absence raises concern, turned from unknown to absent, never lowers."""
    cid = data.draw(st.sampled_from(LOWERING), label="finding")
    p = some_presentation(data, cid)
    q = _state(data, p, cid, Tri.NOT_MET, SHIPPED)
    before, after = assess(p).disposition, assess(q).disposition
    assert not lowers(before, after), f"{cid} absent: {before.value} -> {after.value}"


@pytest.mark.parametrize("ruleset", RULESETS_UNDER_TEST, ids=lambda r: r.version)
@given(p=presentations(), data=st.data())
def test_adding_a_met_red_flag_never_lowers_disposition(
    ruleset: RuleSet, p: Presentation, data: st.DataObject
) -> None:
    """Completing a presentation so that a red flag is met never lowers the disposition."""
    flag = data.draw(st.sampled_from(ruleset.of_kind("red-flag")), label="red flag")
    assert p.as_of is not None
    solver = Solver(DrawChooser(data.draw), as_of=p.as_of, policy=Policy(), ruleset=ruleset)
    q = next(solver.solve(RedFlagIs(flag.id, frozenset({Status.MET})), Tri.MET, p), None)
    assume(q is not None)
    assert q is not None
    before, after = assess(p, ruleset=ruleset), assess(q, ruleset=ruleset)
    assert after.red_flag(flag.id).status is Status.MET
    assert not lowers(before.disposition, after.disposition)
    assert isinstance(flag, RedFlagRule)
    assert after.disposition.rank <= flag.level.rank
