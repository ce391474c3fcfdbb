"""A table format for differential cases, shared by the differential tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from legrules import Presentation
from legrules.model import DifferentialResult, Disposition, Likelihood
from tests.support import run_2026_11 as run


@dataclass(frozen=True)
class DdxCase:
    """One expected conclusion of a differential."""

    name: str
    presentation: Presentation
    likelihood: Likelihood
    level: Disposition = Disposition.SELF_CARE
    missing: tuple[str, ...] = ()
    policy: dict[str, Any] | None = None


def check(rule: str, case: DdxCase) -> DifferentialResult:
    """Assess *case* and check the differential's likelihood, level and explanation.

    Indeterminate results must name what is missing (at least ``case.missing``); every
    other conclusion must name the facts that decided it and nothing as missing.
    """
    result = run(case.presentation, policy=case.policy).differential(rule)
    assert (result.likelihood, result.level) == (case.likelihood, case.level)
    if case.likelihood is Likelihood.INDETERMINATE:
        assert result.missing, "an indeterminate differential names what would settle it"
        assert set(case.missing) <= set(result.missing)
    else:
        assert result.evidence, "a conclusion names the facts that decided it"
        assert result.missing == ()
    return result
