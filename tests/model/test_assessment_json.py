"""The assessment's JSON text written straight from the objects is the cattrs document's."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import attrs
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legrules import Assessment, Presentation, assess, load_presentation
from legrules.model import CriterionTrace, Evidence, Laterality, Policy, RuleTrace, Tri
from legrules.model.assessment_json import dumps_assessment
from legrules.model.deferred import Deferred, Substitution
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


# Texts written once and handed out again: evidence within one document, results the
# engine shares between assessments, and traces written from a substitution.  Each test
# makes new objects where old ones were freed, so that a text kept by a reused identity
# (rather than by the object) would be handed out for the wrong object and be caught.


def _base() -> Assessment:
    presentation, policy = next(iter(corpus(1, seed=13)))
    return assess(presentation, as_of=AS_OF, policy=policy)


def test_evidence_cited_again_in_one_document_is_written_as_its_document() -> None:
    """One evidence object cited by several results, and equal ones, keep their text.

    Each round's evidence is new (the last round's freed): the text of an evidence object
    is kept for its document only.
    """
    base = _base()
    flag = base.red_flags[0]
    for round_ in range(30):
        cited = Evidence("fever", f"{round_} Cel", source=f"Observation/{round_}")
        equal = Evidence("fever", f"{round_} Cel", source=f"Observation/{round_}")
        other = Evidence("dyspnea", "present", note=f"round {round_}")
        flags = (
            attrs.evolve(flag, evidence=(cited, other, cited)),
            attrs.evolve(flag, id="redflag.other", evidence=(equal, cited)),
        )
        same_text(attrs.evolve(base, red_flags=flags))


def test_results_shared_between_assessments_are_written_as_their_documents() -> None:
    """A result met in several assessments (written once, then as text) keeps its text.

    After three assessments sharing the same result objects (and tuples of them), they
    are replaced by new ones that differ in one field each: none is written with a text
    kept for another.
    """
    base = _base()
    for round_ in range(5):
        flags = tuple(attrs.evolve(f, version=f"9.{round_}") for f in base.red_flags)
        differentials = tuple(attrs.evolve(d, version=f"9.{round_}") for d in base.differentials)
        recommendations = tuple(
            attrs.evolve(r, text=f"{r.text} ({round_})") for r in base.recommendations
        )
        withheld = tuple(attrs.evolve(w, reason=f"{w.reason} ({round_})") for w in base.withheld)
        scores = tuple(attrs.evolve(s, version=f"9.{round_}") for s in base.scores)
        unresolved = tuple(attrs.evolve(u, missing=(f"x-{round_}",)) for u in base.unresolved)
        for _ in range(3):
            same_text(
                attrs.evolve(
                    base,
                    red_flags=flags,
                    differentials=differentials,
                    recommendations=recommendations,
                    withheld=withheld,
                    scores=scores,
                    unresolved=unresolved,
                )
            )
        del flags, differentials, recommendations, withheld, scores, unresolved


class _Stand(Evidence):
    """A placeholder: evidence standing for a record, compared by identity (as a proof)."""

    __slots__ = ()
    __eq__ = object.__eq__
    __hash__ = object.__hash__


def _substitute(recipe: Substitution) -> tuple[RuleTrace, ...]:
    """The tuple *recipe* describes, built as its contract says."""
    positions = range(len(recipe.traces)) if recipe.positions is None else recipe.positions

    def plain(trace: RuleTrace) -> RuleTrace:
        criteria = tuple(
            attrs.evolve(
                c,
                evidence=tuple(
                    recipe.plain[e] if type(e) is recipe.placeholder else e for e in c.evidence
                ),
            )
            for c in trace.criteria
        )
        return attrs.evolve(trace, criteria=criteria)

    return tuple(plain(t) if index in positions else t for index, t in enumerate(recipe.traces))


def _symbolic(generation: int) -> tuple[tuple[RuleTrace, ...], tuple[_Stand, ...]]:
    """Rule traces citing placeholders, texts with ``%`` and NUL among them."""
    stands = (_Stand("fever", ""), _Stand("leg-pain", "", Laterality.LEFT), _Stand("fever", "x"))
    plain_evidence = Evidence("dyspnea", "present", source="Observation/kept")
    traces = (
        RuleTrace(
            "score.one",
            "1.0.0",
            f"50% ({generation})",
            (
                CriterionTrace("a", "100% sure \0 or %s %b %%", Tri.MET, (stands[0],)),
                CriterionTrace("b", "none cited", Tri.UNKNOWN, (), ("leg-pain",)),
                CriterionTrace("c", "two and one kept", Tri.MET, (stands[1], plain_evidence)),
            ),
            ("a note with %d",),
        ),
        RuleTrace("redflag.two", "1.0.0", "met", (CriterionTrace("d", "cites none", Tri.MET),)),
        RuleTrace(
            "ddx.three",
            "1.0.0",
            "likely",
            (CriterionTrace("e", "again", Tri.MET, (stands[0], stands[2], stands[0])),),
        ),
    )
    return traces, stands


@pytest.mark.parametrize("positions", [None, (0, 2), (0,)])
def test_a_trace_written_from_its_substitution_is_the_built_traces_text(
    positions: tuple[int, ...] | None,
) -> None:
    """A trace described as a substitution is written, unbuilt, as the built one.

    The same shared traces with each assessment's own evidence put in (a template per
    shared trace, reused for the next assessment); a trace at no position is written as
    it is, placeholders and all.  Each generation of shared traces is new, made where
    the last one was freed.
    """
    base = _base()
    for generation in range(4):
        traces, stands = _symbolic(generation)
        for round_ in range(3):
            _written_from_substitution(base, traces, stands, positions, f"{generation}.{round_}")
        del traces, stands


def _written_from_substitution(
    base: Assessment,
    traces: tuple[RuleTrace, ...],
    stands: tuple[_Stand, ...],
    positions: tuple[int, ...] | None,
    round_: str,
) -> None:
    plain: dict[Evidence, Evidence] = {
        stand: Evidence(stand.finding, f"{round_}%", stand.laterality, f"Obs/{round_}-{n}")
        for n, stand in enumerate(stands)
    }
    recipe = Substitution(traces, positions, _Stand, plain)
    deferred: Deferred[RuleTrace] = Deferred(lambda: _substitute(recipe), recipe)
    described = attrs.evolve(base, trace=cast(tuple[RuleTrace, ...], deferred))
    text = dumps_assessment(described)
    assert not deferred.built
    built = attrs.evolve(base, trace=_substitute(recipe))
    assert text == orjson.dumps(dump_assessment(built), option=orjson.OPT_SORT_KEYS)
    assert dumps_assessment(described, indent=True) == dumps(dump_assessment(built))


def test_the_engines_substitution_describes_the_trace_it_builds() -> None:
    """Where the engine describes a deferred trace, the description builds that trace.

    And each tuple of results it describes is the assessment's own (the very tuple),
    made as the description says from the kept one; the described ones are met.
    """
    described = 0
    for presentation, policy in list(corpus(40, seed=17)) * 2:
        result = assess(presentation, as_of=AS_OF, policy=policy)
        recipe = result.trace.substitution if isinstance(result.trace, Deferred) else None
        if recipe is not None:
            for put, kept, at in recipe.results:
                own = (result.red_flags, result.differentials, result.scores)
                assert any(put is tuple_ for tuple_ in own)
                assert put == tuple(
                    _put(recipe, r) if index in at else r for index, r in enumerate(kept)
                )
                described += 1
            assert _substitute(recipe) == tuple(result.trace)
    assert described


def test_one_tuple_of_traces_at_other_positions_is_written_for_those_positions() -> None:
    """The same shared traces, described with other positions, keep each description's text.

    The writer keeps a template of the whole list per tuple of shared traces met again:
    a tuple met with other positions (or every trace, ``None``) is not written from a
    template made for the first ones.
    """
    base = _base()
    traces, stands = _symbolic(0)
    for round_ in range(3):
        for positions in ((0, 2), (0,), None, (0, 2)):
            _written_from_substitution(base, traces, stands, positions, f"{round_}")


def _put(recipe: Substitution, result: Any) -> Any:
    """*result* with each placeholder in its evidence put back, as the contract says."""
    plain, placeholder = recipe.plain, recipe.placeholder
    evidence = tuple(plain[e] if type(e) is placeholder else e for e in result.evidence)
    return attrs.evolve(result, evidence=evidence)


def _builder(recipe: Substitution) -> Callable[[], tuple[RuleTrace, ...]]:
    """What builds the trace *recipe* describes."""
    return lambda: _substitute(recipe)


def test_results_written_from_their_substitution_are_their_text() -> None:
    """Results described by the trace's substitution are written, as they are, from a template.

    The kept results cite placeholders; each assessment's own tuple has them put back
    at the positions.  Written three times per generation (the template is made on the
    second meeting of the kept tuple), each generation new; and an assessment holding
    another tuple than the one described (an evolved one, equal or not) is written from
    its own.
    """
    base = _base()
    for generation in range(4):
        traces, stands = _symbolic(generation)
        kept = tuple(
            attrs.evolve(flag, evidence=(stands[n % 3], Evidence("fever", f"kept {generation}")))
            if n % 2 == 0
            else flag
            for n, flag in enumerate(base.red_flags)
        )
        positions = tuple(range(0, len(kept), 2))
        for round_ in range(3):
            plain: dict[Evidence, Evidence] = {
                stand: Evidence(stand.finding, f"{round_}%", stand.laterality, f"Obs/{n}")
                for n, stand in enumerate(stands)
            }
            partial = Substitution(traces, (0,), _Stand, plain)
            flags = tuple(
                _put(partial, f) if index in positions else f for index, f in enumerate(kept)
            )
            recipe = Substitution(traces, (0,), _Stand, plain, ((flags, kept, positions),))
            deferred: Deferred[RuleTrace] = Deferred(_builder(recipe), recipe)
            described = attrs.evolve(
                base, red_flags=flags, trace=cast(tuple[RuleTrace, ...], deferred)
            )
            built = attrs.evolve(base, red_flags=flags, trace=_substitute(recipe))
            expected = orjson.dumps(dump_assessment(built), option=orjson.OPT_SORT_KEYS)
            assert dumps_assessment(described) == expected
            other = attrs.evolve(described, red_flags=tuple(reversed(flags)))
            same_text(other)
            # An equal tuple, not the described one: written from its own results.
            equal = attrs.evolve(described, red_flags=flags[:1] + flags[1:])
            assert dumps_assessment(equal) == expected
        del traces, stands, kept
