"""Large documents are streamed entry by entry, and read exactly as a whole parse reads them.

The threshold is forced down (``LEGRULES_STREAM_BYTES``) so that small documents take
the streamed path; each test compares it with the in-memory path on the same input.
"""

from __future__ import annotations

import io
import json
import random
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import orjson
import pytest

from legrules import LegrulesError
from legrules.cli import main
from legrules.fhir import read_presentation, read_presentations
from legrules.fhir.read.containers import Items
from tests.fhir import r4_examples as r4
from tests.fhir.test_read_examples import SHIPPED, differences
from tests.support import AS_OF

AS_OF_TEXT = "2026-11-20T10:00:00+00:00"
LOINC, SNOMED = "http://loinc.org", "http://snomed.info/sct"
BASE = "https://ehr.example.org/fhir"

JSON = dict[str, Any]


@pytest.fixture
def streaming(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every document read from a file or bytes is streamed."""
    monkeypatch.setenv("LEGRULES_STREAM_BYTES", "0")


def _observation(oid: str, subject: JSON, code: str, **extra: Any) -> JSON:
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "code": {"coding": [{"system": SNOMED, "code": code}]},
        "subject": subject,
        "effectiveDateTime": "2026-11-20T09:00:00Z",
        "valueBoolean": True,
        **extra,
    }


def population(patients: int, seed: int = 0) -> JSON:
    """A collection Bundle whose resources name their patients every way FHIR allows.

    Observations come before the Patient they name (``urn:uuid:`` fullUrls, absolute
    URLs, identifiers, contained Patients), a MedicationStatement names a Medication
    further on, and some resources are withdrawn, unresolvable or hold a tiny number.
    """
    rng = random.Random(seed)
    entries: list[JSON] = []
    for p in range(patients):
        urn = f"urn:uuid:00000000-0000-0000-0000-{p:012d}"
        ident = {"system": "urn:mrn", "value": f"mrn-{p}"}
        subjects: list[JSON] = [
            {"reference": urn},
            {"reference": f"{BASE}/Patient/p{p}"},
            {"reference": f"Patient/p{p}"},
            {"identifier": ident},
        ]
        for o, code in enumerate(("10601006", "449614009", "128053003", "267038008")):
            entries.append(
                {
                    "fullUrl": f"{BASE}/Observation/o{p}-{o}",
                    "resource": _observation(f"o{p}-{o}", rng.choice(subjects), code),
                }
            )
        withdrawn = _observation(
            f"w{p}", {"reference": urn}, "271594007", status="entered-in-error"
        )
        entries.append({"fullUrl": f"{BASE}/Observation/w{p}", "resource": withdrawn})
        contained = _observation(f"c{p}", {"reference": "#pat"}, "10601006")
        contained["contained"] = [{"resourceType": "Patient", "id": "pat", "identifier": [ident]}]
        entries.append({"resource": contained})
        entries.append(
            {"resource": _observation(f"x{p}", {"reference": f"patient/p{p}"}, "10601006")}
        )
        entries.append(
            {
                "resource": {
                    "resourceType": "MedicationStatement",
                    "id": f"ms{p}",
                    "status": "active",
                    "subject": {"reference": urn},
                    "medicationReference": {"reference": "Medication/warfarin"},
                    "effectivePeriod": {"start": "2026-10-01T00:00:00Z"},
                }
            }
        )
        patient = {
            "resourceType": "Patient",
            "id": f"p{p}",
            "identifier": [ident],
            "gender": rng.choice(["female", "male"]),
            "birthDate": f"{1940 + p % 50}-03-0{1 + p % 9}",
        }
        entries.append({"fullUrl": urn, "resource": patient})
    entries.append(
        {
            "resource": {
                "resourceType": "Medication",
                "id": "warfarin",
                "code": {
                    "coding": [
                        {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "11289"}
                    ]
                },
            }
        }
    )
    return {"resourceType": "Bundle", "id": "export", "type": "collection", "entry": entries}


def cli(path: Path, *extra: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["assess", str(path), "--as-of", AS_OF_TEXT, *extra], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def both(path: Path, monkeypatch: pytest.MonkeyPatch, *extra: str) -> tuple[Any, Any]:
    """The CLI's answer in memory and streamed."""
    monkeypatch.setenv("LEGRULES_STREAM_BYTES", str(1 << 40))
    whole = cli(path, *extra)
    monkeypatch.setenv("LEGRULES_STREAM_BYTES", "0")
    return whole, cli(path, *extra)


def test_a_document_over_the_threshold_is_streamed_and_grouped_through_the_spill(
    tmp_path: Path, streaming: None
) -> None:
    """Over the threshold the reader streams; under it nothing changes."""
    path = tmp_path / "bundle.json"
    path.write_bytes(orjson.dumps(population(2)))
    items = Items(path)
    assert len(list(items)) > 10
    assert items.streamed
    assert items.subjects is not None
    small = Items(orjson.dumps(population(2)))
    list(small)
    assert small.streamed  # bytes too
    parsed = Items(population(2))
    list(parsed)
    assert not parsed.streamed  # a parsed document is in memory already


@pytest.mark.parametrize("fmt", ["json", "fhir", "text"])
def test_the_cli_prints_the_same_bytes_streamed_and_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """A generated multi-patient Bundle: byte-identical output, whichever path reads it."""
    path = tmp_path / "bundle.json"
    path.write_bytes(orjson.dumps(population(6)))
    whole, streamed = both(path, monkeypatch, "--format", fmt)
    assert whole == streamed
    assert whole[0] == 0
    assert whole[1].count("\n") >= 6


def test_forward_references_resolve_when_streamed(tmp_path: Path, streaming: None) -> None:
    """Resources naming a Patient further on, by any spelling, are that patient's."""
    path = tmp_path / "bundle.json"
    path.write_bytes(orjson.dumps(population(3)))
    results = list(read_presentations(path, as_of=AS_OF))
    # several patients: what names none of them comes last, as a group of its own
    assert [r.presentation.patient.id for r in results] == ["p0", "p1", "p2", None]
    loose = {i.reference: i.reason for i in results[-1].ignored}
    assert all("not tied to a patient" in loose[f"Observation/x{p}"] for p in range(3))
    for result in results[:-1]:
        sources = {
            f.source.reference.split("#")[0] for f in result.presentation.findings if f.source
        }
        reasons = {i.reference: i.reason for i in result.ignored}
        n = result.presentation.patient.id[1:]  # type: ignore[index]
        assert {f"Observation/o{n}-{o}" for o in range(4)} <= sources | set(reasons)
        assert f"Observation/c{n}" in sources
        assert "entered-in-error" in reasons[f"Observation/w{n}"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shuffled_bundles_read_alike_on_both_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """Entries in any order: the streamed path prints what the in-memory path prints."""
    bundle = population(4, seed)
    random.Random(seed).shuffle(bundle["entry"])
    path = tmp_path / "bundle.json"
    path.write_bytes(orjson.dumps(bundle, option=orjson.OPT_INDENT_2))
    whole, streamed = both(path, monkeypatch, "--format", "json")
    assert whole == streamed
    assert whole[0] == 0


def test_the_shipped_example_reads_alike_on_both_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped searchset Bundle (pretty-printed, one patient) prints the same document."""
    for fmt in ("json", "fhir"):
        whole, streamed = both(SHIPPED, monkeypatch, "--format", fmt, "--fhir-strict")
        assert whole == streamed
        assert whole[0] == 0


def _variants() -> list[tuple[str, str]]:
    bundle = orjson.dumps(population(2)).decode()
    first = bundle.index('"status":"final"')
    return [
        (
            "withdrawn first",
            bundle.replace('"status":"final"', '"status":"entered-in-error","status":"final"', 1),
        ),
        (
            "withdrawn last",
            bundle.replace('"status":"final"', '"status":"final","status":"entered-in-error"', 1),
        ),
        ("tiny number", bundle[:first] + '"x":1e-400,' + bundle[first:]),
        ("null member", bundle.replace('"valueBoolean":true', '"valueBoolean":null', 1)),
        ("null in the entry", bundle.replace('{"resource"', '{"fullUrl":null,"resource"', 1)),
        ("duplicate fullUrl", bundle.replace('{"fullUrl":', '{"fullUrl":"a","fullUrl":', 1)),
        ("null in the Bundle", bundle.replace('"type":"collection"', '"type":null', 1)),
        ("bad dateTime", bundle.replace("T09:00:00Z", "T09:00:00 Z", 1)),
        ("entry not an object", bundle.replace('"entry":[', '"entry":[5,', 1)),
        (
            "resourceType last",
            bundle.replace('"resourceType":"Bundle",', "", 1)[:-1] + ',"resourceType":"Bundle"}',
        ),
        (
            "not a resource",
            bundle.replace('{"resourceType":"Observation"', '{"resourceTyp":"Observation"', 1),
        ),
        (
            "array of resources",
            orjson.dumps([e["resource"] for e in population(2)["entry"]]).decode(),
        ),
        ("byte-order mark", "\ufeff" + bundle),
        ("empty entry list first", bundle.replace('"entry":[', '"entry":[],"entry":[', 1)),
        ("surrogate pair", bundle.replace('"gender":', '"x":"\\ud83d\\ude00","gender":', 1)),
        (
            "a List",
            orjson.dumps(
                {
                    "resourceType": "List",
                    "id": "l",
                    "entry": [{"item": {"reference": "Patient/p0"}}],
                }
            ).decode(),
        ),
    ]


@pytest.mark.parametrize(("name", "text"), _variants(), ids=[v[0] for v in _variants()])
@pytest.mark.parametrize("strict", [False, True])
def test_what_a_whole_parse_refuses_or_ignores_the_stream_does_too(
    monkeypatch: pytest.MonkeyPatch, name: str, text: str, strict: bool
) -> None:
    """Duplicate keys, nulls, tiny numbers, bad date-times: the same results or errors."""
    data = text.encode()
    answers: list[Any] = []
    for limit in (str(1 << 40), "0"):
        monkeypatch.setenv("LEGRULES_STREAM_BYTES", limit)
        try:
            answers.append(list(read_presentations(data, as_of=AS_OF, strict=strict)))
        except LegrulesError as error:
            answers.append(f"{type(error).__name__}: {error}")
    assert answers[0] == answers[1]


@pytest.mark.parametrize(
    "text",
    [
        b'{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient"',
        b'{"resourceType":"Bundle","entry":[{"resource":' + b"[" * 2000 + b"]" * 2000 + b"}]}",
        b'{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient"}}],"entry":[]}',
        b'{"resourceType":"Bundle","entry":[]} {"resourceType":"Patient"}',
        b'{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"\xff"}}]}',
        b'{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"\\ud800"}}]}',
        b'{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","n":1e400}}]}',
        b'"just a string"',
        # orjson reads 1,024 levels but writes 255: this crashed both paths (TypeError)
        b'{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","x":'
        + b'{"a":' * 300
        + b"1"
        + b"}" * 300
        + b"}}]}",
    ],
)
@pytest.mark.parametrize("limit", ["0", str(1 << 40)], ids=["streamed", "whole"])
def test_broken_documents_are_refused_cleanly(
    text: bytes, limit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Truncated, too deep, an entry list given twice, invalid UTF-8: a typed error."""
    monkeypatch.setenv("LEGRULES_STREAM_BYTES", limit)
    if text.count(b'"entry"') == 2 and limit != "0":
        return  # a whole parse reads the last entry list (the Bundle listed as ignored)
    with pytest.raises(LegrulesError):
        list(read_presentations(text, as_of=AS_OF))


def test_without_ijson_a_large_document_is_read_in_memory_with_a_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streaming: None
) -> None:
    """No ijson: the same result, read whole, and a warning naming the extra to install."""
    path = tmp_path / "bundle.json"
    path.write_bytes(orjson.dumps(population(2)))
    streamed = list(read_presentations(path, as_of=AS_OF))
    monkeypatch.setitem(sys.modules, "ijson", None)
    items = Items(path)
    with pytest.warns(RuntimeWarning, match=r"legrules\[stream\]"):
        read = list(items)
    with pytest.warns(RuntimeWarning, match=r"legrules\[stream\]"):
        whole = list(read_presentations(path, as_of=AS_OF))
    assert len(read) > 10
    assert not items.streamed
    assert whole == streamed


def test_read_presentation_reads_a_streamed_one_patient_bundle(streaming: None) -> None:
    """The one-patient entry point takes a streamed document too."""
    data = orjson.dumps(population(1))
    assert read_presentation(data, as_of=AS_OF) == next(iter(read_presentations(data, as_of=AS_OF)))


@pytest.mark.slow
def test_every_official_example_streamed_gives_its_recorded_outcome(streaming: None) -> None:
    """All 5,307 official R4 examples streamed: the facts, reasons and errors recorded."""
    table = r4.expected()["default"]
    found = {p.name: r4.outcome(p) for p in r4.files()}
    wanted = {p.name: r4.wanted(table, p) for p in r4.files()}
    assert differences(found, wanted) == []


def _peak(path: Path) -> int:
    tracemalloc.start()
    try:
        assert sum(1 for _ in read_presentations(path, as_of=AS_OF)) > 0
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_peak_memory_of_a_streamed_bundle_grows_far_less_than_the_bundle(
    tmp_path: Path, streaming: None
) -> None:
    """A 4x larger streamed Bundle needs a few names per patient more, not 4x the memory."""
    small, large = tmp_path / "small.json", tmp_path / "large.json"
    small.write_bytes(orjson.dumps(population(150)))
    large.write_bytes(orjson.dumps(population(600)))
    growth = large.stat().st_size - small.stat().st_size
    small_peak, large_peak = _peak(small), _peak(large)
    # The first pass keeps each patient's names (id, fullUrl, identifier): ~1 kB each.
    assert large_peak - small_peak < 450 * 1_000 + 500_000, (small_peak, large_peak)
    assert large_peak - small_peak < growth / 4


def test_the_cli_finds_duplicate_keys_in_a_pretty_printed_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A multi-line Bundle read whole by the CLI: a withdrawn copy of status is not missed."""
    text = orjson.dumps(population(1), option=orjson.OPT_INDENT_2).decode()
    text = text.replace('"status": "final"', '"status": "entered-in-error",\n"status": "final"', 1)
    path = tmp_path / "bundle.json"
    path.write_text("\ufeff" + text)  # with a byte-order mark, which is allowed
    whole, streamed = both(path, monkeypatch, "--format", "json")
    assert whole == streamed
    assert whole[0] == 0
    assert "duplicate key 'status' with different values" in whole[1]


def test_an_integer_beyond_64_bits_does_not_hide_the_patients_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An integer over 64 bits (where yajl stops) hides none of the Patients after it."""
    bundle = population(3)
    bad = {"resourceType": "Observation", "id": "big", "status": "final", "subject": 10**30}
    bundle["entry"].insert(0, {"fullUrl": "urn:uuid:big", "resource": bad})
    path = tmp_path / "bundle.json"
    path.write_bytes(json.dumps(bundle).encode())  # orjson writes no integer over 64 bits
    whole, streamed = both(path, monkeypatch, "--format", "json")
    assert whole == streamed
    assert all(f'"p{n}"' in streamed[1] for n in range(3))
