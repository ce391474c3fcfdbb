"""JSON documents for presentations and assessments, structured and unstructured by cattrs.

Loading is strict: unknown keys, wrong JSON types (a number given as a string) and
invalid values are :class:`~legrules.errors.InputError` with the JSON path of the bad
element, such as ``unit 'mg' is not accepted ... @ $.measurements[1].unit``.  Dumping is
deterministic: the same value always gives the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar, get_args, get_origin

import attrs
import orjson

from legrules.errors import DocumentError, InputError, InvalidValueError
from legrules.model.assessment import Assessment, Evidence, RuleTrace, ScoreResult
from legrules.model.policy import Policy
from legrules.model.presentation import Finding, Measurement, Patient, Presentation, Source

__all__ = [
    "DATETIME_PATTERN",
    "check_json",
    "converter",
    "dump_assessment",
    "dump_presentation",
    "dumps",
    "json_type",
    "load_assessment",
    "load_presentation",
    "parse_json",
    "path_step",
]

T = TypeVar("T")


def parse_json(data: bytes | str) -> Any:
    """Parse JSON text, mapping syntax errors to :class:`DocumentError`."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as error:
        if "UTF-8" in error.msg:  # orjson says "str is not valid UTF-8: surrogates not allowed"
            raise DocumentError("not valid JSON: not UTF-8 text (binary data?)", "$") from None
        raise DocumentError(f"not valid JSON: {error}", "$") from None


def _strict(kind: type, name: str) -> Callable[[Any, Any], Any]:
    def structure(value: Any, _: Any) -> Any:
        ok = isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if kind is int and isinstance(value, float) and value.is_integer():
            return int(value)  # JSON Schema counts 54.0 as an integer; so do we
        if not ok:
            raise InvalidValueError(f"expected {name}, got {json_type(value)}")
        return value

    return structure


_JSON_TYPES = {
    bool: "a boolean",
    int: "a number",
    float: "a number",
    str: "a string",
    list: "an array",
    dict: "an object",
    type(None): "null",
}


def json_type(value: object) -> str:
    """How a JSON value's type reads in an error message (``"a string"``, ``"null"``)."""
    return _JSON_TYPES.get(type(value), type(value).__name__)


