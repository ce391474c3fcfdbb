"""Every example script runs to completion: ``examples/*.py`` and ``examples/fhir/*.py``.

New examples join by being put in ``examples/``; each should check its own results
and exit non-zero when they are wrong, so that running it is a real test.  The data
generator in ``examples/data/`` is not an example to run in place (it writes its file):
it is checked by regenerating the committed population elsewhere.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted([*(ROOT / "examples").glob("*.py"), *(ROOT / "examples" / "fhir").glob("*.py")])
POPULATION = ROOT / "examples" / "data" / "population.ndjson"


def test_the_documented_examples_exist() -> None:
    """The scripts the documentation includes are present (the glob is not empty)."""
    names = {path.name for path in SCRIPTS}
    documented = {"python_service.py", "pin_ruleset.py", "ehr_integration.py"}
    assert documented | {"research_pipeline.py", "read_bundle.py"} <= names


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_example_runs_and_exits_zero(script: Path) -> None:
    """The example script exits with status 0 and prints what it did."""
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"{script.name} failed:\n{done.stdout}\n{done.stderr}"
    assert done.stdout.strip(), f"{script.name} printed nothing"


def test_population_file_is_what_its_generator_writes(tmp_path: Path) -> None:
    """``make_population.py`` reproduces the committed NDJSON population byte for byte."""
    target = tmp_path / "population.ndjson"
    script = ROOT / "examples" / "data" / "make_population.py"
    done = subprocess.run(
        [sys.executable, str(script), str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert target.read_bytes() == POPULATION.read_bytes(), "regenerate: make_population.py"


@pytest.mark.parametrize(
    "as_of", [[], ["--as-of", "2026-11-20T10:00:00Z"], ["--as-of", "2030-01-01T00:00:00Z"]]
)
def test_invalid_example_is_an_input_error_whenever_it_is_run(as_of: list[str]) -> None:
    """The bad-unit example exits 2 on any day, not only inside a look-back window."""
    from legrules.cli import main

    err = io.StringIO()
    path = str(ROOT / "examples" / "fhir" / "invalid-temperature-unit.json")
    status = main(["assess", path, "--format", "json", *as_of], stdout=io.StringIO(), stderr=err)
    assert status == 2
    assert "Observation/obs-temp-1.valueQuantity.code" in err.getvalue()
