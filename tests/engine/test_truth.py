"""Truth-only closures give the tri of the outcome the compiled expression gives."""

from __future__ import annotations

import copy
import random

import pytest

from legrules import assess, dump_assessment, load_presentation
from legrules.engine import RecommendationRule, interpret
from legrules.engine.compiled import compiled
from legrules.engine.compiler import ExprCompiler
from legrules.engine.facts import Context
from legrules.engine.truth import truth_of
from legrules.model import VOCABULARY, Kind, Policy
from legrules.model.documents import dumps
from legrules.rules import RULESETS
from legrules.rules.registry import get_ruleset
from tests.engine.corpus import AS_OF, corpus


@pytest.mark.parametrize("version", sorted(RULESETS))
def test_every_expression_has_the_truth_of_its_outcome(version: str) -> None:
    """Every criterion and trigger, on a seeded corpus: truth == compiled outcome's tri."""
    ruleset = get_ruleset(version)
    for presentation, policy in corpus(60, seed=7):
        settings = policy if isinstance(policy, Policy) else Policy.from_dict(policy or {})
        expressions = [c.expr for r in ruleset.rules for c in r.criteria]
        expressions += [r.trigger for r in ruleset.rules if isinstance(r, RecommendationRule)]
        compiler = ExprCompiler(settings, expressions)
        ctx = Context(presentation, AS_OF, settings)
        compiled(ruleset, settings).run(ctx)  # every rule's result, as triggers read them
        ctx.memo = {}  # memo slots are numbered per compiler, and this test's is another
        for expr in expressions:
            assert truth_of(expr, compiler)(ctx) is compiler.compile(expr)(ctx).tri, expr


def document(rng: random.Random, size: int) -> bytes:
    """A document stating *size* facts, as ``benchmarks/assess_latency.py`` builds them."""
    booleans = [s for s in VOCABULARY.values() if s.kind is Kind.BOOLEAN]
    quantities = [s for s in VOCABULARY.values() if s.kind is not Kind.BOOLEAN]
    findings = [
        {"id": spec.id, "state": rng.choice(("present", "absent"))}
        for spec in rng.sample(booleans, size - size // 5)
    ]
    measurements = []
    for spec in rng.sample(quantities, size // 5):
        unit = spec.accepted_units()[0]
        measurements.append(
            {"id": spec.id, "value": rng.uniform(*spec.range_in(unit)), "unit": unit}
        )
    body = {"patient": {"age": rng.randint(18, 95)}, "findings": findings}
    return dumps({**body, "measurements": measurements})


@pytest.mark.parametrize("version", sorted(RULESETS))
@pytest.mark.parametrize("size", [5, 40])
def test_benchmark_presentations_give_the_same_documents_with_or_without_trace(
    version: str, size: int
) -> None:
    """The benchmark's 5- and 40-finding presentations: trace now, later, or interpreted."""
    rng = random.Random(size)
    for _ in range(15):
        presentation = load_presentation(document(rng, size))
        results = (
            assess(presentation, as_of=AS_OF, ruleset=version),
            assess(presentation, as_of=AS_OF, ruleset=version, include_trace=True),
            interpret(presentation, as_of=AS_OF, ruleset=version),
        )
        documents = {dumps(dump_assessment(result)) for result in results}
        assert len(documents) == 1


def test_a_truth_is_generated_once_per_node_value_and_compiler() -> None:
    """The same trigger asked for twice (its step and its memo ask) is one function."""
    rules = get_ruleset("2026.12").rules
    trigger = next(r.trigger for r in rules if isinstance(r, RecommendationRule))
    again = copy.deepcopy(trigger)  # equal, built apart
    assert again is not trigger
    compiler = ExprCompiler(Policy(), [trigger])
    assert truth_of(trigger, compiler) is truth_of(again, compiler)
    assert truth_of(trigger, ExprCompiler(Policy(), [trigger])) is not truth_of(trigger, compiler)
