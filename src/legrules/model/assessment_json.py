"""An assessment's JSON text, written by orjson from dicts made by generated code.

:func:`~legrules.model.documents.dump_assessment` builds the document with cattrs, which
dispatches on the type of every value it meets; for an assessment with its trace (some
500 objects, 80 KB of JSON) that costs several times the writing.  Here one function
per form, generated once from the attrs classes' fields and their types, builds the
same dict with plain attribute reads: enums as their value, tuples of attrs objects as
lists of dicts (each item's dict written out inline in a comprehension rather than made
by a call per item), date-times by ``isoformat()`` and the policy by
:meth:`~legrules.model.Policy.as_dict`; orjson then writes it.  Each dict is made with
its keys in sorted order, so the compact form needs no sorting option.

The compact form hands orjson the text (:class:`orjson.Fragment`) of what repeats from
one assessment to the next instead of building it again: the policy of a run, the rule
traces and results the engine shares between assessments (about four in five traces
and two in three results in a bulk run), the tuples it keeps with a run (the unresolved
red flags, recommendations and withheld ones: one tuple for every assessment taking
the run), and the criteria that cite no evidence, whose text depends on the
criterion's id, description, state and missing inputs alone.
Within one document each evidence object is written once (a finding's evidence is
cited some three times: by the criteria of several rules and by their results).  A
trace the engine describes as a substitution
(:class:`~legrules.model.deferred.Substitution`: traces shared between assessments,
citing placeholders, and this assessment's evidence for each) is written from a
template per shared trace with the evidence put in, and is not built; the whole list of
a kept run's traces, met again, from one template.  So are the results the substitution
describes (the assessment's very tuples, made from a kept run's with this assessment's
evidence put in).

The text is byte for byte that of ``orjson.dumps(dump_assessment(a), option=...)``: the
same names (``class`` for ``ScoreResult.class_``) and the derived ``cds_indicator``.  A
test compares the two over the vignettes and generated assessments.
"""

from __future__ import annotations

import enum
import types
import weakref
from collections.abc import Callable
from datetime import datetime
from typing import Any, get_args, get_origin, get_type_hints

import attrs
import orjson

from legrules.model.assessment import (
    Assessment,
    CriterionTrace,
    DifferentialResult,
    Evidence,
    Recommendation,
    RedFlagResult,
    RuleTrace,
    ScoreResult,
    Unresolved,
    Withheld,
)
from legrules.model.deferred import Deferred
from legrules.model.policy import Policy

__all__ = ["dumps_assessment"]

#: Document keys that differ from the attribute's name.
_RENAMED: dict[type, dict[str, str]] = {ScoreResult: {"class_": "class"}}
#: A generated function: (instance) for the indented form, (instance, memo) for the compact.
_Fields = Callable[..., Any]


def dumps_assessment(
    assessment: Assessment, *, indent: bool = False, newline: bool = False
) -> bytes:
    """The assessment document of *assessment* as JSON text, keys sorted.

    Compact (one line, as JSON Lines want it), or with two-space indents when *indent*
    is set (what :func:`~legrules.model.documents.dumps` writes).  *newline* ends the
    text with a line break (written by orjson: no copy of the text to add one).
    """
    end = orjson.OPT_APPEND_NEWLINE if newline else 0
    if indent:
        document = _fields_of(Assessment, _INDENTED)(assessment)
        return orjson.dumps(document, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2 | end)
    # Every dict is made with its keys sorted (see _literal and _policy): no sort option.
    # The memo: the text of each evidence object met in this document, by id (_evidence).
    return orjson.dumps(_fields_of(Assessment, _COMPACT)(assessment, {}), option=end)


#: The generated functions by class, for each form (fragments fit only the compact one).
_COMPACT: dict[type, _Fields] = {}
_INDENTED: dict[type, _Fields] = {}


