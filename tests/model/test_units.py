"""UCUM conversions to each concept's canonical unit."""

from __future__ import annotations

import pytest

from legrules import UnitError
from legrules.model import VOCABULARY, Kind, concept


@pytest.mark.parametrize(
    ("cid", "value", "unit", "canonical"),
    [
        ("temperature", 100.4, "[degF]", 38.0),
        ("temperature", 311.15, "K", 38.0),
        ("d-dimer", 0.5, "mg/L{FEU}", 500.0),
        ("d-dimer", 250, "ug/L{DDU}", 500.0),
        ("ferritin", 75, "ug/L", 75.0),
        ("magnesium", 1.7, "mg/dL", 0.6994),
        ("magnesium", 1.4, "mEq/L", 0.7),
        ("potassium", 3.4, "mEq/L", 3.4),
        ("calf-circumference-difference", 30, "mm", 3.0),
        ("calf-circumference-difference", 1.5, "[in_i]", 3.81),
        ("systolic-bp", 13.3, "kPa", 99.758),
        ("symptom-duration", 2, "wk", 14.0),
        ("hours-since-exercise", 2, "d", 48.0),
    ],
)
def test_conversion_to_canonical_unit(cid: str, value: float, unit: str, canonical: float) -> None:
    """Values in accepted units convert to the canonical unit."""
    converted, _ = concept(cid).to_canonical(value, unit)
    assert converted == pytest.approx(canonical, abs=1e-3)


def test_every_quantity_accepts_its_canonical_unit_first() -> None:
    """Each quantity's accepted units start with its canonical unit."""
    for spec in VOCABULARY.values():
        if spec.kind is Kind.QUANTITY:
            assert spec.accepted_units()[0] == spec.unit


def test_booleans_have_no_unit() -> None:
    """A boolean finding has no unit and refuses quantity operations."""
    with pytest.raises(TypeError):
        concept("leg-pain").accepted_units()
    assert concept("leg-pain").unit is None


def test_wrong_dimension_is_a_unit_error() -> None:
    """A length is not a temperature."""
    with pytest.raises(UnitError):
        concept("temperature").to_canonical(3, "cm")


def test_range_in_each_unit_is_the_canonical_range() -> None:
    """The plausible range expressed in each unit converts back to the canonical range."""
    for spec in VOCABULARY.values():
        if spec.kind is not Kind.QUANTITY:
            continue
        for unit in spec.accepted_units():
            low, high = spec.range_in(unit)
            ends = sorted(spec.to_canonical(v, unit)[0] for v in (low, high))
            assert ends == pytest.approx([spec.low, spec.high], rel=1e-5, abs=1e-5)
