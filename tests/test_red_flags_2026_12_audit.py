"""Rule set 2026.12 red flags corrected by the audit against rules.md section 7.2.

Each correction is checked at its edge and in its three states: met, not met, and
unknown when a deciding finding (or the age) is missing, never silently not met.
"""

from __future__ import annotations

from typing import Any

import pytest

from legrules import Disposition, Presentation, Status
from tests.red_flag_cases_2026_12 import scenario
from tests.support import run

RULESET = "2026.12"
FRACTURE = "redflag.possible-fracture"
OTTAWA_ABSENT = (
    "ottawa-malleolar-tenderness",
    "ottawa-midfoot-tenderness",
    "fibular-head-tenderness",
    "patellar-tenderness-isolated",
    "knee-flexion-below-90",
)


def flag(presentation: Presentation, rule: str) -> Any:
    return run(presentation, ruleset=RULESET).red_flag(rule)


def knee_fall(age: int | None, *knee: Any) -> Presentation:
    """A fall with every other Ottawa criterion absent: only the age and the knee decide."""
    return scenario(present=("fall", *knee), absent=OTTAWA_ABSENT, age=age)


@pytest.mark.parametrize(("age", "expected"), [(55, Status.MET), (54, Status.NOT_MET)])
def test_ottawa_knee_age_55_or_over_is_a_criterion(age: int, expected: Status) -> None:
    """Stiell 1996: a knee injury at 55 or over meets the flag; at 54 it does not."""
    assert flag(knee_fall(age, ("knee-injury", "right")), FRACTURE).status is expected


def test_ottawa_knee_unknown_age_is_not_taken_as_young() -> None:
    """A knee injury with no age recorded leaves the flag open, asking the age."""
    result = flag(knee_fall(None, ("knee-injury", "left")), FRACTURE)
    assert result.status is Status.INDETERMINATE
    assert "age" in result.missing


def test_ottawa_knee_unknown_knee_injury_is_asked_at_55_or_over() -> None:
    """A fall at 70 without saying whether the knee was hurt is open, asking about it."""
    result = flag(knee_fall(70), FRACTURE)
    assert result.status is Status.INDETERMINATE
    assert "knee-injury" in result.missing
    assessment = run(knee_fall(70), ruleset=RULESET)
    assert assessment.disposition is not Disposition.SELF_CARE
    assert assessment.worst_case_disposition.rank <= Disposition.URGENT.rank


def test_ottawa_knee_injury_is_an_injury() -> None:
    """A knee injury at 60 meets the flag with the general injury finding unrecorded."""
    presentation = scenario(
        present=(("knee-injury", "right"),),
        absent=("fall", *OTTAWA_ABSENT),
        unknown=("injury",),
        age=60,
    )
    assert flag(presentation, FRACTURE).status is Status.MET


def test_no_knee_injury_does_not_settle_an_injury_elsewhere() -> None:
    """A knee stated uninjured leaves "injury" open: the ankle may still be hurt."""
    presentation = scenario(
        present=("ottawa-malleolar-tenderness",),
        absent=("fall", "knee-injury"),
        unknown=("injury",),
        age=40,
    )
    result = flag(presentation, FRACTURE)
    assert result.status is Status.INDETERMINATE
    assert "injury" in result.missing


def test_no_injury_and_no_fall_settle_the_knee() -> None:
    """An uninjured leg at 80 needs no question about a knee injury."""
    result = flag(scenario(age=80), FRACTURE)
    assert result.status is Status.NOT_MET
    assert result.missing == ()


INFECTION = "redflag.leg-infection"
NORMAL_VITALS_RED_LEG = ("redness",)


@pytest.mark.parametrize(
    ("present", "absent", "expected"),
    [
        (("spreading-redness",), ("rapidly-spreading-redness",), Status.MET),
        (("rapidly-spreading-redness",), ("spreading-redness",), Status.MET),
        ((), ("spreading-redness", "rapidly-spreading-redness"), Status.NOT_MET),
        ((), ("rapidly-spreading-redness",), Status.INDETERMINATE),
    ],
)
def test_leg_infection_redness_spreading_over_days(
    present: tuple[str, ...], absent: tuple[str, ...], expected: Status
) -> None:
    """NICE NG141 / Eron II: redness spreading over days counts, not only over hours."""
    presentation = scenario(present=(*NORMAL_VITALS_RED_LEG, *present), absent=absent)
    result = flag(presentation, INFECTION)
    assert result.status is expected
    if expected is Status.INDETERMINATE:
        assert "spreading-redness" in result.missing


SEPSIS = "redflag.sepsis"
SHOCKED = {"systolic-bp": (86, "mm[Hg]")}


@pytest.mark.parametrize(
    ("wound", "expected"),
    [("present", Status.MET), ("absent", Status.NOT_MET), ("unknown", Status.INDETERMINATE)],
)
def test_sepsis_source_may_be_a_leg_wound(wound: str, expected: Status) -> None:
    """NICE NG51: a leg wound with a high-risk sign is a possible source, no redness needed."""
    present = (("leg-wound", "left"),) if wound == "present" else ()
    unknown = ("leg-wound",) if wound == "unknown" else ()
    presentation = scenario(present=present, unknown=unknown, measured=SHOCKED)
    result = flag(presentation, SEPSIS)
    assert result.status is expected
    if expected is Status.INDETERMINATE:
        assert "leg-wound" in result.missing


BONE = "redflag.night-bone-pain"


@pytest.mark.parametrize(
    ("state", "expected"),
    [("present", Status.MET), ("absent", Status.NOT_MET), ("unknown", Status.INDETERMINATE)],
)
def test_unexplained_bone_pain_alone_meets_night_bone_pain(state: str, expected: Status) -> None:
    """NICE NG12: unexplained bone pain is enough, without night waking, cramps or not."""
    present = ("unexplained-bone-pain", "leg-cramp") if state == "present" else ()
    unknown = ("unexplained-bone-pain",) if state == "unknown" else ()
    result = flag(scenario(present=present, unknown=unknown), BONE)
    assert result.status is expected
    if expected is Status.INDETERMINATE:
        assert result.missing == ("unexplained-bone-pain",)
