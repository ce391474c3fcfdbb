"""NDJSON streams in bounded memory: reading a 4x larger export does not need 4x memory."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import orjson
import pytest

from legrules.fhir import read_presentations
from tests.support import AS_OF

PER_PATIENT = 6


def export(path: Path, patients: int) -> Path:
    """A bulk-style export: a Patient line then observations, patient after patient."""
    with path.open("wb") as out:
        for p in range(patients):
            out.write(
                orjson.dumps({"resourceType": "Patient", "id": f"p{p}", "gender": "female"}) + b"\n"
            )
            for o in range(PER_PATIENT):
                observation = {
                    "resourceType": "Observation",
                    "id": f"o{p}-{o}",
                    "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
                    "subject": {"reference": f"Patient/p{p}"},
                    "effectiveDateTime": "2026-11-20T09:00:00Z",
                    "valueQuantity": {
                        "value": 60 + o,
                        "system": "http://unitsofmeasure.org",
                        "code": "/min",
                    },
                    "note": [{"text": "x" * 200}],
                }
                out.write(orjson.dumps(observation) + b"\n")
    return path


def peak(path: Path, grouping: str) -> tuple[int, int]:
    tracemalloc.start()
    try:
        results = read_presentations(path, as_of=AS_OF, grouping=grouping)  # type: ignore[arg-type]
        count = sum(1 for _ in results)
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
@pytest.mark.parametrize("grouping", ["spill", "contiguous"])
def test_peak_memory_stays_flat_as_the_export_grows(
    tmp_path: Path, grouping: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Peak traced memory on a 4x larger NDJSON file grows by far less than the file."""
    # The spill's window (20 MiB of lines) would hold both files whole: a 1 MiB window
    # shows that memory is bounded by the window, not by the file, on files that stay
    # small enough for a test.
    monkeypatch.setattr("legrules.fhir.read.presentations._WINDOW_BYTES", 1 << 20)
    small = export(tmp_path / "small.ndjson", 1_000)
    large = export(tmp_path / "large.ndjson", 4_000)
    assert small.stat().st_size > 2_000_000
    small_count, small_peak = peak(small, grouping)
    large_count, large_peak = peak(large, grouping)
    assert (small_count, large_count) == (1_000, 4_000)
    growth = large.stat().st_size - small.stat().st_size
    # One small entry per patient seen: contiguous mode's (to refuse unsorted input), the
    # spill's (where the patient's chain of records ends).
    allowance = 300_000 + 140 * 3_000
    assert large_peak - small_peak < allowance, (small_peak, large_peak)
    assert large_peak < growth / 2
