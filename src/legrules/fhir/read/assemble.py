"""One patient's collected rows -> the presentation the reader returns.

Everything that needs the whole patient happens here, once all of the patient's
resources have been read: the age (a Patient's birthDate may come after the
Observations), conflicting reports and the latest onset.  The facts are built with the
model's trusted constructors: every row holds values that passed the checks of
:mod:`legrules.model.checks` when they were read.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import attrs

from legrules.errors import FHIRInputError, InputError
from legrules.fhir.read.context import Collected, Settings
from legrules.fhir.read.elements import parse_date
from legrules.model import (
    Finding,
    IgnoredInput,
    Laterality,
    Patient,
    Presence,
    Presentation,
    trusted,
)

__all__ = ["ReadResult", "assemble"]


@attrs.frozen
class ReadResult:
    """One patient's presentation, and what the reader left out and why.

    ``ignored`` (also in ``presentation.ignored``, so the assessment trace lists it)
    names every resource not used with the reason; ``warnings`` are notes for the
    integration log (an observation dated after ``as_of``, conflicting reports, an
    age that could not be worked out exactly).  Every list has a canonical order that
    depends on the content alone, never on the order of the input: the same resources
    in any order give an equal result (and byte-identical written Bundles).
    """

    presentation: Presentation
    ignored: tuple[IgnoredInput, ...] = ()
    warnings: tuple[str, ...] = ()


def assemble(key: str | None, out: Collected, settings: Settings) -> ReadResult:
    """The result for the patient *key* names (``None``: resources with no subject)."""
    subject = key[len("Patient/") :] if key and key.startswith("Patient/") else None
    patient_id = out.patient_id or subject
    try:
        patient = Patient(patient_id, _age(out, settings), out.sex)
    except InputError as error:
        raise FHIRInputError(error.message, f"{out.birth_label}.birthDate") from None
    # Sorted only now: working out the age may leave a birthDate or an age Observation out.
    ignored = tuple(trusted.ignored(sorted(out.ignored)))
    times = settings.times
    found = trusted.findings(_sorted_findings(out.findings), times) if out.findings else []
    if found:
        _note_conflicts(found, out)
    # as_of was checked by the read's options; onsets are parsed, so time-zone aware.
    measured = trusted.measurements(_sorted_measurements(out.measurements), times)
    onset = _onset(out, settings) if out.onsets else None
    presentation = trusted.presentation(patient, found, measured, onset, settings.as_of, ignored)
    return ReadResult(presentation, ignored, tuple(sorted(out.warnings)))


def _canonical(row: tuple[Any, ...]) -> tuple[str, ...]:
    """A sort key for a fact row that depends on its content only (``None`` first).

    The definition; :func:`_finding_key` and :func:`_measurement_key` give the same key
    faster (a test compares them).
    """
    return tuple(["" if value is None else f"~{value}" for value in row])


class _Texts(dict[Any, str]):
    """The key texts of strings, made once each: rows repeat ids, states, units, times."""

    def __missing__(self, value: Any) -> str:
        text = "" if value is None else f"~{value}"
        if value.__class__ is str:  # only strings: 1, 1.0 and True are one key to a dict
            if len(self) >= _TEXTS_KEPT:
                self.clear()
                self[None] = ""
            self[value] = text
        return text


_TEXTS_KEPT = 1024
_TEXTS = _Texts({None: ""})


def _once(value: Any) -> str:
    """The key text of a value met once (a reference): not kept."""
    if value.__class__ is str:
        return "~" + value
    return "" if value is None else f"~{value}"


def _flag(value: Any) -> str:
    return "~True" if value is True else "~False" if value is False else _TEXTS[value]


def _finding_key(row: tuple[Any, ...]) -> tuple[str, ...]:
    """``_canonical(row)`` for a finding row."""
    cid, state, side, reference, preliminary, text = row
    texts = _TEXTS
    return (
        texts[cid],
        texts[state],
        texts[side],
        _once(reference),
        _flag(preliminary),
        texts[text],
    )


def _measurement_key(row: tuple[Any, ...]) -> tuple[str, ...]:
    """``_canonical(row)`` for a measurement row."""
    cid, value, unit, side, reference, preliminary, text = row
    texts = _TEXTS
    return (
        texts[cid],
        "" if value is None else f"~{value}",
        texts[unit],
        texts[side],
        _once(reference),
        _flag(preliminary),
        texts[text],
    )


def _sorted_findings(rows: list[Any]) -> list[Any]:
    """A patient's own finding rows, sorted in place in the canonical order (:func:`_canonical`).

    Sorted as they are first, by the C comparison of tuples: rows hold strings,
    booleans and ``None`` in fixed columns, and two strings (or two booleans) compare
    as their key texts do, ``"~" + text``, equal or not.  So wherever that sort
    compares a column it decides as the canonical key would, except where it meets
    ``None`` beside a value: that raises, and the rows are sorted by the key instead
    (rows left half sorted do not matter: rows with equal keys are equal).
    """
    try:
        rows.sort()
    except TypeError:  # None beside a value: the key texts put None first
        rows.sort(key=_finding_key)
    return rows


def _sorted_measurements(rows: list[Any]) -> list[Any]:
    """A patient's own measurement rows, sorted in place in the canonical order.

    As :func:`_sorted_findings`, with the value, a number, compared as its key text.
    """
    try:
        rows.sort(key=_measurement_order)
    except TypeError:
        rows.sort(key=_measurement_key)
    return rows


def _measurement_order(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A sort key that orders measurement rows as :func:`_canonical` does, or raises.

    The value as its key text, the other columns as they are (see
    :func:`_sorted_findings`): comparing ``None`` with a value raises.
    """
    cid, value, unit, side, reference, preliminary, text = row
    if value.__class__ is float and value:  # 0.0 and -0.0: equal keys, written apart
        shown = _VALUES[value]
    else:
        shown = "" if value is None else f"~{value}"
    return (cid, shown, unit, side, reference, preliminary, text)


