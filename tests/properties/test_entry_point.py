"""Installing legrules registers its strategies with hypothesis in any environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]

SCRIPT = """
import sys
from hypothesis import strategies as st
assert "legrules._hypothesis_plugin" in sys.modules, "the hypothesis entry point did not run"
from legrules import Presentation
example = st.from_type(Presentation).example()
assert isinstance(example, Presentation), type(example)
print("from_type(Presentation) ->", type(example).__name__)
"""


def _run(command: list[str], cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.pop("HYPOTHESIS_NO_PLUGINS", None)
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.slow
def test_from_type_presentation_works_in_a_fresh_environment(tmp_path: Path) -> None:
    """A new virtual environment with legrules[hypothesis] gets st.from_type(Presentation)."""
    source = tmp_path / "legrules"
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("*.egg-info"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    python = str(venv / "bin" / "python")
    # pip reuses its wheel cache, so after the first run this is an offline install.
    _run([python, "-m", "pip", "install", "--quiet", f"{source}[hypothesis]"], tmp_path)
    output = _run([python, "-c", SCRIPT], tmp_path)
    assert "from_type(Presentation) -> Presentation" in output


def test_strategies_import_first_in_a_fresh_interpreter() -> None:
    """Importing legrules.strategies before hypothesis works (no circular entry point)."""
    code = (
        "import legrules.strategies\n"
        "from hypothesis import strategies as st\n"
        "from legrules import Presentation\n"
        "assert isinstance(st.from_type(Presentation).example(), Presentation)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode()[-500:]
