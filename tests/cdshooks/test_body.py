"""The call's body: JSON parsed with orjson, refusing a key repeated with different values."""

from __future__ import annotations

import orjson
import pytest

from legrules.cdshooks.body import parse_body
from legrules.errors import FHIRInputError


def test_plain_json_is_parsed() -> None:
    """A body with no repeated key is its JSON value."""
    assert parse_body(b'{"a": {"b": [1, "x:y"]}}') == {"a": {"b": [1, "x:y"]}}


def test_a_conflicting_key_is_named_with_its_path() -> None:
    """A key repeated with different values raises, with the path of the key."""
    body = (
        b'{"prefetch": {"vitals": {"entry": [{"status": "entered-in-error", "status": "final"}]}}}'
    )
    with pytest.raises(FHIRInputError) as raised:
        parse_body(body)
    assert raised.value.path == "$.prefetch.vitals.entry[0].status"


def test_an_escaped_colon_cannot_balance_a_dropped_key() -> None:
    """An escaped colon in a string adds one colon back; the repeated key is still found."""
    body = b'{"note": "a\\u003ab", "status": "entered-in-error", "status": "final"}'
    assert orjson.loads(body)["status"] == "final"
    with pytest.raises(FHIRInputError):
        parse_body(body)


def test_a_repeated_key_with_the_same_value_passes() -> None:
    """The same value twice hides nothing."""
    assert parse_body(b'{"status": "final", "status": "final"}') == {"status": "final"}


def test_not_json_raises_orjsons_error() -> None:
    """What is not JSON raises orjson's error (the service answers 400, not JSON)."""
    with pytest.raises(orjson.JSONDecodeError):
        parse_body(b"{not json")


def test_an_underflowing_number_is_named_with_its_path() -> None:
    """A number too small for a double (read as 0.0 by orjson) raises, with its path."""
    body = b'{"prefetch": {"labs": {"valueQuantity": {"value": 1e-400}}}}'
    assert orjson.loads(body)["prefetch"]["labs"]["valueQuantity"]["value"] == 0.0
    with pytest.raises(FHIRInputError) as raised:
        parse_body(body)
    assert raised.value.path == "$.prefetch.labs.valueQuantity.value"
    assert "1e-400" in str(raised.value)


@pytest.mark.parametrize(
    "body",
    [
        b'{"value": 1e-300}',
        b'{"value": 0e-400}',
        b'{"text": "1e-400"}',
        b'{"value": 0.000}',
    ],
    ids=["small but representable", "a zero", "inside a string", "zero with a point"],
)
def test_what_looks_small_but_is_read_exactly_passes(body: bytes) -> None:
    """Numbers orjson reads exactly, and text that only looks like one, pass."""
    assert parse_body(body) == orjson.loads(body)


def test_a_hundred_zeros_after_the_point_are_checked() -> None:
    """A literal with its digits after a hundred zeros' worth of exponent is refused."""
    body = b'{"value": 0.' + b"0" * 400 + b"1}"
    with pytest.raises(FHIRInputError):
        parse_body(body)
