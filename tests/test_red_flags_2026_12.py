"""The red flags of rule set 2026.12, written from rules.md section 7.2.

Cases in ``red_flag_cases_2026_12.py``; the reviewers' edges (SpO2 92/94, heart rate
130/131, temperature 36.0, potassium 2.5, TBI 0.70, toe pressure 30) are asserted here.
"""

from __future__ import annotations

from typing import Any

import pytest

from legrules import Disposition, Presentation, Status, get_ruleset
from tests.red_flag_cases_2026_12 import CASES_2026_12, scenario
from tests.support import run

RULESET = "2026.12"
IDS = [case.rule for case in CASES_2026_12]


def status(presentation: Presentation, rule: str) -> Status:
    return run(presentation, ruleset=RULESET).red_flag(rule).status


def test_cases_cover_every_new_or_changed_red_flag() -> None:
    """Each red flag whose 2026.12 version is not its 2026.11 one has cases here."""
    old = {r.id: r for r in get_ruleset("2026.11").of_kind("red-flag")}
    changed = {r.id for r in get_ruleset(RULESET).of_kind("red-flag") if old.get(r.id) is not r}
    assert changed == set(IDS)


def test_2026_12_is_the_default_and_2026_11_still_ships() -> None:
    """Assessing without a rule set uses 2026.12; 2026.11 can still be named."""
    assert run(scenario()).ruleset.version == RULESET
    assert run(scenario(), ruleset="2026.11").ruleset.version == "2026.11"


def test_all_clear_meets_no_red_flag_and_is_self_care() -> None:
    """The all-clear background leaves every 2026.12 red flag not met."""
    result = run(scenario(), ruleset=RULESET)
    assert {f.id for f in result.red_flags if f.status is not Status.NOT_MET} == set()
    assert result.disposition is Disposition.SELF_CARE


@pytest.mark.parametrize("case", CASES_2026_12, ids=IDS)
def test_red_flag_met(case: Any) -> None:
    """Each red flag is met by its met scenario, with evidence and its level."""
    result = run(case.met, ruleset=RULESET)
    flag = result.red_flag(case.rule)
    assert flag.status is Status.MET
    assert flag.level.value == case.level
    assert flag.evidence
    assert result.disposition.rank <= Disposition(case.level).rank


@pytest.mark.parametrize("case", CASES_2026_12, ids=IDS)
def test_red_flag_not_met(case: Any) -> None:
    """Each red flag is not met when the facts that decide it are known."""
    result = run(case.not_met, ruleset=RULESET).red_flag(case.rule)
    assert result.status is Status.NOT_MET
    assert result.missing == ()


@pytest.mark.parametrize("case", CASES_2026_12, ids=IDS)
def test_red_flag_indeterminate_names_missing_findings(case: Any) -> None:
    """With a deciding finding unknown the flag is indeterminate and names it."""
    result = run(case.indeterminate, ruleset=RULESET)
    flag = result.red_flag(case.rule)
    assert flag.status is Status.INDETERMINATE
    assert set(case.missing) <= set(flag.missing)
    assert result.disposition is not Disposition.SELF_CARE


LEG_SOURCE = ("redness", "warmth")


@pytest.mark.parametrize(
    ("measured", "expected"),
    [
        ({"spo2": (91, "%")}, Status.MET),
        ({"spo2": (92, "%")}, Status.NOT_MET),
        ({"heart-rate": (131, "/min")}, Status.MET),
        ({"heart-rate": (130, "/min")}, Status.NOT_MET),
        ({"temperature": (35.9, "Cel")}, Status.MET),
        ({"temperature": (36.0, "Cel")}, Status.NOT_MET),
        ({"respiratory-rate": (25, "/min")}, Status.MET),
        ({"systolic-bp": (90, "mm[Hg]")}, Status.MET),
    ],
)
def test_sepsis_high_risk_edges(measured: dict[str, Any], expected: Status) -> None:
    """SpO2 below 92, heart rate over 130, temperature below 36.0: the NICE NG51 edges."""
    assert status(scenario(present=LEG_SOURCE, measured=measured), "redflag.sepsis") is expected