class _ValueTexts(dict[float, str]):
    """The key texts of non-zero floats, made once each.

    Writing a float costs more than the rest of its row's key, and measured values
    repeat.  Equal non-zero floats are written alike (a NaN is found only as the very
    same object); 0.0 and -0.0 are equal keys, so zeros are not kept here.
    """

    def __missing__(self, value: float) -> str:
        if len(self) >= _TEXTS_KEPT:
            self.clear()
        text = self[value] = f"~{value}"
        return text


_VALUES = _ValueTexts()


def _years(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _age(out: Collected, settings: Settings) -> int | None:
    """Age at ``as_of`` from birthDate (exact days only), else an age Observation."""
    day = settings.as_of.date()
    if out.birth_date is not None:
        earliest, latest = parse_date(out.birth_date)
        if earliest > day:
            _unused(out, out.birth_label, f"birthDate {out.birth_date} is after as_of; age unknown")
            return None
        young, old = _years(latest, day), _years(earliest, day)
        if young == old:
            return young
        reason = f"birthDate {out.birth_date} gives an age of {young} or {old} at as_of"
        _unused(out, out.birth_label, f"{reason}; age left unknown")
        return None
    if not out.ages:
        return None
    times, as_of = settings.times, settings.as_of
    ages = [
        (None if text is None else times[text], value, label) for text, value, label in out.ages
    ]
    when, value, label = max(ages, key=lambda a: (a[0] or as_of, a[1], a[2]))
    if when is not None and when != settings.as_of:
        reason = f"age {value} was recorded {when.isoformat()}, not at as_of; age left unknown"
        _unused(out, label, reason)
        return None
    return value


def _unused(out: Collected, label: str, reason: str) -> None:
    """An element the reader read but cannot use: listed as ignored, and a warning."""
    out.ignore(label, reason)
    out.warn(f"{label}: {reason}")


def _onset(out: Collected, settings: Settings) -> datetime | None:
    """The onset the latest onset Observation states (on a tie, the latest stated onset)."""
    times, as_of = settings.times, settings.as_of
    onsets = sorted(
        ((as_of if at is None else times[at], onset) for at, onset in out.onsets),
        key=lambda o: (o[0], o[1]),
    )
    return times[onsets[-1][1]] if onsets else None


def _note_conflicts(found: list[Finding], out: Collected) -> None:
    """Warn of each finding stated in two ways (present, absent) at one time and side.

    The first state of each finding (by id, side and effective time) is kept, and a
    finding is conflicting when another state shows: states are compared by identity
    (a set of them hashed each enumeration member with a Python call, a sixth of
    building the findings).  Warnings come in order of first appearance.
    """
    first: dict[tuple[str, Laterality | None, Any], Presence] = {}
    conflicting: set[tuple[str, Laterality | None, Any]] = set()
    unknown = Presence.UNKNOWN
    for finding in found:
        state = finding.state
        if state is not unknown:
            key = (finding.id, finding.laterality, finding.effective)
            if first.setdefault(key, state) is not state:
                conflicting.add(key)
    if not conflicting:
        return
    for fid, side, when in [key for key in first if key in conflicting]:
        where = f" ({side.value})" if side else ""
        at = when.isoformat() if when else "an unstated time"
        out.warn(f"conflicting reports of {fid}{where} at {at}; the rules read it as present")
