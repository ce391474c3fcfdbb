"""Helpers for the recommendation tests: what happened to one recommendation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from legrules import Assessment, Presentation
from legrules.model import Recommendation, Withheld
from tests.red_flag_cases import scenario
from tests.support import run_2026_11 as run

Fate = Literal["given", "withheld", "absent"]

#: The Wells items ALL_CLEAR leaves unknown; with these absent too, Wells is closed at 0.
WELLS_ABSENT = (
    "active-cancer",
    "paralysis-paresis-or-cast",
    "bedridden-3-days",
    "major-surgery-12-weeks",
    "collateral-superficial-veins",
    "previous-dvt",
    "alternative-diagnosis-as-likely",
)


def fate(assessment: Assessment, rec_id: str) -> tuple[Fate, Recommendation | Withheld | None]:
    """Whether *rec_id* was given, withheld (with the reason) or not triggered."""
    for rec in assessment.recommendations:
        if rec.id == rec_id:
            return "given", rec
    for held in assessment.withheld:
        if held.id == rec_id:
            return "withheld", held
    return "absent", None


@dataclass(frozen=True)
class RecCase:
    """One expected fate of a recommendation."""

    name: str
    rec: str
    presentation: Presentation
    expect: Fate
    says: str = ""  # text the reason (withheld) or a caution (given) must contain
    policy: dict[str, Any] | None = None


def check(case: RecCase) -> Recommendation | Withheld | None:
    """Assess *case* and check the recommendation's fate and its reason or caution."""
    got, item = fate(run(case.presentation, policy=case.policy), case.rec)
    assert got == case.expect
    if case.says and isinstance(item, Withheld):
        assert case.says in item.reason
    elif case.says:
        assert isinstance(item, Recommendation)
        assert any(case.says in c for c in item.cautions), item.cautions
    return item


def clear(*present: Any, **kwargs: Any) -> Presentation:
    """Every red flag not met (tests.red_flag_cases.ALL_CLEAR) with *present* findings."""
    return scenario(present=present, **kwargs)
