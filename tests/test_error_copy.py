"""Re-rooting an input error's path keeps its type and never crashes."""

from __future__ import annotations

import pytest

import legrules
from legrules.errors import FHIRInputError, ImplausibleValueError, InputError, UnitError


@pytest.mark.parametrize(
    "error",
    [
        InputError("bad", "unit"),
        UnitError("bad unit", "unit"),
        ImplausibleValueError("too hot", "value"),
        FHIRInputError("bad", "valueQuantity", resource_type="Observation", resource_id="1"),
    ],
)
def test_at_re_roots_the_path_and_keeps_the_type(error: InputError) -> None:
    """``at`` returns an error of the same class whose path sits below the prefix."""
    moved = error.at("$.measurements[2]")
    assert type(moved) is type(error)
    assert moved.path == f"$.measurements[2].{error.path}"
    assert moved.message == error.message


def test_builder_reports_an_implausible_value_as_a_typed_error() -> None:
    """``Presentation.of`` with an absurd value raises ImplausibleValueError, not a crash."""
    with pytest.raises(ImplausibleValueError, match="plausible range"):
        legrules.Presentation.of(measurements={"temperature": (98.6, "Cel")})
