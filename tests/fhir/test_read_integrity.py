"""What orjson or a lax reader would let through silently: issue 10, item 5.

Duplicate keys (orjson keeps the last), ``null`` where FHIR forbids it, date-times
that are not FHIR date-times, numbers that underflow to zero.  Each is read through
every entry point: one patient, per patient, and bulk NDJSON.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest

from legrules import FHIRInputError, LegrulesError
from legrules.fhir import ReadResult, read_presentation, read_presentations
from legrules.fhir.read.elements import parse_datetime
from tests.fhir.conftest import SNOMED, bundle, coded, obs, quantity
from tests.support import AS_OF

PATIENT = {"resourceType": "Patient", "id": "p1", "birthDate": "1960-01-01"}
DYSPNEA = "267036007"  # SNOMED CT "Dyspnea", as terminology.csv maps it


def dyspnea(**extra: Any) -> dict[str, Any]:
    """A final Observation stating dyspnea present, for Patient/p1."""
    resource = obs(DYSPNEA, SNOMED, valueBoolean=True)
    resource.update(extra)
    return resource


def text_with(resource: dict[str, Any], key: str, first: Any, last: Any) -> bytes:
    """*resource* as JSON text with *key* twice: *first*, then *last*."""
    body = orjson.dumps({k: v for k, v in resource.items() if k != key})
    pair = b'"%s":%s,"%s":%s' % (
        key.encode(),
        orjson.dumps(first),
        key.encode(),
        orjson.dumps(last),
    )
    return body[:-1] + b"," + pair + b"}"


def as_bundle(*texts: bytes) -> bytes:
    entries = b",".join(b'{"resource":' + t + b"}" for t in texts)
    return b'{"resourceType":"Bundle","type":"collection","entry":[' + entries + b"]}"


def as_ndjson(*texts: bytes) -> bytes:
    return b"\n".join(texts) + b"\n"


Entry = Callable[..., ReadResult]


def one(data: bytes, **options: Any) -> ReadResult:
    return read_presentation(data, as_of=AS_OF, **options)


def each(data: bytes, **options: Any) -> ReadResult:
    (result,) = read_presentations(data, as_of=AS_OF, **options)
    return result


ENTRIES = {
    "read_presentation, Bundle": lambda *t, **o: one(as_bundle(orjson.dumps(PATIENT), *t), **o),
    "read_presentations, Bundle": lambda *t, **o: each(as_bundle(orjson.dumps(PATIENT), *t), **o),
    "read_presentations, NDJSON": lambda *t, **o: each(as_ndjson(orjson.dumps(PATIENT), *t), **o),
    "read_presentations, NDJSON contiguous": lambda *t, **o: each(
        as_ndjson(orjson.dumps(PATIENT), *t), grouping="contiguous", **o
    ),
}


def findings(result: ReadResult) -> list[tuple[str, str]]:
    return [(f.id, f.state.value) for f in result.presentation.findings]


@pytest.mark.parametrize("entry", list(ENTRIES))
@pytest.mark.parametrize(
    ("first", "last"), [("final", "entered-in-error"), ("entered-in-error", "final")]
)
def test_disagreeing_duplicate_status_is_never_counted(entry: str, first: str, last: str) -> None:
    """A status given twice with different values: ignored with the path, in either order."""
    result = ENTRIES[entry](text_with(dyspnea(), "status", first, last))
    assert findings(result) == []
    assert [(i.reference, i.reason) for i in result.ignored] == [
        (
            "Observation/o1",
            "duplicate key 'status' with different values @ Observation/o1.status",
        )
    ]
    assert any("duplicate key 'status'" in w for w in result.warnings)


@pytest.mark.parametrize("entry", list(ENTRIES))
def test_agreeing_duplicates_are_read_and_refused_in_strict_mode(entry: str) -> None:
    """The same value twice is read by default; strict mode refuses it with its path."""
    text = text_with(dyspnea(), "status", "final", "final")
    assert findings(ENTRIES[entry](text)) == [("dyspnea", "present")]
    with pytest.raises(FHIRInputError, match=r"duplicate key 'status' .* @ Observation/o1\.status"):
        ENTRIES[entry](text, strict=True)


def test_a_duplicate_hidden_behind_an_escaped_colon_is_found() -> None:
    r"""``\u003a`` in a string cannot balance a dropped key in the count of colons."""
    text = text_with(dyspnea(note=[{"text": "x"}]), "status", "entered-in-error", "final")
    text = text.replace(b'"text":"x"', b'"text":"a\\u003ab"')
    result = one(as_bundle(orjson.dumps(PATIENT), text))
    assert findings(result) == []


def test_a_duplicate_with_space_before_its_colon_is_found() -> None:
    """Whitespace between a key and its colon does not hide a duplicate."""
    text = text_with(dyspnea(), "status", "entered-in-error", "final")
    text = text.replace(b'"status":"final"', b'"status"  :\t"final"')
    assert findings(one(as_bundle(orjson.dumps(PATIENT), text))) == []


def test_a_bundle_with_duplicate_entry_arrays_says_so() -> None:
    """Two ``entry`` arrays: the one orjson kept is read, and the result says what was dropped."""
    kept = b'[{"resource":' + orjson.dumps(PATIENT) + b"}]"
    lost = b'[{"resource":' + orjson.dumps(dyspnea()) + b"}]"
    data = b'{"resourceType":"Bundle","id":"b","type":"collection","entry":%s,"entry":%s}' % (
        lost,
        kept,
    )
    result = one(data)
    assert result.presentation.patient.id == "p1"
    assert ("Bundle/b", "duplicate key 'entry' with different values @ Bundle/b.entry") in [
        (i.reference, i.reason) for i in result.ignored
    ]
    with pytest.raises(FHIRInputError, match=r"@ Bundle/b\.entry"):
        one(data, strict=True)


NULLS = {
    "valueBoolean": ("valueBoolean", None),
    "dataAbsentReason": ("dataAbsentReason", None),
    "status": ("status", None),
    "a coding's code": ("code", {"coding": [{"system": SNOMED, "code": None}]}),
}


@pytest.mark.parametrize("name", list(NULLS))
@pytest.mark.parametrize("entry", list(ENTRIES))
def test_null_where_fhir_forbids_it_is_refused_with_a_path(name: str, entry: str) -> None:
    """``null`` as an element's value is an error naming it, or ignored with on_error=skip."""
    key, value = NULLS[name]
    resource = dyspnea(**{key: value})
    text = orjson.dumps(resource)
    with pytest.raises(FHIRInputError, match=r"null is not allowed .* @ Observation/o1\." + key):
        ENTRIES[entry](text)
    skipped = ENTRIES[entry](text, on_error="skip")
    assert findings(skipped) == []
    assert [i.reference for i in skipped.ignored] == ["Observation/o1"]


