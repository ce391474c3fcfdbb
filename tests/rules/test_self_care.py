"""Self-care advice: given when triggered with red flags clear, withheld otherwise."""

from __future__ import annotations

import attrs
import pytest

from legrules import Presentation
from legrules.model import Audience, Finding, Presence, Recommendation, Withheld
from legrules.rules.self_care import SELF_CARE
from tests.rules.rec_support import clear, fate
from tests.rules.self_care_cases import STRAIN, TRIGGERS
from tests.support import run_2026_11 as run

SELF_CARE_IDS = [r.id for r in SELF_CARE]


def with_finding(presentation: Presentation, cid: str, state: Presence) -> Presentation:
    kept = tuple(f for f in presentation.findings if f.id != cid)
    return attrs.evolve(presentation, findings=(*kept, Finding(cid, state)))


def test_self_care_table_is_rules_md_section_5() -> None:
    """rec.rice to rec.symptom-log are self-care advice for the patient."""
    assert SELF_CARE_IDS[0] == "rec.rice"
    assert SELF_CARE_IDS[-1] == "rec.symptom-log"
    assert len(SELF_CARE_IDS) == 17 == len(TRIGGERS)
    assert all(r.self_care and r.audience is Audience.PATIENT for r in SELF_CARE)


@pytest.mark.parametrize("rec_id", SELF_CARE_IDS)
def test_self_care_given_when_triggered_and_red_flags_clear(rec_id: str) -> None:
    """Each self-care recommendation is given by its trigger when every red flag is not met."""
    assessment = run(TRIGGERS[rec_id])
    assert assessment.disposition.value in ("self-care", "routine", "soon")
    got, item = fate(assessment, rec_id)
    assert got == "given", item


def not_given_because_of(presentation: Presentation, rec_id: str, flag: str) -> None:
    """*rec_id* is not given; if it was triggered, the reason names the red flag.

    Advice triggered by DOMS or stress-related pain is not even triggered: those
    differentials themselves require every red flag to be not met.
    """
    got, item = fate(run(presentation), rec_id)
    assert got != "given"
    if isinstance(item, Withheld):
        assert flag in item.reason


@pytest.mark.parametrize("rec_id", SELF_CARE_IDS)
def test_self_care_withheld_while_a_red_flag_is_met(rec_id: str) -> None:
    """A met red flag (here: unable to bear weight) withholds every self-care advice."""
    presentation = with_finding(TRIGGERS[rec_id], "unable-to-bear-weight", Presence.PRESENT)
    not_given_because_of(presentation, rec_id, "redflag.unable-to-bear-weight met")


@pytest.mark.parametrize("rec_id", SELF_CARE_IDS)
def test_self_care_withheld_while_a_red_flag_is_unresolved(rec_id: str) -> None:
    """An indeterminate red flag withholds self-care advice too: unknown is not absent."""
    presentation = with_finding(TRIGGERS[rec_id], "unable-to-bear-weight", Presence.UNKNOWN)
    not_given_because_of(presentation, rec_id, "redflag.unable-to-bear-weight indeterminate")


@pytest.mark.parametrize(("hours", "expected"), [(48, "given"), (49, "absent")])
def test_rice_only_within_48_hours_of_the_strain(hours: float, expected: str) -> None:
    """R.I.C.E. is for the first 48 hours after a strain."""
    presentation = clear(*STRAIN, measured={"hours-since-injury": (hours, "h")})
    assert fate(run(presentation), "rec.rice")[0] == expected


def test_symptom_log_when_no_cause_is_found() -> None:
    """With no differential possible or better, a symptom log is advised."""
    got, item = fate(run(clear()), "rec.symptom-log")
    assert got == "given"
    assert isinstance(item, Recommendation)
    assert "ddx.doms" in item.because
