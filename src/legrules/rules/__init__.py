"""The clinical content: the shipped rules, their sources, and the rule-set registry.

Rules are written in the language of :mod:`legrules.engine` and import only it and
:mod:`legrules.model`; they know no wire format and print nothing.
"""

from legrules.engine.ruleset import RuleSet
from legrules.rules.registry import LATEST, RULESETS, get_ruleset

__all__ = ["LATEST", "RULESETS", "RuleSet", "get_ruleset"]