def _fields_of(cls: type, made: dict[type, _Fields]) -> _Fields:
    """The function from an instance of the attrs class *cls* to its document dict."""
    known = made.get(cls)
    if known is not None:
        return known
    compact = made is _COMPACT
    namespace: dict[str, Any] = {"_policy": _policy_text if compact else _policy}
    body = _literal(cls, "value", namespace, made, 0)
    parameters = "value, memo" if compact else "value"
    first = ""
    if compact and cls is Assessment:
        # The trace is written first: it writes the text of the evidence it cites (see
        # _substituted), which the results cite too.
        if body.count(_TRACE) != 1:
            raise AssertionError("Assessment changed: update how its trace is written first")
        first, body = f"trace = {_TRACE}\n    ", body.replace(_TRACE, "trace")
    exec(f"def fields({parameters}):\n    {first}return {body}\n", namespace)
    function: _Fields = namespace["fields"]
    if cls is CriterionTrace and compact:
        function = _cached_criterion(function)
    made[cls] = function
    return function


_TRACE = "_rule_traces(value.trace, memo)"


def _dicts_of(cls: type, made: dict[type, _Fields]) -> Callable[[Any], list[dict[str, Any]]]:
    """The function from instances of *cls* to their dicts, in one comprehension."""
    namespace: dict[str, Any] = {}
    body = _literal(cls, "item", namespace, made, 1)
    exec(f"def dicts(values):\n    return [{body} for item in values]\n", namespace)
    dicts: Callable[[Any], list[dict[str, Any]]] = namespace["dicts"]
    return dicts


def _literal(
    cls: type, read: str, namespace: dict[str, Any], made: dict[type, _Fields], depth: int
) -> str:
    """A dict display (Python code) of the instance *read* of the attrs class *cls*."""
    renamed = _RENAMED.get(cls, {})
    hints = get_type_hints(cls)
    pairs = [
        (
            renamed.get(field.name, field.name),
            _expression(f"{read}.{field.name}", hints[field.name], namespace, made, depth),
        )
        for field in attrs.fields(cls)
    ]
    if cls is Assessment:
        pairs.append(("cds_indicator", f"{read}.cds_indicator"))
    # Keys in sorted order, as orjson's OPT_SORT_KEYS would put them (code point order),
    # so that the compact form is written without sorting every dict again.
    return "{" + ", ".join(f"{key!r}: {expression}" for key, expression in sorted(pairs)) + "}"


def _expression(
    read: str, kind: Any, namespace: dict[str, Any], made: dict[type, _Fields], depth: int = 0
) -> str:
    """The expression writing the value *read* (Python code) of type *kind*."""
    options = get_args(kind) if isinstance(kind, types.UnionType) else ()
    if len(options) == 2 and type(None) in options:
        (inner,) = (option for option in options if option is not type(None))
        written = _expression(read, inner, namespace, made, depth)
        # A value written as it is needs no test (None is written as it is too).
        return read if written == read else f"(None if {read} is None else {written})"
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return f"{read}._value_"  # not .value: the enum module's descriptor is slow
    if kind is datetime:
        return f"{read}.isoformat()"
    if kind is Policy:
        return f"_policy({read})"
    if kind is Any or dict in (kind, get_origin(kind)):
        # Its keys would be written in insertion order, not sorted (see dumps_assessment).
        raise TypeError(f"cannot write {read} ({kind}): no writer for a mapping")
    if isinstance(kind, type) and attrs.has(kind):
        if kind is CriterionTrace and made is _COMPACT:
            namespace["_CriterionTrace"] = _fields_of(kind, made)
            return f"_CriterionTrace({read}, memo)"
        return _literal(kind, read, namespace, made, depth)
    if get_origin(kind) is tuple:
        item = get_args(kind)[0]
        if item is RuleTrace and made is _COMPACT:
            evidence = _dicts_of(Evidence, made)
            shared = _shared(_fields_of(item, made))
            namespace["_rule_traces"] = _substituted(_fields_of(item, made), evidence, shared)
            return f"_rule_traces({read}, memo)"
        if item in _KEPT and made is _COMPACT and depth == 0:
            # A function of its own, whose text is kept for a tuple met again.
            name = f"_kept_{item.__name__}"
            own: dict[str, Any] = {}
            written = _expression("values", kind, own, made, depth + 1)
            exec(f"def write(values, memo):\n    return {written}\n", own)
            namespace[name] = _kept(own["write"])
            return f"{name}({read}, memo)"
        if item in _DESCRIBED and made is _COMPACT and depth == 0:
            name = f"_described_{item.__name__}"
            fields = _fields_of(item, made)
            namespace[name] = _described(fields, _shared(fields))
            return f"{name}({read}, memo)"
        if item in _SHARED and made is _COMPACT:
            name = f"_shared_{item.__name__}"
            namespace[name] = _shared(_fields_of(item, made))
            return f"{name}({read}, memo)"
        if item is Evidence and made is _COMPACT:
            namespace["_evidence"] = _evidence(_fields_of(item, made))
            return f"_evidence({read}, memo)"
        if isinstance(item, type) and (attrs.has(item) or issubclass(item, enum.Enum)):
            name = f"item{depth}"
            written = _expression(name, item, namespace, made, depth + 1)
            return f"[{written} for {name} in {read}]"
    return read  # a string, number, None, or a tuple of them: orjson writes them as they are


