"""The clinical rules: definitions, the expression language and the rule-set registry.

Rules import only :mod:`legrules.model`; they know no wire format and print nothing.
"""

from legrules.rules.base import (
    Citation,
    Criterion,
    Decision,
    DifferentialRule,
    RecommendationRule,
    RedFlagRule,
    Rule,
    ScoreRule,
)
from legrules.rules.registry import LATEST, RULESETS, RuleSet, get_ruleset

__all__ = [
    "LATEST",
    "RULESETS",
    "Citation",
    "Criterion",
    "Decision",
    "DifferentialRule",
    "RecommendationRule",
    "RedFlagRule",
    "Rule",
    "RuleSet",
    "ScoreRule",
    "get_ruleset",
]