def test_null_in_a_parsed_resource_is_refused_too() -> None:
    """A caller's dict is checked like text: ``valueBoolean: None`` is an error with its path."""
    with pytest.raises(FHIRInputError, match=r"@ Observation/o1\.valueBoolean"):
        read_presentation(bundle(PATIENT, dyspnea(valueBoolean=None)), as_of=AS_OF)


def test_null_inside_an_array_is_allowed() -> None:
    """FHIR JSON keeps nulls in arrays of primitives (aligned with ``_given``): not an error."""
    patient = {**PATIENT, "name": [{"given": ["Ann", None], "_given": [None, {"id": "x"}]}]}
    result = read_presentation(bundle(patient, dyspnea()), as_of=AS_OF)
    assert findings(result) == [("dyspnea", "present")]


BAD_TIMES = [
    "2026-11-20T09:00:00\x00Z",
    "2026-11-20T09:00:00 Z",
    "2026-11-20T09:00Z",
    "2026-11-20 09:00:00Z",
    "2026-11-20T09:00:00Z\n",
    "2026-11-20T24:00:00Z",
    "2026-11-20T09:00:00+14:30",
    "\uff12026-11-20",
]


@pytest.mark.parametrize("text", BAD_TIMES)
@pytest.mark.parametrize("entry", list(ENTRIES))
def test_date_times_outside_the_fhir_regex_are_refused(text: str, entry: str) -> None:
    """A NUL or a space before Z, no seconds, a trailing newline: refused, naming the element."""
    resource = dyspnea(effectiveDateTime=text)
    with pytest.raises(FHIRInputError, match=r"@ Observation/o1\.effectiveDateTime"):
        ENTRIES[entry](orjson.dumps(resource))


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("2026", "2026-01-01T00:00:00+00:00"),
        ("2026-11", "2026-11-01T00:00:00+00:00"),
        ("2026-11-20T09:00:00.123456789+01:00", "2026-11-20T09:00:00.123456+01:00"),
        ("2026-11-20T09:00:00+14:00", "2026-11-20T09:00:00+14:00"),
    ],
)
def test_date_times_the_fhir_regex_allows_are_read(text: str, start: str) -> None:
    """Partial dates, long fractions of a second, the +14:00 offset: read as their start."""
    assert parse_datetime(text).isoformat() == start


