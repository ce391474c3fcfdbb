"""Rule sets: named, dated collections of rule versions that stay runnable forever.

A rule set is identified by a CalVer version (``2026.11``).  Once released it never
changes: a rule whose logic changes gets a new version, and the new rule version goes
into a *new* rule set, so any result can be reproduced by naming the rule set that made
it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

from legrules.errors import RulesetError, did_you_mean
from legrules.rules.base import Rule
from legrules.rules.differentials import DIFFERENTIALS
from legrules.rules.dvt import D_DIMER, WELLS_DVT
from legrules.rules.infection import QSOFA
from legrules.rules.pad import ABI, EDINBURGH
from legrules.rules.recommendations import CLINICAL_RECOMMENDATIONS
from legrules.rules.red_flags import RED_FLAGS
from legrules.rules.self_care import SELF_CARE

__all__ = ["LATEST", "RULESETS", "RuleSet", "get_ruleset"]

_KIND_ORDER = {"score": 0, "red-flag": 1, "differential": 2, "recommendation": 3}


@attrs.frozen
class RuleSet:
    """A released, immutable collection of rules, evaluated in the order given.

    Scores come first (red flags read them), then red flags, differentials, and
    recommendations (which read all the rest).
    """

    version: str
    released: str
    rules: tuple[Rule, ...]
    id: str = "legrules"
    notes: str = ""

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


_2026_11 = RuleSet(
    version="2026.11",
    released="2026-11-22",
    notes="First release.",
    rules=(
        # Scores: red flags and differentials read them.
        WELLS_DVT,
        D_DIMER,
        QSOFA,
        ABI,
        EDINBURGH,
        *RED_FLAGS,
        *DIFFERENTIALS,
        *CLINICAL_RECOMMENDATIONS,
        *SELF_CARE,
    ),
)

#: Every shipped rule set, by version.
RULESETS: Mapping[str, RuleSet] = MappingProxyType({r.version: r for r in (_2026_11,)})

#: The version used when none is named.
LATEST = "2026.11"


def get_ruleset(version: str | RuleSet | None = None) -> RuleSet:
    """The rule set *version* (the latest when ``None``).

    Raises:
        RulesetError: no rule set of that version ships with this legrules.
    """
    if isinstance(version, RuleSet):
        return version
    key = LATEST if version is None else version
    try:
        return RULESETS[key]
    except KeyError:
        known = ", ".join(RULESETS)
        raise RulesetError(f"unknown rule set {key!r}; this legrules ships {known}") from None
