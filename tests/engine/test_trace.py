"""The trace is built on demand, and reads, compares and pickles like the built tuple."""

from __future__ import annotations

import enum
import pickle

import attrs
import cattrs
import pytest

from legrules import Presentation, assess, dump_assessment
from legrules.engine import interpret
from legrules.errors import InvalidValueError
from legrules.fhir import transaction_bundle
from legrules.model.assessment import RuleTrace
from legrules.model.deferred import Deferred
from tests.engine.corpus import AS_OF

PE = Presentation.of(present=["leg-pain", "dyspnea"], absent=["fever"])


def test_the_trace_is_not_built_until_it_is_read() -> None:
    """An assessment nobody reads the trace of never builds it."""
    result = assess(PE, as_of=AS_OF)
    assert result.disposition.value == "emergency"
    assert isinstance(result.trace, Deferred)
    assert not result.trace.built
    assert result.rule_trace("redflag.possible-pe").conclusion == "met"
    assert result.trace.built


def test_include_trace_builds_the_trace_at_once() -> None:
    """Asked for, the trace comes built: a plain tuple, the interpreter's."""
    result = assess(PE, as_of=AS_OF, include_trace=True)
    assert type(result.trace) is tuple
    assert result.trace == interpret(PE, as_of=AS_OF).trace


def test_include_trace_leaves_the_documents_unchanged() -> None:
    """The JSON document and the FHIR Bundle are the same with the trace built at once."""
    eager, lazy = assess(PE, as_of=AS_OF, include_trace=True), assess(PE, as_of=AS_OF)
    assert dump_assessment(eager) == dump_assessment(lazy)
    assert transaction_bundle(eager) == transaction_bundle(lazy)


def test_include_trace_must_be_a_boolean() -> None:
    """A truthy string is refused with the argument named, not taken as yes."""
    with pytest.raises(InvalidValueError) as caught:
        assess(PE, as_of=AS_OF, include_trace="no")  # type: ignore[arg-type]
    assert caught.value.path == "include_trace"


def test_a_built_trace_equals_the_interpreters() -> None:
    """Read, the trace is the interpreter's, rule by rule and criterion by criterion."""
    result, reference = assess(PE, as_of=AS_OF), interpret(PE, as_of=AS_OF)
    assert list(result.trace) == list(reference.trace)
    assert result == reference
    assert reference == result
    assert hash(result) == hash(reference)


def test_the_document_is_the_same_whether_or_not_the_trace_was_read() -> None:
    """Serialising builds the trace; the document does not depend on when."""
    untouched, read = assess(PE, as_of=AS_OF), assess(PE, as_of=AS_OF)
    assert len(read.trace) > 0
    assert dump_assessment(untouched) == dump_assessment(read)


def test_an_assessment_pickles_with_its_trace_built() -> None:
    """Pickling (as the population runner does between processes) carries the trace."""
    result = assess(PE, as_of=AS_OF)
    copy = pickle.loads(pickle.dumps(result))
    assert type(copy.trace) is tuple
    assert copy == result
    assert dump_assessment(copy) == dump_assessment(interpret(PE, as_of=AS_OF))


def test_evolving_an_assessment_keeps_its_trace() -> None:
    """attrs.evolve carries the deferred trace along unchanged."""
    result = assess(PE, as_of=AS_OF)
    moved = attrs.evolve(result, patient="p1")
    assert moved.trace == interpret(PE, as_of=AS_OF).trace


def test_the_hand_written_trace_hooks_give_the_generated_converters_document() -> None:
    """Evidence and rule traces unstructure exactly as cattrs' generated code does."""
    result = interpret(PE, as_of=AS_OF)
    generated = cattrs.Converter()
    assert [_plain(generated.unstructure(t, RuleTrace)) for t in result.trace] == [
        _plain(t) for t in dump_assessment(result)["trace"]
    ]


def _plain(value: object) -> object:
    """*value* with tuples as lists and enums as their values, as JSON would have it."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value.value if isinstance(value, enum.Enum) else value


def test_a_trace_read_plainly_holds_the_interpreters_plain_evidence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Records read plainly (as in the engine's timed plain window) give the interpreter's trace.

    Such a trace is taken as built, with no proof to put back: none is made, and no kept
    answer (which may cite proofs) is taken.  Each presentation is assessed after the
    same one was read symbolically, so that kept answers are there to be (wrongly) taken.
    """
    from tests.engine.corpus import corpus

    for presentation, policy in corpus(30, seed=23):
        assess(presentation, as_of=AS_OF, policy=policy)  # kept answers, citing proofs
        with monkeypatch.context() as patched:
            patched.setattr("legrules.engine.rule_memo.Reuse.worth", lambda self: False)
            result = assess(presentation, as_of=AS_OF, policy=policy)
        reference = interpret(presentation, as_of=AS_OF, policy=policy)
        assert isinstance(result.trace, Deferred)
        assert result.trace.substitution is None
        assert tuple(result.trace) == reference.trace
        assert dump_assessment(result) == dump_assessment(reference)
