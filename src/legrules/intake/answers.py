"""Answers in: a filled intake form becomes a presentation, and Observations to store.

Reading is the FHIR reader's (``legrules.fhir.read.questionnaire_responses``), so a
QuestionnaireResponse reads the same whether it comes alone, in a Bundle with the
patient's Observations or through ``legrules assess``.  Writing back uses SDC
observation-based extraction: each answered question becomes one Observation
(``legrules.fhir.write.capture``), placed in the same transaction as the assessment's
own resources.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from legrules.errors import FHIRInputError, InvalidValueError
from legrules.fhir import read_presentation
from legrules.fhir.canonical import DEFAULT_BASE
from legrules.fhir.read.elements import parse_datetime
from legrules.fhir.write.capture import presentation_bundle
from legrules.fhir.write.transaction import FHIRVersion, transaction_bundle
from legrules.model import Assessment, Policy, Presentation

__all__ = ["extraction_bundle", "read_questionnaire_response", "write_back_bundle"]

JSON = dict[str, Any]


def _authored(response: JSON) -> datetime | None:
    text = response.get("authored")
    if not isinstance(text, str):
        return None
    try:
        return parse_datetime(text)
    except ValueError:
        return None  # the reader names the bad element


def read_questionnaire_response(
    response: JSON,
    *,
    as_of: datetime | None = None,
    policy: Policy | Mapping[str, Any] | None = None,
    base: str = DEFAULT_BASE,
) -> Presentation:
    """The presentation a QuestionnaireResponse to a legrules intake form states.

    Unanswered questions and "don't know" leave their findings unknown (never absent);
    every fact cites ``QuestionnaireResponse/<id>#<linkId>`` as its source.  ``as_of``
    defaults to the response's ``authored`` time (else now): the form describes the
    moment it was filled in.

    Raises:
        FHIRInputError: *response* is not a QuestionnaireResponse to a legrules intake
            form, or an answer is malformed (the path names the item).
    """
    if not isinstance(response, dict) or response.get("resourceType") != "QuestionnaireResponse":
        raise FHIRInputError("expected a QuestionnaireResponse", "$")
    when = as_of or _authored(response) or datetime.now(UTC)
    result = read_presentation(response, as_of=when, policy=policy, base=base)
    label = f"QuestionnaireResponse/{response.get('id')}" if response.get("id") else "$"
    for ignored in result.ignored:
        if ignored.reference.startswith("QuestionnaireResponse"):
            raise FHIRInputError(f"not read: {ignored.reason}", label)
    return result.presentation


def extraction_bundle(presentation: Presentation, *, base: str = DEFAULT_BASE) -> JSON:
    """The answers as a transaction of Observations (SDC observation-based extraction).

    Idempotent like every legrules transaction: each Observation is created with
    ``ifNoneExist`` on a deterministic identifier, so posting twice creates nothing new.
    """
    _check(presentation=presentation)
    return presentation_bundle(presentation, base=base, bundle_type="transaction")


def _check(**arguments: object) -> None:
    """Refuse an argument of the wrong type at the boundary, naming it."""
    kinds: dict[str, type] = {"presentation": Presentation, "assessment": Assessment}
    for name, value in arguments.items():
        if not isinstance(value, kinds[name]):
            raise InvalidValueError(
                f"{name} must be a {kinds[name].__name__}, got {type(value).__name__}", name
            )


def write_back_bundle(
    presentation: Presentation,
    assessment: Assessment,
    *,
    version: FHIRVersion = "R4B",
    base: str = DEFAULT_BASE,
) -> JSON:
    """One transaction: the answers as Observations, then the assessment's resources.

    Raises:
        InvalidValueError: the two parts disagree about the patient.
    """
    _check(presentation=presentation, assessment=assessment)
    answers = extraction_bundle(presentation, base=base)
    results = transaction_bundle(assessment, version=version, base=base)
    if presentation.patient.id != assessment.patient:
        raise InvalidValueError("the answers and the assessment name different patients", "patient")
    return {**results, "entry": [*answers["entry"], *results["entry"]]}
