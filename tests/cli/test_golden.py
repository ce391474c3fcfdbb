"""The text of every shipped example, as a clinician reads it, pinned in golden files.

A change to the text output shows up here as a readable diff.  After a deliberate
change, regenerate the files and read the diff before committing::

    LEGRULES_WRITE_GOLDEN=1 .venv/bin/pytest -q tests/cli/test_golden.py
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from legrules.cli import main

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
AS_OF = "2026-11-20T10:00:00+00:00"
EXAMPLES = sorted(
    path.relative_to(ROOT / "examples").as_posix()
    for pattern in ("*/*.json", "*/*.ndjson")
    for path in (ROOT / "examples").glob(pattern)
)
# Every example plainly; the single-patient ones also with --verbose (everything listed).
CASES = [(example, ()) for example in EXAMPLES] + [
    (example, ("--verbose",)) for example in EXAMPLES if not example.endswith(".ndjson")
]


def _name(example: str, flags: tuple[str, ...]) -> str:
    stem = example.replace("/", "--").rsplit(".", 1)[0]
    return f"{stem}{''.join(flags).replace('--', '.')}.txt"


def _text(example: str, flags: tuple[str, ...]) -> str:
    out, err = io.StringIO(), io.StringIO()
    argv = ["assess", str(ROOT / "examples" / example), "--format", "text", "--as-of", AS_OF]
    status = main([*argv, *flags], stdout=out, stderr=err)
    return f"exit status {status}\n{out.getvalue()}{err.getvalue()}"


def test_every_shipped_example_has_a_golden_file() -> None:
    """The golden folder holds exactly one file per example and option set."""
    assert len(EXAMPLES) >= 4
    expected = {_name(example, flags) for example, flags in CASES}
    assert {path.name for path in GOLDEN.glob("*.txt")} == expected


@pytest.mark.parametrize(("example", "flags"), CASES, ids=lambda v: str(v))
def test_text_of_a_shipped_example_is_its_golden_file(example: str, flags: tuple[str, ...]) -> None:
    """`legrules assess EXAMPLE --format text` prints exactly the pinned text."""
    path = GOLDEN / _name(example, flags)
    text = _text(example, flags)
    if os.environ.get("LEGRULES_WRITE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
