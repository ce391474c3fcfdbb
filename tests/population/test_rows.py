"""The Parquet row: one per patient, columns named by the rules' public ids."""

from __future__ import annotations

import pytest

from legrules import Presentation, assess
from legrules.population import PatientResult
from legrules.population.rows import age_band, columns, row
from legrules.rules import get_ruleset
from tests.population.conftest import AS_OF


@pytest.mark.parametrize(
    ("age", "band"),
    [(None, None), (0, "0-17"), (17, "0-17"), (18, "18-39"), (59, "40-59"), (80, "80+")],
)
def test_age_bands_cover_every_age(age: int | None, band: str | None) -> None:
    """Ages fall into bands by their lowest age; an unknown age has no band."""
    assert age_band(age) == band


def test_columns_name_every_rule_of_the_rule_set() -> None:
    """Each red flag, differential and score of the rule set has its columns."""
    names = {name for name, _ in columns().all}
    for rule in get_ruleset().of_kind("red-flag"):
        assert f"red_flag:{rule.id}" in names
    for rule in get_ruleset().of_kind("score"):
        assert {f"score:{rule.id}:{part}" for part in ("value", "min", "max")} <= names


def test_a_row_carries_the_assessment() -> None:
    """Disposition, statuses and the age band come from the patient's result."""
    result = assess(Presentation.of(present=["leg-pain", "dyspnea"]), as_of=AS_OF)
    out = row(PatientResult("Patient/7", result, age=64, sex="female", resources=3), columns())
    assert out["patient_id"] == "7"
    assert out["disposition"] == "emergency"
    assert out["worst_case_disposition"] == "emergency"
    assert out["age_band"] == "60-79"
    assert out["red_flag:redflag.possible-pe"] == "met"
    assert out["red_flag:redflag.cauda-equina"] == "indeterminate"
    assert set(out) == {name for name, _ in columns().all}


def test_an_error_row_has_no_disposition() -> None:
    """A patient that could not be read keeps its error and leaves the rest empty."""
    out = row(PatientResult("Patient/x", None, error="bad birthDate"), columns())
    assert out["error"] == "bad birthDate"
    assert out["disposition"] is None
    assert out["worst_case_disposition"] is None