#: RFC 3339 date-time with a mandatory offset; the JSON Schemas use the same pattern.
DATETIME_PATTERN = (
    r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?"
    r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
_DATETIME = re.compile(DATETIME_PATTERN)


def _structure_datetime(value: Any, _: Any) -> datetime:
    if not isinstance(value, str):
        raise InvalidValueError(f"expected a date-time string, got {json_type(value)}")
    if not _DATETIME.match(value):
        raise InvalidValueError(
            f"{value!r} is not an RFC 3339 date-time with an offset (e.g. 2026-11-20T09:30:00Z)"
        )
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise InvalidValueError(f"{value!r} is not a valid calendar date-time") from None


def _unstructure_datetime(value: datetime) -> str:
    return value.isoformat()


def _structure_policy(value: Any, _: Any) -> Policy:
    if not isinstance(value, dict):
        raise InvalidValueError(f"expected an object, got {json_type(value)}")
    return Policy.from_dict(value)


def _is_array(kind: Any) -> bool:
    args = get_args(kind)
    return get_origin(kind) is tuple and len(args) == 2 and args[1] is Ellipsis


def _array_hook(kind: Any, conv: cattrs.BaseConverter) -> Callable[[Any, Any], Any]:
    """Structure ``tuple[X, ...]`` from a JSON array only (cattrs would iterate a string)."""
    from cattrs.cols import homogenous_tuple_structure_factory

    items = homogenous_tuple_structure_factory(kind, conv)

    def structure(value: Any, target: Any) -> Any:
        if not isinstance(value, list):
            raise InvalidValueError(f"expected an array, got {json_type(value)}")
        return items(value, target)

    return structure


def _objects_only(hook: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """Wrap a hook for an attrs class so that anything but a JSON object is refused."""

    def structure(value: Any, target: Any) -> Any:
        if not isinstance(value, dict):
            raise InvalidValueError(f"expected an object, got {json_type(value)}")
        return hook(value, target)

    return structure


def _object_hook(kind: type, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    return _objects_only(conv.gen_structure_attrs_fromdict(kind))


def _evidence(e: Evidence) -> dict[str, Any]:
    side = e.laterality
    return {
        "finding": e.finding,
        "value": e.value,
        "laterality": None if side is None else side.value,
        "source": e.source,
        "note": e.note,
    }


def _rule_trace(t: RuleTrace) -> dict[str, Any]:
    return {
        "rule": t.rule,
        "version": t.version,
        "conclusion": t.conclusion,
        "criteria": [
            {
                "id": c.id,
                "description": c.description,
                "status": c.status.value,
                "evidence": [_evidence(e) for e in c.evidence],
                "missing": list(c.missing),
            }
            for c in t.criteria
        ],
        "notes": list(t.notes),
    }


@cache
def _converter() -> cattrs.Converter:
    """The converter behind every legrules JSON document, made when first needed.

    Made lazily, with cattrs imported then: writing JSON Lines (``legrules assess`` over
    NDJSON) and reading FHIR never need it, and the import and set-up cost some 30 ms
    of every start.
    """
    import cattrs
    from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

    conv = cattrs.Converter(detailed_validation=True, forbid_extra_keys=True)
    conv.register_structure_hook_factory(_is_array, _array_hook)
    conv.register_structure_hook_factory(attrs.has, _object_hook)
    conv.register_structure_hook(float, _strict(float, "a number"))
    conv.register_structure_hook(int, _strict(int, "a whole number"))
    conv.register_structure_hook(str, _strict(str, "a string"))
    conv.register_structure_hook(bool, _strict(bool, "a boolean"))
    conv.register_structure_hook(datetime, _structure_datetime)
    conv.register_unstructure_hook(datetime, _unstructure_datetime)
    conv.register_structure_hook(Policy, _structure_policy)
    conv.register_unstructure_hook(Policy, lambda p: p.as_dict())
    # Presentation documents omit what is unknown or unset, so they stay short.  Leaves
    # first: cattrs binds the hooks of nested classes when it generates the outer one.
    for cls in (Source, Finding, Measurement, Patient, Presentation):
        conv.register_unstructure_hook(
            cls, make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True)
        )
    conv.register_unstructure_hook(
        ScoreResult, make_dict_unstructure_fn(ScoreResult, conv, class_=override(rename="class"))
    )
    # The trace is most of an assessment document; written out by hand, it costs a
    # fraction of the generated code (the tests compare both).
    conv.register_unstructure_hook(Evidence, _evidence)
    conv.register_unstructure_hook(RuleTrace, _rule_trace)
    conv.register_structure_hook(
        ScoreResult,
        _objects_only(
            make_dict_structure_fn(
                ScoreResult, conv, class_=override(rename="class"), _cattrs_forbid_extra_keys=True
            )
        ),
    )
    return conv


if TYPE_CHECKING:
    import cattrs

    #: The converter behind every legrules JSON document (made when first used).
    converter: cattrs.Converter


def __getattr__(name: str) -> Any:
    """``converter``, made when first asked for (see :func:`_converter`)."""
    if name == "converter":
        return _converter()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _first_error(error: BaseException, path: str) -> InputError:
    """Find the first leaf error in a cattrs exception tree and give it its JSON path."""
    from cattrs.errors import (
        ClassValidationError,
        ForbiddenExtraKeysError,
        IterableValidationError,
    )

    if isinstance(error, ForbiddenExtraKeysError):
        keys = ", ".join(orjson.dumps(k).decode() for k in sorted(error.extra_fields))
        return InvalidValueError(f"unknown key(s): {keys}", path)
    if isinstance(error, ClassValidationError | IterableValidationError):
        with_notes, without = error.group_exceptions()
        for sub, note in with_notes:
            step = getattr(note, "name", None)
            index = getattr(note, "index", None)
            if step is not None:
                sub_path = f"{path}.{step}"
            elif index is not None:
                sub_path = f"{path}[{index}]"
            else:  # pragma: no cover - cattrs always attaches one of the two
                sub_path = path
            return _first_error(sub, sub_path)
        for sub in without:
            return _first_error(sub, path)
    if isinstance(error, InputError):
        return error.at(path)
    if isinstance(error, KeyError):
        return InvalidValueError(f"required key {error.args[0]!r} is missing", path)
    if isinstance(error, ValueError | TypeError):
        return InvalidValueError(f"invalid value: {error}", path)
    raise error


def structure(data: Any, cls: type[T]) -> T:
    """Structure JSON-style *data* into *cls*, raising :class:`InputError` with a path."""
    if attrs.has(cls) and not isinstance(data, dict):
        raise DocumentError(f"expected a JSON object, got {json_type(data)}", "$")
    try:
        if cls is datetime:  # its hook alone: the command line's --as-of needs no converter
            return _structure_datetime(data, cls)  # type: ignore[return-value]
        return _converter().structure(data, cls)
    except InputError as error:
        raise error.at("$") from None
    except Exception as error:
        raise _first_error(error, "$") from None


def dumps(document: Any) -> bytes:
    """Serialise an unstructured document deterministically (sorted keys, 2-space indent)."""
    return orjson.dumps(document, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)


def load_presentation(data: bytes | str | dict[str, Any]) -> Presentation:
    """Load a presentation document (JSON text or an already parsed object).

    ``null`` is refused, as the schema refuses it: an unknown or unset value is left out.
    """
    parsed = parse_json(data) if isinstance(data, bytes | str) else data
    _refuse_null(parsed, "$")
    return structure(parsed, Presentation)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def path_step(key: str) -> str:
    """A JSON-path step for *key*: ``.name``, or ``["any text"]`` quoted as JSON."""
    return f".{key}" if _NAME.fullmatch(key) else f"[{orjson.dumps(key).decode()}]"


_SCALARS = (str, int, float, bool)


def check_json(document: Any, root: str, *, nulls: bool = True) -> None:
    """Refuse what JSON cannot hold: cycles, non-string keys, values of other types.

    A caller's already parsed value is checked at the public boundary, so that a cyclic
    ``dict`` is an :class:`~legrules.errors.InvalidValueError` naming where it loops
    rather than a reader that never ends, and a key such as ``1`` an error rather than
    a crash deep inside.  ``nulls=False`` also refuses ``null`` (the documents' rule).
    Iterative, so that deeply nested input cannot exhaust the interpreter's stack.
    """
    stack = [(document, root)]
    open_ids: set[int] = set()  # containers on the path being walked: a cycle
    exits: list[tuple[int, int]] = []  # (stack size, id) at which a container is left
    while stack:
        while exits and len(stack) <= exits[-1][0]:
            open_ids.discard(exits.pop()[1])
        node, path = stack.pop()
        if node is None:
            if not nulls:
                raise InvalidValueError("null is not allowed here; leave the key out instead", path)
        elif isinstance(node, dict | list):
            if id(node) in open_ids:
                raise InvalidValueError("the value contains itself (a cycle)", path)
            open_ids.add(id(node))
            exits.append((len(stack), id(node)))
            if isinstance(node, dict):
                for key in node:
                    if not isinstance(key, str):
                        raise InvalidValueError(f"keys must be strings, got {key!r}", path)
                stack.extend((v, path + path_step(k)) for k, v in reversed(node.items()))
            else:
                stack.extend((v, f"{path}[{i}]") for i, v in reversed(list(enumerate(node))))
        elif not isinstance(node, _SCALARS):
            raise InvalidValueError(f"not a JSON value: {type(node).__name__}", path)
        elif isinstance(node, str):
            _check_text(node, path)


def _check_text(text: str, path: str) -> None:
    try:
        text.encode()
    except UnicodeEncodeError:
        raise InvalidValueError("text holds a lone surrogate (not UTF-8)", path) from None


def _refuse_null(document: Any, root: str) -> None:
    check_json(document, root, nulls=False)


def dump_presentation(presentation: Presentation) -> dict[str, Any]:
    """Unstructure a presentation into its JSON document form."""
    result: dict[str, Any] = _converter().unstructure(presentation)
    return result


def load_assessment(data: bytes | str | dict[str, Any]) -> Assessment:
    """Load an assessment document, for example one stored by a research pipeline."""
    parsed = parse_json(data) if isinstance(data, bytes | str) else data
    if not isinstance(parsed, dict) or "cds_indicator" not in parsed:
        return structure(parsed, Assessment)
    # Derived from the disposition on the way out; on the way in it must agree.
    fields = {k: v for k, v in parsed.items() if k != "cds_indicator"}
    assessment = structure(fields, Assessment)
    if parsed["cds_indicator"] != assessment.cds_indicator:
        raise InvalidValueError(
            f"cds_indicator {parsed['cds_indicator']!r} does not match disposition "
            f"{assessment.disposition.value!r} (expected {assessment.cds_indicator!r})",
            "$.cds_indicator",
        )
    return assessment


def dump_assessment(assessment: Assessment) -> dict[str, Any]:
    """Unstructure an assessment into its JSON document form (``assessment.schema.json``)."""
    result: dict[str, Any] = _converter().unstructure(assessment)
    result["cds_indicator"] = assessment.cds_indicator
    return result