_CRITERIA_KEPT = 4096
#: Every field of a criterion: the cache key below is all of them but the (empty) evidence.
_CRITERION_FIELDS = ("id", "description", "status", "evidence", "missing")


def _cached_criterion(fields: _Fields) -> _Fields:
    """*fields* for criteria, answering the written text of one that cites no evidence."""
    if tuple(f.name for f in attrs.fields(CriterionTrace)) != _CRITERION_FIELDS:
        # A new field would be left out of the key and written from another criterion.
        raise AssertionError("CriterionTrace changed: update the key of _cached_criterion")
    cache: dict[tuple[Any, ...], orjson.Fragment] = {}
    # The engine shares most criteria that cite no evidence between assessments, as it
    # shares traces: known by identity (weakly, as _shared does), a look-up costs less
    # than making the key.
    known: dict[int, tuple[weakref.ref[Any], orjson.Fragment]] = {}

    def criterion(value: CriterionTrace, memo: dict[int, Any]) -> Any:
        if value.evidence:
            return fields(value, memo)
        found = known.get(id(value))
        if found is not None and found[0]() is value:
            return found[1]
        key = (value.id, value.description, value.status._value_, value.missing)
        text = cache.get(key)
        if text is None:
            if len(cache) >= _CRITERIA_KEPT:
                cache.clear()
            text = cache[key] = orjson.Fragment(orjson.dumps(fields(value, memo)))
        if len(known) >= _CRITERIA_KEPT:
            known.clear()
        known[id(value)] = (weakref.ref(value), text)
        return text

    return criterion


_SEEN = 1024
#: The kinds the engine shares between assessments (the same object when it cannot
#: differ), each written through its own tables of :func:`_shared`.
_SHARED = (RuleTrace, RedFlagResult, DifferentialResult, ScoreResult, Recommendation, Withheld)


#: The kinds the engine keeps with a run: every assessment taking the run is handed the
#: same tuple of them (see :func:`_kept`).
_KEPT = (Unresolved, Recommendation, Withheld)
_TUPLES_KEPT = 256


def _kept(write: Callable[[Any, dict[int, Any]], Any]) -> Callable[[Any, dict[int, Any]], Any]:
    """*write* for tuples the engine keeps with a run, handing out the text of one met again.

    Known by identity: a tuple met a second time is written once and its text kept with
    the tuple itself (held: a tuple cannot be referred to weakly), so that an identity is
    never taken for that of another tuple; a tuple met once is not held.  Bounded (the
    tables are cleared when full).
    """
    written: dict[int, tuple[Any, orjson.Fragment]] = {}
    met: dict[int, None] = {}

    def tuples(values: Any, memo: dict[int, Any]) -> Any:
        key = id(values)
        found = written.get(key)
        if found is not None and found[0] is values:
            return found[1]
        if _first_meeting(met, key):
            return write(values, memo)
        if len(written) >= _TUPLES_KEPT:
            written.clear()
        text = orjson.Fragment(orjson.dumps(write(values, memo)))
        written[key] = (values, text)
        return text

    return tuples


def _first_meeting(met: dict[int, None], key: int) -> bool:
    """Whether the object of identity *key* is met for the first time (noted in *met*).

    A text or a template is kept for an object met a second time, so that one met once
    is never held; the table of identities met is bounded (cleared when full).
    """
    if key in met:
        return False
    if len(met) >= _SEEN:
        met.clear()
    met[key] = None
    return True


