"""The usual Observation, read in one function: the shape bulk exports are made of.

A final (or amended, corrected, preliminary) Observation with an ``effectiveDateTime``,
a ``code`` whose codings name a quantity concept, and a UCUM ``valueQuantity``, or name
a yes/no finding, and a ``valueBoolean``, a ``valueCodeableConcept`` whose codings
state one of Present, Yes, Absent or No, or no value at all (the finding is present);
perhaps with a ``bodySite`` whose codings name the side (SNOMED CT left, right, right
and left: the side of a concept that takes one); with no ``component``,
``valueInteger`` or ``dataAbsentReason``.  One older than its concept's look-back is
ignored with the general reader's reason whatever its value; so is one whose status
says it does not count (``entered-in-error``, ``cancelled``, ...), whatever else it
holds, as the general reader ignores it before reading anything else.  For such a resource
:meth:`UsualReader.read` records exactly the row (or the reason) that
:func:`~legrules.fhir.read.observations.read_observation` would, with the same checks (the
plausible range from :data:`legrules.model.checks.RANGES`), at a fraction of the cost:
no :class:`~legrules.fhir.read.elements.Resource`, no per-element accessor calls.  For
anything else (another shape, a value that fails a check, an observation too old or
too late) it records nothing and answers ``False``, and the general reader takes the
resource, with its errors, warnings and reasons.  A test reads many variants both ways
and compares.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from legrules.fhir.codes import UCUM, Terminology
from legrules.fhir.read.context import Collected, Settings
from legrules.fhir.read.elements import JSON
from legrules.fhir.read.observations import too_old
from legrules.model import Kind, Laterality, Policy, Presence, concept
from legrules.model.checks import RANGES

__all__ = ["UsualReader"]

# The statuses that count, and whether each marks the facts preliminary.
_PRELIMINARY: dict[object, bool] = {
    "final": False,
    "amended": False,
    "corrected": False,
    "preliminary": True,
}
# The statuses of an Observation that does not count: the general reader lists it as
# ignored (``status <status>``) before it reads anything else (``_IGNORED`` there; a
# test checks that the two sets agree).
_IGNORED = frozenset({"registered", "cancelled", "entered-in-error", "unknown"})
# Elements that make an Observation other than usual, ``component``, ``valueInteger``
# and ``dataAbsentReason`` (a null one too: the general reader decides what that
# means), are looked up one by one in UsualReader.read: three look-ups cost less than
# a set's test of every element name.
# What a code says, for the quick path: the concept's id, the earliest effective time
# still counted, the unit annotation the code implies (D-dimer FEU or DDU), the
# plausible range of each unit a quantity accepts (``None`` for a yes/no finding), the
# reason an observation older than the look-back is ignored, and whether the concept
# takes a side (a bodySite's side is dropped for one that does not).
_Quick = tuple[
    str, datetime | None, str | None, dict[str, tuple[float, float, str]] | None, str, bool
]
# What a code says whatever the instant: _Quick with the look-back's length (``None``:
# no limit) in place of its earliest time.
_Meaning = tuple[
    str, timedelta | None, str | None, dict[str, tuple[float, float, str]] | None, str, bool
]
# The meanings, shared by the read calls of one terminology and policy: a service reads
# a small prefetch per call, and looking its codes up anew each time was a tenth of the
# reading.  Keyed by the terminology's id (it holds dicts, so it has no hash) and kept
# with it, so that the id cannot be another's; cleared when many have been seen.
_SHARED: dict[tuple[int, Policy], tuple[Terminology, dict[Any, _Meaning | None]]] = {}
_SHARED_MAX = 16
# A unit not in a quantity's table: no value is in range.
_NO_UNIT = (1.0, 0.0, "")
_TIMES = 4096
# Tuples of element names remembered, with whether valueBoolean is the one element
# named value... (any other is a value the general reader reads).
_SHAPES = 256


class UsualReader:
    """Reads usual Observations for one read call (its caches live as long as the call)."""

    __slots__ = (
        "_as_of",
        "_by_code",
        "_codes",
        "_meanings",
        "_quick",
        "_settings",
        "_shapes",
        "_sides",
        "_states",
        "_times",
        "_when",
    )

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._as_of = _utc(settings.as_of)  # compared only (see _utc)
        self._times = settings.times
        self._when: dict[str, tuple[datetime, str]] = {}
        self._codes = settings.terms.codes
        self._states = settings.terms.value_state
        self._sides = settings.terms.sides
        # By (system, code), only for codes the terminology maps, so it stays small.
        self._quick: dict[tuple[str | None, str | None], _Quick | None] = {}
        # The same by code alone, with its system, for the one coding most codes have:
        # one short string hashed rather than a tuple of two.
        self._by_code: dict[object, tuple[object, _Quick]] = {}
        self._shapes: dict[tuple[str, ...], bool] = {}
        self._meanings = _shared(settings.terms, settings.policy)

    def read(self, data: JSON, out: Collected) -> bool:
        """Record the measurement of *data*, if it has the usual shape (see the module).

        Elements are subscripted, not fetched with ``.get()``: a missing one, or a parent
        that is not an object, raises and makes the resource unusual; so does a status or
        code that is an object or array (not hashable).  One function, for speed.
        """
        try:
            status = data["status"]
            if (preliminary := _PRELIMINARY.get(status)) is None:
                return _not_counted(data, status, out)
            text = data["effectiveDateTime"]
            if text.__class__ is not str or "component" in data or "valueInteger" in data:
                return False
            if "dataAbsentReason" in data:
                return False
            known = self._when.get(text)
            if known is None and (known := self._time(text)) is None:
                return False
            when, text = known  # the text as one shared string (see _time)
            codings, rid = data["code"]["coding"], data["id"]
            if when > self._as_of or codings.__class__ is not list or rid.__class__ is not str:
                return False
            quick = None
            if len(codings) == 1:  # the usual case; _meaning takes any other
                coding = codings[0]
                code = coding["code"]
                seen = self._by_code.get(code)
                if seen is not None and seen[0] == coding["system"]:
                    quick = seen[1]
                else:
                    quick = self._single(coding["system"], code)
            if (quick is None and (quick := self._meaning(codings)) is None) or not rid:
                return False
            cid, earliest, annotation, bounds, old, lateral = quick
            side = None
            # The side is read before the look-back, as the general reader reads it: a
            # bodySite it refuses makes even an old observation an error there.
            if "bodySite" in data and (side := _side(data["bodySite"], self._sides)) is None:
                return False
            if earliest is not None and when < earliest:
                out.ignored.append(("Observation/" + rid, old))  # its value is not even read
                return True
            side_value = side.value if lateral and side is not None else None
            if bounds is None:
                flag = data.get("valueBoolean")
                if flag.__class__ is bool and (
                    # _boolean_only, its memo looked up in line (the bulk of findings)
                    self._shapes.get(keys := tuple(data)) or self._boolean_only(keys)
                ):
                    state = "present" if flag else "absent"
                    row = (cid, state, side_value, "Observation/" + rid, preliminary, text)
                    out.findings.append(row)
                    return True
                source = ("Observation/" + rid, preliminary, text)
                return _finding(data, (cid, side_value), source, self._states, out)
            quantity = data["valueQuantity"]
            value, unit = quantity["value"], quantity["code"]
            if value.__class__ is bool or quantity["system"] != UCUM:
                return False  # a boolean compares as a number: the range check would take it
            if annotation is not None:
                if "{" in unit:
                    return False  # the general reader checks that it agrees with the code
                unit += annotation
            low, high, unit = bounds.get(unit) or _NO_UNIT  # none: a unit not accepted
            if not low <= value <= high:  # also NaN and infinities
                return False
        except (KeyError, TypeError):  # a missing element, or one of another JSON type
            return False
        measured = (cid, float(value), unit, side_value, "Observation/" + rid, preliminary, text)
        out.measurements.append(measured)
        return True

    def _boolean_only(self, keys: tuple[str, ...]) -> bool:
        """Whether ``valueBoolean`` is the one of a resource's element *keys* named ``value...``.

        Remembered per tuple of element names: an export writes each kind of resource
        with the same few, and a look-up costs less than testing each name.
        """
        found = self._shapes.get(keys)
        if found is None:
            if len(self._shapes) >= _SHAPES:
                self._shapes.clear()
            values = [key for key in keys if key.startswith("value")]
            found = self._shapes[keys] = values == ["valueBoolean"]
        return found

    def _single(self, system: object, code: object) -> _Quick | None:
        """What the one coding *system* and *code* says, remembered by its code."""
        quick = self._quick.get((system, code))  # type: ignore[arg-type]
        if quick is not None:
            self._by_code[code] = (system, quick)
        return quick

    def _time(self, text: str) -> tuple[datetime, str] | None:
        """The date-time *text* means, and the text itself, to share with later rows.

        Rows of one patient repeat a few times and units: kept as one shared string
        each, they are spilled once per run and looked up with their hash cached.
        """
        try:
            when = self._times[text]
        except ValueError:
            return None
        if len(self._when) >= _TIMES:
            self._when.clear()
        found = self._when[text] = (_utc(when), text)
        return found

    def _meaning(self, codings: list[object]) -> _Quick | None:
        """What the first mapped coding says, if every coding is well formed."""
        found: _Quick | None = None
        mapped = False
        for coding in codings:
            key = _system_code(coding)
            if key is None:
                return None
            if not mapped:
                found = self._quick.get(key)
                if found is not None or key in self._quick:
                    mapped = True
                elif key in self._codes:
                    found = self._quick[key] = self._lookup(key)
                    mapped = True
        return found

    def _lookup(self, key: tuple[str | None, str | None]) -> _Quick | None:
        """What a mapped code says at this read's ``as_of`` (its shared meaning, dated)."""
        meanings = self._meanings
        meaning = (
            meanings[key] if key in meanings else meanings.setdefault(key, self._meaning_of(key))
        )
        if meaning is None:
            return None
        cid, window, annotation, bounds, old, lateral = meaning
        try:  # as Settings.lookback dates a look-back
            earliest = None if window is None else self._as_of - window
        except OverflowError:  # as_of within the window of year 1: nothing is older
            earliest = None
        return cid, earliest, annotation, bounds, old, lateral

    def _meaning_of(self, key: tuple[str | None, str | None]) -> _Meaning | None:
        mapping = self._codes[key]  # type: ignore[index]
        spec = concept(mapping.finding)
        window = self._settings.window(spec)
        old = "" if window is None else too_old(spec, self._settings)
        if spec.kind is Kind.QUANTITY:
            bounds = _BOUNDS[spec.id]
            return spec.id, window, mapping.unit_annotation, bounds, old, spec.lateral
        if mapping.asserts is Presence.PRESENT:  # a code asserting otherwise: general path
            return spec.id, window, None, None, old, spec.lateral
        return None


