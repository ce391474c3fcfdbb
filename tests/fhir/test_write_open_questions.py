"""The worst case and the questions to ask next in the FHIR output (rules.md 7.1)."""

from __future__ import annotations

from typing import Any

import pytest

from legrules import Disposition
from legrules.fhir.write.transaction import FHIRVersion, transaction_bundle
from tests.fhir.write_checks import check_bundle, one
from tests.red_flag_cases import scenario
from tests.support import run_2026_11 as run

RULE = "https://legrules.org/fhir/CodeSystem/rule"
FINDING = "https://legrules.org/fhir/CodeSystem/finding"
CAUDA_EQUINA = ("saddle-anesthesia", "urinary-retention")


def _sciatica(*unknown: str) -> Any:
    """Likely sciatica (routine) with the red flags ruled out but *unknown*."""
    return run(
        scenario(
            present=(("pain-radiates-below-knee", "right"), "leg-pain-worse-than-back-pain"),
            absent=(
                ("pain-radiates-below-knee", "left"),
                "ultrasound-dvt",
                "focal-bony-tenderness",
                "altered-mentation",
            ),
            unknown=unknown,
            measured={"respiratory-rate": (16.0, "/min"), "systolic-bp": (125.0, "mm[Hg]")},
        )
    )


def _output(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    guidance = one(bundle, "GuidanceResponse")
    (output,) = [c for c in guidance["contained"] if c["id"] == "output"]
    parameters: list[dict[str, Any]] = output["parameter"]
    return parameters


@pytest.mark.parametrize("version", ["R4B", "R5"])
def test_parameters_carry_the_worst_case_and_each_question(version: FHIRVersion) -> None:
    """worst-case-disposition once, then ask-next per question with its finding and rules."""
    result = _sciatica(*CAUDA_EQUINA)
    bundle = transaction_bundle(result, version=version)
    check_bundle(bundle, version)
    parameters = _output(bundle)
    (worst,) = [p for p in parameters if p["name"] == "worst-case-disposition"]
    assert worst["valueCode"] == "emergency"
    asks = [p["part"] for p in parameters if p["name"] == "ask-next"]
    assert len(asks) == len(result.ask_next) == 2
    finding, reach, settles = asks[0]
    assert finding == {
        "name": "finding",
        "valueCoding": {
            "system": FINDING,
            "code": "saddle-anesthesia",
            "display": "Saddle (perineal) numbness",
        },
    }
    assert reach == {"name": "could-reach", "valueCode": "emergency"}
    assert settles == {
        "name": "settles",
        "valueCoding": {"system": RULE, "code": "redflag.cauda-equina", "version": "1.0.0"},
    }


def test_a_note_says_what_to_ask_when_the_worst_case_is_above_the_disposition() -> None:
    """The GuidanceResponse notes the worst case and the questions, after the disposition."""
    guidance = one(transaction_bundle(_sciatica(*CAUDA_EQUINA)), "GuidanceResponse")
    notes = [n["text"] for n in guidance["note"]]
    assert notes[0] == "Disposition: routine."
    assert notes[1] == (
        "Worst case: emergency. Ask now: saddle (perineal) numbness, new urinary retention "
        "or difficulty starting urination - any of these could mean EMERGENCY."
    )


def test_nothing_open_gives_the_disposition_as_worst_case_and_no_note() -> None:
    """When nothing open could raise the level: no ask-next parameter and no extra note."""
    result = _sciatica()
    assert result.worst_case_disposition is Disposition.ROUTINE
    bundle = transaction_bundle(result)
    parameters = _output(bundle)
    assert [p["valueCode"] for p in parameters if p["name"] == "worst-case-disposition"] == [
        "routine"
    ]
    assert not [p for p in parameters if p["name"] == "ask-next"]
    notes = [n["text"] for n in one(bundle, "GuidanceResponse")["note"]]
    assert not [n for n in notes if n.startswith("Worst case")]
