"""How rules see facts: latest wins, undated and unknown statements, ageing, staleness."""

from __future__ import annotations

from datetime import timedelta

import pytest

from legrules import Policy, Presentation, Status, Tri
from legrules.engine.facts import Context
from legrules.fhir import read_presentation
from legrules.fhir.canonical import finding_system
from legrules.model import Finding, Laterality, Measurement, Presence, Source
from tests.red_flag_cases import scenario
from tests.support import AS_OF, run

EARLIER = AS_OF - timedelta(hours=1)


def context(*facts: Finding | Measurement) -> Context:
    findings = [f for f in facts if isinstance(f, Finding)]
    measurements = [m for m in facts if isinstance(m, Measurement)]
    return Context(Presentation(findings=findings, measurements=measurements), AS_OF, Policy())


def test_undated_negative_does_not_override_a_dated_positive() -> None:
    """An undated 'no' may be older than a dated 'yes', so the conflict resolves to yes."""
    ctx = context(
        Finding("dyspnea", Presence.PRESENT, effective=EARLIER),
        Finding("dyspnea", Presence.ABSENT),
    )
    outcome = ctx.finding("dyspnea")
    assert outcome.tri is Tri.MET
    assert "conflicting" in (outcome.evidence[0].note or "")


def test_undated_positive_still_counts_beside_a_dated_negative() -> None:
    """An undated 'yes' competes with the latest dated 'no' and wins conservatively."""
    ctx = context(
        Finding("dyspnea", Presence.ABSENT, effective=EARLIER),
        Finding("dyspnea", Presence.PRESENT),
    )
    assert ctx.finding("dyspnea").tri is Tri.MET


def test_newer_unknown_supersedes_an_older_answer() -> None:
    """A later 'unknown' (e.g. dataAbsentReason) means the old 'no' no longer holds."""
    ctx = context(
        Finding("chest-pain", Presence.ABSENT, effective=EARLIER - timedelta(hours=5)),
        Finding("chest-pain", Presence.UNKNOWN, effective=EARLIER),
    )
    outcome = ctx.finding("chest-pain")
    assert outcome.tri is Tri.UNKNOWN
    assert outcome.missing == ("chest-pain",)


def test_older_unknown_does_not_hide_a_newer_answer() -> None:
    """A later definite answer settles a finding that was earlier unknown."""
    ctx = context(
        Finding("chest-pain", Presence.UNKNOWN, effective=EARLIER - timedelta(hours=5)),
        Finding("chest-pain", Presence.ABSENT, effective=EARLIER),
    )
    assert ctx.finding("chest-pain").tri is Tri.NOT_MET


def test_newer_unknown_keeps_a_red_flag_open() -> None:
    """With chest pain now unknown, possible PE is indeterminate, not ruled out."""
    base = scenario(present=("leg-pain",), unknown=("chest-pain",))
    findings = (
        *base.findings,
        Finding("chest-pain", Presence.ABSENT, effective=EARLIER - timedelta(days=1)),
        Finding("chest-pain", Presence.UNKNOWN, effective=EARLIER),
    )
    presentation = Presentation(findings=findings, measurements=base.measurements)
    assert run(presentation).red_flag("redflag.possible-pe").status is Status.INDETERMINATE


def test_elapsed_times_are_aged_to_as_of() -> None:
    """Ten hours since the injury, recorded two days ago, is 58 hours at as_of."""
    recorded = AS_OF - timedelta(days=2)
    ctx = context(Measurement("hours-since-injury", 10, "h", effective=recorded))
    (reading,) = ctx.readings("hours-since-injury")
    assert reading.value == pytest.approx(58.0)
    assert "aged to as_of" in (reading.evidence.note or "")


def test_undated_elapsed_times_are_taken_as_of_now() -> None:
    """An undated duration is read as stated at as_of."""
    ctx = context(Measurement("symptom-duration", 3, "d"))
    (reading,) = ctx.readings("symptom-duration")
    assert reading.value == 3


def test_durations_that_are_not_elapsed_times_are_not_aged() -> None:
    """Days spent bedridden is a length of bed rest, not a time since: never aged."""
    ctx = context(Measurement("days-bedridden", 4, "d", effective=AS_OF - timedelta(days=3)))
    assert ctx.readings("days-bedridden")[0].value == 4


def _observation(oid: str, code: str, when: str, value: bool) -> dict[str, object]:
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "code": {"coding": [{"system": finding_system(), "code": code}]},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": when,
        "valueBoolean": value,
    }


def test_an_old_injury_record_from_fhir_is_stale_and_ignored() -> None:
    """An injury recorded in 2023 says nothing about today's sudden pain: it is ignored."""
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": _observation("old-injury", "injury", "2023-03-01T10:00:00Z", True)},
            {"resource": _observation("sudden", "sudden-onset", "2026-11-20T08:00:00Z", True)},
        ],
    }
    result = read_presentation(bundle, as_of=AS_OF)
    assert [f.id for f in result.presentation.findings] == ["sudden-onset"]
    assert any(i.reference == "Observation/old-injury" for i in result.ignored)
    flag = run(result.presentation).red_flag("redflag.sudden-severe-pain")
    assert flag.status is Status.INDETERMINATE


def test_preliminary_sources_are_marked_in_the_evidence() -> None:
    """A fact from a preliminary result counts, and the evidence says it is preliminary."""
    ctx = context(
        Finding("fever", Presence.PRESENT, source=Source("Observation/1", preliminary=True))
    )
    assert ctx.finding("fever").evidence[0].note == "preliminary result"


def test_statements_without_a_side_answer_alike_for_either_leg() -> None:
    """Several unsided statements cover both legs: each leg, and either, reads the same."""
    ctx = context(
        Finding("leg-swelling", Presence.PRESENT, source=Source("Observation/a")),
        Finding("leg-swelling", Presence.PRESENT, source=Source("Observation/b")),
        Measurement("calf-circumference-difference", 2.5, "cm", effective=EARLIER),
        Measurement("calf-circumference-difference", 3.5, "cm", effective=EARLIER),
    )
    left, right = (
        ctx.finding("leg-swelling", Laterality.LEFT),
        ctx.finding("leg-swelling", Laterality.RIGHT),
    )
    assert left == right == ctx.finding("leg-swelling")
    assert [e.source for e in left.evidence] == ["Observation/a", "Observation/b"]
    readings = ctx.readings("calf-circumference-difference", Laterality.RIGHT)
    assert readings == ctx.readings("calf-circumference-difference")
    assert [r.value for r in readings] == [2.5, 3.5]
