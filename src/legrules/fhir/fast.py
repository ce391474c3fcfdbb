"""The usual Observation, read in one function: the shape bulk exports are made of.

A final (or amended, corrected, preliminary) Observation with an ``effectiveDateTime``,
a ``code`` whose codings name a quantity concept, and a UCUM ``valueQuantity``, with no
``bodySite``, ``component``, ``valueInteger`` or ``dataAbsentReason``.  For such a
resource :func:`read_usual` records exactly the measurement row that
:func:`~legrules.fhir.observations.read_observation` would, with the same checks (the
plausible range from :data:`legrules.model.checks.RANGES`), at a fraction of the cost:
no :class:`~legrules.fhir.elements.Resource`, no per-element accessor calls.  For
anything else (another shape, a value that fails a check, an observation too old or
too late) it records nothing and answers ``False``, and the general reader takes the
resource, with its errors, warnings and reasons.  A test reads many variants both ways
and compares.
"""

from __future__ import annotations

import sys
from datetime import datetime

from legrules.fhir.codes import UCUM
from legrules.fhir.context import Collected, Settings
from legrules.fhir.elements import JSON
from legrules.model import Kind
from legrules.model.checks import RANGES

__all__ = ["UsualReader"]

_COUNTS = frozenset({"final", "amended", "corrected", "preliminary"})
_LARGEST = sys.float_info.max
# What a code says, for the quick path: the quantity's id, the earliest effective time
# still counted, and the unit annotation the code implies (D-dimer FEU or DDU).
_Quick = tuple[str, datetime | None, str | None]


class UsualReader:
    """Reads usual Observations for one read call (its caches live as long as the call)."""

    __slots__ = ("_codes", "_quick", "_settings")

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._codes = settings.terms.codes
        # By (system, code), only for codes the terminology maps, so it stays small.
        self._quick: dict[tuple[str | None, str | None], _Quick | None] = {}

    def read(self, data: JSON, out: Collected) -> bool:
        """Record the measurement of *data*, if it has the usual shape (see the module)."""
        status = data.get("status")
        text = data.get("effectiveDateTime")
        if (
            status.__class__ is not str
            or status not in _COUNTS
            or text.__class__ is not str
            or "component" in data
            or "bodySite" in data
            or "valueInteger" in data
            or data.get("dataAbsentReason") is not None
        ):
            return False
        settings = self._settings
        when = settings.times.get(text)
        if when is None:
            try:
                when = settings.times[text]
            except ValueError:
                return False
        quick = self._meaning(data.get("code"))
        rid = data.get("id")
        if when > settings.as_of or quick is None or rid.__class__ is not str or not rid:
            return False
        cid, earliest, annotation = quick
        if earliest is not None and when < earliest:
            return False
        reading = _reading(data.get("valueQuantity"), cid, annotation)
        if reading is None:
            return False
        value, unit = reading
        out.measurements.append(
            (cid, value, unit, None, "Observation/" + rid, status == "preliminary", text)
        )
        return True

    def _meaning(self, code: object) -> _Quick | None:
        """What the first mapped coding of *code* says, if every coding is well formed."""
        if code.__class__ is not dict:
            return None
        codings = code.get("coding")
        if codings.__class__ is not list:
            return None
        found: _Quick | None = None
        mapped = False
        for coding in codings:
            if coding.__class__ is not dict:
                return None
            system, value = coding.get("system"), coding.get("code")
            if (system is not None and system.__class__ is not str) or (
                value is not None and value.__class__ is not str
            ):
                return None
            if not mapped:
                key = (system, value)
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
        if spec.kind is not Kind.QUANTITY:
            return None
        return spec.id, earliest, mapping.unit_annotation


def _reading(quantity: object, cid: str, annotation: str | None) -> tuple[float, str] | None:
    """The value and unit of a UCUM quantity that passes every check, else ``None``."""
    if quantity.__class__ is not dict:
        return None
    value, unit = quantity.get("value"), quantity.get("code")
    if (
        (value.__class__ is not float and value.__class__ is not int)
        or unit.__class__ is not str
        or quantity.get("system") != UCUM
        or not -_LARGEST <= value <= _LARGEST  # finite (math.isfinite overflows on huge ints)
    ):
        return None
    if annotation is not None:
        if "{" in unit:
            return None  # the general reader checks the annotation agrees with the code
        unit += annotation
    bounds = RANGES.get((cid, unit))  # missing: a unit the concept does not accept
    value = float(value)
    if bounds is None or not bounds[0] <= value <= bounds[1]:
        return None
    return value, unit
