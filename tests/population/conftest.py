"""A generated bulk export with realistic mess, shared by the population tests."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AS_OF = datetime(2026, 11, 20, 10, tzinfo=UTC)
PATIENTS = 120


def bulk_export_module() -> ModuleType:
    """``examples/data/make_bulk_export.py``, the generator the benchmark uses too."""
    path = ROOT / "examples" / "data" / "make_bulk_export.py"
    spec = importlib.util.spec_from_file_location("make_bulk_export", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def generator() -> ModuleType:
    return bulk_export_module()


@pytest.fixture(scope="session")
def export(tmp_path_factory: pytest.TempPathFactory, generator: Any) -> Path:
    """Shuffled, several files per type, orphans, a huge patient, a truncated last line."""
    folder = tmp_path_factory.mktemp("export")
    generator.write(folder, PATIENTS, seed=7, mess=True, ordered=False, single=False)
    return folder
