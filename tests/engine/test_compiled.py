"""The compiled evaluator gives byte-identical documents to the reference interpreter."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from legrules import Presentation, dump_assessment, load_presentation
from legrules.engine import Criterion, RedFlagRule, RuleSet, assess, interpret
from legrules.engine.compiled import compiled
from legrules.engine.facts import Context, Outcome
from legrules.engine.logic import All, Expr, Present
from legrules.model import Disposition, Policy, Tri
from legrules.model.documents import dumps
from legrules.rules import RULESETS
from legrules.strategies import policies, presentations
from tests.engine.corpus import AS_OF, SETTINGS, corpus
from tests.properties.helpers import SHIPPED

VIGNETTES = Path(__file__).parents[1] / "vignettes"


def both(
    presentation: Presentation,
    *,
    as_of: datetime | None = AS_OF,
    ruleset: str | RuleSet | None = None,
    policy: Policy | dict[str, Any] | None = None,
) -> tuple[bytes, bytes]:
    """The interpreter's and the compiled evaluator's documents for one assessment."""
    documents = (
        dumps(dump_assessment(run(presentation, as_of=as_of, ruleset=ruleset, policy=policy)))
        for run in (interpret, assess)
    )
    reference, compiled_document = documents
    return reference, compiled_document


def _vignettes() -> list[Path]:
    return sorted(VIGNETTES.glob("*.json"))


@pytest.mark.parametrize("version", sorted(RULESETS))
@pytest.mark.parametrize("path", _vignettes(), ids=lambda p: p.stem)
def test_every_vignette_under_every_ruleset_matches_the_interpreter(
    path: Path, version: str
) -> None:
    """Each vignette, under each shipped rule set, gives the interpreter's document."""
    case = json.loads(path.read_text())
    reference, fast = both(
        load_presentation(case["presentation"]),
        as_of=datetime.fromisoformat(case["as_of"]),
        policy=case.get("policy"),
        ruleset=version,
    )
    assert fast == reference


@pytest.mark.slow
@pytest.mark.parametrize("version", sorted(RULESETS))
def test_a_seeded_corpus_matches_the_interpreter(version: str) -> None:
    """Two hundred varied presentations and policies give the interpreter's documents."""
    for presentation, policy in corpus(200, seed=11):
        reference, fast = both(presentation, ruleset=version, policy=policy)
        assert fast == reference


@pytest.mark.slow
@pytest.mark.parametrize("version", sorted(RULESETS))
def test_a_large_seeded_corpus_matches_the_interpreter(version: str) -> None:
    """Two thousand varied presentations, under policies rules read apart, match the interpreter.

    The policies are the 64 of ``SETTINGS`` (the default half of the time), each compiled
    once: with a random policy for each presentation, compiling the rule set again and
    again was a third of this test.  The seeded corpus above draws its policies at random.
    """
    for presentation, policy in corpus(2_000, seed=2026, over=SETTINGS):
        reference, fast = both(presentation, ruleset=version, policy=policy)
        assert fast == reference


@pytest.mark.slow
@given(st.sampled_from(sorted(RULESETS)), st.data())
def test_generated_presentations_match_the_interpreter(version: str, data: st.DataObject) -> None:
    """Presentations from the shipped strategies give the interpreter's documents."""
    policy = data.draw(policies())
    presentation = data.draw(presentations(ruleset=version, complete=data.draw(st.booleans())))
    reference, fast = both(presentation, as_of=None, ruleset=version, policy=policy)
    assert fast == reference


@given(st.data())
def test_presentations_meeting_a_rule_match_the_interpreter(data: st.DataObject) -> None:
    """Presentations built to meet a chosen rule give the interpreter's documents."""
    rule = data.draw(st.sampled_from([r.id for r in SHIPPED.rules if r.kind != "score"]))
    presentation = data.draw(presentations(meeting=rule))
    reference, fast = both(presentation, as_of=None)
    assert fast == reference


@attrs.frozen
class _Opposite(Expr):
    """A node type the compiler has never seen: met exactly when the finding is absent."""

    cid: str

    def evaluate(self, ctx: Context) -> Outcome:
        outcome = ctx.finding(self.cid)
        return Outcome(~outcome.tri, outcome.evidence, outcome.missing)

    def describe(self) -> str:
        return f"not {self.cid}"


def _with_new_node() -> RuleSet:
    probe = RedFlagRule(
        id="redflag.test-new-node",
        version="1.0.0",
        title="A rule written with a node the compiler does not know",
        citations=SHIPPED.rules[0].citations,
        criteria=(Criterion("c", All(Present("leg-pain"), _Opposite("fever"))),),
        level=Disposition.URGENT,
    )
    order = ("score", "red-flag", "differential", "recommendation")
    rules = sorted((*SHIPPED.rules, probe), key=lambda r: order.index(r.kind))
    return attrs.evolve(SHIPPED, version="test-new-node", rules=tuple(rules))


@pytest.mark.parametrize("fever", [True, False])
def test_a_node_without_a_compiler_falls_back_to_its_interpreter(fever: bool) -> None:
    """A new expression type still evaluates, through its own evaluate method."""
    present, absent = (["leg-pain", "fever"], []) if fever else (["leg-pain"], ["fever"])
    presentation = Presentation.of(present=present, absent=absent)
    ruleset = _with_new_node()
    reference, fast = both(presentation, ruleset=ruleset)
    assert fast == reference
    flags = assess(presentation, as_of=AS_OF, ruleset=ruleset).red_flags
    probe = next(f for f in flags if f.id == "redflag.test-new-node")
    assert probe.status.value == ("not-met" if fever else "met")


def test_a_ruleset_is_compiled_once_per_policy() -> None:
    """The same rule set and policy reuse one compiled evaluator; a new policy compiles anew."""
    first = compiled(SHIPPED, Policy())
    assert compiled(SHIPPED, Policy()) is first
    assert compiled(SHIPPED, Policy(compression_min_abi=0.5)) is not first


def test_unknown_stays_unknown_in_the_compiled_evaluator() -> None:
    """With nothing stated, every red flag is indeterminate, never not met."""
    result = assess(Presentation(), as_of=AS_OF)
    assert {f.status.value for f in result.red_flags} == {"indeterminate"}
    flags = [t for t in result.trace if t.rule.startswith("redflag.")]
    assert all(c.status is not Tri.NOT_MET for t in flags for c in t.criteria)
