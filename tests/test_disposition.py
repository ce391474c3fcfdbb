"""The disposition algorithm of rules.md section 1."""

from __future__ import annotations

from legrules import Disposition, Presentation, Status
from legrules.engine import disposition_of
from legrules.model import DifferentialResult, Likelihood, RedFlagResult
from tests.red_flag_cases import scenario
from tests.support import run_2026_11 as run

EMERGENCY_FLAGS = {
    "redflag.possible-pe",
    "redflag.acute-limb-ischemia",
    "redflag.cauda-equina",
    "redflag.compartment-syndrome",
    "redflag.sepsis",
}


def test_nothing_known_is_undetermined() -> None:
    """An empty presentation gives undetermined with every red flag unresolved."""
    assessment = run(Presentation())
    assert assessment.disposition is Disposition.UNDETERMINED
    assert {u.id for u in assessment.unresolved} == {f.id for f in assessment.red_flags}
    assert all(u.missing for u in assessment.unresolved)


def test_every_red_flag_negative_is_self_care() -> None:
    """When every red flag is known not met, the disposition is self-care."""
    assessment = run(scenario())
    assert [f.id for f in assessment.red_flags if f.status is not Status.NOT_MET] == []
    assert assessment.disposition is Disposition.SELF_CARE
    assert assessment.unresolved == ()


def test_urgent_flag_met_with_emergency_flags_unknown_is_urgent_and_unresolved() -> None:
    """One urgent flag met and the emergency ones unknown: urgent, emergencies unresolved."""
    presentation = scenario(
        present=("unable-to-bear-weight",),
        unknown=("dyspnea", "chest-pain", "hemoptysis", "saddle-anesthesia", "injury"),
    )
    assessment = run(presentation)
    assert assessment.disposition is Disposition.URGENT
    unresolved = {u.id for u in assessment.unresolved}
    assert {"redflag.possible-pe", "redflag.cauda-equina"} <= unresolved
    assert unresolved <= EMERGENCY_FLAGS | {"redflag.sudden-severe-pain"}


def test_most_urgent_met_flag_wins() -> None:
    """With a soon and an emergency flag met, the disposition is emergency."""
    presentation = scenario(present=("numbness", "leg-pain", "hemoptysis"))
    assessment = run(presentation)
    assert assessment.disposition is Disposition.EMERGENCY
    assert assessment.cds_indicator == "critical"


def test_routine_flag_met_with_others_negative_is_routine() -> None:
    """Troublesome cramps alone give a routine disposition and a CDS info card."""
    presentation = scenario(present=("leg-cramp", "cramp-very-painful"))
    assessment = run(presentation)
    assert assessment.disposition is Disposition.ROUTINE
    assert assessment.cds_indicator == "info"


def _flag(rule: str, status: Status, level: Disposition) -> RedFlagResult:
    return RedFlagResult(rule, "1.0.0", status, level)


def test_differential_level_counts_when_no_red_flag_is_met() -> None:
    """A differential's level above self-care sets the disposition over undetermined."""
    flags = (_flag("a", Status.INDETERMINATE, Disposition.EMERGENCY),)
    ddx = (DifferentialResult("ddx.x", "1.0.0", Likelihood.LIKELY, Disposition.ROUTINE),)
    assert disposition_of(flags, ddx) is Disposition.ROUTINE
    assert disposition_of(flags, ()) is Disposition.UNDETERMINED


def test_self_care_differential_does_not_mask_an_indeterminate_flag() -> None:
    """A self-care differential leaves an incomplete screen undetermined."""
    flags = (_flag("a", Status.INDETERMINATE, Disposition.SOON),)
    ddx = (DifferentialResult("ddx.x", "1.0.0", Likelihood.LIKELY, Disposition.SELF_CARE),)
    assert disposition_of(flags, ddx) is Disposition.UNDETERMINED


def test_cds_indicators_follow_the_spec() -> None:
    """Emergency/urgent are critical, soon is warning, the rest info."""
    expected = {
        Disposition.EMERGENCY: "critical",
        Disposition.URGENT: "critical",
        Disposition.SOON: "warning",
        Disposition.ROUTINE: "info",
        Disposition.SELF_CARE: "info",
        Disposition.UNDETERMINED: "info",
    }
    assert {d: d.cds_indicator for d in Disposition} == expected


def test_facts_after_as_of_are_ignored_and_listed() -> None:
    """A finding recorded after as_of does not count, and the assessment says so."""
    from datetime import timedelta

    from legrules.model import Finding, Presence, Source
    from tests.support import AS_OF

    late = Finding(
        "unable-to-bear-weight",
        Presence.PRESENT,
        source=Source("Observation/late"),
        effective=AS_OF + timedelta(hours=1),
    )
    base = scenario(unknown=("unable-to-bear-weight",))
    presentation = Presentation(
        patient=base.patient,
        findings=(*base.findings, late),
        measurements=base.measurements,
    )
    assessment = run(presentation)
    assert assessment.red_flag("redflag.unable-to-bear-weight").status is Status.INDETERMINATE
    assert [i.reference for i in assessment.ignored] == ["Observation/late"]
