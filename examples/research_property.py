"""A research pipeline checks a property of its own over generated patients.

The property: among presentations in which an emergency red flag is met, the
disposition is always ``emergency``.  legrules' strategies generate the population
(``presentations(meeting=...)`` builds patients for whom each red flag is met) and
hypothesis searches it for a counterexample.  Run it with ``python
examples/research_property.py``; it prints how many patients it checked per red flag.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings

from legrules import Disposition, Presentation, assess, get_ruleset
from legrules.engine.base import RedFlagRule
from legrules.strategies import presentations

RULESET = get_ruleset("2026.11")  # pin the rule-set version, so the result reproduces
EMERGENCY_FLAGS = [
    rule.id
    for rule in RULESET.rules
    if isinstance(rule, RedFlagRule) and rule.level is Disposition.EMERGENCY
]
checked: Counter[str] = Counter()


def check(flag: str, patients: int = 10) -> None:
    """Check the property over *patients* generated patients in whom *flag* is met."""

    @settings(
        max_examples=patients,
        deadline=None,
        derandomize=True,  # the same population on every run
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(patient=presentations(meeting=flag, ruleset=RULESET))
    def emergency_flag_means_emergency(patient: Presentation) -> None:
        result = assess(patient, ruleset=RULESET)
        checked[flag] += 1
        assert result.disposition is Disposition.EMERGENCY, (flag, result.disposition)

    emergency_flag_means_emergency()


def main() -> Counter[str]:
    """Check the property for every emergency red flag; return patients checked per flag."""
    for flag in EMERGENCY_FLAGS:
        check(flag)
        print(f"{flag:<30} {checked[flag]:>3} patients: disposition always emergency")
    return checked


if __name__ == "__main__":
    main()
