"""Containers, several patients, streaming, and bad input that must never crash."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import orjson
import pytest

from legrules import DocumentError, FHIRInputError, InvalidValueError
from legrules.fhir import read_presentation, read_presentations
from tests.fhir.conftest import bundle, obs
from tests.support import AS_OF


def of(patient: str, oid: str, code: str = "leg-pain") -> dict[str, Any]:
    resource = obs(code, oid=oid)
    resource["subject"] = {"reference": f"Patient/{patient}"}
    return resource


def ndjson(*resources: dict[str, Any]) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in resources)


def ids(source: Any, **options: Any) -> list[tuple[str | None, list[str]]]:
    options.setdefault("as_of", AS_OF)
    return [
        (r.presentation.patient.id, [f.id for f in r.presentation.findings])
        for r in read_presentations(source, **options)
    ]


SOURCES = [of("a", "1"), of("a", "2", "dyspnea")]


@pytest.mark.parametrize(
    "make",
    [
        lambda: bundle(*SOURCES, kind="searchset"),
        lambda: SOURCES,
        lambda: orjson.dumps(SOURCES),
        lambda: orjson.dumps(bundle(*SOURCES, kind="transaction"), option=orjson.OPT_INDENT_2),
        lambda: ndjson(*SOURCES),
        lambda: io.BytesIO(ndjson(*SOURCES)),
        lambda: io.StringIO(ndjson(*SOURCES).decode()),
    ],
)
def test_every_container_gives_the_same_presentation(make: Any) -> None:
    """Bundles, arrays, JSON text, NDJSON bytes and binary or text files read alike."""
    assert ids(make()) == [("a", ["dyspnea", "leg-pain"])]


def test_a_path_is_read(tmp_path: Path) -> None:
    """A path to an NDJSON file is streamed from disk."""
    path = tmp_path / "export.ndjson"
    path.write_bytes(ndjson(*SOURCES))
    assert ids(str(path)) == ids(path) == [("a", ["dyspnea", "leg-pain"])]


def test_several_patients_give_one_presentation_each() -> None:
    """Resources are grouped by subject, in order of first appearance."""
    data = [of("a", "1"), of("b", "2"), of("a", "3", "dyspnea")]
    assert ids(bundle(*data)) == [("a", ["dyspnea", "leg-pain"]), ("b", ["leg-pain"])]


def test_unsorted_ndjson_is_grouped_by_spilling_to_disk() -> None:
    """A bulk export in resource-type order (patients interleaved) still groups right."""
    patients = [{"resourceType": "Patient", "id": p, "gender": "male"} for p in ("a", "b")]
    data = ndjson(*patients, of("b", "1"), of("a", "2"), of("b", "3", "dyspnea"))
    assert ids(data) == [("a", ["leg-pain"]), ("b", ["dyspnea", "leg-pain"])]


def test_contiguous_grouping_streams_adjacent_patients() -> None:
    """Pre-grouped input streams with grouping='contiguous'."""
    data = ndjson(of("a", "1"), of("a", "2"), of("b", "3"))
    assert ids(data, grouping="contiguous") == [
        ("a", ["leg-pain", "leg-pain"]),
        ("b", ["leg-pain"]),
    ]


def test_contiguous_grouping_refuses_a_patient_that_comes_back() -> None:
    """A patient met again after others is an error, never a second partial presentation."""
    data = ndjson(of("a", "1"), of("b", "2"), of("a", "3"))
    with pytest.raises(FHIRInputError, match=r"Patient/a appears again .* @ line 3"):
        ids(data, grouping="contiguous")


def test_references_are_normalised_to_the_patient() -> None:
    """Absolute, versioned and urn:uuid references all reach the same patient."""
    first, second = of("x", "1"), of("x", "2", "dyspnea")
    first["subject"] = {"reference": "https://ehr.example.org/fhir/Patient/x/_history/3"}
    second["subject"] = {"reference": "urn:uuid:9f1c"}
    entries = [
        {"fullUrl": "urn:uuid:9f1c", "resource": {"resourceType": "Patient", "id": "x"}},
        {"resource": first},
        {"resource": second},
    ]
    document = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    assert ids(document) == [("x", ["dyspnea", "leg-pain"])]


def test_read_presentation_refuses_several_patients() -> None:
    """The single-patient reader says to use read_presentations."""
    with pytest.raises(FHIRInputError, match="read_presentations"):
        read_presentation(bundle(of("a", "1"), of("b", "2")), as_of=AS_OF)


def test_resources_without_subject_join_the_single_patient() -> None:
    """In a one-patient input, subject-less resources are read as that patient's."""
    loose = obs("dyspnea", oid="2")
    del loose["subject"]
    result = read_presentation(bundle(of("a", "1"), loose), as_of=AS_OF)
    assert [f.id for f in result.presentation.findings] == ["dyspnea", "leg-pain"]
    assert any("no subject" in w for w in result.warnings)


