"""Contraindications: a met one withholds the advice and says why; an unknown one cautions."""

from __future__ import annotations

from functools import cache

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legrules import Presentation, get_ruleset
from legrules.engine.base import RecommendationRule
from legrules.model import VOCABULARY, Finding, Kind, Presence, Recommendation, Tri, Withheld
from tests.rules.rec_support import clear, fate
from tests.rules.self_care_cases import CONTRAINDICATED, DOMS, TRIGGERS
from tests.support import run_2026_11 as run

RULESET = get_ruleset("2026.11")
RECOMMENDATIONS = [
    r for r in RULESET.of_kind("recommendation") if isinstance(r, RecommendationRule)
]
PAIRS = [(r.id, c.id) for r in RECOMMENDATIONS for c in r.criteria]


def rule(rec_id: str) -> RecommendationRule:
    found = RULESET.rule(rec_id)
    assert isinstance(found, RecommendationRule)
    return found


def description(rec_id: str, criterion: str) -> str:
    return next(c.describe() for c in rule(rec_id).criteria if c.id == criterion)


def criterion_status(presentation: Presentation, rec_id: str, criterion: str) -> Tri | None:
    trace = run(presentation).rule_trace(rec_id)
    return next((c.status for c in trace.criteria if c.id == criterion), None)


def test_every_contraindication_has_a_case() -> None:
    """Each contraindication of rules.md section 5 is exercised below."""
    assert set(CONTRAINDICATED) == set(PAIRS)
    assert len(PAIRS) == 21


@pytest.mark.parametrize(("rec_id", "criterion"), PAIRS, ids=[f"{r}:{c}" for r, c in PAIRS])
def test_met_contraindication_withholds_with_the_reason(rec_id: str, criterion: str) -> None:
    """A met contraindication withholds the advice, and the reason names it."""
    presentation = CONTRAINDICATED[rec_id, criterion]
    assert criterion_status(presentation, rec_id, criterion) is Tri.MET
    got, item = fate(run(presentation), rec_id)
    assert got == "withheld"
    assert isinstance(item, Withheld)
    assert "contraindicated: " in item.reason
    assert description(rec_id, criterion) in item.reason


@cache
def findings_behind(rule_id: str) -> tuple[str, ...]:
    """The yes/no findings a rule reads, directly or through the rules it reads."""
    found: dict[str, None] = {}
    for read in RULESET.rule(rule_id).reads():
        if read in VOCABULARY and VOCABULARY[read].kind is Kind.BOOLEAN:
            found[read] = None
        elif read.startswith(("score.", "redflag.", "ddx.")):
            found.update(dict.fromkeys(findings_behind(read)))
    return tuple(found)


def restate(presentation: Presentation, changes: dict[str, Presence]) -> Presentation:
    kept = tuple(f for f in presentation.findings if f.id not in changes)
    added = tuple(Finding(cid, state) for cid, state in changes.items())
    return attrs.evolve(presentation, findings=(*kept, *added))


@pytest.mark.parametrize(("rec_id", "criterion"), PAIRS, ids=[f"{r}:{c}" for r, c in PAIRS])
def test_met_contraindication_never_lets_the_advice_through(rec_id: str, criterion: str) -> None:
    """Whatever else changes, the advice is never given while its contraindication is met."""
    pool = sorted(findings_behind(rec_id))

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.dictionaries(st.sampled_from(pool), st.sampled_from(list(Presence)), max_size=6))
    def never_given(changes: dict[str, Presence]) -> None:
        assessment = run(restate(CONTRAINDICATED[rec_id, criterion], changes))
        trace = assessment.rule_trace(rec_id)
        met = any(c.id == criterion and c.status is Tri.MET for c in trace.criteria)
        if met:
            assert fate(assessment, rec_id)[0] != "given"

    never_given()


@pytest.mark.parametrize(
    ("rec_id", "presentation", "unknown"),
    [
        pytest.param(
            "rec.compression", TRIGGERS["rec.compression"], "abi", id="compression-no-abi"
        ),
        pytest.param(
            "rec.magnesium", TRIGGERS["rec.magnesium"], "chronic-kidney-disease", id="magnesium"
        ),
        pytest.param(
            "rec.topical-nsaid", TRIGGERS["rec.topical-nsaid"], "nsaid-allergy", id="nsaid"
        ),
        pytest.param(
            "rec.hydration-electrolytes",
            TRIGGERS["rec.hydration-electrolytes"],
            "heart-failure",
            id="hydration",
        ),
        pytest.param("rec.cold-exposure", TRIGGERS["rec.cold-exposure"], "cold-limb", id="cold"),
    ],
)
def test_unknown_contraindication_keeps_the_advice_with_a_caution(
    rec_id: str, presentation: Presentation, unknown: str
) -> None:
    """An unknown contraindication keeps the advice, with a caution naming what to check."""
    got, item = fate(run(presentation), rec_id)
    assert got == "given"
    assert isinstance(item, Recommendation)
    assert any(c.startswith("check first:") and unknown in c for c in item.cautions)


def test_known_absent_contraindications_leave_no_caution() -> None:
    """With every contraindication known to be absent the advice carries no caution."""
    presentation = clear(
        *DOMS, absent=("nsaid-allergy",), measured={"hours-since-exercise": (30, "h")}
    )
    got, item = fate(run(presentation), "rec.topical-nsaid")
    assert got == "given"
    assert isinstance(item, Recommendation)
    assert item.cautions == ()
