"""Checked access to the few FHIR elements the reader needs, on plain JSON.

The reader never validates a whole resource (that is the opt-in strict mode); instead
every element it reads goes through one of these accessors, which check the JSON type
and shape and raise :class:`~legrules.errors.FHIRInputError` naming the resource and
the element (``Observation/abc.valueQuantity.code``) when it is wrong.
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, date, datetime
from typing import Any

from legrules.errors import FHIRInputError
from legrules.model.documents import json_type

__all__ = ["Coding", "Resource", "parse_datetime"]

JSON = dict[str, Any]

_LARGEST = sys.float_info.max
Coding = tuple[str | None, str | None]


class Resource:
    """One resource being read: its JSON, type, id and the label errors start with.

    Every accessor takes the element's *key* and ``at``, the path of its parent within
    the resource (``""`` for the resource itself, else ending with a dot, such as
    ``"valueQuantity."``).  The full path (``at + key``) is only built for an error
    message: the reader calls these a dozen times per Observation.
    """

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

    def obj(self, parent: JSON, key: str, at: str = "") -> JSON | None:
        """``parent[key]`` as a JSON object, or ``None`` when absent."""
        value = parent.get(key)
        if value is None or value.__class__ is dict:
            return value
        result: JSON | None = self._get(parent, key, dict, at + key, "an object")
        return result

    def arr(self, parent: JSON, key: str, at: str = "") -> list[Any]:
        """``parent[key]`` as a JSON array (empty when absent)."""
        value = parent.get(key)
        if value.__class__ is list:
            return value
        result: list[Any] | None = self._get(parent, key, list, at + key, "an array")
        return result or []

    def objects(self, parent: JSON, key: str, at: str = "") -> list[tuple[str, JSON]]:
        """The objects of array ``parent[key]`` with their paths."""
        items = []
        for index, item in enumerate(self.arr(parent, key, at)):
            path = f"{at}{key}[{index}]"
            if not isinstance(item, dict):
                raise self.error(f"expected an object, got {json_type(item)}", path)
            items.append((path, item))
        return items

    def string(self, parent: JSON, key: str, at: str = "") -> str | None:
        """``parent[key]`` as a string, or ``None`` when absent."""
        value = parent.get(key)
        if value is None or value.__class__ is str:
            return value
        result: str | None = self._get(parent, key, str, at + key, "a string")
        return result

    def boolean(self, parent: JSON, key: str, at: str = "") -> bool | None:
        """``parent[key]`` as a boolean, or ``None`` when absent."""
        result: bool | None = self._get(parent, key, bool, at + key, "a boolean")
        return result

    def number(self, parent: JSON, key: str, at: str = "") -> float | None:
        """``parent[key]`` as a finite number, or ``None`` when absent."""
        value = parent.get(key)
        if value.__class__ is not float:
            value = self._get(parent, key, int | float, at + key, "a number")
            if value is None:
                return None
        if not -_LARGEST <= value <= _LARGEST:  # math.isfinite overflows on a huge int
            raise self.error("expected a finite number", at + key)
        return float(value)

    def codings(self, concept: JSON | None, path: str) -> list[Coding]:
        """The (system, code) pairs of a CodeableConcept; *path* is the concept's own."""
        if concept is None:
            return []
        items = concept.get("coding")
        if items.__class__ is list:  # the usual shape in one pass; anything odd is re-checked
            found: list[Coding] = []
            for coding in items:
                if coding.__class__ is not dict:
                    break
                system, code = coding.get("system"), coding.get("code")
                if (system is not None and system.__class__ is not str) or (
                    code is not None and code.__class__ is not str
                ):
                    break
                found.append((system, code))
            else:
                return found
        return self._codings(concept, path)

    def _codings(self, concept: JSON, path: str) -> list[Coding]:
        items = self.arr(concept, "coding", f"{path}.")
        for index, coding in enumerate(items):
            if not isinstance(coding, dict):
                where = f"{path}.coding[{index}]"
                raise self.error(f"expected an object, got {json_type(coding)}", where)
        return [
            (
                self.string(coding, "system", f"{path}.coding[{index}]."),
                self.string(coding, "code", f"{path}.coding[{index}]."),
            )
            for index, coding in enumerate(items)
        ]

    def concept(self, parent: JSON, key: str, at: str = "") -> list[Coding]:
        """The codings of the CodeableConcept ``parent[key]``."""
        return self.codings(self.obj(parent, key, at), at + key)

    def when(self, parent: JSON, key: str, at: str = "") -> datetime | None:
        """``parent[key]`` as a FHIR date, dateTime or instant (start of a partial date)."""
        text = self.string(parent, key, at)
        if text is None:
            return None
        try:
            return parse_datetime(text)
        except ValueError as error:
            raise self.error(str(error), at + key) from None

    def reference(self, parent: JSON, key: str, at: str = "") -> str | None:
        """The ``reference`` string of the Reference ``parent[key]``."""
        ref = self.obj(parent, key, at)
        return None if ref is None else self.string(ref, "reference", f"{at}{key}.")


# The FHIR R4 dateTime regex, verbatim: the "regex" extension of dateTime.value in
# http://hl7.org/fhir/R4/datetime.profile.json.html, also the "pattern" of dateTime in
# the official R4 JSON Schema (fhir.schema.json).  Matched in full (``fullmatch``:
# ``$`` would let a trailing newline through); ``[0-9]``, never ``\d``, which takes
# any Unicode digit.  A space or a NUL before the ``Z``, a time with no seconds or no
# offset, or an hour ``24`` do not match.  An R4B or R5 instant matches it too.
_FHIR_DATETIME = re.compile(
    r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)"
    r"(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])"
    r"(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?"
    r"(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?"
)


def parse_datetime(text: str) -> datetime:
    """Parse a FHIR date, dateTime or instant into an aware datetime.

    The text must match the FHIR dateTime regex exactly (see ``_FHIR_DATETIME``) and
    name a real calendar day and time.  A partial date (``2026``, ``2026-11``,
    ``2026-11-20``) is the start of that period in UTC.  FHIR requires an offset with
    a time: guessing the zone could move a reading across the look-back boundary.
    """
    if _FHIR_DATETIME.fullmatch(text) is None:
        if _FHIR_DATETIME.fullmatch(text + "Z") is not None:
            raise ValueError(f"{text!r} has a time but no time-zone offset")
        raise ValueError(f"{text!r} is not a FHIR date or dateTime")
    try:
        if len(text) <= 10:
            parts = [int(p) for p in text.split("-")] + [1, 1]
            return datetime(parts[0], parts[1], parts[2], tzinfo=UTC)
        dot = text.find(".", 19)
        if dot > 0:  # more than microseconds: keep six digits
            end = dot + 1
            while end < len(text) and text[end].isdigit():
                end += 1
            text = text[: min(end, dot + 7)] + text[end:]
        return datetime.fromisoformat(text)
    except ValueError:
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