def test_sepsis_needs_no_fever() -> None:
    """Hypothermic sepsis (35.4 C, RR 26, SBP 84, confused) is met without fever."""
    presentation = scenario(
        present=(*LEG_SOURCE, "altered-mentation"),
        measured={
            "temperature": (35.4, "Cel"),
            "respiratory-rate": (26, "/min"),
            "systolic-bp": (84, "mm[Hg]"),
        },
    )
    assert status(presentation, "redflag.sepsis") is Status.MET


@pytest.mark.parametrize(("spo2", "expected"), [(93, Status.MET), (94, Status.NOT_MET)])
def test_possible_pe_spo2_edge(spo2: float, expected: Status) -> None:
    """SpO2 below 94% on air with a swollen leg is possible PE; 94% is not."""
    presentation = scenario(present=("leg-swelling",), measured={"spo2": (spo2, "%")})
    assert status(presentation, "redflag.possible-pe") is expected


@pytest.mark.parametrize(
    ("rate", "pulse", "expected"),
    [(21, 101, Status.MET), (20, 101, Status.NOT_MET), (21, 100, Status.NOT_MET)],
)
def test_possible_pe_tachypnoea_with_tachycardia(rate: int, pulse: int, expected: Status) -> None:
    """Respiratory rate over 20 with heart rate over 100 counts; one alone does not."""
    measured = {"respiratory-rate": (rate, "/min"), "heart-rate": (pulse, "/min")}
    presentation = scenario(present=("leg-pain",), measured=measured)
    assert status(presentation, "redflag.possible-pe") is expected


@pytest.mark.parametrize(("pulse", "expected"), [(131, Status.MET), (130, Status.NOT_MET)])
def test_necrotising_infection_heart_rate_edge(pulse: int, expected: Status) -> None:
    """An inflamed leg with heart rate over 130 is possible necrotising infection."""
    presentation = scenario(
        present=("redness",),
        absent=(
            "pain-out-of-proportion",
            "crepitus",
            "skin-necrosis-or-bullae",
            "rapidly-spreading-redness",
        ),
        measured={"heart-rate": (pulse, "/min")},
    )
    assert status(presentation, "redflag.necrotising-infection") is expected


@pytest.mark.parametrize(("potassium", "expected"), [(2.4, Status.MET), (2.5, Status.NOT_MET)])
def test_severe_electrolyte_potassium_edge(potassium: float, expected: Status) -> None:
    """Potassium below 2.5 mmol/L is severe; 2.5 is not."""
    measured = {
        "potassium": (potassium, "mmol/L"),
        "magnesium": (0.8, "mmol/L"),
        "calcium": (2.3, "mmol/L"),
    }
    assert status(scenario(measured=measured), "redflag.severe-electrolyte-disturbance") is expected


def test_calcium_in_mg_per_dl_is_converted() -> None:
    """Corrected calcium 7.2 mg/dL (1.80 mmol/L) is below 1.9 mmol/L."""
    measured = {
        "potassium": (4.0, "mmol/L"),
        "magnesium": (0.8, "mmol/L"),
        "calcium": (7.2, "mg/dL"),
    }
    rule = "redflag.severe-electrolyte-disturbance"
    assert status(scenario(measured=measured), rule) is Status.MET


@pytest.mark.parametrize(
    ("tbi", "toe", "expected"),
    [
        (0.70, 60, Status.MET),
        (0.71, 60, Status.NOT_MET),
        (0.80, 29, Status.MET),
        (0.80, 30, Status.NOT_MET),
    ],
)
def test_clti_tbi_and_toe_pressure_edges(tbi: float, toe: float, expected: Status) -> None:
    """TBI 0.70 or less, or toe pressure below 30 mmHg, show the arterial disease."""
    presentation = scenario(
        present=("rest-pain-foot",),
        absent=("pad-known",),
        measured_sides=[
            ("abi", 1.5, "1", "left"),
            ("abi", 1.5, "1", "right"),
            ("tbi", tbi, "1", "left"),
            ("tbi", 0.9, "1", "right"),
            ("toe-pressure", toe, "mm[Hg]", "left"),
            ("toe-pressure", 80, "mm[Hg]", "right"),
        ],
    )
    assert status(presentation, "redflag.chronic-limb-threatening-ischemia") is expected


