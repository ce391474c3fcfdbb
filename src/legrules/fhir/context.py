"""What reading one patient's resources needs (settings) and produces (collected facts)."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs

from legrules.fhir.codes import Terminology
from legrules.fhir.elements import Resource
from legrules.fhir.versions import Semantics
from legrules.model import (
    Category,
    Concept,
    Finding,
    IgnoredInput,
    Measurement,
    Policy,
    Sex,
    concept,
)

__all__ = ["Collected", "Settings"]


@attrs.frozen
class Settings:
    """The instant, policy, terminology and version semantics a read uses."""

    as_of: datetime
    policy: Policy
    terms: Terminology
    sem: Semantics

    _windows: dict[str, timedelta | None] = attrs.field(factory=dict, init=False, eq=False)
    _earliest: dict[str, tuple[Concept, datetime | None]] = attrs.field(
        factory=dict, init=False, eq=False
    )

    def window(self, concept: Concept) -> timedelta | None:
        """The look-back of *concept* (cached; see :meth:`_window`)."""
        try:
            return self._windows[concept.id]
        except KeyError:
            result = self._windows[concept.id] = self._window(concept)
            return result

    def lookback(self, finding: str) -> tuple[Concept, datetime | None]:
        """The concept *finding* names, and the earliest effective time still counted.

        ``None``: no limit.  An observation is too old when it is earlier than this
        (``as_of`` minus the look-back :meth:`window`); cached per finding.
        """
        found = self._earliest.get(finding)
        if found is None:
            spec = concept(finding)
            window = self.window(spec)
            try:
                earliest = None if window is None else self.as_of - window
            except OverflowError:  # as_of within the window of year 1: nothing is older
                earliest = None
            found = self._earliest[finding] = (spec, earliest)
        return found

    def _window(self, concept: Concept) -> timedelta | None:
        """How far back an observation of *concept* still counts (``None``: no limit).

        History, medications and risk factors do not expire; vital signs count for
        ``lookback_vitals_hours``; laboratory and imaging results for
        ``lookback_labs_days``; symptoms, signs, examination findings, timing and
        clinical judgements for ``lookback_signs_days``.
        """
        category = concept.category
        if category in (Category.HISTORY, Category.MEDICATION):
            return None
        if category is Category.VITAL:
            return timedelta(hours=self.policy.lookback_vitals_hours)
        if category in (Category.LABORATORY, Category.IMAGING):
            return timedelta(days=self.policy.lookback_labs_days)
        return timedelta(days=self.policy.lookback_signs_days)

    def too_late(self, res: Resource, when: datetime | None, out: Collected) -> bool:
        """Whether *res* is dated after ``as_of`` (and so ignored, with a warning)."""
        if when is None or when <= self.as_of:
            return False
        reason = f"dated {when.isoformat()}, after as_of {self.as_of.isoformat()}"
        out.ignore(res.label, reason)
        out.warn(f"{res.label} is {reason}; ignored")
        return True


@attrs.define
class Collected:
    """Everything read from one patient's resources, before it becomes a presentation."""

    patient_id: str | None = None
    saw_patient: bool = False
    sex: Sex | None = None
    birth_date: str | None = None
    birth_label: str = "Patient"
    ages: list[tuple[datetime | None, int, str]] = attrs.Factory(list)
    onsets: list[tuple[datetime | None, datetime]] = attrs.Factory(list)
    findings: list[Finding] = attrs.Factory(list)
    measurements: list[Measurement] = attrs.Factory(list)
    ignored: list[IgnoredInput] = attrs.Factory(list)
    warnings: list[str] = attrs.Factory(list)
    _warned: set[str] = attrs.field(factory=set, init=False, repr=False)

    def ignore(self, reference: str, reason: str) -> None:
        """List *reference* as deliberately not used, with the reason."""
        self.ignored.append(IgnoredInput(reference, reason))

    def warn(self, message: str) -> None:
        """Record a warning for the caller (once)."""
        if message not in self._warned:  # a set: a list scan per warning is quadratic
            self._warned.add(message)
            self.warnings.append(message)
