"""Determinism and round trips: same input, same bytes; every document matches its schema."""

from __future__ import annotations

from datetime import datetime

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from legrules import assess, dump_assessment, dump_presentation, load_assessment, load_presentation
from legrules.model import Policy, Presentation
from legrules.model.documents import dumps
from legrules.schemas import assessment_schema, presentation_schema
from legrules.strategies import datetimes, policies, presentations

PRESENTATION = jsonschema.Draft202012Validator(presentation_schema())
ASSESSMENT = jsonschema.Draft202012Validator(assessment_schema())
ANY_PRESENTATION = st.one_of(
    presentations(), presentations(complete=True), presentations(meeting="redflag.sepsis")
)


@given(p=ANY_PRESENTATION, as_of=datetimes(), policy=policies())
def test_same_input_and_as_of_give_equal_assessments_and_identical_bytes(
    p: Presentation, as_of: datetime, policy: Policy
) -> None:
    """Assessing twice gives equal values and byte-identical JSON."""
    first, second = assess(p, as_of=as_of, policy=policy), assess(p, as_of=as_of, policy=policy)
    assert first == second
    assert dumps(dump_assessment(first)) == dumps(dump_assessment(second))


@given(p=ANY_PRESENTATION)
def test_presentation_survives_a_json_round_trip(p: Presentation) -> None:
    """Presentation -> JSON bytes -> presentation gives an equal presentation and equal result."""
    text = dumps(dump_presentation(p))
    back = load_presentation(text)
    assert back == p
    assert dumps(dump_assessment(assess(back))) == dumps(dump_assessment(assess(p)))


@pytest.mark.slow
@given(p=ANY_PRESENTATION, policy=policies())
def test_every_emitted_document_validates_against_its_schema(
    p: Presentation, policy: Policy
) -> None:
    """Presentation and assessment documents validate against the published schemas."""
    PRESENTATION.validate(dump_presentation(p))
    document = dump_assessment(assess(p, policy=policy))
    ASSESSMENT.validate(document)
    assert load_assessment(dumps(document)) == assess(p, policy=policy)
