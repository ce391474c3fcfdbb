"""Presentation validation: bad values are typed errors with the path of the field."""

from __future__ import annotations

from datetime import datetime

import pytest

from legrules import (
    Finding,
    ImplausibleValueError,
    InvalidValueError,
    Laterality,
    Measurement,
    Patient,
    Presence,
    Presentation,
    UnitError,
    UnknownConceptError,
)


def test_negative_abi_is_implausible() -> None:
    """An ABI below zero is rejected, naming the value field."""
    with pytest.raises(ImplausibleValueError) as caught:
        Measurement("abi", -0.2, "1", Laterality.LEFT)
    assert caught.value.path == "value"


def test_temperature_of_400_celsius_is_implausible() -> None:
    """A temperature of 400 Cel is an input error, not a fever."""
    with pytest.raises(ImplausibleValueError, match="400"):
        Measurement("temperature", 400, "Cel")


def test_plausible_range_applies_in_the_unit_given() -> None:
    """104 degrees Fahrenheit is accepted; 104 Celsius is not."""
    assert Measurement("temperature", 104, "[degF]").canonical()[0] == pytest.approx(40.0)
    with pytest.raises(ImplausibleValueError):
        Measurement("temperature", 104, "Cel")


def test_unknown_unit_is_a_unit_error_naming_the_unit() -> None:
    """A unit the concept does not accept is refused, with the accepted ones listed."""
    with pytest.raises(UnitError) as caught:
        Measurement("temperature", 37, "mg")
    assert caught.value.path == "unit"
    assert "'Cel'" in caught.value.message


def test_d_dimer_needs_feu_or_ddu() -> None:
    """A D-dimer in plain ng/mL is ambiguous and refused rather than guessed."""
    with pytest.raises(UnitError):
        Measurement("d-dimer", 400, "ng/mL")
    value, note = Measurement("d-dimer", 300, "ng/mL{DDU}").canonical()
    assert value == 600
    assert note is not None
    assert "approximation" in note


def test_unknown_finding_id_is_rejected() -> None:
    """A misspelt finding id is an UnknownConceptError naming the id field."""
    with pytest.raises(UnknownConceptError) as caught:
        Finding("leg-pian", Presence.PRESENT)
    assert caught.value.path == "id"


def test_measurement_id_is_not_a_finding() -> None:
    """A quantity concept cannot be stated as present or absent."""
    with pytest.raises(InvalidValueError, match="measurement"):
        Finding("temperature", Presence.PRESENT)
    with pytest.raises(InvalidValueError, match="finding"):
        Measurement("leg-pain", 1, "1")


def test_laterality_only_for_lateral_concepts() -> None:
    """Fever has no side; a side given for it is an error."""
    with pytest.raises(InvalidValueError) as caught:
        Finding("fever", Presence.PRESENT, Laterality.LEFT)
    assert caught.value.path == "laterality"
    assert Finding("leg-pain", Presence.PRESENT, Laterality.LEFT).laterality is Laterality.LEFT


def test_naive_datetime_is_rejected() -> None:
    """An effective time without an offset is ambiguous and refused."""
    with pytest.raises(InvalidValueError, match="time-zone"):
        Finding("fever", Presence.ABSENT, effective=datetime(2026, 11, 1, 9, 0))


@pytest.mark.parametrize("value", [float("nan"), float("inf"), True, "38", 10**400, -(10**400)])
def test_measurement_value_must_be_a_finite_number(value: object) -> None:
    """NaN, infinity, integers too large for a float, booleans and strings are refused."""
    with pytest.raises(InvalidValueError):
        Measurement("temperature", value, "Cel")  # type: ignore[arg-type]


@pytest.mark.parametrize("age", [-1, 131, 40.5, True])
def test_age_must_be_a_plausible_whole_number(age: object) -> None:
    """Ages outside 0-130 or not whole numbers are refused."""
    with pytest.raises(InvalidValueError):
        Patient(age=age)  # type: ignore[arg-type]


def test_presentation_items_must_have_the_right_type() -> None:
    """A measurement in the findings list is refused with its index."""
    with pytest.raises(InvalidValueError) as caught:
        Presentation(findings=[Measurement("temperature", 37, "Cel")])  # type: ignore[list-item]
    assert caught.value.path == "[0]"


def test_of_builds_a_terse_presentation_and_reports_the_path() -> None:
    """Presentation.of builds findings and measurements and re-roots errors at $."""
    presentation = Presentation.of(age=70, sex="male", present=["leg-pain"], absent=["fever"])
    assert [f.state for f in presentation.findings] == [Presence.PRESENT, Presence.ABSENT]
    with pytest.raises(UnitError) as caught:
        Presentation.of(measurements={"temperature": (37.0, "F")})
    assert caught.value.path == "$.unit"


def test_presentations_are_frozen_and_hashable() -> None:
    """Frozen values can be cached and compared."""
    one = Presentation.of(present=["leg-pain"])
    assert one == Presentation.of(present=["leg-pain"])
    assert hash(one) == hash(Presentation.of(present=["leg-pain"]))
    with pytest.raises(AttributeError):
        one.onset = None  # type: ignore[misc]
