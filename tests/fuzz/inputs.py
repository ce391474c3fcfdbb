"""Generators of hostile input: arbitrary JSON, near-valid documents, raw bytes."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import strategies as st

from legrules.model import VOCABULARY
from legrules.model.documents import dump_presentation
from legrules.strategies import presentations

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
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, -1, 1e308, -1e-308, 130, 131, 38.0, 0.9, 1e16]),
    st.text(max_size=12),
    st.sampled_from(WORDS),
)
KEYS = st.sampled_from(WORDS) | st.text(max_size=8)


def json_values(max_leaves: int = 12) -> st.SearchStrategy[Any]:
    """Arbitrary JSON values, with legrules' own keys and words mixed in."""
    return st.recursive(
        SCALARS,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
        max_leaves=max_leaves,
    )


@st.composite
def near_valid_documents(draw: st.DrawFn) -> Any:
    """A valid presentation document with one value replaced by something arbitrary."""
    document = copy.deepcopy(dump_presentation(draw(presentations())))
    places: list[tuple[Any, Any]] = []
    stack: list[Any] = [document]
    while stack:
        node = stack.pop()
        pairs = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in pairs:
            places.append((node, key))
            if isinstance(value, dict | list):
                stack.append(value)
    if places:
        parent, key = draw(st.sampled_from(places))
        parent[key] = draw(json_values(max_leaves=4))
    return document


def documents() -> st.SearchStrategy[Any]:
    """Any JSON value: arbitrary, presentation-shaped, or almost valid."""
    shaped = st.dictionaries(st.sampled_from(TOP_KEYS), json_values(6), max_size=4)
    return st.one_of(json_values(), shaped, near_valid_documents())


def _encode(document: Any) -> bytes:
    # The standard library writes integers of any size (orjson stops at 64 bits).
    return json.dumps(document).encode()


def raw_bytes() -> st.SearchStrategy[bytes]:
    """Bytes: random, truncated or corrupted JSON, odd encodings, deep nesting."""
    encoded = documents().map(_encode)
    return st.one_of(
        st.binary(max_size=64),
        encoded,
        st.tuples(encoded, st.integers(0, 200)).map(lambda pair: pair[0][: pair[1]]),
        encoded.map(lambda data: b"\xef\xbb\xbf" + data),
        encoded.map(lambda data: data.decode().encode("utf-16")),
        st.integers(1, 3000).map(lambda depth: b'{"findings":' + b"[" * depth + b"]" * depth + b"}"),
        st.sampled_from([b"", b"null", b"[]", b"1e400", b'{"as_of": NaN}', b'"\\ud800"']),
    )
