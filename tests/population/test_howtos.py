"""The population how-tos run as written (console and Python blocks, in page order)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.population.conftest import ROOT

HOWTO = ROOT / "docs" / "howto"
BLOCK = re.compile(r"^```(console|python)\n(.*?)^```", re.S | re.M)


def blocks(page: str) -> list[tuple[str, str]]:
    """The page's console and Python blocks, in order."""
    return [(m[1], m[2]) for m in BLOCK.finditer((HOWTO / page).read_text())]


def _run(kind: str, code: str, cwd: Path) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    if kind == "python":
        subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, check=True)
        return
    for line in code.splitlines():
        command = line.removeprefix("$ ")
        if command.startswith("pip install"):  # the test environment has the extras
            continue
        subprocess.run(command, shell=True, cwd=cwd, env=env, check=True)


@pytest.mark.slow
def test_laptop_and_results_howtos_run_as_written(tmp_path: Path) -> None:
    """Make an export, run it, resume it, then every DuckDB and pandas query on it."""
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    for kind, code in blocks("population-laptop.md"):
        _run(kind, code, tmp_path)
    assert (tmp_path / "results" / "summary.json").is_file()
    for kind, code in blocks("population-results.md"):
        if "pyspark" not in code:  # Spark SQL: checked by hand (a 2nd Spark start is slow)
            _run(kind, code, tmp_path)