def test_an_observation_dated_by_day_is_read() -> None:
    """A date without a time is a FHIR dateTime: the Observation is read."""
    text = orjson.dumps(dyspnea(effectiveDateTime="2026-11-20"))
    assert findings(one(as_bundle(orjson.dumps(PATIENT), text))) == [("dyspnea", "present")]


TINY = [b"1e-400", b"-2.5E-0400", b"0." + b"0" * 400 + b"1"]


@pytest.mark.parametrize("number", TINY)
@pytest.mark.parametrize("entry", list(ENTRIES))
def test_a_number_that_underflows_is_never_read_as_zero(number: bytes, entry: str) -> None:
    """``1e-400`` would be 0.0: the Observation is ignored with the path, refused when strict."""
    resource = obs("8310-5", "http://loinc.org", valueQuantity=quantity(36.6, "Cel"))
    text = orjson.dumps(resource).replace(b"36.6", number)
    result = ENTRIES[entry](text)
    assert result.presentation.measurements == ()
    assert [(i.reference, i.reason) for i in result.ignored] == [
        (
            "Observation/o1",
            f"number {number.decode()} is too small to represent"
            " @ Observation/o1.valueQuantity.value",
        )
    ]
    with pytest.raises(FHIRInputError, match="too small to represent"):
        ENTRIES[entry](text, strict=True)


def test_small_numbers_and_e_minus_in_strings_are_read_as_they_are() -> None:
    """``1e-300`` is a number like any other; ``"e-123"`` in a string is text."""
    resource = obs("8310-5", "http://loinc.org", valueQuantity=quantity(36.6, "Cel"))
    resource["note"] = [{"text": "code-123 0.000"}]
    text = orjson.dumps(resource).replace(b'"code-123', b'"code-123 1e-300')
    result = one(as_bundle(orjson.dumps(PATIENT), text))
    assert [(m.id, m.value) for m in result.presentation.measurements] == [("temperature", 36.6)]


def test_a_document_nested_near_the_parsers_limit_is_a_clean_error() -> None:
    """Deep nesting with a duplicate key (the careful parse recurses): a LegrulesError."""
    deep = b'{"a":' * 1000 + b"1" + b"}" * 1000
    data = b'{"resourceType":"Observation","id":"o1","x":' + deep + b',"x":1}'
    with pytest.raises(LegrulesError):
        one(data)


def test_dictionary_sources_are_accepted_unchanged() -> None:
    """A caller's dict with no null is read as before (no copy, no false alarm)."""
    resource = dyspnea(code=coded(SNOMED, DYSPNEA))
    result = read_presentation(bundle(PATIENT, resource), as_of=AS_OF)
    assert findings(result) == [("dyspnea", "present")]


@pytest.mark.parametrize("entry", list(ENTRIES))
def test_text_as_orjson_writes_it_and_spaced_text_are_read_alike(entry: str) -> None:
    """The quick comparison for compact text reads what the counting path reads."""
    resource = obs("8310-5", "http://loinc.org", valueQuantity=quantity(36.6, "Cel"))
    compact = orjson.dumps(resource)
    spaced = compact.replace(b'":', b'" : ').replace(b",", b", ")  # one line, for NDJSON
    assert ENTRIES[entry](compact) == ENTRIES[entry](spaced)
    assert [m.value for m in ENTRIES[entry](compact).presentation.measurements] == [36.6]
