"""Evaluation: a presentation in, an :class:`~legrules.model.Assessment` out.

The engine runs a rule set (compiled once per rule set and policy, see
:mod:`legrules.engine.compiled`) in order (scores, red flags, differentials,
recommendations), keeps every rule's trace, and sets the disposition by
``rules.md`` section 1:

* the most urgent level among met red flags and differential-driven levels;
* otherwise ``self-care`` only when *every* red flag is not met;
* otherwise ``undetermined``, with the indeterminate red flags listed as
  ``unresolved`` and the findings that would settle each.

It then states what is still open (:mod:`legrules.engine.open_questions`): the worst case the
unknown findings could reach, and which of them to ask about first.

Missing data can therefore never lower a level: an unknown finding makes a red flag
indeterminate, never not met.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

import attrs

from legrules._version import __version__
from legrules.engine.compiled import CompiledRuleSet, Sink, compiled, interpret_rule
from legrules.engine.facts import Context
from legrules.engine.open_questions import open_questions
from legrules.engine.proofs import Proof
from legrules.engine.ruleset import RuleSet
from legrules.engine.run_memo import Kept, RunMemo, citing
from legrules.engine.what_if import INTERPRETER
from legrules.errors import InvalidValueError
from legrules.model import (
    Assessment,
    DifferentialResult,
    Disposition,
    IgnoredInput,
    Policy,
    Presentation,
    RedFlagResult,
    RuleSetRef,
    RuleTrace,
    Status,
    Unresolved,
)
from legrules.model.deferred import Deferred, Substitution
from legrules.rules.registry import get_ruleset

__all__ = ["assess", "disposition_of", "interpret"]


def assess(
    presentation: Presentation,
    *,
    as_of: datetime | None = None,
    ruleset: str | RuleSet | None = None,
    policy: Policy | Mapping[str, Any] | None = None,
    include_trace: bool = False,
) -> Assessment:
    """Evaluate *presentation* with *ruleset* under *policy* at the instant *as_of*.

    ``as_of`` defaults to the presentation's own ``as_of``, then to now; it must carry a
    time-zone offset.  Facts recorded after ``as_of`` are ignored (and listed as such).
    ``ruleset`` is a version such as ``"2026.11"`` (default: the latest);
    ``policy`` a :class:`~legrules.model.Policy` or a mapping of settings to change.

    The per-criterion trace is built when it is first read, compared, serialised or
    pickled, so an assessment nobody reads the trace of costs less; ``include_trace=True``
    builds it now instead (the result and its documents are the same either way).

    >>> from datetime import datetime, UTC
    >>> from legrules import Presentation, assess
    >>> result = assess(Presentation(), as_of=datetime(2026, 11, 22, tzinfo=UTC))
    >>> result.disposition.value
    'undetermined'
    """
    return _assess(
        presentation, as_of, ruleset, policy, compiled_engine=True, include_trace=include_trace
    )


def interpret(
    presentation: Presentation,
    *,
    as_of: datetime | None = None,
    ruleset: str | RuleSet | None = None,
    policy: Policy | Mapping[str, Any] | None = None,
) -> Assessment:
    """:func:`assess` by the reference interpreter: every expression walked on every call.

    Slower, and kept because it is the plain reading of the rules: the tests insist that
    the compiled evaluator gives byte-identical documents.
    """
    return _assess(presentation, as_of, ruleset, policy, compiled_engine=False, include_trace=True)


def _assess(
    presentation: Presentation,
    as_of: datetime | None,
    ruleset: str | RuleSet | None,
    policy: Policy | Mapping[str, Any] | None,
    *,
    compiled_engine: bool,
    include_trace: bool,
) -> Assessment:
    if not isinstance(include_trace, bool):
        raise InvalidValueError("include_trace must be True or False", "include_trace")
    if not isinstance(presentation, Presentation):
        raise InvalidValueError(
            f"expected a Presentation, got {type(presentation).__name__}", "presentation"
        )
    if ruleset is not None and not isinstance(ruleset, str | RuleSet):
        raise InvalidValueError(
            f"ruleset must be a version string or a RuleSet, got {type(ruleset).__name__}",
            "ruleset",
        )
    instant = _instant(as_of if as_of is not None else presentation.as_of)
    settings = _policy(policy)
    rules = get_ruleset(ruleset)
    current, late = _split_by_time(presentation, instant)
    # The compiled rules read the presentation's records as proofs (which let them reuse
    # answers across assessments) and put them back as plain evidence at the end.
    engine = compiled(rules, settings) if compiled_engine else None
    symbolic = engine is not None and engine.symbolic()
    # Timed only when the engine weighs the two ways of reading (a few in a thousand).
    started = time.thread_time_ns() if engine is not None and engine.timed() else None
    ctx = Context(current, instant, settings, symbolic=symbolic)
    if engine is not None:
        kept = _compiled_run(engine, ctx, include_trace)
        engine.spent(symbolic, 0 if started is None else time.thread_time_ns() - started)
    else:
        kept = _interpreted_run(rules, ctx)
    trace = kept.traces
    assert isinstance(trace, tuple | Deferred)
    return Assessment(
        ruleset=RuleSetRef(rules.id, rules.version),
        as_of=instant,
        policy=settings,
        disposition=kept.disposition,
        worst_case_disposition=kept.worst,
        ask_next=kept.ask_next,
        red_flags=kept.red_flags,
        scores=kept.scores,
        differentials=kept.differentials,
        recommendations=kept.recommendations,
        withheld=kept.withheld,
        unresolved=kept.unresolved,
        trace=cast(tuple[RuleTrace, ...], trace),
        ignored=(*presentation.ignored, *late),
        patient=presentation.patient.id,
        legrules_version=__version__,
    )


def _compiled_run(engine: CompiledRuleSet, ctx: Context, include_trace: bool) -> Kept:
    """The compiled rules' answer for *ctx*, with plain evidence (the trace maybe deferred).

    A context read symbolically may find its whole run kept (see
    :mod:`legrules.engine.run_memo`): by its presentation's records first (reading
    nothing, its proofs given their evidence by :meth:`Context.replay`), then by what
    the rules read; otherwise the rules run, and their answer is kept under both keys.
    """
    runs = engine.runs if ctx.symbolic else None
    records = None if runs is None else runs.records(ctx)
    by_records = None if runs is None or records is None else runs.get_records(records)
    if by_records is not None:
        found, evidence = by_records
        assert found.cited is not None  # see RunMemo.keep_records
        ctx.replay(zip(found.cited.proofs, evidence, strict=True))  # no leaf read: none known
    else:
        found = _leafwise_run(engine, runs, ctx, keeping=records is not None)
        if runs is not None and records is not None:
            assert found.cited is not None  # its traces are built (keeping)
            plain = ctx.proofs.table
            runs.keep_records(records, found, tuple([plain[p] for p in found.cited.proofs]))
    proofs = ctx.proofs
    kept_traces, cited = found.traces, found.cited
    # A context read plainly makes no proof and takes no kept answer (its rules all run,
    # citing the plain evidence of its records): its traces are plain as built.
    plainly = not ctx.symbolic and not proofs.table

    def plain_trace() -> tuple[RuleTrace, ...]:
        built = kept_traces() if callable(kept_traces) else kept_traces
        if cited is None:
            return tuple(built) if plainly else tuple(map(proofs.trace, built))
        plain = list(built)
        for index, criteria in cited.traces:  # the others hold no proof: as they are
            plain[index] = proofs.trace_at(plain[index], criteria)
        return tuple(plain)

    if cited is None:
        return found._replace(
            red_flags=tuple(map(proofs.red_flag, found.red_flags)),
            differentials=tuple(map(proofs.differential, found.differentials)),
            scores=tuple(map(proofs.score, found.scores)),
            traces=plain_trace() if include_trace else Deferred(plain_trace),
        )
    red_flags = _put_back(found.red_flags, cited.red_flags, proofs.red_flag)
    differentials = _put_back(found.differentials, cited.differentials, proofs.differential)
    scores = _put_back(found.scores, cited.scores, proofs.score)
    # Unless asked for now: built when first read, compared, serialised or pickled; the
    # document writer may write it (and the results put back) from the kept traces (and
    # results) and this presentation's evidence for their proofs, without building it.
    recipe = (
        None
        if callable(kept_traces)
        else Substitution(
            kept_traces,
            tuple(i for i, _ in cited.traces),
            Proof,
            proofs.table,
            tuple(
                (put, kept, at)
                for put, kept, at in (
                    (red_flags, found.red_flags, cited.red_flags),
                    (differentials, found.differentials, cited.differentials),
                    (scores, found.scores, cited.scores),
                )
                if at
            ),
        )
    )
    trace = (
        plain_trace()
        if include_trace
        else cast(tuple[RuleTrace, ...], Deferred(plain_trace, recipe))
    )
    return found._replace(
        red_flags=red_flags, differentials=differentials, scores=scores, traces=trace
    )


R = TypeVar("R")


def _put_back(
    results: tuple[R, ...], at: tuple[int, ...], plain: Callable[[R], R]
) -> tuple[R, ...]:
    """*results* with the ones *at* these positions given plain evidence by *plain*."""
    if not at:
        return results
    put = list(results)
    for index in at:
        put[index] = plain(put[index])
    return tuple(put)


def _leafwise_run(
    engine: CompiledRuleSet, runs: RunMemo | None, ctx: Context, *, keeping: bool
) -> Kept:
    """The run kept under what the rules read in *ctx* (reading its leaves), or a new one.

    *keeping*: the run is to be kept under other keys too (its traces built now).
    """
    key = None if runs is None else runs.key(ctx)
    found = None if runs is None or key is None else runs.get(key)
    if found is not None:
        return found
    sink = engine.run(ctx)
    red_flags = tuple(ctx.red_flags.values())
    differentials = tuple(ctx.differentials.values())
    disposition = disposition_of(red_flags, differentials)
    worst, ask_next = engine.open_questions(ctx, disposition)
    # Kept for later assessments, the traces are built now: some read the context.
    traces = sink.trace if key is None and not keeping else sink.trace()
    found = Kept(
        red_flags,
        differentials,
        tuple(sink.scores),
        tuple(sink.recommendations),
        tuple(sink.withheld),
        traces,
        disposition,
        worst,
        ask_next,
        unresolved(red_flags),
    )
    found = found._replace(cited=citing(found))
    if runs is not None and key is not None:
        runs.keep(key, found)
    return found


def _interpreted_run(rules: RuleSet, ctx: Context) -> Kept:
    """The reference interpreter's answer for *ctx* (plain evidence throughout)."""
    sink = Sink()
    for rule in rules.rules:
        interpret_rule(rules, rule, ctx, sink)
    red_flags = tuple(ctx.red_flags.values())
    differentials = tuple(ctx.differentials.values())
    disposition = disposition_of(red_flags, differentials)
    worst, ask_next = open_questions(rules, ctx, disposition, INTERPRETER)
    return Kept(
        red_flags,
        differentials,
        tuple(sink.scores),
        tuple(sink.recommendations),
        tuple(sink.withheld),
        sink.trace(),
        disposition,
        worst,
        ask_next,
        unresolved(red_flags),
    )


