"""The HTTP edge: CDS Hooks 2.0 request, card and feedback shapes as pydantic models.

Only the service's boundary uses pydantic; everything past it is legrules' attrs
model.  Field names follow the specification's JSON (camelCase).  The access token the
EHR lends is a ``SecretStr``, so no repr or log line can show it.
"""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, SecretStr, model_validator

__all__ = [
    "Action",
    "Card",
    "CdsResponse",
    "Coding",
    "Feedback",
    "FeedbackRequest",
    "FhirAuthorization",
    "HookRequest",
    "OrderSelectContext",
    "OverrideReason",
    "PatientViewContext",
    "ServiceDescription",
    "Source",
    "Suggestion",
]

_OPEN = ConfigDict(extra="allow")  # extensions and fields of later versions pass through


class FhirAuthorization(BaseModel):
    """The bearer token the EHR lends for its FHIR server (``fhirAuthorization``)."""

    model_config = _OPEN
    access_token: SecretStr
    token_type: Literal["Bearer"]
    expires_in: int
    scope: str
    subject: str
    patient: str | None = None


class HookRequest(BaseModel):
    """A call to a CDS Service."""

    model_config = _OPEN
    hook: str
    hookInstance: UUID
    fhirServer: str | None = None
    fhirAuthorization: FhirAuthorization | None = None
    context: dict[str, Any]
    prefetch: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _server_with_authorization(self) -> HookRequest:
        # cds-r-1: if fhirAuthorization details are provided, a fhirServer SHALL be given.
        if self.fhirAuthorization is not None and not self.fhirServer:
            raise ValueError("fhirAuthorization needs fhirServer")
        return self


class PatientViewContext(BaseModel):
    """The context of ``patient-view``."""

    model_config = _OPEN
    userId: str
    patientId: str = Field(pattern=r"^[A-Za-z0-9\-\.]{1,64}$")
    encounterId: str | None = None


class OrderSelectContext(PatientViewContext):
    """The context of ``order-select``: the orders just selected, among the drafts."""

    selections: list[str] = Field(min_length=1)
    draftOrders: dict[str, Any]


class Coding(BaseModel):
    """A CDS Hooks Coding (``display`` is required wherever this service sends one)."""

    model_config = _OPEN
    system: str
    code: str
    display: str | None = None


class Source(BaseModel):
    """Where a card's guidance comes from."""

    label: str
    url: str | None = None
    topic: Coding | None = None


class Action(BaseModel):
    """One change a suggestion makes in the EHR."""

    type: Literal["create", "update", "delete"]
    description: str
    resource: dict[str, Any] | None = None
    resourceId: str | None = None


class Suggestion(BaseModel):
    """A set of actions the clinician may accept with one click."""

    label: str
    uuid: str | None = None
    isRecommended: bool | None = None
    actions: list[Action] = Field(default_factory=list)


class Card(BaseModel):
    """A card: a summary under 140 characters, an indicator, a source."""

    uuid: str
    summary: str = Field(max_length=139)
    detail: str | None = None
    indicator: Literal["info", "warning", "critical"]
    source: Source
    suggestions: list[Suggestion] | None = None
    selectionBehavior: Literal["at-most-one", "any"] | None = None
    overrideReasons: list[Coding] | None = None

    @model_validator(mode="after")
    def _behaviour_with_suggestions(self) -> Card:
        if self.suggestions and self.selectionBehavior is None:
            raise ValueError("suggestions need selectionBehavior")
        return self


class CdsResponse(BaseModel):
    """A service's answer: its cards (possibly none)."""

    cards: list[Card]


class ServiceDescription(BaseModel):
    """One entry of the discovery document."""

    hook: str
    title: str
    description: str
    id: str
    prefetch: dict[str, str]
    usageRequirements: str | None = None


class OverrideReason(BaseModel):
    """Why a card was overridden: a coded reason and perhaps a comment (not stored)."""

    model_config = _OPEN
    reason: Coding | None = None
    userComment: str | None = None


class AcceptedSuggestion(BaseModel):
    """A suggestion the clinician accepted, by its uuid."""

    model_config = _OPEN
    id: str


class Feedback(BaseModel):
    """What the clinician did with one card."""

    model_config = _OPEN
    card: str = Field(min_length=1, max_length=64)
    outcome: Literal["accepted", "overridden"]
    acceptedSuggestions: list[AcceptedSuggestion] = Field(default_factory=list)
    overrideReason: OverrideReason | None = None
    outcomeTimestamp: AwareDatetime

    @model_validator(mode="after")
    def _accepted_names_suggestions(self) -> Feedback:
        if self.outcome == "accepted" and not self.acceptedSuggestions:
            raise ValueError("an accepted outcome needs acceptedSuggestions")
        return self


class FeedbackRequest(BaseModel):
    """The body of a feedback call."""

    model_config = _OPEN
    feedback: list[Feedback] = Field(min_length=1)
