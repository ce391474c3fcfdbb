"""Canonical URLs of legrules' own FHIR artefacts.

Every concept legrules reads has a code in its own CodeSystem (code = the finding id),
so any finding can be exchanged even where no standard code exists.  The base is
configurable by integrations that publish the artefacts under their own domain.
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_BASE",
    "finding_system",
    "identifier_system",
    "library_url",
    "rule_system",
]

#: Default canonical base of legrules' FHIR artefacts.
DEFAULT_BASE = "https://legrules.org/fhir"


def finding_system(base: str = DEFAULT_BASE) -> str:
    """The CodeSystem of legrules findings (``code`` = finding id)."""
    return f"{base}/CodeSystem/finding"


def rule_system(base: str = DEFAULT_BASE) -> str:
    """The CodeSystem of legrules rules (``code`` = rule id, ``version`` = rule version)."""
    return f"{base}/CodeSystem/rule"


def library_url(base: str = DEFAULT_BASE) -> str:
    """The canonical of the rule-set Library (versioned by rule-set version)."""
    return f"{base}/Library/legrules"


def identifier_system(base: str = DEFAULT_BASE) -> str:
    """The identifier system of resources legrules writes."""
    return f"{base}/identifier"
