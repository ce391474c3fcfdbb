"""The usual Observation, read in one function: the shape bulk exports are made of.

A final (or amended, corrected, preliminary) Observation with an ``effectiveDateTime``,
a ``code`` whose codings name a quantity concept, and a UCUM ``valueQuantity``, or name
a yes/no finding, and a ``valueBoolean`` or a ``valueCodeableConcept`` whose codings
state one of Present, Yes, Absent or No; with no ``bodySite``, ``component``,
``valueInteger`` or ``dataAbsentReason``.  One older than its concept's look-back is
ignored with the general reader's reason whatever its value.  For such a resource
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

from collections.abc import Callable
from datetime import datetime

from legrules.fhir.codes import UCUM
from legrules.fhir.read.context import Collected, Settings
from legrules.fhir.read.elements import JSON
from legrules.fhir.read.observations import too_old
from legrules.model import Kind, Presence
from legrules.model.checks import RANGES

__all__ = ["UsualReader"]

# The statuses that count, and whether each marks the facts preliminary.
_PRELIMINARY: dict[object, bool] = {
    "final": False,
    "amended": False,
    "corrected": False,
    "preliminary": True,
}
# Elements that make an Observation other than usual (a null dataAbsentReason too:
# the general reader decides what that means).
_ODD = frozenset({"component", "bodySite", "valueInteger", "dataAbsentReason"})
# What a code says, for the quick path: the concept's id, the earliest effective time
# still counted, the unit annotation the code implies (D-dimer FEU or DDU), the
# plausible range of each unit a quantity accepts (``None`` for a yes/no finding), and
# the reason an observation older than the look-back is ignored.
_Quick = tuple[str, datetime | None, str | None, dict[str, tuple[float, float, str]] | None, str]
# A unit not in a quantity's table: no value is in range.
_NO_UNIT = (1.0, 0.0, "")
_TIMES = 4096


class UsualReader:
    """Reads usual Observations for one read call (its caches live as long as the call)."""

    __slots__ = ("_as_of", "_codes", "_quick", "_settings", "_states", "_times", "_when")

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._as_of = settings.as_of
        self._times = settings.times
        self._when: dict[str, tuple[datetime, str]] = {}
        self._codes = settings.terms.codes
        self._states = settings.terms.value_state
        # By (system, code), only for codes the terminology maps, so it stays small.
        self._quick: dict[tuple[str | None, str | None], _Quick | None] = {}

    def read(self, data: JSON, out: Collected) -> bool:
        """Record the measurement of *data*, if it has the usual shape (see the module).

        Elements are subscripted, not fetched with ``.get()``: a missing one, or a parent
        that is not an object, raises and makes the resource unusual; so does a status or
        code that is an object or array (not hashable).  One function, for speed.
        """
        try:
            text, preliminary = data["effectiveDateTime"], _PRELIMINARY.get(data["status"])
            if preliminary is None or text.__class__ is not str or not _ODD.isdisjoint(data):
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
                quick = self._quick.get((coding["system"], coding["code"]))
            if (quick is None and (quick := self._meaning(codings)) is None) or not rid:
                return False
            cid, earliest, annotation, bounds, old = quick
            if earliest is not None and when < earliest:
                out.ignore("Observation/" + rid, old)  # its value is not even read
                return True
            if bounds is None:
                source = ("Observation/" + rid, preliminary, text)
                return _finding(data, cid, source, self._states, out)
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
        row = (cid, float(value), unit, None, "Observation/" + rid, preliminary, text)
        out.measurements.append(row)
        return True

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
        found = self._when[text] = (when, text)
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
        mapping = self._codes[key]  # type: ignore[index]
        spec, earliest = self._settings.lookback(mapping.finding)
        old = "" if earliest is None else too_old(spec, self._settings)
        if spec.kind is Kind.QUANTITY:
            return spec.id, earliest, mapping.unit_annotation, _BOUNDS[spec.id], old
        if mapping.asserts is Presence.PRESENT:  # a code asserting otherwise: general path
            return spec.id, earliest, None, None, old
        return None


def _finding(
    data: JSON,
    cid: str,
    source: tuple[str, bool, str],
    states: Callable[[str | None, str | None], Presence | None],
    out: Collected,
) -> bool:
    """Record the yes/no finding *data* states in one ``valueBoolean`` or coded value."""
    flag = data.get("valueBoolean")
    if flag.__class__ is bool:
        state, kept = "present" if flag else "absent", "valueBoolean"
    elif "valueBoolean" not in data:
        found = _coded(data.get("valueCodeableConcept"), states)
        if found is None:
            return False
        state, kept = found, "valueCodeableConcept"
    else:
        return False
    for key, value in data.items():
        if key.startswith("value") and key != kept and value is not None:
            return False  # several values: the general reader says why it skips them
    reference, preliminary, text = source
    out.findings.append((cid, state, None, reference, preliminary, text))
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
