"""Escalation and clinician recommendations (rec.call-emergency to rec.medication-review)."""

from __future__ import annotations

import pytest

from legrules import Presentation
from legrules.model import Audience
from legrules.rules.cramps import CRAMP_MEDICINES
from legrules.rules.recommendations import CLINICAL_RECOMMENDATIONS
from legrules.rules.rls import IRLSSG_CRITERIA
from tests.rules.rec_support import WELLS_ABSENT, RecCase, check, clear
from tests.rules.self_care_cases import DEFINITE_CLAUDICATION
from tests.rules.wells_cases import wells
from tests.support import make

BOTH_LEGS_SWOLLEN = (("leg-swelling", "both"),)
DEFINITE = DEFINITE_CLAUDICATION
NOT_DEFINITE = ("pain-starts-at-rest",)
IRLSSG = IRLSSG_CRITERIA


def abi(value: float) -> list[tuple[str, float, str, str]]:
    return [("abi", value, "1", "left"), ("abi", 1.1, "1", "right")]


def quiet_cramps(**measured: tuple[float, str]) -> Presentation:
    """Cramps that are not troublesome, with optional lab results."""
    return clear(
        "leg-cramp",
        absent=("cramp-very-painful", "sleep-disrupted"),
        measured={"cramp-nights-per-week": (1, "/wk"), "cramp-duration": (2, "min"), **measured},
    )


