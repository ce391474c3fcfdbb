"""FHIR versions and the differences between them that the reader cares about.

R4 and R4B JSON are read with R4B semantics, R5 JSON with R5 semantics:

* MedicationStatement / MedicationRequest: R4B has ``medicationCodeableConcept`` or
  ``medicationReference``; R5 has one ``medication`` CodeableReference (``concept`` and
  ``reference``).
* MedicationStatement.status: R4B ``active | completed | entered-in-error | intended |
  stopped | on-hold | unknown | not-taken``; R5 ``recorded | entered-in-error | draft``
  (whether the drug is being taken moved to ``adherence``).
* MedicationRequest.status: R5 adds ``ended``.
* Observation: the elements read here (status, code, value[x], dataAbsentReason,
  bodySite, effective[x], component) mean the same in both.

``version=None`` reads either shape, resource by resource; naming a version makes the
other version's shape an input error.
"""

from __future__ import annotations

import enum

import attrs

__all__ = ["SEMANTICS", "FHIRVersion", "Semantics", "semantics"]


class FHIRVersion(enum.Enum):
    """A FHIR release the reader understands."""

    R4 = "R4"
    R4B = "R4B"
    R5 = "R5"

    def __str__(self) -> str:  # prints as its value, like the model's enums
        return self.value


@attrs.frozen
class Semantics:
    """How one version's status codes and element shapes are read."""

    name: str
    r4_medication: bool
    r5_medication: bool
    statement_counts: frozenset[str]
    statement_preliminary: frozenset[str]
    statement_ignored: frozenset[str]
    request_counts: frozenset[str]
    request_ignored: frozenset[str]


def _f(*codes: str) -> frozenset[str]:
    return frozenset(codes)


_R4_STATEMENT_IGNORED = _f(
    "completed", "entered-in-error", "intended", "stopped", "on-hold", "unknown", "not-taken"
)
_R4_REQUEST_IGNORED = _f(
    "on-hold", "cancelled", "completed", "entered-in-error", "stopped", "draft", "unknown"
)

R4B = Semantics(
    "R4B",
    r4_medication=True,
    r5_medication=False,
    statement_counts=_f("active"),
    statement_preliminary=_f(),
    statement_ignored=_R4_STATEMENT_IGNORED,
    request_counts=_f("active"),
    request_ignored=_R4_REQUEST_IGNORED,
)
R5 = Semantics(
    "R5",
    r4_medication=False,
    r5_medication=True,
    statement_counts=_f("recorded"),
    statement_preliminary=_f("draft"),
    statement_ignored=_f("entered-in-error"),
    request_counts=_f("active"),
    request_ignored=_R4_REQUEST_IGNORED | {"ended"},
)
#: Either version's shapes and codes, decided per resource (``version=None``).
ANY = Semantics(
    "R4B or R5",
    r4_medication=True,
    r5_medication=True,
    statement_counts=R4B.statement_counts | R5.statement_counts,
    statement_preliminary=R5.statement_preliminary,
    statement_ignored=R4B.statement_ignored | R5.statement_ignored,
    request_counts=_f("active"),
    request_ignored=R5.request_ignored,
)

SEMANTICS = {FHIRVersion.R4: R4B, FHIRVersion.R4B: R4B, FHIRVersion.R5: R5}


def semantics(version: FHIRVersion | str | None) -> Semantics:
    """The semantics for *version* (``"R4"``, ``"R4B"``, ``"R5"`` or ``None`` for either)."""
    if version is None:
        return ANY
    return SEMANTICS[FHIRVersion(version)]
