"""The intake Questionnaire generated from a rule set (issue 15, part 1)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from legrules.errors import InvalidValueError
from legrules.intake import asked_findings, build_questionnaire, validate_questionnaire
from legrules.intake._wording import wording
from legrules.intake.questionnaire import OBSERVATION_EXTRACT, QUESTIONNAIRE_UNIT
from legrules.model import VOCABULARY, Kind
from legrules.rules import RULESETS, get_ruleset
from tests.cli.test_commands import cli
from tests.fhir.write_checks import schema_errors

JSON = dict[str, Any]
OWN = "https://legrules.org/fhir/CodeSystem/finding"
YES = {"system": "http://snomed.info/sct", "code": "373066001", "display": "Yes"}
DONT_KNOW = "asked-unknown"

#: Findings rule set 2026.12 adds (rules.md 7.4): worded ahead of their arrival.
PLANNED = {
    "syncope", "mottled-skin", "non-blanching-rash", "crepitus", "skin-necrosis-or-bullae",
    "rapidly-spreading-redness", "hot-swollen-joint", "prosthetic-joint", "immunosuppressed",
    "sexual-dysfunction-new", "crush-or-reperfusion", "ottawa-malleolar-tenderness",
    "ottawa-midfoot-tenderness", "fibular-head-tenderness", "patellar-tenderness-isolated",
    "knee-flexion-below-90", "fall", "night-pain-waking", "widespread-pain-3-months",
    "fatigue-or-unrefreshing-sleep", "morning-stiffness-under-30-min", "calcium",
    "vitamin-d-25oh", "toe-pressure",
}  # fmt: skip


def questions(questionnaire: JSON) -> Iterator[JSON]:
    """Every non-group item, depth first."""
    for item in questionnaire["item"]:
        if item["type"] == "group":
            yield from questions(item)
        else:
            yield item


def by_link(questionnaire: JSON) -> dict[str, JSON]:
    """The questions by linkId."""
    return {item["linkId"]: item for item in questions(questionnaire)}


def extension(item: JSON, url: str) -> JSON | None:
    """The extension *url* of *item*, if any."""
    return next((e for e in item.get("extension", []) if e["url"] == url), None)


@pytest.mark.parametrize("audience", ["patient", "clinician"])
@pytest.mark.parametrize("version", ["R4", "R5"])
def test_the_form_validates_with_fhir_resources(audience: str, version: Any) -> None:
    """Both audiences' forms are valid R4 (R4B models) and R5 Questionnaires."""
    validate_questionnaire(build_questionnaire(audience=audience, version=version), version)


@pytest.mark.parametrize("audience", ["patient", "clinician"])
def test_the_r4_form_validates_against_the_official_r4_json_schema(audience: str) -> None:
    """The R4 form passes the official FHIR R4 JSON Schema."""
    assert schema_errors(build_questionnaire(audience=audience)) == []


def test_the_clinician_form_asks_every_finding_the_rules_read() -> None:
    """One question per finding (and the age) that some criterion of the rule set reads."""
    ruleset = get_ruleset("2026.11")
    read = {name for rule in ruleset.rules for name in rule.reads()}
    expected = {name for name in read if name in VOCABULARY or name == "age"}
    links = set(by_link(build_questionnaire(ruleset=ruleset, audience="clinician")))
    assert {link for link in links if not link.endswith(".side")} == expected


def test_the_patient_form_leaves_out_what_only_a_clinician_can_settle() -> None:
    """No D-dimer, ABI or deep-vein tenderness on a patient's form; the symptoms are there."""
    links = set(by_link(build_questionnaire(audience="patient")))
    assert {"d-dimer", "abi", "deep-vein-tenderness"}.isdisjoint(links)
    assert {"leg-pain", "dyspnea", "saddle-anesthesia", "age"} <= links


@pytest.mark.parametrize("version", sorted(RULESETS))
def test_every_finding_read_has_a_patient_question_or_is_clinician_only(version: str) -> None:
    """A finding the rules read is worded for patients, or deliberately left to clinicians."""
    words = wording()
    read = {name for rule in get_ruleset(version).rules for name in rule.reads()}
    unworded = {
        name
        for name in read
        if name in VOCABULARY and name not in words.patient and name not in words.clinician_only
    }
    assert unworded == set()


def test_the_wording_names_only_known_findings() -> None:
    """Every worded finding is in the vocabulary or one rule set 2026.12 adds."""
    words = wording()
    known = set(VOCABULARY) | PLANNED | {"age"}
    assert (set(words.patient) | words.clinician_only) - known == set()
    assert set(words.patient) & words.clinician_only == set()


