"""The generated FHIR mapping page lists every code, source, status and likelihood."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from legrules import Likelihood
from legrules.fhir.codes import terminology
from legrules.fhir.read.observations import _COUNTS, _IGNORED

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def page() -> str:
    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    try:
        module = importlib.import_module("legrules_docs.fhir_tables")
    finally:
        sys.path.remove(str(ROOT / "docs" / "_ext"))
    text: str = module.fhir_mapping_fragment()
    return text


def test_every_code_of_the_terminology_map_is_listed(page: str) -> None:
    """Findings, values, sides, patient context and drug classes all appear with code."""
    raw = terminology().raw
    entries = [
        *raw["codes"],
        *raw["medications"],
        *raw["values"]["present"],
        *raw["values"]["absent"],
        *raw["laterality"],
        *raw["patient"],
    ]
    for entry in entries:
        assert f"{entry['system']} `{entry['code']}`" in page, entry


def test_every_source_a_code_cites_is_described(page: str) -> None:
    """Each source key a code names has a row in the Sources table."""
    raw = terminology().raw
    cited = {e["source"] for e in [*raw["codes"], *raw["medications"], *raw["patient"]]}
    for key in cited:
        assert f"| `{key}` |" in page, key


def test_every_finding_without_a_standard_code_is_named(page: str) -> None:
    """Findings that travel only with legrules' own code are listed as such."""
    raw = terminology().raw
    standard = {e["finding"] for e in raw["codes"]}
    own = page.split("## Findings with only legrules' own code")[1].split("###")[0]
    for entry in raw["findings"]:
        if entry["id"] not in standard:
            assert f"`{entry['id']}`" in own, entry["id"]


def test_every_observation_status_and_likelihood_is_covered(page: str) -> None:
    """The status table and the risk table leave no status or likelihood out."""
    statuses = page.split("## Status handling")[1].split("##")[0]
    for status in _COUNTS | _IGNORED:
        assert f"`{status}`" in statuses, status
    risks = page.split("## Likelihood to RiskAssessment")[1].split("##")[0]
    for likelihood in Likelihood:
        assert f"| `{likelihood.value}` |" in risks, likelihood
