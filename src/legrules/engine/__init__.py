"""The rule language and its evaluator: expressions, facts, rule classes, rule sets, assess().

A rule author writes clinical content in :mod:`legrules.rules` with the pieces defined
here; an engine developer changes how they are evaluated here without touching it.
"""

from legrules.engine.base import (
    Citation,
    Criterion,
    Decision,
    DifferentialRule,
    RecommendationRule,
    RedFlagRule,
    Rule,
    ScoreRule,
)
from legrules.engine.evaluation import assess, disposition_of, interpret
from legrules.engine.ruleset import RuleSet

__all__ = [
    "Citation",
    "Criterion",
    "Decision",
    "DifferentialRule",
    "RecommendationRule",
    "RedFlagRule",
    "Rule",
    "RuleSet",
    "ScoreRule",
    "assess",
    "disposition_of",
    "interpret",
]
