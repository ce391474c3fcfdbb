"""The hostile-input campaign (``benchmarks/hostile.py``) finds no crash, hang or wrong answer."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import orjson
import pytest

from legrules.fhir import read_presentations
from tests.fhir.conftest import SNOMED, bundle, obs
from tests.support import AS_OF

CAMPAIGN: dict[str, Any] = runpy.run_path(
    str(Path(__file__).parents[2] / "benchmarks" / "hostile.py"), run_name="hostile"
)


def withdrawn_twice() -> bytes:
    """A Bundle whose Observation says ``final`` and then ``entered-in-error``."""
    text = orjson.dumps(bundle(obs("267036007", SNOMED, valueBoolean=True)))
    return text.replace(b'"status":"final"', b'"status":"final","status":"entered-in-error"')


def test_the_oracle_catches_a_withdrawn_resource_counted() -> None:
    """The wrong-answer check is not vacuous: orjson's last-wins reading would fail it."""
    oracle = CAMPAIGN["Oracle"](withdrawn_twice())
    assert oracle.withdrawn == {"Observation/o1"}
    counted = list(
        read_presentations(
            orjson.dumps(bundle(obs("267036007", SNOMED, valueBoolean=True))), as_of=AS_OF
        )
    )
    assert oracle.wrong(counted) == ["Observation/o1 counted though withdrawn or unreadable"]
    assert oracle.wrong(list(read_presentations(withdrawn_twice(), as_of=AS_OF))) == []


def test_the_oracle_catches_a_fact_given_to_another_patient() -> None:
    """A fact whose resource names Patient/p1 in a result for Patient/p2 is a wrong answer."""
    resource = obs("267036007", SNOMED, valueBoolean=True)
    oracle = CAMPAIGN["Oracle"](orjson.dumps(resource))
    moved = {**resource, "subject": {"reference": "Patient/p2"}}
    results = list(read_presentations(moved, as_of=AS_OF))
    assert oracle.wrong(results) == ["Observation/o1 (Patient/p1) attributed to Patient/p2"]


@pytest.mark.slow
def test_a_sample_of_the_campaign_has_no_crash_hang_or_wrong_answer() -> None:
    """One input in 40 of the campaign, through the API and the CLI: none fails badly."""
    counts = CAMPAIGN["campaign"](40, 60)
    assert counts["inputs tried"] > 300
    bad = ("api: crash", "cli: crash", "api: hang", "cli: hang", "wrong answers")
    assert {k: counts[k] for k in bad} == dict.fromkeys(bad, 0)
    assert counts["api: clean error"] > 0
    assert counts["api: result"] > 0
