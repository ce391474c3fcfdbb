"""What reading one patient's resources needs (settings) and produces (collected facts).

The facts are collected as rows of builtins (strings, numbers, ``None``) rather than
model objects: a row costs a fraction of an object, is spilled to disk and loaded back
with :mod:`marshal`, and the objects are built once per patient
(``legrules.fhir.read.assemble``) without validating again what the reader has just
checked.  A row holds an effective time as its ISO 8601 text, which
:attr:`Settings.times` turns back into the very same date-time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs

from legrules.fhir.codes import Terminology
from legrules.fhir.read.elements import Resource, parse_datetime
from legrules.fhir.versions import Semantics
from legrules.model import Category, Concept, Policy, Sex, concept
from legrules.model.trusted import FindingRow, MeasurementRow

__all__ = ["Collected", "FindingRow", "MeasurementRow", "Settings", "Times", "stamp"]

#: Everything a part of a patient's resources produced, as builtins (see ``state``):
#: lists, or empty tuples for what a collection never recorded.
State = tuple[list[Any], list[Any], list[Any], Sequence[str], Sequence[Any], Sequence[Any]]
#: An age Observation: (effective time as text, years, label).
AgeRow = tuple[str | None, int, str]
#: An onset Observation: (effective time as text, onset as text).
OnsetRow = tuple[str | None, str]

# Distinct effective times remembered per read: bulk data repeats them (a panel's
# readings, a day's vital signs), and parsing costs more than a look-up.
_TIMES = 4096


class Times(dict[str, datetime]):
    """Date-times by their text, parsed on first use (a bounded cache, per read)."""

    def __missing__(self, text: str) -> datetime:
        found = parse_datetime(text)
        if len(self) >= _TIMES:
            self.clear()
        self[text] = found
        return found


def stamp(when: datetime | None) -> str | None:
    """The text a row holds for *when*; ``Settings.times[stamp(when)] == when``."""
    return None if when is None else when.isoformat()


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
    #: :func:`~legrules.fhir.read.elements.parse_datetime` of a text, remembered: ``times[text]``.
    times: Times = attrs.field(factory=Times, init=False, eq=False)

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


class Collected:
    """Everything read from some of one patient's resources, before it becomes a presentation.

    Findings and measurements are rows (:data:`FindingRow`, :data:`MeasurementRow`) of
    values that have passed the checks of :mod:`legrules.model.checks`; ``ignored``
    holds (reference, reason) pairs; times are texts (see the module).  A plain class
    rather than attrs: the streaming reader makes one or two per run of resources, and
    an attrs ``__init__`` setting every field cost several times as much.  Ages and
    onsets are added with :meth:`add_age` and :meth:`add_onset`.
    """

    # The patient's details, warnings, ages and onsets are class defaults (the lists an
    # empty tuple) until a collection sets its own, in its ``__dict__``, made only then:
    # few collections read a Patient, warn or read an age, and an interleaved export
    # makes a collection per patient per window, mostly for one or two rows (fewer
    # objects for the garbage collector to walk while the window is held).
    __slots__ = ("__dict__", "findings", "ignored", "measurements")

    patient_id: str | None = None
    saw_patient: bool = False
    sex: Sex | None = None
    birth_date: str | None = None
    birth_label: str = "Patient"
    #: Patient elements its copies disagree on.
    disputed: frozenset[str] = frozenset()
    _warned: set[str] | None = None  # a set: a list scan per warning is quadratic
    warnings: list[str] | tuple[()] = ()
    ages: list[AgeRow] | tuple[()] = ()  # add with add_age
    onsets: list[OnsetRow] | tuple[()] = ()  # add with add_onset

    def __init__(self) -> None:
        self.findings: list[FindingRow] = []
        self.measurements: list[MeasurementRow] = []
        self.ignored: list[tuple[str, str]] = []

    def ignore(self, reference: str, reason: str) -> None:
        """List *reference* as deliberately not used, with the reason."""
        self.ignored.append((reference, reason))

    def warn(self, message: str) -> None:
        """Record a warning for the caller (once)."""
        warned = self._warned
        if warned is None:
            warned = self._warned = set()
        elif message in warned:
            return
        warned.add(message)
        if isinstance(self.warnings, list):
            self.warnings.append(message)
        else:
            self.warnings = [message]

    def add_age(self, row: AgeRow) -> None:
        """Record an age Observation's (effective, years, label)."""
        if isinstance(self.ages, list):
            self.ages.append(row)
        else:
            self.ages = [row]

    def add_onset(self, row: OnsetRow) -> None:
        """Record an onset Observation's (effective, onset)."""
        if isinstance(self.onsets, list):
            self.onsets.append(row)
        else:
            self.onsets = [row]

    def empty(self) -> bool:
        """Whether nothing has been recorded (the patient's details aside)."""
        return not (
            self.findings
            or self.measurements
            or self.ignored
            or self.warnings
            or self.ages
            or self.onsets
        )

    def mark(self) -> tuple[int, int, int, int, int, int]:
        """Where each list ends now, to :meth:`undo` what is recorded after."""
        return (
            len(self.findings),
            len(self.measurements),
            len(self.ignored),
            len(self.warnings),
            len(self.ages),
            len(self.onsets),
        )

    def undo(self, mark: tuple[int, int, int, int, int, int]) -> None:
        """Take back everything recorded since :meth:`mark` gave *mark*."""
        findings, measurements, ignored, warnings, ages, onsets = mark
        if self._warned:
            self._warned.difference_update(self.warnings[warnings:])  # all new since the mark
        del self.findings[findings:], self.measurements[measurements:], self.ignored[ignored:]
        self.cut(warnings, ages, onsets)

    def cut(self, warnings: int, ages: int, onsets: int) -> None:
        """Keep only the first *warnings* warnings, *ages* ages and *onsets* onsets."""
        if isinstance(self.warnings, list):
            del self.warnings[warnings:]
        if isinstance(self.ages, list):
            del self.ages[ages:]
        if isinstance(self.onsets, list):
            del self.onsets[onsets:]

    def merge(self, part: Collected) -> None:
        """Add what *part* (read from this patient's later resources) collected.

        Only the facts, reasons, warnings, ages and onsets: the patient's own details come
        from Patient resources, which are always read into the patient's collection.
        """
        self.absorb(part.state())

    def absorb(self, state: State) -> None:
        """Add what a later collection's :meth:`state` holds, as :meth:`merge` does."""
        findings, measurements, ignored, warnings, ages, onsets = state
        self.findings += findings
        self.measurements += measurements
        self.ignored += ignored
        if ages:
            self.ages = [*self.ages, *ages]
        if onsets:
            self.onsets = [*self.onsets, *onsets]
        for message in warnings:
            self.warn(message)

    def state(self) -> State:
        """What :meth:`merge` takes, as builtins (to spill to disk)."""
        return (
            self.findings,
            self.measurements,
            self.ignored,
            self.warnings,
            self.ages,
            self.onsets,
        )

    @classmethod
    def restore(cls, state: State) -> Collected:
        """The collection :meth:`state` described."""
        part = cls()
        findings, measurements, ignored, warnings, ages, onsets = state
        part.findings, part.measurements, part.ignored = findings, measurements, ignored
        if warnings:  # the others stay the class's empty defaults
            part.warnings = list(warnings)
            part._warned = set(warnings)
        if ages:
            part.ages = list(ages)
        if onsets:
            part.onsets = list(onsets)
        return part
