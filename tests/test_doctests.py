"""The examples in the library's docstrings run and print what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from types import ModuleType

import pytest

import legrules


def _examples(module: ModuleType) -> int:
    finder = doctest.DocTestFinder()
    return sum(len(test.examples) for test in finder.find(module))


def _modules_with_examples() -> list[str]:
    names = [legrules.__name__]
    names += [
        info.name for info in pkgutil.walk_packages(legrules.__path__, f"{legrules.__name__}.")
    ]
    return sorted(n for n in names if _examples(importlib.import_module(n)))


def test_some_docstrings_have_examples() -> None:
    """The doctest collection finds the library's examples (it is not silently empty)."""
    assert "legrules" in _modules_with_examples()


@pytest.mark.parametrize("name", _modules_with_examples())
def test_docstring_examples_pass(name: str) -> None:
    """Every ``>>>`` example in the module's docstrings gives the output it shows."""
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
