"""Fuzzing the presentation loader: a presentation, or an InputError with a path; nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from legrules import DocumentError, InputError, Presentation, load_presentation
from legrules.model.documents import parse_json
from tests.conftest import FUZZ_EXAMPLES
from tests.fuzz.inputs import documents, raw_bytes

# The loader's 10,000 inputs (ci profile) are split between parsed JSON and raw bytes.
FUZZ = settings(max_examples=FUZZ_EXAMPLES // 2, suppress_health_check=list(HealthCheck))


def outcome(data: Any) -> Presentation | InputError:
    """Load *data*; any refusal must be an InputError whose path starts at the root."""
    try:
        return load_presentation(data)
    except InputError as error:
        refusal = error
    assert refusal.path.startswith("$"), refusal.path
    return refusal


@pytest.mark.slow
@FUZZ
@given(document=documents())
def test_loader_returns_a_presentation_or_an_input_error_for_any_json(document: Any) -> None:
    """Any parsed JSON value either loads or raises an InputError naming the bad element."""
    outcome(document)


@pytest.mark.slow
@FUZZ
@given(data=raw_bytes())
def test_loader_returns_a_presentation_or_an_input_error_for_any_bytes(data: bytes) -> None:
    """Any byte string either loads or raises an InputError; text and bytes agree."""
    result = outcome(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    again = outcome(text)
    assert type(again) is type(result)
    if isinstance(result, Presentation):
        assert again == result


def test_deeply_nested_input_is_an_input_error_not_a_crash() -> None:
    """Nesting far past the interpreter's recursion limit is refused cleanly."""
    for depth in (10, 1_000, 100_000):
        data = b'{"findings":' + b"[" * depth + b"]" * depth + b"}"
        assert isinstance(outcome(data), InputError)
    nested: Any = []
    for _ in range(5_000):
        nested = [nested]
    assert isinstance(outcome({"findings": nested}), InputError)


def test_parse_json_maps_every_syntax_error_to_a_document_error() -> None:
    """Malformed JSON text is a DocumentError at the root."""
    for text in (b"", b"{", b"\xff", b"[1,]", b"1e400x"):
        with pytest.raises(DocumentError) as caught:
            parse_json(text)
        assert caught.value.path == "$"
