"""The adaptive interview and its $next-question endpoint (issue 15, part 3)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legrules import Disposition, Presence, Presentation, assess
from legrules.intake import asked_findings, interview, next_question, next_questions
from legrules.intake.simulate import answer_from, full_form, starting_point
from legrules.model import Finding
from legrules.strategies import presentations
from tests.support import AS_OF

JSON = dict[str, Any]
SNOMED = "http://snomed.info/sct"
YES = {"valueCoding": {"system": SNOMED, "code": "373066001"}}

#: Patients as the shipped strategies make them: partly known, fully known, and ones
#: meeting an emergency or urgent red flag by construction.
PATIENTS = st.one_of(
    presentations(as_of=AS_OF),
    presentations(complete=True, as_of=AS_OF),
    presentations(meeting="redflag.possible-pe", as_of=AS_OF),
    presentations(meeting="redflag.cauda-equina", as_of=AS_OF),
    presentations(meeting="redflag.suspected-dvt", as_of=AS_OF),
)


def test_the_first_question_can_reach_the_most_urgent_level() -> None:
    """With nothing known, the first question is one whose yes could mean an emergency."""
    (first,) = next_questions(Presentation(), as_of=AS_OF)
    assert first.could_reach is Disposition.EMERGENCY
    assert first.settles


def test_questions_come_most_urgent_first_then_most_settling() -> None:
    """Questions are ordered by the level they could reach, then by the rules they settle."""
    asked = next_questions(Presentation.of(present=["leg-pain"]), n=20, as_of=AS_OF)
    keys = [(q.could_reach.rank if q.could_reach else 9, -len(q.settles)) for q in asked]
    assert keys == sorted(keys)


def test_a_question_already_answered_dont_know_is_not_asked_again() -> None:
    """A "don't know" is an answer: the interview moves on."""
    (first,) = next_questions(Presentation(), as_of=AS_OF)
    known = Presentation(findings=[Finding(first.finding, Presence.UNKNOWN)])
    assert first.finding not in {q.finding for q in next_questions(known, n=50, as_of=AS_OF)}


def test_nothing_is_asked_once_nothing_can_change_the_disposition() -> None:
    """A met emergency leaves no question: no answer could raise the level."""
    met = Presentation.of(present=["leg-pain", "dyspnea"])
    assert next_questions(met, n=5, as_of=AS_OF) == ()


def test_the_patient_interview_never_asks_what_only_a_clinician_can_settle() -> None:
    """No foot-pulse question for a patient (it needs an examination); a clinician gets it."""
    known = Presentation.of(present=["leg-pain", "leg-swelling"], absent=["dyspnea"])
    patient = {q.finding for q in next_questions(known, n=200, as_of=AS_OF)}
    clinician = {q.finding for q in next_questions(known, n=200, as_of=AS_OF, audience="clinician")}
    assert "absent-foot-pulses" not in patient
    assert "absent-foot-pulses" in clinician


@pytest.mark.slow
@settings(max_examples=20)
@given(PATIENTS)
def test_the_adaptive_interview_never_ends_below_the_full_form(truth: Presentation) -> None:
    """Safety: for the same patient, stopping early never gives a less urgent disposition."""
    full = assess(full_form(truth), as_of=AS_OF).disposition
    done = interview(answer_from(truth), start=starting_point(truth), as_of=AS_OF)
    assert not full.above(done.assessment.disposition), (full, done.asked)


@pytest.mark.slow
@settings(max_examples=6)
@given(PATIENTS)
def test_the_interview_ends_with_nothing_left_to_ask(truth: Presentation) -> None:
    """When the interview stops, no question the patient could answer remains."""
    done = interview(answer_from(truth), start=starting_point(truth), as_of=AS_OF)
    assert next_questions(done.presentation, as_of=AS_OF, asked=done.asked) == ()


def _call(body: JSON) -> JSON:
    return next_question(body, now=AS_OF)


def _answer(reply: JSON, link: str, answer: JSON) -> JSON:
    reply["item"] = [*reply.get("item", []), {"linkId": link, "answer": [answer]}]
    return reply


def test_next_question_starts_an_empty_adaptive_response() -> None:
    """The first call adds a contained adaptive Questionnaire with one question."""
    reply = _call({"resourceType": "QuestionnaireResponse", "status": "in-progress"})
    form = reply["contained"][0]
    assert reply["questionnaire"] == "#adaptive"
    assert form["extension"][0]["url"].endswith("sdc-questionnaire-questionnaireAdaptive")
    assert form["url"].endswith("legrules-intake-patient")
    assert reply["status"] == "in-progress"
    assert len([i for i in form["item"] if not i["linkId"].endswith(".side")]) == 1


def test_next_question_completes_once_the_answer_is_settled() -> None:
    """Yes to leg pain and to breathlessness: completed, with the result as a display item."""
    reply = _call({"resourceType": "QuestionnaireResponse", "status": "in-progress"})
    for link in ("leg-pain", "dyspnea"):
        reply = _call(_answer(reply, link, YES))
    assert reply["status"] == "completed"
    assert reply["contained"][0]["item"][-1]["text"] == "Result of the rules: EMERGENCY"


def test_next_question_takes_and_gives_parameters() -> None:
    """A Parameters call (SDC STU4 name questionnaire-response) gets Parameters back."""
    body = {
        "resourceType": "Parameters",
        "parameter": [
            {
                "name": "questionnaire-response",
                "resource": {"resourceType": "QuestionnaireResponse", "status": "in-progress"},
            }
        ],
    }
    reply = _call(body)
    assert reply["parameter"][0]["name"] == "return"
    assert reply["parameter"][0]["resource"]["resourceType"] == "QuestionnaireResponse"


def test_the_adaptive_routes_answer_over_http() -> None:
    """The Starlette routes serve $next-question and report bad input as OperationOutcome."""
    from starlette.testclient import TestClient

    from legrules.intake.service import app

    client = TestClient(app())
    started = client.post(
        "/Questionnaire/$next-question",
        json={"resourceType": "QuestionnaireResponse", "status": "in-progress"},
    )
    assert started.status_code == 200
    assert started.json()["contained"][0]["item"]
    bad = client.post("/Questionnaire/$next-question", json={"resourceType": "Patient"})
    assert bad.status_code == 422
    assert bad.json()["resourceType"] == "OperationOutcome"
    assert client.get("/Questionnaire/legrules-intake?audience=clinician").status_code == 200


@pytest.mark.parametrize("audience", ["nurse"])
def test_an_unknown_audience_is_a_bad_request(audience: str) -> None:
    """The endpoint names the bad query parameter."""
    from starlette.testclient import TestClient

    from legrules.intake.service import app

    reply = TestClient(app()).get(f"/Questionnaire/legrules-intake?audience={audience}")
    assert reply.status_code == 400
    assert reply.json()["issue"][0]["expression"] == ["audience"]


@pytest.mark.slow
def test_the_intake_benchmark_runs_on_a_few_patients() -> None:
    """benchmarks/intake.py reports its figures (never asserted as timings)."""
    import runpy
    from pathlib import Path

    module = runpy.run_path(str(Path(__file__).parents[2] / "benchmarks" / "intake.py"))
    lines: list[str] = []
    figures = module["run"](1, lines.append)
    assert figures["questions"] == len(asked_findings(audience="patient"))
    assert figures["lower"] == 0
    assert lines[-2].startswith("all")


def test_the_adaptive_response_is_valid_r4() -> None:
    """The reply validates with the R4B models and the official R4 JSON Schema."""
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    from tests.fhir.write_checks import schema_errors

    reply = _call({"resourceType": "QuestionnaireResponse", "status": "in-progress"})
    QuestionnaireResponse.model_validate(reply)
    assert schema_errors(reply) == []