def _evidence(fields: _Fields) -> Callable[[Any, dict[int, Any]], orjson.Fragment]:
    """The text of a list of evidence, each distinct object written once per document.

    One finding's evidence is cited by the criteria of several rules and by their
    results (a document cites each some three times).  *memo* belongs to one document,
    whose assessment holds every object met while it is written: an identity cannot be
    that of another object before the memo is dropped.
    """

    def evidence(values: Any, memo: dict[int, Any]) -> orjson.Fragment:
        if not values:
            return _NO_EVIDENCE
        parts = [b"["]
        for value in values:
            text = memo.get(id(value))
            if text is None:
                text = memo[id(value)] = orjson.dumps(fields(value, memo))
            parts.append(text)
            parts.append(b",")
        parts[-1] = b"]"
        return orjson.Fragment(b"".join(parts))

    return evidence


_NO_EVIDENCE = orjson.Fragment(b"[]")


def _shared(fields: _Fields) -> Callable[[Any, dict[int, Any]], list[Any]]:
    """The list of *fields* of some rule traces, with the text of each one met before.

    The engine hands every assessment the same trace object for a rule whose trace
    cannot differ (about four in five of them in a bulk run).  Such an object is known
    by its identity: once seen twice it is written once and its text handed out after
    that.  Both tables hold weak references, checked on use, so an identity is never
    taken for that of another object made later, and the traces of one assessment are
    freed with it (holding them kept them alive into the collector's older
    generations); both are bounded (cleared when full).  The loop over a tuple is one
    call, not one per trace: most traces are a look-up, which costs less than a call.
    """
    written: dict[int, tuple[weakref.ref[Any], orjson.Fragment]] = {}
    seen: dict[int, weakref.ref[Any]] = {}

    def again(value: Any, key: int, memo: dict[int, Any]) -> Any:
        met = seen.get(key)
        if met is None or met() is not value:
            if len(seen) >= _SEEN:
                seen.clear()
            seen[key] = weakref.ref(value)
            return fields(value, memo)
        if len(written) >= _CRITERIA_KEPT:
            written.clear()
        text = orjson.Fragment(orjson.dumps(fields(value, memo)))
        written[key] = (met, text)
        return text

    def traces(values: Any, memo: dict[int, Any]) -> list[Any]:
        out = []
        for value in values:
            found = written.get(id(value))
            if found is not None and found[0]() is value:
                out.append(found[1])
            else:
                out.append(again(value, id(value), memo))
        return out

    return traces


#: Written in place of each placeholder while a trace's template is made: orjson writes
#: a NUL byte in a string as ``\u0000``, so the only ones in its text are these.
_MARK = b"\0"
#: A template: the trace (weakly), the pieces of its text with a gap (``b""``) where
#: each placeholder goes, and the placeholders in their order in the text (the text
#: itself, ready to hand out, if it has none).
_Template = tuple[weakref.ref[Any], list[bytes], tuple[Any, ...], orjson.Fragment | None]


#: A run's template: its tuple of kept traces (held: a tuple cannot be referred to
#: weakly), their positions and placeholder type, the pieces of the whole list's text with
#: a gap (``b""``) where each placeholder goes, and the placeholders in their text order.
_Run = tuple[Any, tuple[int, ...] | None, type, list[bytes], tuple[Any, ...]]
#: Runs whose template is kept (each some 50 KB of text).
_RUNS_KEPT = 64


def _keep_run(
    runs: dict[int, _Run],
    described: tuple[Any, tuple[int, ...] | None, type],
    out: list[Any],
    cited: list[Any],
) -> _Run:
    """Keep in *runs* the template of the list *out*, whose marks stand for *cited*.

    *described*: the kept tuple the list was written from (the template holds it, and
    is found by its identity), its positions and placeholder type.  The text of *out*
    is cut at each mark, with a gap (``b""``) where each placeholder's text goes.
    """
    pieces = orjson.dumps(out).split(_MARK)
    if len(pieces) != len(cited) + 1:
        raise AssertionError(f"{len(cited)} placeholders, {len(pieces)} pieces")
    gapped = [b""] * (2 * len(pieces) - 1)
    gapped[::2] = pieces
    if len(runs) >= _RUNS_KEPT:
        runs.clear()
    items, positions, placeholder = described
    made = runs[id(items)] = (items, positions, placeholder, gapped, tuple(cited))
    return made


