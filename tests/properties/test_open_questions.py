"""What is still open is never hidden (rules.md 7.1), checked against brute force.

* An emergency red flag whose defining signs are present never gives a lower disposition,
  whatever the other findings are (unknown, absent or generated).
* ``worst_case_disposition`` is never below ``disposition``, and equals the most urgent
  disposition over every explicit completion of the unknown findings.
* Answering an ``ask_next`` question "present" can reach the level it was listed under.

The brute force needs small presentations: a complete one (every finding known) with a
few findings that the rules read forgotten, whose completions are then enumerated: each
forgotten finding absent or present, and a lateral one present on the left only, the
right only, or both legs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legrules import assess
from legrules.engine.base import Rule
from legrules.engine.logic import RedFlagIs
from legrules.model import (
    Assessment,
    Disposition,
    Finding,
    Laterality,
    Measurement,
    Presence,
    Presentation,
    Status,
    concept,
)
from legrules.rules.registry import RULESETS, RuleSet
from legrules.strategies import BOOLEAN_IDS, presentations
from legrules.strategies._solve import transitive_reads
from tests.conftest import scaled

_RULESETS = tuple(RULESETS.values())
#: Derived from the onset date when not stated: never unknown in a complete presentation.
_DERIVED = frozenset({"onset-within-14-days"})
_COSTLY = settings(max_examples=scaled(12))
_PER_FLAG = settings(max_examples=scaled(20))


def _boolean_reads(ruleset: RuleSet, rules: list[Rule]) -> list[str]:
    """The boolean findings *rules* read (through the scores and rules they read)."""
    reads: set[str] = set()
    for rule in rules:
        for criterion in rule.criteria:
            reads |= transitive_reads(ruleset, criterion.expr)
    return sorted(reads & set(BOOLEAN_IDS) - _DERIVED)


def _targets(ruleset: RuleSet) -> list[list[str]]:
    """Per red flag and differential whose level can be above self-care: what it reads."""
    rules = [r for r in ruleset.rules if r.kind in ("red-flag", "differential")]
    return [found for r in rules if (found := _boolean_reads(ruleset, [r]))]


_TARGETS = {r.version: _targets(r) for r in _RULESETS}

#: Unremarkable values, so that measurements do not decide every red flag at random.
_NORMAL = {
    "temperature": 36.8,
    "heart-rate": 72.0,
    "respiratory-rate": 14.0,
    "spo2": 98.0,
    "systolic-bp": 125.0,
    "pain-score": 3.0,
    "d-dimer": 300.0,
    "ferritin": 120.0,
    "transferrin-saturation": 30.0,
    "potassium": 4.2,
    "magnesium": 0.9,
    "abi": 1.1,
    "tbi": 0.9,
    "ankle-pressure": 130.0,
    "brachial-pressure": 120.0,
    "calf-circumference-difference": 0.0,
    "symptom-duration": 2.0,
    "hours-since-exercise": 400.0,
    "hours-since-injury": 2000.0,
    "cramp-nights-per-week": 0.0,
    "cramp-duration": 1.0,
    "days-bedridden": 0.0,
    "weeks-since-major-surgery": 100.0,
}


def _normal(p: Presentation) -> Presentation:
    """*p* with unremarkable measurements where a normal value is known (same ids)."""
    measurements = tuple(
        Measurement(m.id, _NORMAL[m.id], concept(m.id).unit or "1") if m.id in _NORMAL else m
        for m in p.measurements
    )
    return attrs.evolve(p, measurements=measurements)


_EMERGENCY = [
    (ruleset, rule.id)
    for ruleset in _RULESETS
    for rule in ruleset.of_kind("red-flag")
    if getattr(rule, "level", None) is Disposition.EMERGENCY
]


@st.composite
def _others(draw: st.DrawFn, ruleset: RuleSet, flag: str) -> Presentation:
    """A presentation meeting *flag*; the other findings unknown, absent, or generated."""
    mode = draw(st.sampled_from(["unknown", "absent", "generated", "complete"]), label="others")
    if mode == "complete":
        return draw(presentations(meeting=flag, ruleset=ruleset, complete=True))
    p = draw(presentations(meeting=flag, ruleset=ruleset))
    if mode == "unknown":
        # Only the facts the flag reads: every other finding and measurement is unknown.
        reads = transitive_reads(ruleset, RedFlagIs(flag, frozenset({Status.MET})))
        return attrs.evolve(
            p,
            findings=tuple(f for f in p.findings if f.id in reads),
            measurements=tuple(m for m in p.measurements if m.id in reads),
        )
    if mode == "absent":
        stated = {f.id for f in p.findings} | _DERIVED  # derived from the onset when unstated
        rest = tuple(Finding(cid, Presence.ABSENT) for cid in BOOLEAN_IDS if cid not in stated)
        p = attrs.evolve(p, findings=(*p.findings, *rest))
    return p


@pytest.mark.parametrize(
    ("ruleset", "flag"), _EMERGENCY, ids=[f"{r.version}-{f}" for r, f in _EMERGENCY]
)
@_PER_FLAG
@given(data=st.data())
def test_emergency_red_flag_met_never_gives_a_lower_disposition(
    ruleset: RuleSet, flag: str, data: st.DataObject
) -> None:
    """An emergency red flag met by its defining signs makes the disposition an emergency."""
    p = data.draw(_others(ruleset, flag), label="presentation")
    result = assess(p, ruleset=ruleset)
    assert result.red_flag(flag).status is Status.MET
    assert result.disposition is Disposition.EMERGENCY
    assert result.worst_case_disposition is Disposition.EMERGENCY


# -- brute force over completions ---------------------------------------------------------


@st.composite
def small_open(draw: st.DrawFn, ruleset: RuleSet) -> tuple[Presentation, tuple[str, ...]]:
    """A complete presentation with one to three findings that one rule reads forgotten.

    Most findings are absent; a few the same rule reads are present, so that the rule
    is often one answer away from setting its level and what is open matters.
    """
    p = draw(presentations(complete=True), label="complete")
    if draw(st.booleans(), label="normal measurements"):
        p = _normal(p)
    read = draw(st.sampled_from(_TARGETS[ruleset.version]), label="rule reads")
    present = draw(st.sets(st.sampled_from(read), max_size=4), label="present")
    forgotten = draw(
        st.lists(st.sampled_from(read), min_size=1, max_size=3, unique=True), label="forgotten"
    )
    kept = tuple(
        attrs.evolve(f, state=Presence.PRESENT if f.id in present else Presence.ABSENT)
        for f in p.findings
        if f.id not in forgotten
    )
    return attrs.evolve(p, findings=kept), tuple(forgotten)


def _states(cid: str) -> list[tuple[Finding, ...]]:
    """Every way to state *cid*: absent, or present (one leg or both for a lateral one)."""
    if not concept(cid).lateral:
        return [(Finding(cid, Presence.ABSENT),), (Finding(cid, Presence.PRESENT),)]
    left, right = Laterality.LEFT, Laterality.RIGHT
    return [
        (Finding(cid, Presence.ABSENT, Laterality.BOTH),),
        (Finding(cid, Presence.PRESENT, Laterality.BOTH),),
        (Finding(cid, Presence.PRESENT, left), Finding(cid, Presence.ABSENT, right)),
        (Finding(cid, Presence.PRESENT, right), Finding(cid, Presence.ABSENT, left)),
    ]


def completions(
    p: Presentation, forgotten: tuple[str, ...]
) -> Iterator[tuple[frozenset[str], Presentation]]:
    """Every completion of *forgotten*, with the findings it states present."""
    for combo in itertools.product(*(_states(cid) for cid in forgotten)):
        present = frozenset(f.id for fs in combo for f in fs if f.state is Presence.PRESENT)
        added = tuple(f for fs in combo for f in fs)
        yield present, attrs.evolve(p, findings=(*p.findings, *added))


def most_urgent(levels: list[Disposition]) -> Disposition:
    """The most urgent of *levels* (self-care and undetermined rank alike)."""
    return min(levels, key=lambda d: d.rank)


def _brute_force(
    p: Presentation, forgotten: tuple[str, ...], ruleset: RuleSet
) -> list[tuple[frozenset[str], Disposition]]:
    return [
        (present, assess(q, ruleset=ruleset).disposition)
        for present, q in completions(p, forgotten)
    ]


def _same_level(a: Disposition, b: Disposition) -> bool:
    return a.rank == b.rank


@pytest.mark.parametrize("ruleset", _RULESETS, ids=lambda r: r.version)
@_COSTLY
@given(data=st.data())
def test_worst_case_is_the_most_urgent_disposition_over_completions(
    ruleset: RuleSet, data: st.DataObject
) -> None:
    """worst_case_disposition = the most urgent disposition of any completion, never lower."""
    p, forgotten = data.draw(small_open(ruleset), label="presentation")
    result = assess(p, ruleset=ruleset)
    assert not result.disposition.above(result.worst_case_disposition)
    reached = _brute_force(p, forgotten, ruleset)
    expected = most_urgent([level for _, level in reached])
    assert _same_level(result.worst_case_disposition, expected), (
        f"worst case {result.worst_case_disposition.value}, but completing {forgotten} "
        f"reaches {expected.value} (disposition {result.disposition.value})"
    )


@pytest.mark.parametrize("ruleset", _RULESETS, ids=lambda r: r.version)
@_COSTLY
@given(data=st.data())
def test_answering_a_question_present_can_reach_its_level(
    ruleset: RuleSet, data: st.DataObject
) -> None:
    """Each ask_next finding, stated present, has a completion reaching its could_reach."""
    p, forgotten = data.draw(small_open(ruleset), label="presentation")
    result = assess(p, ruleset=ruleset)
    _check_questions(result, forgotten)
    booleans = [q for q in result.ask_next if q.finding in BOOLEAN_IDS]
    if not booleans:
        return
    reached = _brute_force(p, forgotten, ruleset)
    for question in booleans:
        levels = [level for present, level in reached if question.finding in present]
        best = most_urgent(levels)
        assert not question.could_reach.above(best), (
            f"ask_next {question.finding} could reach {question.could_reach.value}, but with "
            f"it present the completions of {forgotten} reach at most {best.value}"
        )


def _check_questions(result: Assessment, forgotten: tuple[str, ...]) -> None:
    """Every question names an unknown finding and could raise the level."""
    for question in result.ask_next:
        assert question.finding in forgotten or question.finding not in BOOLEAN_IDS
        assert question.could_reach.above(result.disposition)
        assert question.settles
