"""The red-flag screen of rule set 2026.11, written from rules.md section 2.

Cases in red_flag_cases.py; rule set 2026.12 has its own in test_red_flags_2026_12.py.
"""

from __future__ import annotations

import pytest

from legrules import Assessment, Disposition, Presentation, Status, get_ruleset
from legrules.model import Finding, Laterality, Measurement, Presence
from legrules.rules.red_flags import RED_FLAGS
from tests.red_flag_cases import CASES, Case, scenario
from tests.support import make
from tests.support import run as run_latest

IDS = [case.rule for case in CASES]


def run(presentation: Presentation, **options: object) -> Assessment:
    """Assess with rule set 2026.11, the rule set these cases were written for."""
    options.setdefault("ruleset", "2026.11")
    return run_latest(presentation, **options)


def status(presentation: Presentation, rule: str, **options: object) -> Status:
    return run(presentation, **options).red_flag(rule).status


def test_every_red_flag_of_the_spec_has_cases() -> None:
    """The cases cover exactly the fifteen red flags of rules.md, in the shipped rule set."""
    shipped = {r.id for r in get_ruleset("2026.11").of_kind("red-flag")}
    assert set(IDS) == shipped == {r.id for r in RED_FLAGS}
    assert len(shipped) == 15


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_red_flag_met(case: Case) -> None:
    """Each red flag is met by its met scenario, with evidence and its level."""
    result = run(case.met).red_flag(case.rule)
    assert result.status is Status.MET
    assert result.level.value == case.level
    assert result.evidence, "a met red flag names the facts that proved it"
    assert result.missing == ()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_red_flag_not_met(case: Case) -> None:
    """Each red flag is not met when the facts that decide it are known to be absent."""
    result = run(case.not_met).red_flag(case.rule)
    assert result.status is Status.NOT_MET
    assert result.missing == ()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_red_flag_indeterminate_names_missing_findings(case: Case) -> None:
    """With a deciding finding unknown the red flag is indeterminate and names it."""
    assessment = run(case.indeterminate)
    result = assessment.red_flag(case.rule)
    assert result.status is Status.INDETERMINATE
    assert set(case.missing) <= set(result.missing)
    unresolved = {u.id: u.missing for u in assessment.unresolved}
    assert unresolved[case.rule] == result.missing


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_red_flag_met_sets_at_least_its_level(case: Case) -> None:
    """A met red flag makes the disposition at least as urgent as its level."""
    disposition = run(case.met).disposition
    assert disposition.rank <= Disposition(case.level).rank


def _without(presentation: Presentation, fact_id: str) -> Presentation:
    return Presentation(
        patient=presentation.patient,
        findings=[f for f in presentation.findings if f.id != fact_id],
        measurements=[m for m in presentation.measurements if m.id != fact_id],
    )


def _stated(presentation: Presentation) -> set[str]:
    return {f.id for f in presentation.findings} | {m.id for m in presentation.measurements}


def _caution(disposition: Disposition) -> float:
    """Order dispositions by caution: undetermined sits between routine and self-care."""
    return 3.5 if disposition is Disposition.UNDETERMINED else disposition.rank