def _run_kept(
    runs: dict[int, _Run], described: tuple[Any, tuple[int, ...] | None, type]
) -> _Run | None:
    """The template kept in *runs* for *described* (see :func:`_keep_run`), if any.

    Found by the kept tuple's identity, and checked: the template holds that very tuple,
    with the same positions and placeholder type.
    """
    items, positions, placeholder = described
    found = runs.get(id(items))
    if (
        found is None
        or found[0] is not items
        or found[1] != positions
        or found[2] is not placeholder
    ):
        return None
    return found


def _filled(
    gapped: list[bytes], cited: tuple[Any, ...], texts: Callable[[Any], bytes]
) -> orjson.Fragment:
    """The text of a template cut at its placeholders, *cited*, with their *texts* put in."""
    parts = gapped.copy()
    parts[1::2] = map(texts, cited)
    return orjson.Fragment(b"".join(parts))


def _substituted(
    fields: _Fields,
    evidence: Callable[[Any], list[dict[str, Any]]],
    shared: Callable[[Any, dict[int, Any]], list[Any]],
) -> Callable[[Any, dict[int, Any]], Any]:
    """The list of *fields* of some rule traces, written from their substitution if known.

    A trace the engine built from a :class:`~legrules.model.deferred.Substitution` is
    written from the text of the shared trace it comes from (its template: the text cut
    at each placeholder, made once per shared trace, known by identity as in
    :func:`_shared`), with the text of this assessment's evidence put in the gaps.  The
    text of each evidence of the substitution is written at once (*evidence* makes their
    dicts, in one comprehension) and kept in the document's memo for the results citing
    it.  The trace need not be built.

    Every assessment taking one kept run is handed the same tuple of traces.  Met a
    second time, the tuple gets a template of its own: the text of the whole list, cut
    at every placeholder of the traces at the positions, filled in one join (instead of
    a look-up per trace and a join per trace at a position).  The template holds its
    tuple, compared by identity (and its positions and placeholder type by value), so
    an identity is never taken for that of another tuple; a tuple met once is not held.
    """
    templates: dict[int, _Template] = {}
    runs: dict[int, _Run] = {}
    #: Identities of the tuples met once (or again since their template was dropped).
    met: dict[int, None] = {}

    def template(trace: Any, placeholder: type) -> _Template:
        cited = tuple(e for c in trace.criteria for e in c.evidence if type(e) is placeholder)
        marks: dict[int, Any] = {id(e): _MARK for e in cited}
        pieces = orjson.dumps(fields(trace, marks)).split(_MARK)
        if len(pieces) != len(cited) + 1:
            raise AssertionError(f"{trace.rule}: {len(cited)} placeholders, {len(pieces)} pieces")
        gapped = [b""] * (2 * len(pieces) - 1)
        gapped[::2] = pieces
        whole = None if cited else orjson.Fragment(pieces[0])
        if len(templates) >= _CRITERIA_KEPT:
            templates.clear()
        made = templates[id(trace)] = (weakref.ref(trace), gapped, cited, whole)
        return made

    def each(
        items: Any, recipe: Any, memo: dict[int, Any], texts: Callable[[Any], bytes] | None
    ) -> tuple[list[Any], list[Any]]:
        """The list, each trace at a position from its template, and their placeholders.

        With *texts* the gaps are filled; without, each is left as a mark (:data:`_MARK`).
        """
        out = shared(items, memo)  # those at no position are written as they are
        positions = range(len(items)) if recipe.positions is None else recipe.positions
        cited: list[Any] = []
        for index in positions:
            trace = items[index]
            found = templates.get(id(trace))
            if found is None or found[0]() is not trace:
                found = template(trace, recipe.placeholder)
            whole = found[3]
            if whole is None:
                if texts is None:
                    cited += found[2]
                    whole = orjson.Fragment(_MARK.join(found[1][::2]))
                else:
                    whole = _filled(found[1], found[2], texts)
            out[index] = whole
        return out, cited

    def run(items: Any, recipe: Any, memo: dict[int, Any]) -> _Run:
        """The template of the whole list *items* for *recipe*, made now."""
        out, cited = each(items, recipe, memo, None)
        return _keep_run(runs, (items, recipe.positions, recipe.placeholder), out, cited)

    def traces(values: Any, memo: dict[int, Any]) -> Any:
        recipe = values.substitution if type(values) is Deferred else None
        if recipe is None:
            return shared(values, memo)
        items, plain = recipe.traces, recipe.plain
        cites = list(plain.values())
        written = list(map(orjson.dumps, evidence(cites)))
        memo.update(zip(map(id, cites), written, strict=True))
        texts = dict(zip(plain, written, strict=True)).__getitem__
        if recipe.results:
            memo[_RECIPE] = (recipe, texts)  # for the results it describes (_described)
        found = _run_kept(runs, (items, recipe.positions, recipe.placeholder))
        if found is None:
            if _first_meeting(met, id(items)):
                return each(items, recipe, memo, texts)[0]
            found = run(items, recipe, memo)
        return _filled(found[3], found[4], texts)

    return traces


