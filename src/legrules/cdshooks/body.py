"""A call's body parsed with orjson, refusing a key repeated with different values.

orjson keeps the last of duplicate keys, so a prefetched Observation sent as
``"status": "entered-in-error", ..., "status": "final"`` would be read as final and
its author's withdrawal silently lost; it also reads a number too small for a double,
such as ``1e-400``, as ``0.0`` (a D-dimer of zero is a negative test).  legrules' FHIR
reader catches both when it reads JSON text itself, but the service hands it what
orjson parsed from the call, so the body is checked here with the reader's own check
(:func:`legrules.fhir.read.json_text.first_hidden`: counts and searches in C, and a
careful parse only when they call for one).
"""

from __future__ import annotations

from typing import Any

import orjson

from legrules.errors import FHIRInputError
from legrules.fhir.read.json_text import first_hidden

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
    problem = first_hidden(body, value)
    if problem is not None:
        raise FHIRInputError(*problem)
    return value
