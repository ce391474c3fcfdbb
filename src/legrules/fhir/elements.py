"""Checked access to the few FHIR elements the reader needs, on plain JSON.

The reader never validates a whole resource (that is the opt-in strict mode); instead
every element it reads goes through one of these accessors, which check the JSON type
and shape and raise :class:`~legrules.errors.FHIRInputError` naming the resource and
the element (``Observation/abc.valueQuantity.code``) when it is wrong.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from typing import Any

from legrules.errors import FHIRInputError

__all__ = ["Coding", "Resource", "parse_datetime"]

JSON = dict[str, Any]
Coding = tuple[str | None, str | None]

_NAMES = {
    bool: "a boolean",
    int: "a number",
    float: "a number",
    str: "a string",
    list: "an array",
    dict: "an object",
    type(None): "null",
}


def json_type(value: object) -> str:
    """How a JSON value's type reads in an error message."""
    return _NAMES.get(type(value), type(value).__name__)


class Resource:
    """One resource being read: its JSON, type, id and the label errors start with."""

    __slots__ = ("data", "id", "label", "type")

    def __init__(self, data: JSON, label: str | None = None) -> None:
        self.data = data
        rtype, rid = data.get("resourceType"), data.get("id")
        self.type: str = rtype if isinstance(rtype, str) else "Resource"
        self.id: str | None = rid if isinstance(rid, str) and rid else None
        self.label = f"{self.type}/{self.id}" if self.id else (label or self.type)

    def error(self, message: str, element: str = "") -> FHIRInputError:
        """An input error at *element* of this resource."""
        path = f"{self.label}.{element}" if element else self.label
        return FHIRInputError(message, path, resource_type=self.type, resource_id=self.id)

    def _get(self, parent: JSON, key: str, kind: Any, path: str, what: str) -> Any:
        value = parent.get(key)
        if value is None:
            return None
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise self.error(f"expected {what}, got {json_type(value)}", path)
        return value

    def obj(self, parent: JSON, key: str, path: str) -> JSON | None:
        """``parent[key]`` as a JSON object, or ``None`` when absent."""
        value = parent.get(key)
        if value is None or value.__class__ is dict:
            return value
        result: JSON | None = self._get(parent, key, dict, path, "an object")
        return result

    def arr(self, parent: JSON, key: str, path: str) -> list[Any]:
        """``parent[key]`` as a JSON array (empty when absent)."""
        result: list[Any] | None = self._get(parent, key, list, path, "an array")
        return result or []

    def objects(self, parent: JSON, key: str, path: str) -> list[tuple[str, JSON]]:
        """The objects of array ``parent[key]`` with their paths."""
        items = []
        for index, item in enumerate(self.arr(parent, key, path)):
            if not isinstance(item, dict):
                raise self.error(f"expected an object, got {json_type(item)}", f"{path}[{index}]")
            items.append((f"{path}[{index}]", item))
        return items

    def string(self, parent: JSON, key: str, path: str) -> str | None:
        """``parent[key]`` as a string, or ``None`` when absent."""
        value = parent.get(key)
        if value is None or value.__class__ is str:
            return value
        result: str | None = self._get(parent, key, str, path, "a string")
        return result

    def boolean(self, parent: JSON, key: str, path: str) -> bool | None:
        """``parent[key]`` as a boolean, or ``None`` when absent."""
        result: bool | None = self._get(parent, key, bool, path, "a boolean")
        return result

    def number(self, parent: JSON, key: str, path: str) -> float | None:
        """``parent[key]`` as a finite number, or ``None`` when absent."""
        value = self._get(parent, key, int | float, path, "a number")
        if value is not None and not math.isfinite(value):
            raise self.error("expected a finite number", path)
        return None if value is None else float(value)

    def codings(self, concept: JSON | None, path: str) -> list[Coding]:
        """The (system, code) pairs of a CodeableConcept."""
        if concept is None:
            return []
        return [
            (self.string(c, "system", f"{p}.system"), self.string(c, "code", f"{p}.code"))
            for p, c in self.objects(concept, "coding", f"{path}.coding")
        ]

    def concept(self, parent: JSON, key: str) -> list[Coding]:
        """The codings of the CodeableConcept ``parent[key]``."""
        return self.codings(self.obj(parent, key, key), key)

    def when(self, parent: JSON, key: str, path: str) -> datetime | None:
        """``parent[key]`` as a FHIR date, dateTime or instant (start of a partial date)."""
        text = self.string(parent, key, path)
        if text is None:
            return None
        try:
            return parse_datetime(text)
        except ValueError as error:
            raise self.error(str(error), path) from None

    def reference(self, parent: JSON, key: str) -> str | None:
        """The ``reference`` string of the Reference ``parent[key]``."""
        ref = self.obj(parent, key, key)
        return None if ref is None else self.string(ref, "reference", f"{key}.reference")


_DATETIME = re.compile(
    r"^(?P<date>\d{4}(-\d{2}(-\d{2})?)?)"
    r"(T(?P<time>\d{2}:\d{2}(:\d{2}(?P<frac>\.\d+)?)?)(?P<tz>Z|[+-]\d{2}:\d{2})?)?$"
)


def parse_datetime(text: str) -> datetime:
    """Parse a FHIR date, dateTime or instant into an aware datetime.

    A partial date (``2026``, ``2026-11``, ``2026-11-20``) is the start of that period
    in UTC.  A time without a time-zone offset is rejected: FHIR requires one, and
    guessing the zone could move a reading across the look-back boundary.
    """
    if len(text) > 19 and text[10] == "T" and (text[-1] == "Z" or text[-6] in "+-"):
        try:  # the common full form, fast; anything odd falls through to the checks
            parsed = datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is not None:
                return parsed
    match = _DATETIME.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a FHIR date or dateTime")
    day, time, tz = match.group("date"), match.group("time"), match.group("tz")
    try:
        if time is None:
            parts = [int(p) for p in day.split("-")] + [1, 1]
            return datetime(parts[0], parts[1], parts[2], tzinfo=UTC)
        if tz is None:
            raise ValueError(f"{text!r} has a time but no time-zone offset")
        frac = match.group("frac") or ""
        trimmed = text.replace(frac, frac[:7]) if frac else text
        return datetime.fromisoformat(trimmed.replace("Z", "+00:00"))
    except ValueError as error:
        if "time-zone" in str(error):
            raise
        raise ValueError(f"{text!r} is not a valid calendar date or time") from None


def parse_date(text: str) -> tuple[date, date]:
    """The earliest and latest calendar day a FHIR (possibly partial) date can mean."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if match is None:
        raise ValueError(f"{text!r} is not a FHIR date")
    year = int(match.group(1))
    month, day = match.group(2), match.group(3)
    try:
        if day is not None:
            exact = date(year, int(month), int(day))
            return exact, exact
        if month is not None:
            first = date(year, int(month), 1)
            following = date(year + int(month) // 12, int(month) % 12 + 1, 1)
            return first, date.fromordinal(following.toordinal() - 1)
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        raise ValueError(f"{text!r} is not a valid calendar date") from None
