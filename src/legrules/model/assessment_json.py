"""An assessment's JSON text, written by orjson from dicts made by generated code.

:func:`~legrules.model.documents.dump_assessment` builds the document with cattrs, which
dispatches on the type of every value it meets; for an assessment with its trace (some
500 objects, 80 KB of JSON) that costs several times the writing.  Here one function
per attrs class, generated once from its fields and their types, builds the same dict
with plain attribute reads: enums as their value, tuples of attrs objects as lists of
dicts (by calling the function of the item class), date-times by ``isoformat()`` and the
policy by :meth:`~legrules.model.Policy.as_dict`; orjson then writes it.  The text is byte
for byte that of ``orjson.dumps(dump_assessment(a), option=...)``: the same names
(``class`` for ``ScoreResult.class_``) and the derived ``cds_indicator``.  A test
compares the two over the vignettes and generated assessments.
"""

from __future__ import annotations

import enum
import types
from collections.abc import Callable
from datetime import datetime
from typing import Any, get_args, get_origin, get_type_hints

import attrs
import orjson

from legrules.model.assessment import Assessment, ScoreResult
from legrules.model.policy import Policy

__all__ = ["dumps_assessment"]

_OPTIONS = orjson.OPT_SORT_KEYS
#: Document keys that differ from the attribute's name.
_RENAMED: dict[type, dict[str, str]] = {ScoreResult: {"class_": "class"}}
_Fields = Callable[[Any], dict[str, Any]]


def dumps_assessment(assessment: Assessment, *, indent: bool = False) -> bytes:
    """The assessment document of *assessment* as JSON text, keys sorted.

    Compact (one line, as JSON Lines want it), or with two-space indents when *indent*
    is set (what :func:`~legrules.model.documents.dumps` writes).
    """
    option = _OPTIONS | orjson.OPT_INDENT_2 if indent else _OPTIONS
    return orjson.dumps(_fields_of(Assessment)(assessment), option=option)


def _fields_of(cls: type) -> _Fields:
    """The function from an instance of the attrs class *cls* to its document dict."""
    known = _FIELDS.get(cls)
    if known is not None:
        return known
    renamed = _RENAMED.get(cls, {})
    hints = get_type_hints(cls)
    namespace: dict[str, Any] = {"_policy": _policy}
    items = [
        f"{renamed.get(field.name, field.name)!r}: "
        f"{_expression('value.' + field.name, hints[field.name], namespace)}"
        for field in attrs.fields(cls)
    ]
    if cls is Assessment:
        items.append("'cds_indicator': value.cds_indicator")
    exec(f"def fields(value):\n    return {{{', '.join(items)}}}\n", namespace)
    made: _Fields = namespace["fields"]
    _FIELDS[cls] = made
    return made


def _expression(read: str, kind: Any, namespace: dict[str, Any]) -> str:
    """The expression writing the value *read* (Python code) of type *kind*."""
    options = get_args(kind) if isinstance(kind, types.UnionType) else ()
    if len(options) == 2 and type(None) in options:
        (inner,) = (option for option in options if option is not type(None))
        return f"(None if {read} is None else {_expression(read, inner, namespace)})"
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return f"{read}._value_"  # not .value: the enum module's descriptor is slow
    if kind is datetime:
        return f"{read}.isoformat()"
    if kind is Policy:
        return f"_policy({read})"
    if isinstance(kind, type) and attrs.has(kind):
        name = f"_{kind.__name__}"
        namespace[name] = _fields_of(kind)
        return f"{name}({read})"
    if get_origin(kind) is tuple:
        item = get_args(kind)[0]
        if isinstance(item, type) and (attrs.has(item) or issubclass(item, enum.Enum)):
            return f"[{_expression('item', item, namespace)} for item in {read}]"
    return read  # a string, number, None, or a tuple of them: orjson writes them as they are


_FIELDS: dict[type, _Fields] = {}

#: The last policy written and its dict (a run writes many assessments under one policy).
_LAST_POLICY: list[Any] = [None, None]


def _policy(policy: Policy) -> dict[str, Any]:
    """``policy.as_dict()``, made once for the policy a run uses (policies are frozen)."""
    if _LAST_POLICY[0] is not policy:
        _LAST_POLICY[:] = [policy, policy.as_dict()]
    found: dict[str, Any] = _LAST_POLICY[1]
    return found
