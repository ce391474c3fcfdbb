"""The rule set 2026.11 as a catalogue: ids, order, versions, sources and `rules show`."""

from __future__ import annotations

import io
import re

import pytest

from legrules import get_ruleset
from legrules.cli import main
from legrules.engine.base import DifferentialRule, RecommendationRule, Rule
from legrules.model import Audience, Policy
from legrules.rules import LATEST

RULESET = get_ruleset("2026.11")
RULE_IDS = [r.id for r in RULESET.rules]

SCORES = [
    "score.wells-dvt",
    "score.d-dimer",
    "score.qsofa",
    "score.abi",
    "score.edinburgh-claudication",
]
DIFFERENTIALS = [
    "ddx.dvt",
    "ddx.pad-claudication",
    "ddx.restless-legs",
    "ddx.sciatica",
    "ddx.nocturnal-cramps",
    "ddx.doms",
    "ddx.muscle-strain",
    "ddx.shin-splints",
    "ddx.achilles-tendinopathy",
    "ddx.patellofemoral-pain",
    "ddx.venous-insufficiency",
    "ddx.electrolyte-depletion",
    "ddx.medication-associated",
    "ddx.stress-related",
]
RECOMMENDATIONS = [
    "rec.call-emergency",
    "rec.same-day-assessment",
    "rec.see-clinician",
    "rec.dvt-imaging-pathway",
    "rec.d-dimer",
    "rec.abi-measurement",
    "rec.exercise-abi",
    "rec.supervised-exercise",
    "rec.smoking-cessation",
    "rec.iron-studies",
    "rec.iron-therapy",
    "rec.medication-review",
    "rec.rice",
    "rec.stretching",
    "rec.massage-foam-rolling",
    "rec.heat-warm-bath",
    "rec.cold-exposure",
    "rec.compression",
    "rec.elevation",
    "rec.hydration-electrolytes",
    "rec.magnesium",
    "rec.topical-nsaid",
    "rec.gradual-progression",
    "rec.warm-up-cool-down",
    "rec.sleep-routine",
    "rec.movement-breaks",
    "rec.supportive-footwear",
    "rec.relaxation-breathing",
    "rec.symptom-log",
]
SEEDS = {"000_e75663267d84f083", "001_1f666cbd85b765c3", "002_9464512ede85b7d0"}
#: Rules whose content comes (at least in part) from the seed articles.
SEED_DERIVED = {
    "ddx.doms",
    "ddx.muscle-strain",
    "ddx.shin-splints",
    "ddx.achilles-tendinopathy",
    "ddx.patellofemoral-pain",
    "ddx.venous-insufficiency",
    "ddx.nocturnal-cramps",
    "ddx.electrolyte-depletion",
    "ddx.medication-associated",
    "ddx.stress-related",
    *RECOMMENDATIONS[12:],
}


def test_rule_set_holds_the_rules_of_sections_3_to_5_in_order() -> None:
    """Scores, then the fifteen red flags, then differentials and recommendations in spec order."""
    kinds = [r.kind for r in RULESET.rules]
    assert RULE_IDS[:5] == SCORES
    assert kinds[5:20] == ["red-flag"] * 15
    assert RULE_IDS[20:34] == DIFFERENTIALS
    assert RULE_IDS[34:] == RECOMMENDATIONS


def test_first_release_rules_are_all_1_0_0() -> None:
    """Rule set 2026.11 is the first release: every rule is at 1.0.0."""
    assert {r.version for r in RULESET.rules} == {"1.0.0"}


@pytest.mark.parametrize("rule", RULESET.rules, ids=RULE_IDS)
def test_every_rule_cites_its_sources(rule: Rule) -> None:
    """Every rule carries at least one citation, and seed citations name a real seed."""
    assert rule.citations
    assert all(c.text for c in rule.citations)
    assert {c.seed for c in rule.citations if c.seed} <= SEEDS


@pytest.mark.parametrize("rule_id", sorted(SEED_DERIVED))
def test_seed_derived_rules_cite_the_seed_article(rule_id: str) -> None:
    """Benign causes and self-care advice cite the seed article they came from."""
    assert any(c.seed for c in RULESET.rule(rule_id).citations)


def test_self_care_flag_covers_rice_to_the_end_of_the_table() -> None:
    """Exactly rec.rice to rec.symptom-log are self-care advice."""
    self_care = [r.id for r in RULESET.rules if isinstance(r, RecommendationRule) and r.self_care]
    assert self_care == RECOMMENDATIONS[12:]


@pytest.mark.parametrize(
    "rule",
    [r for r in RULESET.rules if isinstance(r, RecommendationRule)],
    ids=RECOMMENDATIONS,
)
def test_recommendation_text_suits_its_audience(rule: RecommendationRule) -> None:
    """Texts are short; patient texts use plain words, not abbreviations."""
    assert 40 <= len(rule.text) <= 400
    if rule.audience is Audience.PATIENT:
        assert not re.findall(r"\b[A-Z]{2,}\b", rule.text), rule.text


def test_differentials_have_a_deciding_function_and_criteria() -> None:
    """Every differential is data (criteria) plus a small deciding function."""
    for rule in RULESET.of_kind("differential"):
        assert isinstance(rule, DifferentialRule)
        assert rule.criteria
        assert rule.summary


def show(rule_id: str, version: str = "2026.11") -> str:
    out, err = io.StringIO(), io.StringIO()
    args = ["rules", "show", rule_id, "--ruleset", version]
    assert main(args, stdout=out, stderr=err) == 0
    return out.getvalue()


LATEST_RULES = get_ruleset(LATEST).rules


@pytest.mark.parametrize(
    ("version", "rule"),
    [("2026.11", r) for r in RULESET.rules] + [(LATEST, r) for r in LATEST_RULES],
    ids=[f"2026.11:{r.id}" for r in RULESET.rules] + [f"{LATEST}:{r.id}" for r in LATEST_RULES],
)
def test_rules_show_prints_criteria_version_policy_and_sources(version: str, rule: Rule) -> None:
    """`legrules rules show ID` prints the version, each criterion, policy defaults and sources."""
    text = show(rule.id, version)
    assert text.startswith(f"{rule.id}  {rule.version}  ({rule.kind})")
    for criterion in rule.criteria:
        assert f"- {criterion.id}: {criterion.describe()}" in text
    defaults = Policy().as_dict()
    for key in rule.policy_keys():
        assert f"{key} (default " in text
        assert str(defaults[key]).lower() in text.lower()
    for citation in rule.citations:
        assert citation.text in text
        if citation.seed:
            assert f"[seed {citation.seed}]" in text
    if isinstance(rule, RecommendationRule):
        assert rule.text in text
        assert "triggered by:" in text
