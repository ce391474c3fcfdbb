"""The optional dependencies of the population runners, with an install hint when missing."""

from __future__ import annotations

import importlib
from types import ModuleType

from legrules.errors import LegrulesError

__all__ = ["MissingExtraError", "pyarrow", "require"]


class MissingExtraError(LegrulesError, ImportError):
    """An optional dependency is not installed; the message says which extra brings it."""


def require(module: str, extra: str) -> ModuleType:
    """Import *module*, or raise :class:`MissingExtraError` naming the *extra*."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"{module} is not installed: pip install 'legrules[{extra}]'"
        ) from None


def pyarrow() -> ModuleType:
    """The ``pyarrow`` module (extra ``population``)."""
    require("pyarrow.parquet", "population")
    return require("pyarrow", "population")
