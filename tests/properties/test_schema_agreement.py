"""The presentation schema and the loader agree: valid documents load, invalid ones do not.

Documents are generated from ``presentation_schema()`` itself with hypothesis-jsonschema.
Its measurement and finding definitions hold one ``if``/``then`` per vocabulary entry,
which hypothesis-jsonschema cannot resolve in reasonable time, so each is split here
into the flat schemas those conditions imply (one per id and unit), read off the
published schema rather than written by hand.

One documented exception: the date-time ``pattern`` cannot express calendar validity,
so ``2026-02-31T00:00:00Z`` matches the schema but is refused by the loader (there is
no such day).  The test checks that this is the only way the two disagree.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import jsonschema
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from legrules import InputError, load_presentation
from legrules.schemas import presentation_schema

SCHEMA = presentation_schema()
DEFS = SCHEMA["$defs"]
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
JSON = dict[str, Any]


def _flat(properties: JSON, required: list[str]) -> st.SearchStrategy[JSON]:
    schema = {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
        "$defs": DEFS,
    }
    # from_schema is typed for any JSON value; an object schema only yields objects.
    return from_schema(schema).map(_as_object)


def _as_object(value: object) -> JSON:
    assert isinstance(value, dict)
    return value


def _unsided_ids(definition: JSON) -> list[str]:
    """The ids the definition's first condition forbids a laterality for."""
    ids: list[str] = definition["allOf"][0]["if"]["properties"]["id"]["enum"]
    return ids


def _split_ids(definition: JSON) -> tuple[list[str], list[str]]:
    unsided = _unsided_ids(definition)
    sided = [i for i in definition["properties"]["id"]["enum"] if i not in unsided]
    return sided, unsided


def finding_documents() -> st.SearchStrategy[JSON]:
    """Finding documents: lateral ids with an optional side, the others without one."""
    finding = DEFS["finding"]
    sided, unsided = _split_ids(finding)
    props = finding["properties"]
    without_side = {k: v for k, v in props.items() if k != "laterality"}
    return st.one_of(
        _flat({**props, "id": {"enum": sided}}, finding["required"]),
        _flat({**without_side, "id": {"enum": unsided}}, finding["required"]),
    )


def measurement_documents() -> st.SearchStrategy[JSON]:
    """Measurement documents, one flat schema per id and unit from the schema's conditions."""
    measurement = DEFS["measurement"]
    unsided = set(_unsided_ids(measurement))
    options = []
    for rule in measurement["allOf"][1:]:
        cid = rule["if"]["properties"]["id"]["const"]
        props = dict(measurement["properties"])
        if cid in unsided:
            del props["laterality"]
        for by_unit in rule["then"]["allOf"]:
            unit = by_unit["if"]["properties"]["unit"]["const"]
            bounds = by_unit["then"]["properties"]["value"]
            flat = {**props, "id": {"const": cid}, "unit": {"const": unit}}
            flat["value"] = {"type": "number", **bounds}
            options.append(_flat(flat, measurement["required"]))
    return st.one_of(options)


_TOP = _flat(
    {k: v for k, v in SCHEMA["properties"].items() if k not in ("findings", "measurements")}, []
)
_LISTS = {"findings": finding_documents(), "measurements": measurement_documents()}


@st.composite
def presentation_documents(draw: st.DrawFn) -> JSON:
    """Documents valid against the presentation schema."""
    document: JSON = draw(_TOP)
    for key, items in _LISTS.items():
        if draw(st.booleans()):
            document[key] = draw(st.lists(items, max_size=4))
    return document


def _datetimes_in(document: Any) -> list[str]:
    if isinstance(document, dict):
        return [s for k, v in document.items() for s in _datetimes_in(v) if k]
    if isinstance(document, list):
        return [s for item in document for s in _datetimes_in(item)]
    return [document] if isinstance(document, str) and _looks_like_datetime(document) else []


def _looks_like_datetime(text: str) -> bool:
    return len(text) >= 20 and text[4] == "-" and text[10] == "T"


def calendar_valid(document: JSON) -> bool:
    """Whether every date-time in *document* names a real calendar instant."""
    for text in _datetimes_in(document):
        try:
            datetime.fromisoformat(text)
        except ValueError:
            return False
    return True


def loads(document: JSON) -> bool:
    """Whether the loader accepts *document* (any refusal must be an InputError)."""
    try:
        load_presentation(document)
    except InputError as error:
        path = error.path
    else:
        return True
    assert path.startswith("$")
    return False


@given(document=presentation_documents())
def test_every_schema_valid_document_loads(document: JSON) -> None:
    """A document the schema accepts loads, unless a date-time is not a calendar instant."""
    assert VALIDATOR.is_valid(document)
    assert loads(document) == calendar_valid(document)


_BAD_VALUES: list[Any] = [None, True, -1, 1e9, "", " ", "bogus", [], {}, "2026-13-01T00:00:00Z"]


@st.composite
def mutated_documents(draw: st.DrawFn) -> JSON:
    """A valid document with one element changed, added or removed (usually invalid)."""
    document = copy.deepcopy(draw(presentation_documents()))
    parent, key = draw(_somewhere(document))
    action = draw(st.sampled_from(["replace", "add", "remove"]))
    if action == "add" and isinstance(parent, dict):
        parent[draw(st.sampled_from(["extra", "id", "state", "value", "unit", "laterality"]))] = (
            draw(st.sampled_from(_BAD_VALUES))
        )
    elif action == "remove" and isinstance(parent, dict) and key in parent:
        del parent[key]
    else:
        parent[key] = draw(st.sampled_from(_BAD_VALUES))
    return document


def _locations(node: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) pair in *node*, the document itself included."""
    found: list[tuple[Any, Any]] = []
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    for key, value in items:
        found.append((node, key))
        found.extend(_locations(value))
    return found


def _somewhere(document: JSON) -> st.SearchStrategy[tuple[Any, Any]]:
    places = _locations(document)
    return st.sampled_from(places) if places else st.just((document, "extra"))


@given(document=mutated_documents())
def test_loader_accepts_exactly_the_schema_valid_documents(document: JSON) -> None:
    """After a mutation, the loader accepts the document iff the schema does (dates aside)."""
    assume(calendar_valid(document))
    assert loads(document) == VALIDATOR.is_valid(document)