def _utc(when: datetime) -> datetime:
    """*when* in UTC, the same instant, for comparing: the reader only compares its times.

    Aware date-times with different ``tzinfo`` objects compare by instant, but each
    comparison then works out both offsets, some seventy times the cost of comparing
    two in UTC (an export written with local offsets, or an ``as_of`` with one, compares
    every Observation's time twice).  One that cannot be moved (year 1 or 9999) is kept.
    """
    if when.tzinfo is UTC:
        return when
    try:
        return when.astimezone(UTC)
    except OverflowError:
        return when


def _shared(terms: Terminology, policy: Policy) -> dict[Any, _Meaning | None]:
    """The code meanings shared by the read calls with this terminology and policy."""
    key = (id(terms), policy)
    found = _SHARED.get(key)
    if found is None or found[0] is not terms:
        if len(_SHARED) >= _SHARED_MAX:
            _SHARED.clear()
        found = _SHARED[key] = (terms, {})
    return found[1]


def _not_counted(data: JSON, status: object, out: Collected) -> bool:
    """List *data* as ignored if its *status* does not count (the general reader's reason)."""
    rid = data.get("id")
    if status.__class__ is not str or status not in _IGNORED or rid.__class__ is not str:
        return False
    if not rid:
        return False
    out.ignore("Observation/" + rid, "status " + status)
    return True


