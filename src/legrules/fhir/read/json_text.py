r"""FHIR JSON text parsed with orjson, checked for what orjson lets through silently.

orjson keeps the last of duplicate keys (``"status": "entered-in-error"`` then
``"status": "final"`` would count an Observation its author withdrew) and reads a
number too small for a double, such as ``1e-400``, as ``0.0``.  Neither is valid
FHIR: keys must be unique, and a value that cannot be represented must not be read as
another.  Checking every key of every resource would cost as much as the parse, so
:func:`loads` has orjson write what it parsed again and compares texts instead, all in
C code.  When the text is exactly that writing (less a final newline: compact exports
often are), nothing was hidden, since a dropped key or a number read as another would
each have changed it; only ``null`` is looked for.  Otherwise it compares two counts:

* the colons in the text (one per key, plus any inside strings) and in orjson's own
  re-serialisation of what it parsed (one per key it kept, plus the same ones inside
  strings): equal counts prove that no key was dropped.  An escaped colon
  (``\u003a``) would be counted only once, so text holding one takes the careful path;
* a number token that could underflow (an exponent of -100 or less, or a hundred
  zeros after the point) is looked for only when ``e-`` or a hundred zeros occur at
  all; a ``null`` only when the re-serialisation holds one.

Only when a count differs or a suspect number shows is the text parsed again with
:func:`json.loads` hooks that see every key and every number token, to find the real
duplicates and underflows with their paths.  The result marks each resource holding
one: :class:`Marks` maps the resource (by identity) to the reason it is not read.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

from legrules.errors import DocumentError, FHIRInputError
from legrules.model.documents import path_step

__all__ = ["Marks", "first_hidden", "loads", "loads_plain_lines"]

#: Resources (by ``id()``) that are not read, with the reason; ``None``: none.
Marks = dict[int, str] | None

_ZEROS = b"0" * 100
# A number whose value may be below the smallest double: every underflowing literal
# matches (with an exponent above -100, it needs over 200 zeros after the point).
_TINY = re.compile(rb"[0-9][eE]-0*[1-9][0-9]{2}|\.0{100}")


def loads(
    data: bytes, where: str, *, strict: bool = False, skip: bool = False, within: Any = None
) -> tuple[Any, Marks]:
    """Parse *data* (raising :class:`orjson.JSONDecodeError`) and mark what it hides.

    A duplicate key whose values disagree, or a number that underflows, marks its
    resource (it is listed as ignored, with the path); a ``null`` object member (FHIR
    JSON allows ``null`` only inside arrays) raises
    :class:`~legrules.errors.FHIRInputError`, or marks the resource when *skip* is set.
    In *strict* mode each of these raises, a duplicate key repeating its value too.
    *within*: *data* is one entry of that Bundle (read apart from it, as a streamed
    Bundle is), which owns the problems of the entry outside its resource.
    """
    value = orjson.loads(data)
    try:
        again = orjson.dumps(value)
    except orjson.JSONEncodeError:  # orjson writes 255 levels, reads 1024; FHIR needs few
        raise DocumentError("not valid JSON: nested more than 255 levels deep", where) from None
    seen = None if _same(data, again) else _suspect(data, again)
    if seen is None and b"null" not in again:
        return value, None
    if seen is not None:
        value = json.loads(data, object_pairs_hook=seen.pairs, parse_float=seen.number)
    return value, marks(value, where, seen, strict=strict, skip=skip, within=within)


def loads_plain_lines(lines: list[bytes]) -> list[Any] | None:
    """The values of NDJSON *lines*, when the checks of :func:`loads` find nothing in any.

    Each line is parsed alone (so each value comes from exactly one line), then all the
    values are written again in one call, and the checks of :func:`loads` are made
    once for the block instead of once a line.  When the writing is the lines' own
    text (less line breaks, which a JSON string cannot hold), each line is its value's
    writing, since the same text splits into the same elements: nothing was hidden.
    Otherwise (an export written with spaces, say) the counts are taken over the
    block: no line's writing holds more colons than the line (an escaped colon aside,
    which sends the block back), so equal sums mean equal counts on every line and no
    key was dropped; an underflowing number token shows in the block's text (no token
    spans the commas that join the lines), as does a ``null`` in the writing.
    ``None`` when any of these shows, or a line is blank or broken: the caller then
    parses the lines one by one, with their errors and marks.
    """
    parse = orjson.loads
    try:
        values = [parse(line) for line in lines]
        again = orjson.dumps(values)
    except (ValueError, TypeError):  # orjson's decode and encode errors, among others
        return None
    if b"null" in again:
        return None
    text = b",".join(lines)
    if again[1:-1] == text.replace(b"\n", b""):
        return values  # the lines are orjson's own writing: nothing can hide (see _same)
    if text.count(b":") != again.count(b":") or (b"\\" in text and b"\\u003" in text):
        return None
    if (b"e-" in text or b"E-" in text or _ZEROS in text) and _TINY.search(text):
        return None
    return values


def first_hidden(data: bytes, value: Any) -> tuple[str, str] | None:
    """The message and path of the first thing orjson hid when it parsed *data* as *value*.

    A duplicate key whose values disagree, or a number that underflows; ``None`` when
    there is neither (a key repeated with the same value, or ``null``, is not looked for).
    For JSON that is not a FHIR document, such as a CDS Hooks call's body.
    """
    again = orjson.dumps(value)
    seen = None if _same(data, again) else _suspect(data, again)
    if seen is None:
        return None
    careful = json.loads(data, object_pairs_hook=seen.pairs, parse_float=seen.number)
    for _, path, message, kind in _problems(careful, "$", seen):
        if kind in ("duplicate", "tiny"):
            return message, path
    return None


def _same(data: bytes, again: bytes) -> bool:
    """Whether *data* is *again* (orjson's writing of what it parsed), less a newline.

    Then nothing was hidden: a dropped key, an underflowing number or an escaped colon
    would each have made the texts differ.  Compact exports are often written exactly
    so, and one comparison is cheaper than the searches of :func:`_suspect`.
    """
    extra = len(data) - len(again)
    return data.startswith(again) and (extra == 0 or (extra == 1 and data[-1] == 10))


def _suspect(data: bytes, again: bytes) -> _Seen | None:
    """Hooks for a careful parse, when the counts or a number token call for one."""
    # A one-byte search runs at memchr speed; most exports hold no backslash at all.
    dropped = data.count(b":") != again.count(b":") or (b"\\" in data and b"\\u003" in data)
    tiny = (b"e-" in data or b"E-" in data or _ZEROS in data) and _TINY.search(data)
    return _Seen() if dropped or tiny else None


def marks(
    value: Any,
    where: str,
    seen: _Seen | None = None,
    *,
    strict: bool = False,
    skip: bool = False,
    within: Any = None,
) -> Marks:
    """The resources of *value* not to read (see :func:`loads`), or raise."""
    found: dict[int, str] = {}
    for owner, path, problem, kind in _problems(value, where, seen, within):
        if strict or (kind == "null" and not skip):
            raise FHIRInputError(problem, path, resource_type=_type(owner))
        if kind == "same":
            continue
        if owner is None:
            raise DocumentError(problem, path)
        reason = f"invalid: {problem} @ {path}" if kind == "null" else f"{problem} @ {path}"
        found.setdefault(id(owner), reason)
    return found or None


class _Tiny(float):
    """A number token that underflowed to zero; keeps its text for the message."""

    text: str


class _Seen:
    """The hooks :func:`json.loads` calls, remembering what orjson would hide."""

    def __init__(self) -> None:
        self.duplicates: dict[int, list[tuple[str, bool]]] = {}

    def pairs(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            first: dict[str, Any] = {}
            found = []
            for key, value in pairs:
                if key in first:
                    found.append((key, first[key] == value))
                else:
                    first[key] = value
            self.duplicates[id(result)] = found
        return result

    @staticmethod
    def number(text: str) -> float:
        value = float(text)
        mantissa = text.lower().split("e")[0]
        if value == 0.0 and mantissa.strip("-0.") != "":
            tiny = _Tiny(value)
            tiny.text = text
            return tiny
        return value


def _type(owner: Any) -> str | None:
    return None if owner is None else owner["resourceType"]


def _problems(
    value: Any, where: str, seen: _Seen | None, within: Any = None
) -> list[tuple[Any, str, str, str]]:
    """``(resource, path, message, kind)`` of each duplicate key, tiny number and null.

    The kind is ``"same"`` or ``"duplicate"`` (a duplicate key with the same or
    different values; only a careful parse, *seen*, finds them), ``"tiny"`` or ``"null"``.

    The resource is the one the reader takes as an item: the document itself, each
    element of a top-level array, each ``entry[i].resource`` of a Bundle (a contained
    resource belongs to its container).  Iterative: deep nesting cannot exhaust the stack.
    """
    found: list[tuple[Any, str, str, str]] = []
    duplicates = {} if seen is None else seen.duplicates
    # (node, path, the item it belongs to, its role: "item", "items", "entries", "entry")
    start = "items" if within is None else "entry"
    stack: list[tuple[Any, str, Any, str]] = [(value, where, within, start)]
    while stack:
        node, path, owner, role = stack.pop()
        if isinstance(node, dict):
            rtype, rid = node.get("resourceType"), node.get("id")
            if role in ("item", "items") and isinstance(rtype, str):
                owner = node
                path = f"{rtype}/{rid}" if isinstance(rid, str) and rid else path
            for key, agree in duplicates.get(id(node), ()):
                what = "the same value" if agree else "different values"
                message = f"duplicate key {key!r} with {what}"
                found.append(
                    (owner, f"{path}{path_step(key)}", message, "same" if agree else "duplicate")
                )
            bundle = owner is node and rtype == "Bundle"
            for key, child in node.items():
                if child is None:
                    message = "null is not allowed in FHIR JSON; leave the element out"
                    found.append((owner, f"{path}{path_step(key)}", message, "null"))
                    continue
                inner = "entries" if bundle and key == "entry" else ""
                inner = "item" if role == "entry" and key == "resource" else inner
                stack.append((child, f"{path}{path_step(key)}", owner, inner))
        elif isinstance(node, list):
            inner = {"items": "item", "entries": "entry"}.get(role, "")
            stack.extend((c, f"{path}[{i}]", owner, inner) for i, c in enumerate(node))
        elif isinstance(node, _Tiny):
            found.append((owner, path, f"number {node.text} is too small to represent", "tiny"))
    return found