def test_a_subject_that_is_not_a_patient_is_ignored() -> None:
    """An Observation about a Device is not a patient's finding."""
    device = obs()
    device["subject"] = {"reference": "Device/d1"}
    (result,) = read_presentations(bundle(device), as_of=AS_OF)
    assert result.presentation.findings == ()
    assert "not a Patient" in result.ignored[0].reason


def nested(depth: int) -> dict[str, Any]:
    inner: dict[str, Any] = obs()
    for _ in range(depth):
        inner = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": inner}]}
    return inner


def test_nested_bundles_within_the_limit_are_read() -> None:
    """A Bundle inside a Bundle (a document in a collection) is unpacked."""
    assert [f.id for f in read_presentation(nested(3), as_of=AS_OF).presentation.findings] == [
        "leg-pain"
    ]


def test_a_bundle_nested_1000_deep_is_skipped_with_a_warning() -> None:
    """Hostile nesting of parsed dicts is skipped, never a RecursionError."""
    result = read_presentation(nested(1000), as_of=AS_OF)
    assert result.presentation.findings == ()
    assert "nested more than 16 levels" in result.ignored[0].reason
    assert result.warnings


def test_a_bundle_nested_1000_deep_as_text_is_a_document_error() -> None:
    """JSON text nested deeper than the parser allows is a typed error."""
    text = b'{"resourceType":"Bundle","entry":[{"resource":' * 1000 + b"{}" + b"}]}" * 1000
    with pytest.raises(DocumentError, match="not valid JSON"):
        read_presentation(text, as_of=AS_OF)


@pytest.mark.parametrize(
    ("data", "error", "where"),
    [
        (b"{not json", DocumentError, "$"),
        (b"", DocumentError, "$"),
        (b"[1, 2]", FHIRInputError, "$[0]"),
        (b'{"resourceType": "Observation"}\n[1]\n', FHIRInputError, "line 2"),
        (b'{"resourceType": "Observation"}\n{oops\n', DocumentError, "line 2"),
        (b'{"id": "x"}', FHIRInputError, "$.resourceType"),
        (b'{"resourceType": "Bundle", "entry": {}}', FHIRInputError, "$.entry"),
        (b'{"resourceType": "Bundle", "entry": [7]}', FHIRInputError, "$.entry[0]"),
    ],
)
def test_bad_input_is_a_typed_error_naming_where(
    data: bytes, error: type[Exception], where: str
) -> None:
    """Malformed JSON, non-objects and broken Bundles are typed errors with a location."""
    with pytest.raises(error) as caught:
        list(read_presentations(data, as_of=AS_OF))
    assert getattr(caught.value, "path", None) == where


def test_a_missing_file_is_a_document_error(tmp_path: Path) -> None:
    """A path that cannot be opened is a typed error, not an OSError."""
    with pytest.raises(DocumentError, match="cannot read"):
        read_presentation(tmp_path / "missing.json", as_of=AS_OF)


@pytest.mark.parametrize(
    "options",
    [
        {"version": "R6"},
        {"on_error": "ignore"},
        {"as_of": AS_OF.replace(tzinfo=None)},
        {"grouping": "x"},
    ],
)
def test_bad_options_are_invalid_value_errors(options: dict[str, Any]) -> None:
    """Unknown versions, modes and naive instants are rejected up front."""
    options.setdefault("as_of", AS_OF)
    with pytest.raises(InvalidValueError):
        list(read_presentations(SOURCES, **options))


@pytest.mark.parametrize("shape", ["document", "ndjson"])
def test_a_utf8_byte_order_mark_is_accepted(shape: str) -> None:
    """An export that starts with a UTF-8 BOM reads like one without (issue 10, item 5)."""
    resources = [of("a", "1"), of("a", "2", "dyspnea")]
    data = ndjson(*resources) if shape == "ndjson" else orjson.dumps(bundle(*resources))
    assert ids(b"\xef\xbb\xbf" + data) == ids(data) == [("a", ["dyspnea", "leg-pain"])]
