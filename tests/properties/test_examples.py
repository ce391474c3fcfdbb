"""The research example runs and checks what it says it checks."""

from __future__ import annotations

import runpy
from pathlib import Path

EXAMPLE = Path(__file__).parents[2] / "examples" / "research_property.py"


def test_research_example_checks_every_emergency_red_flag() -> None:
    """The example finds no counterexample and covers each emergency red flag."""
    namespace = runpy.run_path(str(EXAMPLE))
    checked = namespace["main"]()
    assert set(checked) == set(namespace["EMERGENCY_FLAGS"])
    assert sum(checked.values()) >= 40