def test_compartment_syndrome_early_signs_alone() -> None:
    """A fresh fracture with pain out of proportion and on stretch, no tension or tingling."""
    presentation = scenario(
        present=("recent-fracture-or-cast", "pain-out-of-proportion", "pain-on-passive-stretch"),
        absent=("tense-compartment", "tingling"),
    )
    assert status(presentation, "redflag.compartment-syndrome") is Status.MET


def test_acute_limb_ischaemia_over_two_days_with_paralysis() -> None:
    """Pale, cold, pulseless and paralysed over two days: met without sudden onset."""
    presentation = scenario(
        present=(
            ("pallor", "right"),
            ("cold-limb", "right"),
            ("absent-foot-pulses", "right"),
            ("paralysis", "right"),
            "onset-within-14-days",
        ),
        absent=("sudden-onset",),
    )
    assert status(presentation, "redflag.acute-limb-ischemia") is Status.MET


def test_acute_limb_ischaemia_deficit_must_be_on_the_ischaemic_leg() -> None:
    """A cold left leg with numbness only on the right is not met when onset is old."""
    presentation = scenario(
        present=(("cold-limb", "left"), ("numbness", "right")),
        absent=(
            "onset-within-14-days",
            "sudden-onset",
            ("numbness", "left"),
            ("cold-limb", "right"),
            "tingling",
        ),
    )
    assert status(presentation, "redflag.acute-limb-ischemia") is Status.NOT_MET


def test_suspected_dvt_stays_met_while_exclusion_is_unproven() -> None:
    """A positive D-dimer, or none, leaves a suspected DVT met (unknown is not excluded)."""
    signs = (("leg-swelling", "left"), ("leg-pain", "left"))
    positive = scenario(present=signs, measured={"d-dimer": (900, "ng/mL{FEU}")}, age=40)
    assert status(positive, "redflag.suspected-dvt") is Status.MET
    assert status(scenario(present=signs), "redflag.suspected-dvt") is Status.MET


def test_suspected_dvt_not_met_when_ddx_dvt_is_excluded() -> None:
    """Wells 1 or less with a negative D-dimer: the flag agrees with ddx.dvt excluded."""
    presentation = scenario(
        present=(("leg-swelling", "left"), ("leg-pain", "left")),
        absent=(
            "active-cancer",
            "paralysis-paresis-or-cast",
            "bedridden-3-days",
            "major-surgery-12-weeks",
            "collateral-superficial-veins",
            "previous-dvt",
            "alternative-diagnosis-as-likely",
        ),
        measured={"d-dimer": (300, "ng/mL{FEU}")},
        age=40,
    )
    result = run(presentation, ruleset=RULESET)
    assert result.differential("ddx.dvt").likelihood.value == "excluded"
    assert result.red_flag("redflag.suspected-dvt").status is Status.NOT_MET


def test_suspected_dvt_with_a_positive_scan_is_never_excluded() -> None:
    """A scan showing DVT keeps the flag met whatever the D-dimer says."""
    presentation = scenario(
        present=(("leg-swelling", "left"), ("leg-pain", "left"), "ultrasound-dvt"),
        measured={"d-dimer": (300, "ng/mL{FEU}")},
    )
    assert status(presentation, "redflag.suspected-dvt") is Status.MET


def test_bilateral_sciatica_alone_is_cauda_equina() -> None:
    """Sciatica in both legs, with no deficit recorded, is an emergency."""
    presentation = scenario(present=(("pain-radiates-below-knee", "both"),))
    result = run(presentation, ruleset=RULESET)
    assert result.red_flag("redflag.cauda-equina").status is Status.MET
    assert result.disposition is Disposition.EMERGENCY
