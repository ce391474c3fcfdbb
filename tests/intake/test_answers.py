"""Answers in: QuestionnaireResponses to the intake form (issue 15, part 2)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from legrules import FHIRInputError, Laterality, Presence, assess
from legrules.fhir import read_presentation
from legrules.intake import extraction_bundle, read_questionnaire_response, write_back_bundle
from tests.cli.test_commands import cli
from tests.fhir.write_checks import check_bundle, resources
from tests.support import AS_OF

JSON = dict[str, Any]
FORM = "https://legrules.org/fhir/Questionnaire/legrules-intake-patient|2026.11"
SNOMED = "http://snomed.info/sct"
YES = {"valueCoding": {"system": SNOMED, "code": "373066001"}}
NO = {"valueCoding": {"system": SNOMED, "code": "373067005"}}
DONT_KNOW = {
    "valueCoding": {
        "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
        "code": "asked-unknown",
    }
}
RIGHT = {"valueCoding": {"system": SNOMED, "code": "24028007"}}


def answered(link: str, *answers: JSON) -> JSON:
    """An item with its answers (none: left blank)."""
    return {"linkId": link, "answer": list(answers)} if answers else {"linkId": link}


def response(*items: JSON, **fields: Any) -> JSON:
    """A completed response to the patient form, grouped as the form groups it."""
    body = {
        "resourceType": "QuestionnaireResponse",
        "id": "qr1",
        "questionnaire": FORM,
        "status": "completed",
        "authored": AS_OF.isoformat(),
        "item": [{"linkId": "group-symptom", "item": list(items)}],
    }
    return body | fields


def facts(qr: JSON) -> dict[str, Any]:
    """The findings of *qr* by id."""
    return {f.id: f for f in read_questionnaire_response(qr).findings}


def test_yes_and_no_become_present_and_absent() -> None:
    """Yes is present, no is absent."""
    found = facts(response(answered("leg-pain", YES), answered("fever", NO)))
    assert found["leg-pain"].state is Presence.PRESENT
    assert found["fever"].state is Presence.ABSENT


def test_dont_know_stays_unknown_and_unanswered_is_not_absent() -> None:
    """'Don't know' is an unknown fact; a blank question states nothing at all."""
    found = facts(response(answered("dyspnea", DONT_KNOW), answered("chest-pain")))
    assert found["dyspnea"].state is Presence.UNKNOWN
    assert "chest-pain" not in found


def test_unknown_answers_never_settle_a_red_flag() -> None:
    """Leg pain with breathlessness unknown leaves possible PE indeterminate, not ruled out."""
    qr = response(answered("leg-pain", YES), answered("dyspnea", DONT_KNOW))
    result = assess(read_questionnaire_response(qr))
    assert result.red_flag("redflag.possible-pe").status.value == "indeterminate"
    assert result.disposition.value != "self-care"


def test_every_fact_cites_its_question() -> None:
    """The source of a fact is the response with the question's linkId."""
    found = facts(response(answered("leg-pain", YES)))
    assert found["leg-pain"].source is not None
    assert found["leg-pain"].source.reference == "QuestionnaireResponse/qr1#leg-pain"


def test_the_side_question_gives_the_finding_its_laterality() -> None:
    """leg-swelling.side answers which leg is swollen."""
    qr = response(answered("leg-swelling", YES), answered("leg-swelling.side", RIGHT))
    assert facts(qr)["leg-swelling"].laterality is Laterality.RIGHT


def test_numbers_are_read_in_the_forms_unit_or_their_own() -> None:
    """A decimal is in the canonical unit; a valueQuantity keeps its UCUM unit."""
    fahrenheit = {
        "valueQuantity": {
            "value": 101.3,
            "unit": "degF",
            "system": "http://unitsofmeasure.org",
            "code": "[degF]",
        }
    }
    qr = response(answered("pain-score", {"valueDecimal": 7}), answered("temperature", fahrenheit))
    measured = {m.id: (m.value, m.unit) for m in read_questionnaire_response(qr).measurements}
    assert measured == {"pain-score": (7.0, "{score}"), "temperature": (101.3, "[degF]")}


