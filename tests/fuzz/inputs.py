"""Generators of hostile input: arbitrary JSON, near-valid documents, raw bytes."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from hypothesis import strategies as st

from legrules.model import (
    VOCABULARY,
    Finding,
    IgnoredInput,
    Laterality,
    Measurement,
    Patient,
    Presence,
    Presentation,
    Sex,
    Source,
)
from legrules.model.documents import dump_presentation

#: Keys and strings legrules documents use, so random documents get past the first check.
WORDS = sorted(
    {
        *VOCABULARY,
        *(u for c in VOCABULARY.values() if c.units for u in c.accepted_units()),
        *("patient", "findings", "measurements", "onset", "as_of", "ignored", "id", "age"),
        *("sex", "state", "laterality", "source", "effective", "value", "unit", "reference"),
        *("display", "preliminary", "reason", "present", "absent", "unknown", "left", "right"),
        *("both", "female", "male", "2026-11-20T10:00:00Z", "2026-02-31T10:00:00+01:00"),
    }
)

TOP_KEYS = ("patient", "findings", "measurements", "onset", "as_of", "ignored")

SCALARS = st.one_of(
    st.sampled_from([None, True, False, 0, -1, 1, 130, 131, 38.0, 0.9, 1e16, 1e308, -1e-308]),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.sampled_from(WORDS),
)
KEYS = st.sampled_from(WORDS) | st.text(max_size=8)


_KIND = st.integers(0, 9)
_SIZE = st.integers(0, 4)


def _value(draw: st.DrawFn, depth: int) -> Any:
    # Hand-rolled rather than st.recursive: several times faster per example, which
    # matters at 10,000 examples per test.
    kind = draw(_KIND)
    if depth <= 0 or kind < 6:
        return draw(SCALARS)
    size = draw(_SIZE)
    if kind < 8:
        return [_value(draw, depth - 1) for _ in range(size)]
    return {draw(KEYS): _value(draw, depth - 1) for _ in range(size)}


def json_values(depth: int = 3) -> st.SearchStrategy[Any]:
    """Arbitrary JSON values up to *depth* levels deep, with legrules' own words mixed in."""

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        return _value(draw, depth)

    return build()


def _templates() -> list[Any]:
    """Valid documents that use every part of the format (built once; cheap to mutate)."""
    full = dump_presentation(
        Presentation(
            patient=Patient("p-1", 67, Sex.FEMALE),
            findings=(
                Finding(
                    "leg-pain", Presence.PRESENT, Laterality.LEFT, Source("q#1", "intake", True), _T
                ),
                Finding("dyspnea", Presence.ABSENT),
                Finding("injury", Presence.UNKNOWN, effective=_T),
            ),
            measurements=(
                Measurement("temperature", 101.2, "[degF]", source=Source("Observation/t")),
                Measurement("abi", 0.85, "1", Laterality.RIGHT, effective=_T),
                Measurement("d-dimer", 0.7, "mg/L{DDU}"),
            ),
            onset=_T,
            as_of=_T,
            ignored=(IgnoredInput("Observation/x", "entered in error"),),
        )
    )
    return [full, orjson.loads(EXAMPLE.read_bytes())]


_T = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
EXAMPLE = Path(__file__).parents[2] / "examples/presentations/calf-pain-after-flight.json"
TEMPLATES = _templates()


def _places(node: Any) -> list[tuple[Any, ...]]:
    """The path (keys and indexes) of every element below *node*."""
    found: list[tuple[Any, ...]] = []
    pairs = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, value in pairs:
        found.append((key,))
        found.extend((key, *rest) for rest in _places(value))
    return found


def mutated(templates: list[Any]) -> st.SearchStrategy[Any]:
    """A template with one element replaced, removed or added: almost valid input."""
    places = [(t, _places(t)) for t in templates]

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        template, where = draw(st.sampled_from(places))
        document = copy.deepcopy(template)
        if not where:
            return document
        *route, last = draw(st.sampled_from(where))
        parent = document
        for step in route:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "remove":
            del parent[last]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(KEYS)] = draw(SCALARS)
        else:
            parent[last] = draw(json_values(2))
        return document

    return build()


def near_valid_documents() -> st.SearchStrategy[Any]:
    """A valid presentation document with one element replaced, removed or added."""
    return mutated(TEMPLATES)


def documents() -> st.SearchStrategy[Any]:
    """Any JSON value: arbitrary, presentation-shaped, or almost valid."""
    shaped = st.dictionaries(st.sampled_from(TOP_KEYS), json_values(2), max_size=3)
    return st.one_of(json_values(), shaped, near_valid_documents())


def encode(document: Any) -> bytes:
    # The standard library writes integers of any size (orjson stops at 64 bits).
    return json.dumps(document).encode()


def raw_bytes() -> st.SearchStrategy[bytes]:
    """Bytes: random, truncated or corrupted JSON, odd encodings, deep nesting."""
    encoded = documents().map(encode)
    return st.one_of(
        st.binary(max_size=64),
        encoded,
        st.tuples(encoded, st.integers(0, 200)).map(lambda pair: pair[0][: pair[1]]),
        encoded.map(lambda data: b"\xef\xbb\xbf" + data),
        encoded.map(lambda data: data.decode().encode("utf-16")),
        st.integers(1, 3000).map(
            lambda depth: b'{"findings":' + b"[" * depth + b"]" * depth + b"}"
        ),
        st.sampled_from([b"", b"null", b"[]", b"1e400", b'{"as_of": NaN}', b'"\\ud800"']),
    )
