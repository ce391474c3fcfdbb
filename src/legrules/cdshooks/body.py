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
"""

from __future__ import annotations

import json
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
        FHIRInputError: a key is repeated with different values (the path names it).
    """
    value = orjson.loads(body)
    if body.count(b":") == orjson.dumps(value).count(b":") and b"\\u003" not in body:
        return value
    conflicts: dict[int, str] = {}

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        kept: dict[str, Any] = {}
        for key, item in items:
            if key in kept and kept[key] != item:
                conflicts.setdefault(id(kept), key)
            kept[key] = item
        return kept

    careful = json.loads(body, object_pairs_hook=pairs)
    if conflicts:
        key, path = _where(careful, conflicts)
        raise FHIRInputError(f"duplicate key {key!r} with different values", path)
    return value


def _where(value: Any, conflicts: dict[int, str]) -> tuple[str, str]:
    """The first conflicting key found in *value* and its JSON path (iteratively)."""
    stack: list[tuple[Any, str]] = [(value, "$")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            if id(node) in conflicts:
                key = conflicts[id(node)]
                return key, f"{path}{path_step(key)}"
            stack.extend((child, f"{path}{path_step(k)}") for k, child in node.items())
        elif isinstance(node, list):
            stack.extend((child, f"{path}[{i}]") for i, child in enumerate(node))
    raise AssertionError("a conflict was recorded for a dict outside the value")  # pragma: no cover
