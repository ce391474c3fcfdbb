"""A differential's levels over its completions, found with fewer calls of its function.

Open questions need the level every way of settling a differential's unknown criteria
sets.  The reference interpreter calls the deciding function once per way (up to
2**10); the compiled evaluator calls it once per way of settling the criteria a call
actually read (:func:`legrules.engine.open_questions.levels_by_reads`).  Both must give
the same levels, in the same order, for any deciding function and any presentation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from legrules import load_presentation
from legrules.engine import Criterion, DifferentialRule, RuleSet
from legrules.engine.base import Decision
from legrules.engine.compiled import interpret_rule
from legrules.engine.facts import Context, Outcome
from legrules.engine.logic import Present
from legrules.engine.open_questions import _levels_reached, _outcomes, levels_by_reads
from legrules.engine.sink import Sink
from legrules.model import Disposition, Likelihood, Policy, Presentation, Tri
from legrules.rules import RULESETS, get_ruleset
from legrules.strategies import policies, presentations
from tests.engine.corpus import AS_OF
from tests.properties.helpers import SHIPPED

#: Findings the synthetic rules below read (any boolean findings would do).
NAMES = ("fever", "leg-pain", "sudden-onset", "injury", "worsening")


def naive(ruleset: RuleSet, rule: DifferentialRule, ctx: Context) -> tuple[Disposition, ...]:
    """The reference: the level of every completion, one call each."""
    return tuple(level for _, level in _levels_reached(ruleset, rule, ctx, _outcomes(rule, ctx)))


def evaluated(ruleset: RuleSet, presentation: Presentation, policy: Policy) -> Context:
    """A context with every rule of *ruleset* evaluated by the interpreter."""
    ctx = Context(presentation, AS_OF, policy)
    sink = Sink()
    for rule in ruleset.rules:
        interpret_rule(ruleset, rule, ctx, sink)
    return ctx


def differentials(ruleset: RuleSet) -> list[DifferentialRule]:
    return [r for r in ruleset.rules if isinstance(r, DifferentialRule)]


@given(st.sampled_from(sorted(RULESETS)), st.data())
def test_every_shipped_differential_gets_the_levels_of_every_completion(
    version: str, data: st.DataObject
) -> None:
    """For any presentation, each shipped differential's levels are the reference's."""
    ruleset = get_ruleset(version)
    presentation = data.draw(presentations(ruleset=version))
    ctx = evaluated(ruleset, presentation, data.draw(policies()))
    for rule in differentials(ruleset):
        outcomes = _outcomes(rule, ctx)
        assert tuple(levels_by_reads(ruleset, rule, ctx, outcomes)) == naive(ruleset, rule, ctx)


# -- deciding functions of every shape -------------------------------------------------

#: A decision tree: a level's index, or (criterion, tree if met, tree if not met,
#: tree if unknown).  Reading a criterion is what a node does; a leaf reads nothing.
Tree = Any

LEVELS = (Disposition.SELF_CARE, Disposition.ROUTINE, Disposition.SOON, Disposition.URGENT)


def trees(depth: int) -> st.SearchStrategy[Tree]:
    leaf = st.integers(0, len(LEVELS) - 1)
    if depth == 0:
        return leaf
    below = trees(depth - 1)
    return leaf | st.tuples(st.sampled_from(NAMES), below, below, below)


def deciding(tree: Tree, reads_all: bool, calls: list[int]) -> Callable[..., Decision]:
    """A deciding function walking *tree* (and reading every outcome first if *reads_all*)."""

    def decide(_: Context, o: Mapping[str, Outcome]) -> Decision:
        calls[0] += 1
        if reads_all:
            list(o.items())
        node = tree
        while isinstance(node, tuple):
            name, met, not_met, unknown = node
            tri = o[name].tri
            node = met if tri is Tri.MET else not_met if tri is Tri.NOT_MET else unknown
        return Decision(Likelihood.LIKELY, LEVELS[node])

    return decide


def synthetic(decide: Callable[..., Decision]) -> tuple[RuleSet, DifferentialRule]:
    rule = DifferentialRule(
        id="ddx.test-tree",
        version="1.0.0",
        title="A differential decided by a generated tree",
        citations=SHIPPED.rules[0].citations,
        criteria=tuple(Criterion(name, Present(name)) for name in NAMES),
        decide=decide,
    )
    return RuleSet(version="test-tree", released="2026-12-05", rules=(rule,)), rule


@given(
    trees(4),
    st.booleans(),
    st.dictionaries(st.sampled_from(NAMES), st.sampled_from(["present", "absent"])),
)
def test_any_deciding_function_gets_the_levels_of_every_completion(
    tree: Tree, reads_all: bool, stated: dict[str, str]
) -> None:
    """Whatever a deciding function reads, and in whatever order, the levels agree."""
    ruleset, rule = synthetic(deciding(tree, reads_all, [0]))
    presentation = load_presentation(
        {"findings": [{"id": k, "state": v} for k, v in stated.items()]}
    )
    ctx = evaluated(ruleset, presentation, Policy())
    found = tuple(levels_by_reads(ruleset, rule, ctx, _outcomes(rule, ctx)))
    assert found == naive(ruleset, rule, ctx)


def test_a_function_deciding_on_one_criterion_is_called_once_for_all_its_completions() -> None:
    """Met first criterion settles every completion of the others: 1 + 2**4 calls, not 2**5."""
    calls = [0]
    tree = ("fever", 3, ("leg-pain", 1, 0, 0), 0)
    ruleset, rule = synthetic(deciding(tree, False, calls))
    ctx = evaluated(ruleset, Presentation(), Policy())
    reference = naive(ruleset, rule, ctx)
    calls[0] = 0
    levels = tuple(levels_by_reads(ruleset, rule, ctx, _outcomes(rule, ctx)))
    assert calls[0] == 3  # fever met; fever not met with leg pain met, and not met
    assert len(levels) == 2**5
    assert levels == reference


def test_a_function_reading_every_outcome_is_called_for_every_completion() -> None:
    """Reading the outcomes through ``items()`` counts as reading them all."""
    calls = [0]
    ruleset, rule = synthetic(deciding(0, True, calls))
    ctx = evaluated(ruleset, Presentation(), Policy())
    reference = naive(ruleset, rule, ctx)
    calls[0] = 0
    assert tuple(levels_by_reads(ruleset, rule, ctx, _outcomes(rule, ctx))) == reference
    assert calls[0] == 2**5
