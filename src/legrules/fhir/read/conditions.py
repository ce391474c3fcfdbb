"""Conditions: history findings and known diagnoses.

A Condition states a history finding or known diagnosis:

* ``verificationStatus`` refuted or entered-in-error: ignored; unconfirmed, provisional
  or differential: counts, marked preliminary.
* ``clinicalStatus`` active, recurrence or relapse (or missing, with a warning): the
  finding is present.  Inactive, remission or resolved: a history code (a past DVT is
  still a previous DVT) counts as present; any other code is ignored, because a
  resolved condition says nothing certain about the finding now, and reading it as
  absent could lower a risk score on an assumption.
"""

from __future__ import annotations

from legrules.errors import InputError
from legrules.fhir.read.context import Collected, Settings, stamp
from legrules.fhir.read.elements import Resource
from legrules.fhir.read.observations import side_of
from legrules.model import Kind, Presence, concept
from legrules.model.checks import check_finding, check_text

__all__ = ["read_condition"]

_ACTIVE = frozenset({"active", "recurrence", "relapse"})
_PAST = frozenset({"inactive", "remission", "resolved"})
_REFUTED = frozenset({"refuted", "entered-in-error"})
_TENTATIVE = frozenset({"unconfirmed", "provisional", "differential"})


def _codes(res: Resource, key: str) -> set[str]:
    return {code for _, code in res.concept(res.data, key) if code}


def read_condition(res: Resource, settings: Settings, out: Collected) -> None:
    """Read one Condition into *out* (a history finding, or why it was ignored)."""
    data = res.data
    mapping = next(
        (
            m
            for m in (settings.terms.finding_code(s, c) for s, c in res.concept(data, "code"))
            if m is not None and concept(m.finding).kind is Kind.BOOLEAN
        ),
        None,
    )
    verification = _codes(res, "verificationStatus")
    clinical = _codes(res, "clinicalStatus")
    when = res.when(data, "recordedDate") or res.when(data, "onsetDateTime")
    if mapping is None:
        out.ignore(res.label, "no legrules concept for this Condition code")
        return
    if verification & _REFUTED:
        out.ignore(res.label, f"verification status {sorted(verification & _REFUTED)[0]}")
        return
    if settings.too_late(res, when, out):
        return
    if not clinical:
        out.warn(f"{res.label} has no clinicalStatus; read as active")
    elif not clinical & _ACTIVE and not (clinical & _PAST and mapping.history):
        status = sorted(clinical)[0]
        out.ignore(res.label, f"clinical status {status}: {mapping.finding} not shown current")
        return
    check_text(res.label, "reference")  # what a Source would check: the finding cites it
    preliminary = bool(verification & _TENTATIVE)
    state = mapping.asserts if mapping.asserts is Presence.ABSENT else Presence.PRESENT
    side = side_of(res, settings) if concept(mapping.finding).lateral else None
    try:
        check_finding(mapping.finding, side, when)
    except InputError as error:  # pragma: no cover - the mapping guarantees a boolean
        raise res.error(error.message, "code") from None
    side_value = None if side is None else side.value
    row = (mapping.finding, state.value, side_value, res.label, preliminary, stamp(when))
    out.findings.append(row)
