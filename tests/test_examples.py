"""Every example script runs to completion: ``examples/*.py`` exits 0.

New examples join by being put in ``examples/``; each should check its own results
and exit non-zero when they are wrong, so that running it is a real test.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted((ROOT / "examples").glob("*.py"))


def test_the_documented_examples_exist() -> None:
    """The scripts the documentation includes are present (the glob is not empty)."""
    names = {path.name for path in SCRIPTS}
    assert {"python_service.py", "pin_ruleset.py"} <= names


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
