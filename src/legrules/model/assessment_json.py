"""An assessment's JSON text, written by orjson from dicts made by generated code.

:func:`~legrules.model.documents.dump_assessment` builds the document with cattrs, which
dispatches on the type of every value it meets; for an assessment with its trace (some
500 objects, 80 KB of JSON) that costs several times the writing.  Here one function
per attrs class, generated once from its fields and their types, builds the same dict
with plain attribute reads: enums as their value, tuples of attrs objects as lists of
dicts (by calling the function of the item class), date-times by ``isoformat()`` and the
policy by :meth:`~legrules.model.Policy.as_dict`; orjson then writes it.  Each dict is
made with its keys in sorted order, so the compact form needs no sorting option.

Most of a trace is criteria that cite no evidence (three in four, in a bulk run): their
text depends on the criterion's id, description, state and missing inputs alone, and
repeats from patient to patient.  The compact form writes each such criterion once and
hands orjson the text (:class:`orjson.Fragment`) the next time, from a bounded cache.

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

from legrules.model.assessment import Assessment, CriterionTrace, RuleTrace, ScoreResult
from legrules.model.policy import Policy

__all__ = ["dumps_assessment"]

#: Document keys that differ from the attribute's name.
_RENAMED: dict[type, dict[str, str]] = {ScoreResult: {"class_": "class"}}
_Fields = Callable[[Any], Any]


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
    # Every dict is made with its keys sorted (see _fields_of and _policy): no sort option.
    return orjson.dumps(_fields_of(Assessment, _COMPACT)(assessment), option=end)


#: The generated functions by class, for each form (fragments fit only the compact one).
_COMPACT: dict[type, _Fields] = {}
_INDENTED: dict[type, _Fields] = {}


def _fields_of(cls: type, made: dict[type, _Fields]) -> _Fields:
    """The function from an instance of the attrs class *cls* to its document dict."""
    known = made.get(cls)
    if known is not None:
        return known
    renamed = _RENAMED.get(cls, {})
    hints = get_type_hints(cls)
    namespace: dict[str, Any] = {"_policy": _policy}
    pairs = [
        (
            renamed.get(field.name, field.name),
            _expression("value." + field.name, hints[field.name], namespace, made),
        )
        for field in attrs.fields(cls)
    ]
    if cls is Assessment:
        pairs.append(("cds_indicator", "value.cds_indicator"))
    # Keys in sorted order, as orjson's OPT_SORT_KEYS would put them (code point order),
    # so that the compact form is written without sorting every dict again.
    items = [f"{key!r}: {expression}" for key, expression in sorted(pairs)]
    exec(f"def fields(value):\n    return {{{', '.join(items)}}}\n", namespace)
    function: _Fields = namespace["fields"]
    if cls is CriterionTrace and made is _COMPACT:
        function = _cached_criterion(function)
    if cls is RuleTrace and made is _COMPACT:
        function = _shared(function)
    made[cls] = function
    return function


def _expression(read: str, kind: Any, namespace: dict[str, Any], made: dict[type, _Fields]) -> str:
    """The expression writing the value *read* (Python code) of type *kind*."""
    options = get_args(kind) if isinstance(kind, types.UnionType) else ()
    if len(options) == 2 and type(None) in options:
        (inner,) = (option for option in options if option is not type(None))
        return f"(None if {read} is None else {_expression(read, inner, namespace, made)})"
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
        name = f"_{kind.__name__}"
        namespace[name] = _fields_of(kind, made)
        return f"{name}({read})"
    if get_origin(kind) is tuple:
        item = get_args(kind)[0]
        if isinstance(item, type) and (attrs.has(item) or issubclass(item, enum.Enum)):
            return f"[{_expression('item', item, namespace, made)} for item in {read}]"
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

    def criterion(value: CriterionTrace) -> Any:
        if value.evidence:
            return fields(value)
        key = (value.id, value.description, value.status._value_, value.missing)
        found = cache.get(key)
        if found is None:
            if len(cache) >= _CRITERIA_KEPT:
                cache.clear()
            text = orjson.dumps(fields(value), option=orjson.OPT_SORT_KEYS)
            found = cache[key] = orjson.Fragment(text)
        return found

    return criterion


_SEEN = 1024


def _shared(fields: _Fields) -> _Fields:
    """*fields* for rule traces, answering the written text of one met before.

    The engine hands every assessment the same trace object for a rule whose trace
    cannot differ (about half of them in a bulk run).  Such an object is known by its
    identity: once seen twice it is written once and its text handed out after that.
    Both tables hold weak references, checked on use, so an identity is never taken
    for that of another object made later, and the traces of one assessment are freed
    with it (holding them kept them alive into the collector's older generations);
    both are bounded (cleared when full).
    """
    written: dict[int, tuple[weakref.ref[Any], orjson.Fragment]] = {}
    seen: dict[int, weakref.ref[Any]] = {}

    def trace(value: Any) -> Any:
        key = id(value)
        found = written.get(key)
        if found is not None and found[0]() is value:
            return found[1]
        met = seen.get(key)
        if met is None or met() is not value:
            if len(seen) >= _SEEN:
                seen.clear()
            seen[key] = weakref.ref(value)
            return fields(value)
        if len(written) >= _CRITERIA_KEPT:
            written.clear()
        text = orjson.Fragment(orjson.dumps(fields(value), option=orjson.OPT_SORT_KEYS))
        written[key] = (met, text)
        return text

    return trace


#: The last policy written and its dict (a run writes many assessments under one policy).
#: One tuple, replaced whole: a thread reading it never pairs one policy with another's dict.
_LAST_POLICY: tuple[Policy | None, dict[str, Any]] = (None, {})


def _policy(policy: Policy) -> dict[str, Any]:
    """``policy.as_dict()``, made once for the policy a run uses (policies are frozen)."""
    global _LAST_POLICY
    last, found = _LAST_POLICY
    if last is not policy:
        found = dict(sorted(policy.as_dict().items()))  # keys sorted, as the rest
        _LAST_POLICY = (policy, found)
    return found
