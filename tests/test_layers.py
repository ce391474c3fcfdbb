"""Packages import downwards only: the contracts in pyproject.toml, checked by import-linter."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def _layers() -> list[str]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    (contract,) = (c for c in config["contracts"] if c["type"] == "layers")
    return [str(layer) for layer in contract["layers"]]


def test_every_import_contract_is_kept(capsys: pytest.CaptureFixture[str]) -> None:
    """No module imports a package above its own (lazy imports inside functions count)."""
    status = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    assert status == 0, capsys.readouterr().out


def test_fhir_sits_below_population_and_above_the_model() -> None:
    """Population uses fhir and never the reverse; fhir uses the model and never the reverse."""
    layers = _layers()
    position = {name: i for i, layer in enumerate(layers) for name in layer.split(" : ")}
    assert position["legrules.population"] < position["legrules.fhir"] < position["legrules.model"]
