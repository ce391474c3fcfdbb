r"""A call's body parsed with orjson, refusing a key repeated with different values.

orjson keeps the last of duplicate keys, so a prefetched Observation sent as
``"status": "entered-in-error", ..., "status": "final"`` would be read as final and
its author's withdrawal silently lost.  legrules' FHIR reader catches that when it
reads JSON text itself, but the service hands it what orjson parsed from the call.
So the body is checked here, at the cost of one re-serialisation: the colons of the
body and of orjson's re-serialisation of what it kept (one per key, plus the same ones
inside strings) are counted in C, and equal counts prove that no key was dropped.  An
escaped colon (``\u003a``) is counted only once, so a body holding one is parsed
again too.  Only then does a careful parse look for the keys and their paths.

orjson also reads a number too small for a double, such as ``1e-400``, as ``0.0`` (a
D-dimer of zero is a negative test).  Such a literal needs an exponent of -100 or less
(or a hundred zeros after the point), so the body is searched for ``e-`` followed by
three digits after a digit, a few ``bytes.find`` calls on a usual body (a regular
expression over the whole body costs several times more); a hit too is parsed again,
carefully, and refused when a number really underflows.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

from legrules.errors import FHIRInputError
from legrules.model.documents import path_step

__all__ = ["parse_body"]


def parse_body(body: bytes) -> Any:
    """The JSON value of *body*.

    A key repeated with the same value is harmless and let through.

    Raises:
        orjson.JSONDecodeError: the body is not JSON.
        FHIRInputError: a key is repeated with different values, or a number is too
            small to represent (the path names it).
    """
    value = orjson.loads(body)
    dropped = body.count(b":") != orjson.dumps(value).count(b":") or b"\\u003" in body
    if not dropped and not _may_underflow(body):
        return value
    conflicts: dict[int, str] = {}

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        kept: dict[str, Any] = {}
        for key, item in items:
            if key in kept and kept[key] != item:
                conflicts.setdefault(id(kept), key)
            kept[key] = item
        return kept

    careful = json.loads(body, object_pairs_hook=pairs, parse_float=_number)
    problem = _first_problem(careful, conflicts)
    if problem is not None:
        raise FHIRInputError(*problem)
    return value


_DIGITS = frozenset(b"0123456789")
_EXPONENT = re.compile(rb"0*[1-9][0-9]{2}")
_ZEROS = b"." + b"0" * 100


def _may_underflow(body: bytes) -> bool:
    """Whether *body* may hold a number literal that underflows to zero."""
    for marker in (b"e-", b"E-"):
        at = body.find(marker)
        while at != -1:
            if at and body[at - 1] in _DIGITS and _EXPONENT.match(body, at + 2):
                return True
            at = body.find(marker, at + 2)
    return _ZEROS in body


class _Tiny(float):
    """A number token that underflowed to zero; keeps its text for the message."""

    text: str


def _number(text: str) -> float:
    value = float(text)
    if value == 0.0 and text.lower().split("e")[0].strip("-+0.") != "":
        tiny = _Tiny(value)
        tiny.text = text
        return tiny
    return value


def _first_problem(value: Any, conflicts: dict[int, str]) -> tuple[str, str] | None:
    """The message and JSON path of the first conflicting key or underflowing number."""
    stack: list[tuple[Any, str]] = [(value, "$")]
    while stack:  # iterative: deep nesting cannot exhaust the stack
        node, path = stack.pop()
        if isinstance(node, dict):
            if id(node) in conflicts:
                key = conflicts[id(node)]
                return f"duplicate key {key!r} with different values", f"{path}{path_step(key)}"
            stack.extend((child, f"{path}{path_step(k)}") for k, child in node.items())
        elif isinstance(node, list):
            stack.extend((child, f"{path}[{i}]") for i, child in enumerate(node))
        elif isinstance(node, _Tiny):
            return f"number {node.text} is too small to represent", path
    return None
