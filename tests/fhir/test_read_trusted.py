"""The reader builds facts without the validators; every one it builds would pass them.

The reader checks each element as it reads it (``legrules.model.checks``) and then
builds findings and measurements through ``legrules.model.trusted``, which skips the
attrs validators.  These tests re-validate every fact the reader produces from data
no one here wrote, the shipped examples, generated NDJSON and generated
presentations, and compare it with the same fact built by the public constructor.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import orjson
import pytest
from hypothesis import given, settings

from legrules import LegrulesError
from legrules.fhir import ReadResult, read_presentations
from legrules.fhir.capture import presentation_resources
from legrules.fhir.read.elements import parse_datetime
from legrules.model import Finding, IgnoredInput, Measurement, Presentation, Source
from tests.fhir.conftest import EXAMPLES, bundle
from tests.fhir.test_read_roundtrip import presentations
from tests.support import AS_OF

ROOT = Path(__file__).parents[2]
SHIPPED = sorted((ROOT / "examples" / "fhir").glob("*.json"))
POPULATION = ROOT / "examples" / "data" / "population.ndjson"
# The widest look-back windows a policy allows, so that old example data still counts.
WIDE = {"lookback_signs_days": 365, "lookback_vitals_hours": 720, "lookback_labs_days": 365}
GROUPINGS = ["memory", "spill", "contiguous"]


def public(fact: Finding | Measurement) -> Finding | Measurement:
    """The same fact, built by the public (validating) constructors."""
    source = fact.source
    copy = None if source is None else Source(source.reference, source.display, source.preliminary)
    if isinstance(fact, Finding):
        return Finding(fact.id, fact.state, fact.laterality, copy, fact.effective)
    return Measurement(fact.id, fact.value, fact.unit, fact.laterality, copy, fact.effective)


def checked(results: Iterable[ReadResult]) -> int:
    """Re-validate every fact of *results*; how many there were."""
    count = 0
    for result in results:
        presentation = result.presentation
        attrs.validate(presentation)
        assert presentation == Presentation(**attrs.asdict(presentation, recurse=False))
        facts: list[Finding | Measurement] = [*presentation.findings, *presentation.measurements]
        for fact in facts:
            attrs.validate(fact)
            if fact.source is not None:
                attrs.validate(fact.source)
            assert fact == public(fact)
            assert fact.effective is None or fact.effective.utcoffset() is not None
            count += 1
        for fact in presentation.measurements:
            assert type(fact.value) is float
        for item in presentation.ignored:
            attrs.validate(item)
            assert item == IgnoredInput(item.reference, item.reason)
            assert type(item.reference) is str
            assert type(item.reason) is str
    return count


# Elements that date a resource the reader takes (effective[x], issued, recordedDate...).
WHEN = re.compile(
    r'"(?:effectiveDateTime|effectiveInstant|issued|start|end|recordedDate|onsetDateTime'
    r'|authoredOn|dateAsserted)"\s*:\s*"([^"]+)"'
)


def instants(text: str) -> list[datetime]:
    """Just after each instant *text* dates something at (each makes some data current)."""
    found = set()
    for stamp in WHEN.findall(text):
        try:
            found.add(parse_datetime(stamp) + timedelta(minutes=1))
        except ValueError:
            continue
    return sorted(found)[-12:] or [AS_OF]


def read_all(path: Path, **options: Any) -> Iterator[ReadResult]:
    """Every presentation *path* gives at each instant, skipping malformed resources."""
    moments = [options.pop("as_of")] if "as_of" in options else instants(path.read_text())
    for as_of in moments:
        try:
            yield from read_presentations(
                path, as_of=as_of, policy=WIDE, on_error="skip", **options
            )
        except LegrulesError:  # a document the reader refuses as a whole: no facts to check
            continue


def test_every_fact_read_from_the_official_examples_passes_the_validators() -> None:
    """The official R4 examples give facts that validate and equal their public twins."""
    files = sorted(EXAMPLES.glob("*.json"))
    assert files, "run `make testdata` to fetch hl7.fhir.r4.examples"
    wanted = ("Observation-", "Bundle-", "Patient-", "Condition-", "Medication")
    count = sum(checked(read_all(f)) for f in files if f.name.startswith(wanted))
    assert count >= 6  # the vital-sign examples: most others use codes legrules does not map


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_fact_read_from_the_shipped_examples_passes_the_validators(path: Path) -> None:
    """The shipped FHIR examples give facts that validate, in strict mode too."""
    checked(read_all(path, as_of=AS_OF))
    checked(read_all(path, as_of=AS_OF, strict=True))


@pytest.mark.parametrize("grouping", GROUPINGS)
def test_every_fact_read_from_generated_ndjson_passes_the_validators(grouping: str) -> None:
    """The generated NDJSON population validates in every grouping."""
    results = read_presentations(POPULATION, as_of=AS_OF, grouping=grouping)  # type: ignore[arg-type]
    if grouping == "contiguous":  # that population is laid out by resource type
        with pytest.raises(LegrulesError):
            list(results)
        return
    assert checked(results) > 100


@settings(max_examples=40, deadline=None)
@given(presentations)
def test_every_fact_read_from_written_resources_passes_the_validators(
    presentation: Presentation,
) -> None:
    """Written presentations read back, as a Bundle or spilled NDJSON, to valid facts."""
    resources = presentation_resources(presentation)
    if not resources:  # nothing stated: nothing to read
        return
    lines = b"".join(orjson.dumps(r) + b"\n" for r in resources)
    sources = [(bundle(*resources), "memory"), (lines, "spill"), (lines, "contiguous")]
    for source, grouping in sources:
        checked(read_presentations(source, as_of=AS_OF, grouping=grouping))  # type: ignore[arg-type]