def _side(site: object, sides: Mapping[tuple[str, str], Laterality]) -> Laterality | None:
    """The side a ``bodySite`` names: its first coding that names one, all well formed.

    ``None`` (the general reader takes the resource) for a site that names no side or
    that the general reader would refuse or explain.
    """
    if site.__class__ is not dict:
        return None
    codings = site.get("coding")
    if codings.__class__ is not list:
        return None
    found = None
    for coding in codings:
        pair = _system_code(coding)
        if pair is None:
            return None  # the general reader checks every coding, then picks the side
        if found is None:
            system, code = pair
            found = sides.get((system or "", code or ""))
    return found


def _finding(
    data: JSON,
    fact: tuple[str, str | None],
    source: tuple[str, bool, str],
    states: Callable[[str | None, str | None], Presence | None],
    out: Collected,
) -> bool:
    """Record the yes/no finding *data* states, if it states it the usual way.

    In one ``valueBoolean`` or coded value, or with no value at all (present, as the
    general reader reads it).  *fact* is the concept's id and the side recorded with it.
    """
    flag = data.get("valueBoolean")
    if flag.__class__ is bool:
        state, kept = "present" if flag else "absent", "valueBoolean"
    elif flag is not None:
        return False
    elif (concept := data.get("valueCodeableConcept")) is not None:
        found = _coded(concept, states)
        if found is None:
            return False
        state, kept = found, "valueCodeableConcept"
    else:  # no value of these two; the loop below makes sure there is none at all
        state, kept = "present", ""
    for key, value in data.items():
        if key.startswith("value") and key != kept and value is not None:
            return False  # several values, or another: the general reader reads them
    reference, preliminary, text = source
    cid, side = fact
    out.findings.append((cid, state, side, reference, preliminary, text))
    return True