#: The memo's key for the substitution of the document's trace and the text of each
#: placeholder's evidence (an object's identity is never negative).
_RECIPE = -1
#: The kinds of results a substitution may describe (:attr:`Substitution.results`).
_DESCRIBED = (RedFlagResult, DifferentialResult, ScoreResult)


def _described(fields: _Fields, shared: Callable[[Any, dict[int, Any]], list[Any]]) -> Any:
    """The list of *fields* of some results, written from their substitution if known.

    Each assessment taking a kept run holds results of its own where the run's cite
    placeholders (its proofs, put back as its own evidence), with the others the run's.
    The substitution of the document's trace may describe such a tuple (by identity:
    the very tuple written, not an equal one): it is written from a template of the
    run's tuple, the text of the whole list cut at each placeholder of the results at
    the positions, with this document's evidence texts put in, as the traces are (see
    :func:`_substituted`: a template holds its tuple, is made on the second meeting,
    and is bounded).  Any other tuple is written by *shared*.
    """
    runs: dict[int, _Run] = {}
    met: dict[int, None] = {}

    def run(kept: Any, positions: tuple[int, ...], placeholder: type, memo: Any) -> _Run:
        out = shared(kept, memo)
        cited: list[Any] = []
        for index in positions:
            result = kept[index]
            marked = [e for e in result.evidence if type(e) is placeholder]
            marks: dict[int, Any] = {id(e): _MARK for e in marked}
            out[index] = orjson.Fragment(orjson.dumps(fields(result, marks)))
            cited += marked
        return _keep_run(runs, (kept, positions, placeholder), out, cited)

    def results(values: Any, memo: dict[int, Any]) -> Any:
        described = memo.get(_RECIPE)
        if described is None:
            return shared(values, memo)
        recipe, texts = described
        entry = next((d for d in recipe.results if d[0] is values), None)
        if entry is None:
            return shared(values, memo)
        _, kept, positions = entry
        found = _run_kept(runs, (kept, positions, recipe.placeholder))
        if found is None:
            if _first_meeting(met, id(kept)):
                return shared(values, memo)
            found = run(kept, positions, recipe.placeholder, memo)
        return _filled(found[3], found[4], texts)

    return results


#: The last policy written, its dict, and its text (a run writes many assessments under
#: one policy, or under equal ones).  One tuple, replaced whole: a thread reading it
#: never pairs one policy with another's dict.
_LAST_POLICY: tuple[Policy | None, dict[str, Any], orjson.Fragment] = (
    None,
    {},
    orjson.Fragment(b"{}"),
)


def _last_policy(policy: Policy) -> tuple[Policy | None, dict[str, Any], orjson.Fragment]:
    """The policy's dict and text, made again only for a policy unlike the last one."""
    global _LAST_POLICY
    last = _LAST_POLICY
    if last[0] is not policy and last[0] != policy:
        found = dict(sorted(policy.as_dict().items()))  # keys sorted, as the rest
        last = _LAST_POLICY = (policy, found, orjson.Fragment(orjson.dumps(found)))
    return last


def _policy(policy: Policy) -> dict[str, Any]:
    """``policy.as_dict()``, keys sorted, made once for the policy a run uses."""
    return _last_policy(policy)[1]


def _policy_text(policy: Policy) -> orjson.Fragment:
    """The compact text of ``policy.as_dict()``, keys sorted, written once per policy."""
    return _last_policy(policy)[2]