def test_the_age_is_read_at_the_time_the_form_was_filled() -> None:
    """The age answer becomes the patient's age (as_of is the authored time)."""
    qr = response(answered("leg-pain", YES))
    qr["item"].insert(0, answered("age", {"valueInteger": 71}))
    assert read_questionnaire_response(qr).patient.age == 71


def test_a_value_boolean_answer_is_read_too() -> None:
    """Form fillers that answer a yes/no question with valueBoolean are understood."""
    found = facts(response(answered("chills", {"valueBoolean": True})))
    assert found["chills"].state is Presence.PRESENT


def test_a_response_entered_in_error_is_ignored_and_the_result_says_so() -> None:
    """An entered-in-error response adds no facts and is listed as ignored."""
    qr = response(answered("leg-pain", YES), status="entered-in-error")
    result = read_presentation(qr, as_of=AS_OF)
    assert result.presentation.findings == ()
    assert [(i.reference, i.reason) for i in result.ignored] == [
        ("QuestionnaireResponse/qr1", "status entered-in-error")
    ]


def test_a_response_to_another_form_is_ignored_not_guessed_at() -> None:
    """The reader never reads linkIds of someone else's form as legrules findings."""
    qr = response(answered("leg-pain", YES), questionnaire="http://example.org/Questionnaire/x")
    result = read_presentation(qr, as_of=AS_OF)
    assert result.presentation.findings == ()
    with pytest.raises(FHIRInputError, match="not a response to a legrules intake form"):
        read_questionnaire_response(qr)


def test_an_unknown_answer_code_names_the_item() -> None:
    """A bad answer is an input error whose path names the response and the item."""
    bad = {"valueCoding": {"system": SNOMED, "code": "12345"}}
    with pytest.raises(FHIRInputError) as caught:
        read_questionnaire_response(response(answered("leg-pain", bad)))
    assert caught.value.path == "QuestionnaireResponse/qr1.item[0].item[0].answer[0].valueCoding"


def test_an_implausible_number_is_an_input_error() -> None:
    """A pain score of 12 out of 10 is rejected, naming the answer."""
    with pytest.raises(FHIRInputError, match="plausible"):
        read_questionnaire_response(response(answered("pain-score", {"valueDecimal": 12})))


def test_not_a_questionnaire_response_is_an_input_error() -> None:
    """Passing another resource is a clear error."""
    with pytest.raises(FHIRInputError, match="expected a QuestionnaireResponse"):
        read_questionnaire_response({"resourceType": "Observation"})


def test_the_cli_assesses_a_questionnaire_response() -> None:
    """Legrules assess reads a response like any other FHIR input."""
    qr = response(answered("leg-pain", YES), answered("chest-pain", YES))
    code, out, err = cli(
        "assess", "-", "--format", "json", "--as-of", AS_OF.isoformat(), stdin=orjson.dumps(qr)
    )
    assert (code, err) == (0, "")
    assert orjson.loads(out)["disposition"] == "emergency"


def test_the_answers_are_extracted_as_observations() -> None:
    """Observation-based extraction: one Observation per answered question."""
    qr = response(answered("leg-pain", YES), answered("dyspnea", DONT_KNOW))
    bundle = extraction_bundle(read_questionnaire_response(qr))
    observations = resources(bundle, "Observation")
    assert bundle["type"] == "transaction"
    assert len(observations) == 2
    assert {o["code"]["coding"][0]["code"] for o in observations} == {"leg-pain", "dyspnea"}


def test_the_write_back_transaction_holds_answers_and_assessment() -> None:
    """One valid transaction: the answers as Observations, then the GuidanceResponse."""
    presentation = read_questionnaire_response(response(answered("leg-pain", YES)))
    bundle = write_back_bundle(presentation, assess(presentation))
    check_bundle(bundle)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds[0] == "Observation"
    assert "GuidanceResponse" in kinds
