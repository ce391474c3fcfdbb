"""Real data no one here wrote (the official R4 examples) and the shipped example."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from legrules import Disposition, LegrulesError, Status, assess
from legrules.fhir import ReadResult, read_presentations
from tests.fhir.conftest import EXAMPLES
from tests.support import AS_OF

SHIPPED = Path(__file__).parents[2] / "examples" / "fhir" / "suspected-dvt-searchset.json"
COUNTS = {"Observation": 64, "Bundle": 44, "Patient": 22, "Condition": 12}


def read_all(path: Path) -> list[ReadResult] | LegrulesError:
    try:
        return list(read_presentations(path, as_of=AS_OF))
    except LegrulesError as error:
        return error


@pytest.mark.parametrize(("prefix", "count"), sorted(COUNTS.items()))
def test_every_official_r4_example_reads_without_crashing(prefix: str, count: int) -> None:
    """Each official example gives presentations or a LegrulesError, never another exception."""
    files = sorted(EXAMPLES.glob(f"{prefix}-*.json"))
    assert len(files) == count, "run `make testdata` to fetch hl7.fhir.r4.examples"
    outcomes = [read_all(f) for f in files]
    assert all(isinstance(o, list | LegrulesError) for o in outcomes)


def test_official_vital_sign_examples_give_measurements() -> None:
    """The R4 vital-signs examples are read into measurements when current."""
    from datetime import datetime

    path = EXAMPLES / "Observation-body-temperature.json"
    (result,) = read_presentations(path, as_of=datetime.fromisoformat("1999-07-02T12:00:00+00:00"))
    assert [(m.id, m.value, m.unit) for m in result.presentation.measurements] == [
        ("temperature", 36.5, "Cel")
    ]


def test_official_examples_validate_in_strict_mode_or_fail_typed() -> None:
    """Strict mode over the official Observations never raises anything but LegrulesError."""
    for path in sorted(EXAMPLES.glob("Observation-*.json"))[:20]:
        with contextlib.suppress(LegrulesError):
            list(read_presentations(path, as_of=AS_OF, strict=True, version="R4"))


def test_shipped_suspected_dvt_example_is_urgent() -> None:
    """The shipped R4 searchset assesses as urgent with redflag.suspected-dvt met."""
    (result,) = read_presentations(SHIPPED, as_of=AS_OF, strict=True, version="R4")
    assessment = assess(result.presentation)
    assert assessment.disposition is Disposition.URGENT
    met = {f.id for f in assessment.red_flags if f.status is Status.MET}
    assert "redflag.suspected-dvt" in met
    assert [i.reference for i in result.ignored] == ["Observation/obs-temperature-typo"]