def _flipped(presentation: Presentation, fact_id: str) -> Presentation:
    other = {Presence.PRESENT: Presence.ABSENT, Presence.ABSENT: Presence.PRESENT}
    findings = [
        Finding(f.id, other.get(f.state, f.state), f.laterality) if f.id == fact_id else f
        for f in presentation.findings
    ]
    return Presentation(
        patient=presentation.patient, findings=findings, measurements=presentation.measurements
    )


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_unknown_never_lowers_the_disposition(case: Case) -> None:
    """Forgetting a fact is never less cautious than knowing it, and leaves no flag unlisted."""
    findings = {f.id for f in case.met.findings}
    for fact in sorted(_stated(case.met)):
        forgotten = run(_without(case.met, fact))
        flag = forgotten.red_flag(case.rule)
        assert flag.status is not Status.NOT_MET, f"forgetting {fact} ruled {case.rule} out"
        if flag.status is Status.INDETERMINATE:
            assert case.rule in {u.id for u in forgotten.unresolved}
        assert forgotten.disposition is not Disposition.SELF_CARE
        if fact in findings:
            known = (run(case.met).disposition, run(_flipped(case.met, fact)).disposition)
            assert _caution(forgotten.disposition) <= max(map(_caution, known)), (
                f"forgetting {fact} gave {forgotten.disposition.value}, "
                f"knowing it gave {known[0].value} or {known[1].value}"
            )


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_forgetting_a_negative_finding_makes_self_care_undetermined(case: Case) -> None:
    """Forgetting a negative finding never meets the flag and never leaves self-care."""
    rule = get_ruleset().rule(case.rule)
    for fact in sorted(_stated(case.not_met) & set(rule.reads())):
        assessment = run(_without(case.not_met, fact))
        flag = assessment.red_flag(case.rule)
        assert flag.status is not Status.MET
        if flag.status is Status.INDETERMINATE:
            assert assessment.disposition is not Disposition.SELF_CARE


def test_suspected_dvt_branch_two_uses_wells_range() -> None:
    """A DVT sign with a Wells score of 2 or more over its whole range meets the flag."""
    likely = scenario(
        present=("pitting-edema", "active-cancer", "previous-dvt"),
        absent=(
            "paralysis-paresis-or-cast",
            "bedridden-3-days",
            "major-surgery-12-weeks",
            "collateral-superficial-veins",
            "alternative-diagnosis-as-likely",
        ),
    )
    assert status(likely, "redflag.suspected-dvt") is Status.MET
    assert run(likely).score("score.wells-dvt").value == 3


def test_suspected_dvt_not_met_when_wells_range_stays_at_one_or_less() -> None:
    """A DVT sign with the whole Wells range at 1 or below does not meet the flag."""
    unlikely = scenario(
        present=("pitting-edema", "alternative-diagnosis-as-likely"),
        absent=("active-cancer", "previous-dvt", "paralysis-paresis-or-cast"),
    )
    wells = run(unlikely).score("score.wells-dvt")
    assert wells.max is not None
    assert wells.max <= 1
    assert status(unlikely, "redflag.suspected-dvt") is Status.NOT_MET


def test_suspected_dvt_swelling_in_both_legs_is_not_one_sided() -> None:
    """Swelling recorded in both legs does not meet the one-sided branch."""
    both = scenario(present=(("leg-swelling", "both"), ("leg-pain", "left")))
    result = run(both).rule_trace("redflag.suspected-dvt")
    one_sided = next(c for c in result.criteria if c.id == "one-sided-swelling")
    assert one_sided.status.value == "not-met"


def test_suspected_dvt_swelling_without_a_side_asks_which_leg() -> None:
    """Swelling recorded without a side leaves the one-sided branch unknown."""
    unsided = scenario(present=("leg-swelling", "leg-pain"))
    trace = run(unsided).rule_trace("redflag.suspected-dvt")
    one_sided = next(c for c in trace.criteria if c.id == "one-sided-swelling")
    assert one_sided.status.value == "unknown"
    assert "leg-swelling" in one_sided.missing


def test_cauda_equina_needs_sciatica_and_deficit_in_both_legs() -> None:
    """Bilateral sciatica with weakness in one leg only does not meet the flag."""
    one_leg = scenario(
        present=(("pain-radiates-below-knee", "both"), ("leg-weakness", "left")),
        absent=(("leg-weakness", "right"), "numbness"),
    )
    both_legs = scenario(present=(("pain-radiates-below-knee", "both"), ("numbness", "both")))
    assert status(one_leg, "redflag.cauda-equina") is Status.NOT_MET
    assert status(both_legs, "redflag.cauda-equina") is Status.MET


