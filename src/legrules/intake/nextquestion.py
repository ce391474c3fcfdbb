"""The SDC ``$next-question`` operation on an adaptive QuestionnaireResponse.

SDC adaptive forms (``OperationDefinition/Questionnaire-next-question``): the client
sends a QuestionnaireResponse with a *contained* Questionnaire holding the questions put
so far (none on the first call) and the answers given; the server returns it with the
next question added to the contained Questionnaire, or with ``status`` ``completed``
when nothing left can change the disposition.  The contained Questionnaire is marked
with ``sdc-questionnaire-questionnaireAdaptive`` and keeps the intake form's canonical
url and the rule set's version, so the response reads like any other intake response.
A completed response ends with a read-only display item stating the disposition.

Input: the QuestionnaireResponse itself, or a Parameters resource with it as
``questionnaire-response`` (SDC STU4) or ``in`` (STU3); the answer comes back in the
same shape (Parameters: as ``return``).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from legrules.engine import assess
from legrules.errors import FHIRInputError
from legrules.fhir.canonical import DEFAULT_BASE
from legrules.intake.adaptive import questions_for
from legrules.intake.answers import read_questionnaire_response
from legrules.intake.questionnaire import question_items, questionnaire_url
from legrules.model import Audience
from legrules.rules import get_ruleset

__all__ = ["ADAPTIVE", "next_question"]

JSON = dict[str, Any]

ADAPTIVE = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-questionnaireAdaptive"
_PARAMETER_NAMES = ("questionnaire-response", "in")


def _unwrap(body: JSON) -> tuple[JSON, bool]:
    """The QuestionnaireResponse in *body*, and whether it came in a Parameters."""
    if not isinstance(body, dict):
        raise FHIRInputError("expected a JSON object", "$")
    if body.get("resourceType") == "Parameters":
        for index, parameter in enumerate(body.get("parameter") or []):
            if isinstance(parameter, dict) and parameter.get("name") in _PARAMETER_NAMES:
                resource = parameter.get("resource")
                if not isinstance(resource, dict):
                    raise FHIRInputError("expected a resource", f"Parameters.parameter[{index}]")
                return resource, True
        raise FHIRInputError("no questionnaire-response parameter", "Parameters.parameter")
    if body.get("resourceType") != "QuestionnaireResponse":
        raise FHIRInputError("expected a QuestionnaireResponse or Parameters", "$.resourceType")
    return body, False


def _contained(response: JSON, audience: Audience, version: str, base: str) -> JSON:
    """The adaptive Questionnaire contained in *response* (made on the first call)."""
    reference = response.get("questionnaire")
    for resource in response.get("contained") or []:
        if (
            isinstance(resource, dict)
            and resource.get("resourceType") == "Questionnaire"
            and f"#{resource.get('id')}" == reference
        ):
            return resource
    form: JSON = {
        "resourceType": "Questionnaire",
        "id": "adaptive",
        "extension": [{"url": ADAPTIVE, "valueBoolean": True}],
        "url": questionnaire_url(audience, base),
        "version": version,
        "status": "active",
        "subjectType": ["Patient"],
        "item": [],
    }
    response.setdefault("contained", []).append(form)
    response["questionnaire"] = "#adaptive"
    return form


def _links(items: list[JSON]) -> set[str]:
    found: set[str] = set()
    for item in items:
        found.add(str(item.get("linkId")))
        found |= _links(item.get("item") or [])
    return found


def next_question(
    body: JSON,
    *,
    n: int = 1,
    audience: Audience | str = Audience.PATIENT,
    ruleset: str | None = None,
    base: str = DEFAULT_BASE,
    now: datetime | None = None,
) -> JSON:
    """Answer one ``$next-question`` call (see the module): *body* in, the reply out.

    Raises:
        FHIRInputError: *body* is not an adaptive QuestionnaireResponse, or an answer is
            malformed (the path names it).
    """
    given, wrapped = _unwrap(body)
    response = copy.deepcopy(given)
    who, rules = Audience(audience), get_ruleset(ruleset)
    form = _contained(response, who, rules.version, base)
    response.setdefault("status", "in-progress")
    response.setdefault("authored", (now or datetime.now(UTC)).isoformat())
    presentation = read_questionnaire_response(response, base=base)
    result = assess(presentation, ruleset=rules)
    asked = _links(form.get("item") or []) | _links(response.get("item") or [])
    chosen = questions_for(result, presentation, n=n, audience=who, asked=asked)
    if chosen:
        added = [i for q in chosen for i in question_items(q.finding, audience=who, base=base)]
        form["item"] = [*form.get("item", []), *added]
        response["status"] = "in-progress"
    else:
        form["item"] = [*form.get("item", []), _result_item(result.disposition.value)]
        response["status"] = "completed"
    if wrapped:
        return {
            "resourceType": "Parameters",
            "parameter": [{"name": "return", "resource": response}],
        }
    return response


def _result_item(level: str) -> JSON:
    return {
        "linkId": "legrules-result",
        "type": "display",
        "text": f"Result of the rules: {level.upper()}",
        "readOnly": True,
    }