CASES = [
    RecCase("emergency-flag", "rec.call-emergency", clear("leg-pain", "dyspnea"), "given"),
    RecCase("no-emergency-flag", "rec.call-emergency", clear("leg-pain"), "absent"),
    RecCase("urgent-flag", "rec.same-day-assessment", clear("unable-to-bear-weight"), "given"),
    RecCase(
        "urgent-differential-without-urgent-flag",
        "rec.same-day-assessment",
        clear(*BOTH_LEGS_SWOLLEN, absent=WELLS_ABSENT),
        "given",
    ),
    RecCase("nothing-urgent", "rec.same-day-assessment", clear(), "absent"),
    RecCase("soon-flag", "rec.see-clinician", clear(("numbness", "left")), "given"),
    RecCase(
        "soon-differential-without-flag",
        "rec.see-clinician",
        quiet_cramps(potassium=(3.1, "mmol/L")),
        "given",
    ),
    RecCase("nothing-soon", "rec.see-clinician", clear(), "absent"),
    RecCase(
        "dvt-likely",
        "rec.dvt-imaging-pathway",
        wells(present=["leg-swelling", "active-cancer", "previous-dvt"]),
        "given",
    ),
    RecCase(
        "dvt-unlikely-d-dimer-positive",
        "rec.dvt-imaging-pathway",
        clear(
            *BOTH_LEGS_SWOLLEN,
            absent=WELLS_ABSENT,
            measured={"d-dimer": (900, "ng/mL{FEU}")},
            age=45,
        ),
        "given",
    ),
    RecCase(
        "dvt-unlikely-d-dimer-not-done",
        "rec.dvt-imaging-pathway",
        clear(*BOTH_LEGS_SWOLLEN, absent=WELLS_ABSENT),
        "absent",
    ),
    RecCase("no-dvt-sign", "rec.dvt-imaging-pathway", clear(absent=WELLS_ABSENT), "absent"),
    RecCase(
        "suspected-wells-unlikely-no-d-dimer",
        "rec.d-dimer",
        clear(*BOTH_LEGS_SWOLLEN, absent=WELLS_ABSENT),
        "given",
    ),
    RecCase(
        "d-dimer-already-done",
        "rec.d-dimer",
        clear(*BOTH_LEGS_SWOLLEN, absent=WELLS_ABSENT, measured={"d-dimer": (300, "ng/mL{FEU}")}),
        "absent",
    ),
    RecCase("no-dvt-sign", "rec.d-dimer", clear(absent=WELLS_ABSENT), "absent"),
    RecCase("age-65-no-abi", "rec.abi-measurement", make(age=65), "given"),
    RecCase(
        "age-55-diabetes-no-abi", "rec.abi-measurement", make(age=55, present=["diabetes"]), "given"
    ),
    RecCase(
        "age-55-no-risk-factor",
        "rec.abi-measurement",
        make(
            age=55,
            present=NOT_DEFINITE,
            absent=[
                "diabetes",
                "smoker",
                "dyslipidemia",
                "hypertension",
                "chronic-kidney-disease",
                "family-history-pad",
            ],
        ),
        "absent",
    ),
    RecCase(
        "pad-likely-at-40",
        "rec.abi-measurement",
        make(age=40, present=DEFINITE, absent=NOT_DEFINITE),
        "given",
    ),
    RecCase(
        "abi-already-measured",
        "rec.abi-measurement",
        make(age=70, measured_sides=abi(1.1)),
        "absent",
    ),
    RecCase(
        "walking-pain-normal-abi",
        "rec.exercise-abi",
        make(present=["pain-on-walking"], measured_sides=abi(1.05)),
        "given",
    ),
    RecCase(
        "walking-pain-borderline-abi",
        "rec.exercise-abi",
        make(present=["pain-on-walking"], measured_sides=abi(0.95)),
        "given",
    ),
    RecCase(
        "walking-pain-abnormal-abi",
        "rec.exercise-abi",
        make(present=["pain-on-walking"], measured_sides=abi(0.8)),
        "absent",
    ),
    RecCase(
        "no-walking-pain",
        "rec.exercise-abi",
        make(absent=["pain-on-walking"], measured_sides=abi(1.05)),
        "absent",
    ),
    RecCase("pad-confirmed", "rec.supervised-exercise", clear(measured_sides=abi(0.8)), "given"),
    RecCase(
        "pad-confirmed-with-clti",
        "rec.supervised-exercise",
        clear("rest-pain-foot", measured_sides=abi(0.8)),
        "withheld",
        "limb-threatening",
    ),
    RecCase(
        "pad-confirmed-clti-unresolved",
        "rec.supervised-exercise",
        clear(unknown=("rest-pain-foot",), measured_sides=abi(0.8)),
        "given",
        "limb-threatening",
    ),
    RecCase(
        "smoker-with-pad",
        "rec.smoking-cessation",
        make(present=["smoker"], measured_sides=abi(0.8)),
        "given",
    ),
    RecCase("smoker-over-50", "rec.smoking-cessation", make(present=["smoker"], age=52), "given"),
    RecCase(
        "non-smoker-with-pad",
        "rec.smoking-cessation",
        make(absent=["smoker"], measured_sides=abi(0.8)),
        "absent",
    ),
    RecCase("rls-no-iron-studies", "rec.iron-studies", make(present=IRLSSG), "given"),
    RecCase(
        "rls-iron-studies-done",
        "rec.iron-studies",
        make(
            present=IRLSSG,
            measured={"ferritin": (120, "ng/mL"), "transferrin-saturation": (30, "%")},
        ),
        "absent",
    ),
    RecCase(
        "rls-ferritin-75",
        "rec.iron-therapy",
        make(present=IRLSSG, measured={"ferritin": (75, "ng/mL")}),
        "given",
    ),
    RecCase(
        "rls-tsat-19",
        "rec.iron-therapy",
        make(
            present=IRLSSG,
            measured={"ferritin": (120, "ng/mL"), "transferrin-saturation": (19, "%")},
        ),
        "given",
    ),
    RecCase(
        "rls-iron-replete",
        "rec.iron-therapy",
        make(
            present=IRLSSG,
            measured={"ferritin": (76, "ng/mL"), "transferrin-saturation": (20, "%")},
        ),
        "absent",
    ),
    RecCase(
        "cramps-on-statin", "rec.medication-review", make(present=["leg-cramp", "statin"]), "given"
    ),
    RecCase(
        "cramps-no-listed-medicine",
        "rec.medication-review",
        make(
            present=["leg-cramp"],
            absent=CRAMP_MEDICINES,
        ),
        "absent",
    ),
]


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c.rec.removeprefix('rec.')}:{c.name}" for c in CASES]
)
def test_clinical_recommendation(case: RecCase) -> None:
    """Each recommendation is given when triggered and otherwise absent or withheld."""
    check(case)


def test_every_clinical_recommendation_is_given_in_some_case() -> None:
    """The table above gives every recommendation of this family at least once."""
    given = {c.rec for c in CASES if c.expect == "given"}
    assert given == {r.id for r in CLINICAL_RECOMMENDATIONS}


def test_clinician_recommendations_are_addressed_to_clinicians() -> None:
    """Tests, imaging and iron are for clinicians; escalation advice is for the patient."""
    audience = {r.id: r.audience for r in CLINICAL_RECOMMENDATIONS}
    clinician = {
        "rec.dvt-imaging-pathway",
        "rec.d-dimer",
        "rec.abi-measurement",
        "rec.exercise-abi",
        "rec.iron-studies",
        "rec.iron-therapy",
    }
    assert {k for k, v in audience.items() if v is Audience.CLINICIAN} == clinician
