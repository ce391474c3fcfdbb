"""Presentation and assessment JSON documents: strict loading, paths, round trips."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from legrules import (
    DocumentError,
    InputError,
    InvalidValueError,
    UnitError,
    dump_assessment,
    dump_presentation,
    load_assessment,
    load_presentation,
)
from legrules.model.documents import dumps
from tests.support import make, run

EXAMPLE = Path(__file__).parents[2] / "examples" / "presentations" / "calf-pain-after-flight.json"


def load_error(document: Any) -> InputError:
    with pytest.raises(InputError) as caught:
        load_presentation(document)
    return caught.value


def test_shipped_example_loads() -> None:
    """The demo presentation document loads with its findings and measurements."""
    presentation = load_presentation(EXAMPLE.read_bytes())
    assert presentation.patient.age == 47
    assert any(f.id == "leg-swelling" for f in presentation.findings)


def test_round_trip_through_json_is_lossless() -> None:
    """Dump then load gives back an equal presentation."""
    presentation = load_presentation(EXAMPLE.read_bytes())
    assert load_presentation(dumps(dump_presentation(presentation))) == presentation


def test_unknown_and_default_fields_are_left_out_of_documents() -> None:
    """A presentation document lists only what was stated."""
    document = dump_presentation(make(present=["leg-pain"]))
    assert document == {"findings": [{"id": "leg-pain", "state": "present"}]}


def test_malformed_json_is_a_document_error() -> None:
    """Broken JSON is reported as such, at the root."""
    error = load_error(b'{"findings": [')
    assert isinstance(error, DocumentError)
    assert error.path == "$"


def test_top_level_must_be_an_object() -> None:
    """An array is not a presentation document."""
    assert isinstance(load_error(b"[1, 2]"), DocumentError)


def test_bad_unit_names_the_measurement_path() -> None:
    """An unknown unit points at $.measurements[i].unit."""
    document = {
        "measurements": [
            {"id": "temperature", "value": 37, "unit": "Cel"},
            {"id": "temperature", "value": 37, "unit": "celsius"},
        ]
    }
    error = load_error(document)
    assert isinstance(error, UnitError)
    assert error.path == "$.measurements[1].unit"


def test_number_given_as_string_is_refused() -> None:
    """JSON types are strict: "38" is not a number."""
    error = load_error({"measurements": [{"id": "temperature", "value": "38", "unit": "Cel"}]})
    assert error.path == "$.measurements[0].value"


def test_unknown_key_is_refused() -> None:
    """A misspelt key is an error rather than silently ignored data."""
    error = load_error({"findngs": []})
    assert "findngs" in error.message


def test_missing_required_key_names_it() -> None:
    """A finding without a state says so."""
    error = load_error({"findings": [{"id": "leg-pain"}]})
    assert isinstance(error, InvalidValueError)
    assert error.path.startswith("$.findings[0]")


def test_unknown_finding_in_a_document_names_its_path() -> None:
    """An unknown id is reported at $.findings[i].id."""
    error = load_error(
        {"findings": [{"id": "leg-pain", "state": "present"}, {"id": "x", "state": "absent"}]}
    )
    assert error.path == "$.findings[1].id"


def test_bad_state_is_refused() -> None:
    """States are present, absent or unknown."""
    error = load_error({"findings": [{"id": "leg-pain", "state": "yes"}]})
    assert error.path == "$.findings[0].state"


@pytest.mark.parametrize(
    "instant", ["2026-11-20", "2026-11-20T10:00:00", "2026-02-31T10:00:00Z", "tomorrow", 5]
)
def test_date_times_need_an_offset_and_a_real_date(instant: object) -> None:
    """Dates without time or offset, impossible dates and non-strings are refused."""
    assert load_error({"as_of": instant}).path == "$.as_of"


def test_integral_float_age_is_accepted_like_json_schema_does() -> None:
    """54.0 is an integer in JSON Schema, and so here."""
    assert load_presentation({"patient": {"age": 54.0}}).patient.age == 54


def test_assessment_round_trip() -> None:
    """An assessment document loads back into an equal assessment."""
    assessment = run(make(present=["leg-pain", "dyspnea"]))
    document = dump_assessment(assessment)
    assert document["disposition"] == "emergency"
    assert document["cds_indicator"] == "critical"
    assert load_assessment(dumps(document)) == assessment


def test_assessment_json_is_deterministic() -> None:
    """The same presentation and as_of give byte-identical JSON."""
    first = dumps(dump_assessment(run(make(present=["leg-pain"]))))
    second = dumps(dump_assessment(run(make(present=["leg-pain"]))))
    assert first == second


def test_score_class_is_serialised_as_class() -> None:
    """The Python attribute class_ is 'class' in JSON."""
    document = dump_assessment(run(make()))
    assert all("class" in s and "class_" not in s for s in document["scores"])
