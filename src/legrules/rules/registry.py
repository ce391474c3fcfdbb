"""Rule sets: named, dated collections of rule versions that stay runnable forever.

A rule set is identified by a CalVer version (``2026.11``).  Once released it never
changes: a rule whose logic changes gets a new version, and the new rule version goes
into a *new* rule set, so any result can be reproduced by naming the rule set that made
it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from legrules.engine.ruleset import RuleSet
from legrules.errors import RulesetError
from legrules.rules.ddx_2026_12 import DIFFERENTIALS_2026_12, WELLS_DVT_2
from legrules.rules.differentials import DIFFERENTIALS
from legrules.rules.dvt import D_DIMER, WELLS_DVT
from legrules.rules.infection import QSOFA
from legrules.rules.pad import ABI, EDINBURGH
from legrules.rules.recommendations import CLINICAL_RECOMMENDATIONS
from legrules.rules.recommendations_2026_12 import RECOMMENDATIONS_2026_12
from legrules.rules.red_flags import RED_FLAGS
from legrules.rules.red_flags_2026_12 import RED_FLAGS_2026_12
from legrules.rules.self_care import SELF_CARE

__all__ = ["LATEST", "RULESETS", "RuleSet", "get_ruleset"]

_2026_11 = RuleSet(
    version="2026.11",
    released="2026-11-22",
    notes="First release.",
    disposition_policy="2026.11",
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

_2026_12 = RuleSet(
    version="2026.12",
    released="2026-12-04",
    notes="Clinical-safety revision (rules.md section 7): no critically ill patient is "
    "sent home; new flags for necrotising infection, septic arthritis, fever, severe "
    "electrolyte disturbance, possible fracture and night bone pain; new differentials.",
    rules=(
        WELLS_DVT_2,
        D_DIMER,
        QSOFA,
        ABI,
        EDINBURGH,
        *RED_FLAGS_2026_12,
        *DIFFERENTIALS_2026_12,
        *RECOMMENDATIONS_2026_12,
    ),
)

#: Every shipped rule set, by version.
RULESETS: Mapping[str, RuleSet] = MappingProxyType({r.version: r for r in (_2026_11, _2026_12)})

#: The version used when none is named.
LATEST = "2026.12"


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