def test_not_improving_days_is_a_policy_setting() -> None:
    """Ten days without improvement meets the flag at the default 7 days, not at 14."""
    presentation = scenario(
        present=("no-improvement-with-self-care",), measured={"symptom-duration": (10, "d")}
    )
    assert status(presentation, "redflag.not-improving") is Status.MET
    later = status(presentation, "redflag.not-improving", policy={"not_improving_days": 14})
    assert later is Status.NOT_MET


def test_fever_threshold_is_thirty_eight_point_zero() -> None:
    """A temperature of exactly 38.0 C counts as fever; 37.9 C does not."""
    at = scenario(present=("warmth",), measured={"temperature": (38.0, "Cel")})
    below = scenario(present=("warmth",), measured={"temperature": (37.9, "Cel")})
    fahrenheit = scenario(present=("warmth",), measured={"temperature": (100.4, "[degF]")})
    assert status(at, "redflag.leg-infection") is Status.MET
    assert status(below, "redflag.leg-infection") is Status.NOT_MET
    assert status(fahrenheit, "redflag.leg-infection") is Status.MET


def test_onset_date_derives_recent_onset_for_limb_ischaemia() -> None:
    """An onset date 3 days before as_of counts as onset within 14 days."""
    from datetime import timedelta

    from tests.support import AS_OF

    presentation = make(present=["leg-pain", "sudden-onset", "pallor"], onset=AS_OF - timedelta(3))
    flag = run(presentation).red_flag("redflag.acute-limb-ischemia")
    assert flag.status is Status.MET
    assert any("onset date" in (e.note or "") for e in flag.evidence)


def test_clti_reads_the_computed_abi() -> None:
    """Rest pain with an ABI of 0.50 computed from pressures meets the CLTI flag."""
    presentation = make(
        present=["rest-pain-foot"],
        absent=["pad-known", "absent-foot-pulses"],
        measured_sides=[
            ("ankle-pressure", 60, "mm[Hg]", "left"),
            ("ankle-pressure", 130, "mm[Hg]", "right"),
            ("brachial-pressure", 120, "mm[Hg]", "left"),
            ("brachial-pressure", 118, "mm[Hg]", "right"),
        ],
    )
    assert status(presentation, "redflag.chronic-limb-threatening-ischemia") is Status.MET


def test_later_statement_supersedes_an_earlier_one() -> None:
    """A finding reported absent after it was reported present counts as absent."""
    from datetime import timedelta

    from tests.support import AS_OF

    presentation = Presentation(
        findings=[
            Finding("unable-to-bear-weight", Presence.PRESENT, effective=AS_OF - timedelta(2)),
            Finding("unable-to-bear-weight", Presence.ABSENT, effective=AS_OF - timedelta(1)),
        ]
    )
    assert status(presentation, "redflag.unable-to-bear-weight") is Status.NOT_MET


def test_equal_time_conflict_resolves_to_present_and_says_so() -> None:
    """Two reports at the same time that disagree resolve to present, with a note."""
    presentation = Presentation(
        findings=[
            Finding("tingling", Presence.PRESENT, Laterality.LEFT),
            Finding("tingling", Presence.ABSENT, Laterality.LEFT),
        ]
    )
    flag = run(presentation).red_flag("redflag.numbness-tingling")
    assert flag.status is Status.MET
    assert any("conflicting" in (e.note or "") for e in flag.evidence)


def test_measurement_conflict_takes_the_concerning_reading() -> None:
    """Two temperatures at the same time: the one at or above 38.0 C decides."""
    presentation = make(present=["redness"]).__class__(
        findings=[Finding("redness", Presence.PRESENT)],
        measurements=[
            Measurement("temperature", 37.0, "Cel"),
            Measurement("temperature", 38.5, "Cel"),
        ],
    )
    assert status(presentation, "redflag.leg-infection") is Status.MET
