"""Which patient a resource is about, resolved the way a FHIR server resolves references.

A resource's ``subject`` (or ``patient``) is resolved to the key ``Patient/<id>`` when
it names a Patient of the input:

* a relative reference ``Patient/<id>`` (optionally ``/_history/<v>``); resource types
  are case-sensitive, so ``patient/1`` names nothing;
* an absolute URL ``<base>/Patient/<id>`` whose base is the server the input came from
  (the bases of its absolute ``fullUrl`` values; any base when it has none);
* a ``fullUrl`` of the Bundle (``urn:uuid:...`` included) that labels a Patient;
* a ``#id`` reference to a contained Patient, or an identifier-only Reference, whose
  identifier (``system|value``) is one of a Patient's identifiers in the input (and
  of no other Patient: a shared identifier names none of them).

Anything else (a Device or Group, a Patient of another server, a malformed Reference,
a display-only one, an identifier no Patient carries) cannot be tied to a patient:
:meth:`Subjects.resolve` returns an :class:`Unresolved` with the reason, and the
reader lists the resource as ignored in the result of the patient the input is about
rather than inventing a patient for it.  A resource with no subject at all resolves to
``None`` (read as the patient's when the input holds one patient).
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from legrules.fhir.read.elements import JSON
from legrules.model.documents import json_type

__all__ = ["Subjects", "Unresolved", "identifier_names", "subject_element"]

_ID = r"[A-Za-z0-9\-.]{1,64}"
_RELATIVE = re.compile(rf"(?P<type>[A-Z][A-Za-z]+)/(?P<id>{_ID})(?:/_history/{_ID})?")
_ABSOLUTE = re.compile(
    rf"(?P<base>https?://\S+?)/(?P<type>[A-Z][A-Za-z]+)/(?P<id>{_ID})(?:/_history/{_ID})?"
)


@attrs.frozen
class Unresolved:
    """A subject that names no Patient of the input, and why."""

    reason: str


def subject_element(resource: JSON) -> tuple[str, Any] | None:
    """The element naming the patient (``subject`` or ``patient``) and its value."""
    for name in ("subject", "patient"):
        if name in resource:
            return name, resource[name]
    return None


class Subjects:
    """What the input says about its patients: ids, fullUrls, server bases, identifiers.

    Patients are learnt with :meth:`learn` (all of them first for a JSON document; as
    they stream by for NDJSON, where an identifier-only subject can only match a
    Patient met before it).
    """

    def __init__(self) -> None:
        self.aliases: dict[str, str] = {}
        self.bases: set[str] = set()
        self.identifiers: dict[str, str] = {}
        #: Identifiers more than one Patient carries: they name none of them.
        self.shared: set[str] = set()

    def learn(self, resource: JSON, location: str | int, key: str | None) -> None:
        """Note a resource's fullUrl base and, for a Patient (*key*), its names."""
        if isinstance(location, str):
            found = _ABSOLUTE.fullmatch(location)
            if found:
                self.bases.add(found["base"])
            if key is not None:
                self.aliases[location] = key
        if key is not None:
            for name in identifier_names(resource.get("identifier")):
                if self.identifiers.setdefault(name, key) != key:
                    self.shared.add(name)

    def resolve(self, resource: JSON) -> str | Unresolved | None:
        """The key of the Patient *resource* is about, an :class:`Unresolved`, or ``None``.

        ``None`` means the resource has no subject at all.
        """
        found = subject_element(resource)
        if found is None:
            return None
        name, ref = found
        if not isinstance(ref, dict):
            return Unresolved(f"{name} is {json_type(ref)}, not a Reference")
        if "reference" in ref:
            return self.reference(name, ref["reference"], resource)
        if "identifier" in ref:
            return self._by_identifier(name, [ref["identifier"]], "identifier")
        return Unresolved(f"{name} names no resource (no reference or identifier)")

    def reference(self, name: str, text: Any, resource: JSON) -> str | Unresolved:
        """Resolve the ``reference`` text of *resource*'s *name* element."""
        if not isinstance(text, str) or not text:
            return Unresolved(f"{name}.reference is {json_type(text)}, not a reference")
        if text in self.aliases:
            return self.aliases[text]
        if text.startswith("#"):
            return self._contained(name, text, resource)
        relative = _RELATIVE.fullmatch(text)
        if relative is None:
            absolute = _ABSOLUTE.fullmatch(text)
            if absolute is None:
                why = "resource types are case-sensitive" if "/" in text else "not a reference"
                return Unresolved(f"{name} {text!r} names no Patient of the input ({why})")
            if self.bases and absolute["base"] not in self.bases:
                return Unresolved(f"{name} {text!r} is on another server than the input")
            relative = absolute
        if relative["type"] != "Patient":
            return Unresolved(f"{name} {relative['type']}/{relative['id']} is not a Patient")
        return f"Patient/{relative['id']}"

    def _contained(self, name: str, text: str, resource: JSON) -> str | Unresolved:
        contained = resource.get("contained")
        for inner in contained if isinstance(contained, list) else ():
            if isinstance(inner, dict) and inner.get("id") == text[1:]:
                if inner.get("resourceType") != "Patient":
                    return Unresolved(f"{name} {text!r} is not a Patient")
                return self._by_identifier(name, inner.get("identifier"), f"contained {text}")
        return Unresolved(f"{name} {text!r} names no contained resource")

    def _by_identifier(self, name: str, given: Any, what: str) -> str | Unresolved:
        for identifier in identifier_names(given):
            if identifier in self.shared:
                return Unresolved(f"{name} {what} matches more than one Patient's identifier")
            if identifier in self.identifiers:
                return self.identifiers[identifier]
        return Unresolved(f"{name} {what} matches no Patient's identifier in the input")


def identifier_names(value: Any) -> list[str]:
    """``system|value`` of each well-formed Identifier in *value* (a list or one)."""
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items:
        if isinstance(item, dict):
            system, text = item.get("system"), item.get("value")
            if isinstance(text, str) and text and (system is None or isinstance(system, str)):
                found.append(f"{system or ''}|{text}")
    return found
