"""Rule sets: named, dated, immutable collections of rule versions, in evaluation order.

The class lives with the language (the evaluator runs it); the shipped rule sets
themselves are clinical content and live in :mod:`legrules.rules.registry`.
"""

from __future__ import annotations

from typing import Literal

import attrs

from legrules.engine.base import Rule
from legrules.errors import RulesetError, did_you_mean

__all__ = ["RuleSet"]

_KIND_ORDER = {"score": 0, "red-flag": 1, "differential": 2, "recommendation": 3}


@attrs.frozen
class RuleSet:
    """A released, immutable collection of rules, evaluated in the order given.

    Scores come first (red flags read them), then red flags, differentials, and
    recommendations (which read all the rest).

    ``disposition_policy`` names how differentials' conclusions set levels: from
    ``"2026.12"`` on (the default), a differential concluded possible or higher never
    sets a level below its own (``rules.md`` section 7.1); ``"2026.11"`` keeps the first
    release's behaviour, so that rule set's results stay as they were.

    .. versionchanged:: 0.2
       ``disposition_policy``.
    """

    version: str
    released: str
    rules: tuple[Rule, ...]
    id: str = "legrules"
    notes: str = ""
    disposition_policy: Literal["2026.11", "2026.12"] = "2026.12"

    def __attrs_post_init__(self) -> None:
        ids = [r.id for r in self.rules]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise RulesetError(f"rule set {self.version} repeats {', '.join(duplicates)}")
        ranks = [_KIND_ORDER[r.kind] for r in self.rules]
        if ranks != sorted(ranks):
            raise RulesetError(
                f"rule set {self.version}: rules must be ordered score, red-flag, "
                "differential, recommendation"
            )

    def rule(self, rule_id: str) -> Rule:
        """The rule *rule_id* in this set."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        hint = did_you_mean(rule_id, [r.id for r in self.rules])
        raise RulesetError(f"rule {rule_id!r} is not in rule set {self.version}{hint}")

    def of_kind(self, kind: str) -> tuple[Rule, ...]:
        """The rules of one kind, in evaluation order."""
        return tuple(r for r in self.rules if r.kind == kind)

    @property
    def canonical(self) -> str:
        """The rule set's canonical URL path segment (``Library/legrules-2026.11``)."""
        return f"Library/{self.id}"