def test_every_yes_no_question_offers_dont_know() -> None:
    """Wherever a finding can be unknown, "don't know" is an answer."""
    for link, item in by_link(build_questionnaire(audience="clinician")).items():
        if item["type"] == "choice" and not link.endswith(".side"):
            codes = [option["valueCoding"]["code"] for option in item["answerOption"]]
            assert codes == ["373066001", "373067005", DONT_KNOW], link


def test_a_lateral_finding_asks_which_leg_only_after_a_yes() -> None:
    """The side question of leg pain is enabled when leg pain is answered yes."""
    items = by_link(build_questionnaire())
    side = items["leg-pain.side"]
    assert side["enableWhen"] == [{"question": "leg-pain", "operator": "=", "answerCoding": YES}]
    assert [o["valueCoding"]["code"] for o in side["answerOption"]] == [
        "7771000",
        "24028007",
        "51440002",
    ]
    assert "redness.side" in items
    assert "dyspnea.side" not in items


def test_quantities_carry_their_canonical_ucum_unit() -> None:
    """Temperature is asked in Cel; every number names its unit with questionnaire-unit."""
    items = by_link(build_questionnaire(audience="clinician"))
    unit = extension(items["temperature"], QUESTIONNAIRE_UNIT)
    assert unit is not None
    assert unit["valueCoding"]["system"] == "http://unitsofmeasure.org"
    assert unit["valueCoding"]["code"] == "Cel"
    for link, item in items.items():
        if link in VOCABULARY and VOCABULARY[link].kind is Kind.QUANTITY:
            assert item["type"] == "decimal"
            found = extension(item, QUESTIONNAIRE_UNIT)
            assert found is not None
            assert found["valueCoding"]["code"] == VOCABULARY[link].unit


def test_questions_are_coded_from_the_terminology_map() -> None:
    """item.code has legrules' own code first, then the standard codes mapped to it."""
    items = by_link(build_questionnaire())
    codes = [(c["system"], c["code"]) for c in items["leg-pain"]["code"]]
    assert codes[0] == (OWN, "leg-pain")
    assert ("http://snomed.info/sct", "10601006") in codes
    assert [c["code"] for c in items["age"]["code"]] == ["30525-0"]


def test_every_coded_question_is_extracted_as_an_observation() -> None:
    """sdc-questionnaire-observationExtract marks each question that has a code."""
    for link, item in by_link(build_questionnaire()).items():
        marked = extension(item, OBSERVATION_EXTRACT)
        assert (marked is not None) == ("code" in item), link
        assert marked is None or marked["valueBoolean"] is True


def test_the_form_canonical_is_tied_to_the_rule_set() -> None:
    """url|version names the audience's form and the rule set's version."""
    form = build_questionnaire(ruleset="2026.11", audience="clinician")
    assert form["url"] == "https://legrules.org/fhir/Questionnaire/legrules-intake-clinician"
    assert form["version"] == "2026.11"


def test_patient_questions_are_written_in_plain_words() -> None:
    """The patient form asks in its own words, the clinician form in the vocabulary's."""
    patient = by_link(build_questionnaire(audience="patient"))["saddle-anesthesia"]["text"]
    clinician = by_link(build_questionnaire(audience="clinician"))["saddle-anesthesia"]["text"]
    assert "saddle" in patient
    assert patient.endswith("?")
    assert clinician == VOCABULARY["saddle-anesthesia"].display


def test_the_r5_form_uses_coding_questions() -> None:
    """R5 replaced type choice with coding and answerConstraint."""
    item = by_link(build_questionnaire(version="R5"))["leg-pain"]
    assert (item["type"], item["answerConstraint"]) == ("coding", "optionsOnly")


def test_asked_findings_start_with_the_age() -> None:
    """The form asks the age first."""
    assert asked_findings(audience="patient")[0] == "age"


def test_an_unknown_version_or_audience_is_an_input_error() -> None:
    """A typo is a clear error naming the argument."""
    with pytest.raises(InvalidValueError, match="R4 or R5"):
        build_questionnaire(version="R6")  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="audience"):
        build_questionnaire(audience="nurse")


def test_the_cli_prints_the_form() -> None:
    """The questionnaire command prints a valid Questionnaire for the audience asked."""
    code, out, err = cli("questionnaire", "--audience", "clinician", "--fhir-version", "R5")
    assert (code, err) == (0, "")
    form = orjson.loads(out)
    validate_questionnaire(form, "R5")
    assert form["url"].endswith("legrules-intake-clinician")


def test_the_cli_names_an_unknown_rule_set() -> None:
    """An unknown rule set exits 2 with one line, no traceback."""
    code, out, err = cli("questionnaire", "--ruleset", "1999.01")
    assert (code, out) == (2, "")
    assert err.startswith("legrules: error: unknown rule set '1999.01'")