def _coded(
    concept: object, states: Callable[[str | None, str | None], Presence | None]
) -> str | None:
    """The one state well-formed codings of *concept* agree on (Present, Absent), if any.

    Anything the general reader would refuse or explain (not an object, a coding that is
    not, codes of no state or of both) answers ``None``, and the general reader reads it.
    """
    if concept.__class__ is not dict:
        return None
    codings = concept.get("coding")
    if codings.__class__ is not list:
        return None
    found: set[Presence] = set()
    for coding in codings:
        pair = _system_code(coding)
        if pair is None:
            return None
        state = states(*pair)
        if state is not None:
            found.add(state)
    return found.pop().value if len(found) == 1 else None


def _system_code(coding: object) -> tuple[str | None, str | None] | None:
    """A well-formed coding's ``(system, code)``; ``None`` for one the general reader explains."""
    if coding.__class__ is not dict:
        return None
    system, code = coding.get("system"), coding.get("code")
    if (system is not None and system.__class__ is not str) or (
        code is not None and code.__class__ is not str
    ):
        return None
    return system, code


# The plausible range of each quantity by unit, per concept (from the model's table).
_BOUNDS: dict[str, dict[str, tuple[float, float, str]]] = {}
for (_cid, _unit), (_low, _high) in RANGES.items():
    _BOUNDS.setdefault(_cid, {})[_unit] = (_low, _high, _unit)
