"""Fuzzing the FHIR reader: presentations, or an InputError naming the element; nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legrules import InputError, LegrulesError
from legrules.fhir import read_presentations
from tests.conftest import FUZZ_EXAMPLES
from tests.fuzz.inputs import encode, json_values, mutated
from tests.support import AS_OF

ROOT = Path(__file__).parents[2]
FUZZ = settings(max_examples=FUZZ_EXAMPLES // 2, suppress_health_check=list(HealthCheck))


def _templates() -> list[Any]:
    """Real inputs to mutate: the shipped searchset, and resources of the population."""
    searchset = orjson.loads((ROOT / "examples/fhir/suspected-dvt-searchset.json").read_bytes())
    lines = (ROOT / "examples/data/population.ndjson").read_bytes().splitlines()
    resources = [orjson.loads(line) for line in lines[:40]]
    kinds = {r["resourceType"]: r for r in resources}
    return [searchset, resources[:12], *kinds.values()]


TEMPLATES = _templates()
FHIR_WORDS = st.sampled_from(
    [
        "resourceType",
        "Observation",
        "Bundle",
        "entry",
        "resource",
        "status",
        "final",
        "entered-in-error",
        "valueQuantity",
        "valueBoolean",
        "code",
        "coding",
        "system",
        "subject",
        "reference",
        "Patient/p",
        "effectiveDateTime",
        "bodySite",
        "component",
    ]
)


def outcome(source: Any) -> int | LegrulesError:
    """Read every patient in *source*: the count, or the LegrulesError that refused it."""
    try:
        return len(list(read_presentations(source, as_of=AS_OF)))
    except LegrulesError as error:
        refusal = error
    assert isinstance(refusal, InputError), type(refusal)
    assert refusal.path, "an input error names the element"
    assert "\n" not in str(refusal)
    return refusal


def _not_a_path(value: Any) -> bool:
    # A str given to the reader is a file path by contract (bytes are content).
    return not isinstance(value, str)


def fhir_documents() -> st.SearchStrategy[Any]:
    """Almost valid FHIR, FHIR-shaped dictionaries, and arbitrary JSON (not a bare str)."""
    shaped = st.dictionaries(FHIR_WORDS, json_values(2) | FHIR_WORDS, max_size=5)
    return st.one_of(mutated(TEMPLATES), mutated(TEMPLATES), shaped, json_values()).filter(
        _not_a_path
    )


def ndjson() -> st.SearchStrategy[bytes]:
    """NDJSON of almost valid resources, with truncated and foreign lines."""
    line = st.one_of(
        fhir_documents().map(encode),
        st.binary(max_size=20),
        fhir_documents().map(encode).map(lambda data: data[: len(data) // 2]),
    )
    return st.lists(line, min_size=1, max_size=6).map(lambda parts: b"\n".join(parts))


@pytest.mark.slow
@FUZZ
@given(document=fhir_documents())
def test_reader_takes_any_parsed_json(document: Any) -> None:
    """Any parsed JSON value reads into presentations or raises an InputError with a path."""
    outcome(document)


@pytest.mark.slow
@FUZZ
@given(data=ndjson())
def test_reader_takes_any_bytes(data: bytes) -> None:
    """Any bytes (JSON or NDJSON, broken or not) read or raise an InputError with a path."""
    outcome(data)


def test_templates_read_cleanly() -> None:
    """The unmutated templates are valid input, so the mutations start from real data."""
    for template in TEMPLATES:
        assert isinstance(outcome(template), int)
