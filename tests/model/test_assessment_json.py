"""The assessment's JSON text written straight from the objects is the cattrs document's."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legrules import Assessment, Presentation, assess, load_presentation
from legrules.model import Policy
from legrules.model.assessment_json import dumps_assessment
from legrules.model.documents import dump_assessment, dumps
from legrules.rules import RULESETS
from legrules.strategies import policies, presentations
from tests.engine.corpus import AS_OF, corpus

VIGNETTES = Path(__file__).parents[1] / "vignettes"


def same_text(assessment: Assessment) -> None:
    """Both forms, compact and indented, equal the text of the cattrs document."""
    document = dump_assessment(assessment)
    assert dumps_assessment(assessment) == orjson.dumps(document, option=orjson.OPT_SORT_KEYS)
    assert dumps_assessment(assessment, indent=True) == dumps(document)


@pytest.mark.parametrize("version", sorted(RULESETS))
@pytest.mark.parametrize("path", sorted(VIGNETTES.glob("*.json")), ids=lambda p: p.stem)
def test_every_vignette_is_written_as_its_document(path: Path, version: str) -> None:
    """Each vignette's assessment, under each rule set, is written as its document."""
    case = json.loads(path.read_text())
    presentation = load_presentation(case["presentation"])
    as_of = datetime.fromisoformat(case["as_of"])
    same_text(assess(presentation, as_of=as_of, ruleset=version, policy=case.get("policy")))


def test_a_seeded_corpus_is_written_as_its_documents() -> None:
    """Two hundred varied presentations and policies are written as their documents."""
    for presentation, policy in corpus(200, seed=7):
        same_text(assess(presentation, as_of=AS_OF, policy=policy))


def test_a_trace_not_yet_built_is_written_as_the_built_one() -> None:
    """An assessment whose trace was never read is written with its whole trace."""
    presentation, policy = next(iter(corpus(1, seed=3)))
    untouched = dumps_assessment(assess(presentation, as_of=AS_OF, policy=policy))
    assert untouched == orjson.dumps(
        dump_assessment(assess(presentation, as_of=AS_OF, policy=policy)),
        option=orjson.OPT_SORT_KEYS,
    )


@settings(max_examples=40, deadline=None)
@given(presentations(), policies(), st.sampled_from(sorted(RULESETS)))
def test_generated_assessments_are_written_as_their_documents(
    presentation: Presentation, policy: Policy, version: str
) -> None:
    """Any generated presentation's assessment is written as its document."""
    same_text(assess(presentation, as_of=AS_OF, ruleset=version, policy=policy))


def test_rule_traces_shared_between_assessments_are_written_as_their_documents() -> None:
    """Rule traces met again (written from the table of texts) keep the document's text."""
    for presentation, policy in list(corpus(3, seed=11)) * 3:
        same_text(assess(presentation, as_of=AS_OF, policy=policy))


def test_a_mapping_field_is_refused_when_the_writer_is_generated() -> None:
    """A dict field would be written unsorted by the compact form: generating it fails."""
    from typing import Any

    from legrules.model.assessment_json import _expression

    for kind in (dict[str, int], dict, Any):
        with pytest.raises(TypeError, match="no writer for a mapping"):
            _expression("value.extra", kind, {}, {})


def test_a_document_asked_with_a_newline_is_the_same_text_and_a_line_break() -> None:
    """``newline=True`` adds one line break to either form, and changes nothing else."""
    presentation, policy = next(iter(corpus(1, seed=5)))
    result = assess(presentation, as_of=AS_OF, policy=policy)
    for indent in (False, True):
        text = dumps_assessment(result, indent=indent)
        assert dumps_assessment(result, indent=indent, newline=True) == text + b"\n"
