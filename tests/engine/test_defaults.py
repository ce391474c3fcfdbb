"""Rules reading nothing stated take their result on no data, and documents do not change."""

from __future__ import annotations

import random

import attrs
import pytest

from legrules import Presentation, dump_assessment
from legrules.engine import assess, interpret
from legrules.engine.compiled import compiled
from legrules.engine.defaults import rule_inputs
from legrules.model import Policy
from legrules.model.documents import dumps
from legrules.rules import RULESETS
from legrules.rules.registry import get_ruleset
from tests.engine.corpus import AS_OF, policy, presentation
from tests.engine.test_compiled import _with_new_node


def _documents(presentation: Presentation, version: str, settings: Policy) -> tuple[bytes, bytes]:
    return tuple(  # type: ignore[return-value]
        dumps(dump_assessment(run(presentation, as_of=AS_OF, ruleset=version, policy=settings)))
        for run in (interpret, assess)
    )


@pytest.mark.parametrize("version", sorted(RULESETS))
def test_sparse_presentations_match_the_interpreter(version: str) -> None:
    """Presentations stating a handful of facts, each assessed twice, give the reference."""
    rng = random.Random(31)
    for _ in range(60):
        case, settings = presentation(rng, density=rng.choice((0.0, 0.01, 0.03))), policy(rng)
        reference, first = _documents(case, version, settings)
        # The second time, open questions answer from what they kept the first time.
        # (The reference is the interpreter's, which keeps nothing: computed once.)
        second = dumps(dump_assessment(assess(case, as_of=AS_OF, ruleset=version, policy=settings)))
        assert first == reference
        assert second == reference


def test_a_rule_reading_nothing_stated_takes_its_result_on_no_data() -> None:
    """Fever alone: a red flag that does not read fever gets the very result built once."""
    ruleset = get_ruleset("2026.12")
    result = assess(Presentation.of(present=["fever"], age=50), as_of=AS_OF, ruleset=ruleset)
    plan = compiled(ruleset, Policy()).plan(50)
    default = next(d for d, _ in plan if d.rule_id == "redflag.cauda-equina")
    assert default.inputs is not None
    assert "fever" not in default.inputs
    flag = next(f for f in result.red_flags if f.id == "redflag.cauda-equina")
    assert flag is default.result
    assert flag.status.value == "indeterminate"


def test_a_rule_with_a_node_the_engine_does_not_know_is_always_evaluated() -> None:
    """A rule whose reads cannot be read off its expressions has no inputs: no default."""
    ruleset = _with_new_node()
    probe = next(r for r in ruleset.rules if r.id == "redflag.test-new-node")
    assert rule_inputs(ruleset, probe, Policy()) is None
    known = rule_inputs(ruleset, ruleset.rule("redflag.cauda-equina"), Policy())
    assert known is not None
    assert "saddle-anesthesia" in known


def test_a_copy_of_a_rule_reads_what_the_rule_reads() -> None:
    """The inputs of a rule equal to one of the set (not the same object) are that rule's."""
    ruleset = get_ruleset("2026.12")
    for rule in ruleset.rules:
        copy = attrs.evolve(rule)
        assert copy is not rule
        assert rule_inputs(ruleset, copy, Policy()) == rule_inputs(ruleset, rule, Policy())
