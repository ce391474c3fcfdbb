"""Clinical vignettes: presentations with the outcome a clinician expects, and their source.

Each ``*.json`` file in this folder is one case: ``description``, ``source``,
``presentation`` (a presentation document), ``as_of``, optional ``policy``, and
``expect``: the disposition (optionally the ``worst_case`` disposition), red-flag
statuses, differential likelihoods, score values or ranges (per-leg scores as
``score.abi:left``), and the exact recommendations given and withheld (each withheld id
with text its reason must contain).
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from legrules import Assessment, assess, get_ruleset
from legrules.engine.base import RecommendationRule
from legrules.model import Laterality, Tri
from legrules.model.documents import load_presentation
from legrules.rules import LATEST

FOLDER = Path(__file__).parent
FILES = sorted(FOLDER.glob("*.json"))
NAMES = [f.stem for f in FILES]
KEYS = {"description", "source", "as_of", "policy", "presentation", "expect"}


@cache
def vignette(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((FOLDER / f"{name}.json").read_text())
    return document


@cache
def outcome(name: str) -> Assessment:
    case = vignette(name)
    return assess(
        load_presentation(case["presentation"]),
        as_of=datetime.fromisoformat(case["as_of"]),
        policy=case.get("policy"),
    )


def score(assessment: Assessment, key: str) -> dict[str, Any]:
    rule_id, _, side = key.partition(":")
    result = assessment.score(rule_id, Laterality(side) if side else None)
    return {"value": result.value, "min": result.min, "max": result.max, "class": result.class_}


@pytest.mark.parametrize("name", NAMES)
def test_vignette(name: str) -> None:
    """The assessment matches the vignette's expected outcome."""
    expect, result = vignette(name)["expect"], outcome(name)
    assert result.disposition.value == expect["disposition"]
    if "worst_case" in expect:
        assert result.worst_case_disposition.value == expect["worst_case"]
    for rule_id, status in expect["red_flags"].items():
        assert result.red_flag(rule_id).status.value == status, rule_id
    for rule_id, likelihood in expect["differentials"].items():
        assert result.differential(rule_id).likelihood.value == likelihood, rule_id
    for key, wanted in expect["scores"].items():
        got = score(result, key)
        assert {k: got[k] for k in wanted} == wanted, key
    assert sorted(r.id for r in result.recommendations) == expect["recommendations"]
    withheld = {w.id: w.reason for w in result.withheld}
    assert sorted(withheld) == sorted(expect["withheld"])
    for rule_id, reason in expect["withheld"].items():
        assert reason in withheld[rule_id], rule_id


@pytest.mark.parametrize("name", NAMES)
def test_vignette_is_simple_documented_json(name: str) -> None:
    """Each vignette has a short description, its source, and only the documented keys."""
    case = vignette(name)
    assert set(case) <= KEYS
    assert KEYS - {"policy"} <= set(case)
    assert 20 <= len(case["description"]) <= 300
    assert case["source"].strip()


def test_there_are_at_least_forty_vignettes() -> None:
    """The vignette set is large enough to cover the rule set."""
    assert len(NAMES) >= 40


def mentioned(name: str) -> set[str]:
    expect = vignette(name)["expect"]
    ids = {*expect["red_flags"], *expect["differentials"], *expect["recommendations"]}
    ids |= {key.partition(":")[0] for key in expect["scores"]}
    return ids | set(expect["withheld"])


@pytest.mark.parametrize("version", ["2026.11", LATEST])
def test_every_rule_is_exercised_by_a_vignette(version: str) -> None:
    """Every rule of each shipped rule set is asserted by a vignette; every red flag met in one."""
    covered = set().union(*(mentioned(n) for n in NAMES))
    assert {r.id for r in get_ruleset(version).rules} <= covered
    met = {k for n in NAMES for k, v in vignette(n)["expect"]["red_flags"].items() if v == "met"}
    assert {r.id for r in get_ruleset(version).of_kind("red-flag")} <= met


def expected_values(rule_id: str) -> set[float]:
    found = set()
    for name in NAMES:
        for key, wanted in vignette(name)["expect"]["scores"].items():
            if key.partition(":")[0] == rule_id:
                found |= {v for k, v in wanted.items() if k in ("value", "min", "max")}
    return found


def test_band_edges_are_covered() -> None:
    """Wells 1 and 2, every ABI edge, and the D-dimer at its age-adjusted cut-off appear."""
    assert {1, 2} <= expected_values("score.wells-dvt")
    assert {0.90, 0.91, 0.99, 1.00, 1.40, 1.41} <= expected_values("score.abi")
    at_cut_off = [
        n
        for n in NAMES
        if "score.d-dimer" in vignette(n)["expect"]["scores"]
        and vignette(n)["expect"]["scores"]["score.d-dimer"].get("value")
        == 10 * (vignette(n)["presentation"]["patient"].get("age") or 0)
    ]
    assert at_cut_off


#: The edges the clinical review of rule set 2026.11 asked to see (rules.md 7.2).
REVIEW_EDGES = {
    "spo2": {92.0, 94.0},
    "heart-rate": {130.0, 131.0},
    "temperature": {36.0},
    "potassium": {2.5},
    "tbi": {0.70},
    "toe-pressure": {30.0},
}


def test_review_edges_are_covered() -> None:
    """SpO2 92/94, heart rate 130/131, 36.0 C, potassium 2.5, TBI 0.70, toe pressure 30."""
    seen: dict[str, set[float]] = {}
    for name in NAMES:
        for m in vignette(name)["presentation"].get("measurements", []):
            seen.setdefault(m["id"], set()).add(float(m["value"]))
    for finding, values in REVIEW_EDGES.items():
        assert values <= seen.get(finding, set()), finding


def test_calf_difference_of_exactly_3_cm_under_both_wells_variants() -> None:
    """Exactly 3 cm is covered under NICE 2020 and under Wells 1997."""
    variants = set()
    for name in NAMES:
        case = vignette(name)
        calf = [
            m["value"]
            for m in case["presentation"].get("measurements", [])
            if m["id"] == "calf-circumference-difference"
        ]
        if calf == [3.0]:
            variants.add(case.get("policy", {}).get("wells_variant", "nice-2020"))
    assert variants == {"nice-2020", "wells-1997"}


def test_every_contraindication_is_shown_withholding_advice() -> None:
    """For each contraindication some vignette meets it and the advice is withheld."""
    ruleset = get_ruleset(LATEST)
    pairs = {
        (r.id, c.id)
        for r in ruleset.of_kind("recommendation")
        if isinstance(r, RecommendationRule)
        for c in r.criteria
    }
    shown = set()
    for name in NAMES:
        result = outcome(name)
        withheld = {w.id for w in result.withheld}
        for trace in result.trace:
            if trace.rule in withheld:
                shown |= {(trace.rule, c.id) for c in trace.criteria if c.status is Tri.MET}
    assert pairs <= shown