def unresolved(red_flags: tuple[RedFlagResult, ...]) -> tuple[Unresolved, ...]:
    """The red flags left open, with what would settle each.

    Kept with a run: they follow from the flags' statuses and missing inputs, not from
    their evidence.
    """
    return tuple(Unresolved(f.id, f.missing) for f in red_flags if f.status is Status.INDETERMINATE)


def disposition_of(
    red_flags: tuple[RedFlagResult, ...], differentials: tuple[DifferentialResult, ...] = ()
) -> Disposition:
    """The disposition implied by red-flag and differential results (``rules.md`` 1)."""
    levels = [f.level for f in red_flags if f.status is Status.MET]
    levels += [
        d.level
        for d in differentials
        if d.level not in (Disposition.SELF_CARE, Disposition.UNDETERMINED)
    ]
    most = Disposition.most_urgent(levels)
    if most is not None:
        return most
    if any(f.status is Status.INDETERMINATE for f in red_flags):
        return Disposition.UNDETERMINED
    return Disposition.SELF_CARE


def _instant(value: datetime | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    if not isinstance(value, datetime):
        raise InvalidValueError("as_of must be a datetime", "as_of")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValueError("as_of must include a time-zone offset", "as_of")
    return value


#: The default policy, made once: a policy is immutable, and the compiled rule sets and
#: the document writer find one they have met by identity before comparing fields.
_DEFAULT_POLICY = Policy()


def _policy(policy: Policy | Mapping[str, Any] | None) -> Policy:
    if policy is None:
        return _DEFAULT_POLICY
    if isinstance(policy, Policy):
        return policy
    return Policy.from_dict(policy)


def _split_by_time(
    presentation: Presentation, as_of: datetime
) -> tuple[Presentation, tuple[IgnoredInput, ...]]:
    """Drop facts recorded after *as_of*: a result must not depend on its own future."""
    if not any(
        fact.effective is not None and fact.effective > as_of
        for facts in (presentation.findings, presentation.measurements)
        for fact in facts
    ):
        return presentation, ()  # the usual case, found without a call per fact
    late: list[IgnoredInput] = []

    def keep(fact: Any) -> bool:
        if fact.effective is not None and fact.effective > as_of:
            label = fact.source.reference if fact.source else fact.id
            late.append(IgnoredInput(label, f"{fact.id} recorded after as_of"))
            return False
        return True

    findings = tuple(f for f in presentation.findings if keep(f))
    measurements = tuple(m for m in presentation.measurements if keep(m))
    if not late:
        return presentation, ()
    return attrs.evolve(presentation, findings=findings, measurements=measurements), tuple(late)
