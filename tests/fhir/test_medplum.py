"""A real FHIR server takes legrules' write-back: Medplum's engine, replays create nothing.

Medplum's FHIR engine (``@medplum/fhir-router`` with its MemoryRepository and its
validator, pinned in ``tests/medplum/package-lock.json`` and installed by
``make medplum``) runs behind a small loopback HTTP wrapper, ``tests/medplum/server.js``,
started once for this module.  Every shipped example is assessed and its transaction
Bundle posted twice: the first post creates every resource, the replay creates nothing,
every reference of what was stored resolves on the server.  The same holds for a
shuffled re-export of the FHIR example (reproducer of issue 10, item 2), and for the
shipped population export (``examples/data/population.ndjson``, laid out type by type
as a bulk export is; four of its 48 patients, to keep the engine's searches short)
written back by ``legrules assess --format fhir``, then shuffled and written back again.

The stock server refuses transactions with conditional creates above 8 entries (it
runs them in strict isolation), which every legrules Bundle has.  Two engines run: one
with that limit lifted, which takes each write-back as one transaction, and a stock one
(``STOCK=1``), which refuses it and takes the same write-back split by
:func:`legrules.fhir.split_transaction` into transactions of at most 8 entries, posted
in order, whose references between parts are conditional references the wrapper
resolves as the Medplum server does.
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from legrules import assess, load_presentation
from legrules.cli import main
from legrules.fhir import (
    read_presentation,
    read_presentations,
    split_transaction,
    transaction_bundle,
)
from tests.support import AS_OF

ROOT = Path(__file__).parents[2]
SERVER = ROOT / "tests" / "medplum" / "server.js"
MODULES = ROOT / "tests" / "medplum" / "node_modules" / "@medplum" / "fhir-router"
FHIR_EXAMPLE = ROOT / "examples" / "fhir" / "suspected-dvt-searchset.json"
PRESENTATIONS = sorted((ROOT / "examples" / "presentations").glob("*.json"))
POPULATION = ROOT / "examples" / "data" / "population.ndjson"
#: The population's patients that go to the server (every twelfth).
SAMPLE = ("Patient/pop-001", "Patient/pop-013", "Patient/pop-025", "Patient/pop-037")
STARTUP_SECONDS = 120
#: The most entries a stock Medplum server allows a transaction with conditional creates.
STOCK_LIMIT = 8
REQUEST_SECONDS = 60

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def medplum() -> Iterator[str]:
    """The base URL of a fresh Medplum engine on a loopback port; stopped afterwards."""
    yield from _engine(stock=False)


@pytest.fixture(scope="module")
def stock_medplum() -> Iterator[str]:
    """The same, with transactions limited as a stock Medplum server limits them."""
    yield from _engine(stock=True)


def _engine(*, stock: bool) -> Iterator[str]:
    node = shutil.which("node")
    assert node is not None, "the Medplum test server needs Node.js (node on PATH)"
    assert MODULES.is_dir(), "run `make medplum` to install the pinned Medplum engine"
    process = subprocess.Popen(
        [node, "--experimental-websocket", str(SERVER)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=SERVER.parent,
        env={**os.environ, "STOCK": "1" if stock else "0"},
    )
    try:
        assert process.stdout is not None
        port = process.stdout.readline().decode().strip()
        assert port.isdigit(), "the Medplum test server did not start"
        yield f"http://127.0.0.1:{port}/fhir"
    finally:
        assert process.stdin is not None
        process.stdin.close()  # the server exits when its stdin closes
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def call(base: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{base}/{path}", data=data, method=method)
    request.add_header("content-type", "application/fhir+json")
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_SECONDS) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def post(base: str, bundle: dict[str, Any]) -> list[str]:
    """Post a transaction; where each entry was stored (``Type/id``), in entry order."""
    status, reply = call(base, "POST", "", bundle)
    assert status == 200, reply
    assert len(reply["entry"]) == len(bundle["entry"])
    for entry in reply["entry"]:
        assert entry["response"]["status"].split()[0] in ("200", "201"), reply
    return ["/".join(e["response"]["location"].split("/")[:2]) for e in reply["entry"]]


def stored(base: str, types: set[str]) -> set[str]:
    """Every resource of *types* on the server, as ``Type/id``."""
    found = set()
    for rtype in sorted(types):
        status, reply = call(base, "GET", f"{rtype}?_count=1000")
        assert status == 200, reply
        found |= {f"{rtype}/{e['resource']['id']}" for e in reply.get("entry", [])}
    return found


def references(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "reference" and isinstance(inner, str):
                yield inner
            else:
                yield from references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from references(inner)


def bundles() -> list[tuple[str, dict[str, Any]]]:
    """Every shipped example's write-back, and that of a shuffled FHIR re-export."""
    written = []
    for path in PRESENTATIONS:
        result = assess(load_presentation(path.read_bytes()), as_of=AS_OF)
        written.append((path.name, transaction_bundle(result)))
    export = json.loads(FHIR_EXAMPLE.read_text())
    read = read_presentation(export, as_of=AS_OF)
    written.append((FHIR_EXAMPLE.name, transaction_bundle(assess(read.presentation))))
    random.Random(10).shuffle(export["entry"])
    shuffled = read_presentation(export, as_of=AS_OF)
    written.append(
        (f"shuffled {FHIR_EXAMPLE.name}", transaction_bundle(assess(shuffled.presentation)))
    )
    return written


def seed_records(base: str) -> None:
    """Store the EHR's own records the FHIR example's write-back points at."""
    for entry in json.loads(FHIR_EXAMPLE.read_text())["entry"]:
        resource = entry["resource"]
        status, reply = call(base, "PUT", f"{resource['resourceType']}/{resource['id']}", resource)
        assert status in (200, 201), reply


def post_in_order(base: str, parts: list[dict[str, Any]]) -> list[str]:
    """Post *parts* one after the other; where each entry was stored, in order."""
    return [location for part in parts for location in post(base, part)]


def check_round_trip(base: str, name: str, parts: list[dict[str, Any]]) -> int:
    """Post *parts*, then again: created once, replay creates nothing, references resolve.

    Returns how many resources the first post created.
    """
    entries = [e for part in parts for e in part["entry"]]
    types = {e["resource"]["resourceType"] for e in entries}
    before = stored(base, types)
    first = post_in_order(base, parts)
    after = stored(base, types)
    assert len(set(first)) == len(entries), f"{name}: entries stored as one"
    assert after == before | set(first), f"{name}: resources lost or extra"
    assert post_in_order(base, parts) == first, f"{name}: the replay stored elsewhere"
    assert stored(base, types) == after, f"{name}: the replay created resources"
    for location in sorted(set(first) - before):
        status, resource = call(base, "GET", location)
        assert status == 200, f"{name}: {location} was not stored"
        for reference in references(resource):
            if reference.startswith("#") or (reference.startswith("Patient/") and "flight" in name):
                continue  # contained; a presentation document's patient has no record
            assert "?" not in reference, f"{name}: {reference} left unresolved"
            assert not reference.startswith("urn:"), f"{name}: {reference} left unresolved"
            status, _ = call(base, "GET", reference)
            assert status == 200, f"{name}: {location} -> {reference} does not resolve"
    return len(set(first) - before)


def test_every_example_is_created_once_and_replays_create_nothing(medplum: str) -> None:
    """First post creates, a replay (and a shuffled re-export) creates nothing, refs resolve."""
    seed_records(medplum)
    for name, bundle in bundles():
        check_round_trip(medplum, name, [bundle])
    # the shuffled re-export wrote exactly what the original wrote: nothing new at all
    assert bundles()[-1][1] == bundles()[-2][1]


def test_a_stock_server_takes_the_write_back_split_into_parts_of_eight(stock_medplum: str) -> None:
    """Stock Medplum refuses a whole write-back, takes its parts; replays create nothing."""
    seed_records(stock_medplum)
    created = 0
    for name, bundle in bundles():
        status, reply = call(stock_medplum, "POST", "", bundle)
        assert status == 400, f"{name}: the stock server took {len(bundle['entry'])} entries"
        assert "too many entries" in json.dumps(reply)
        parts = split_transaction(bundle, max_entries=STOCK_LIMIT)
        assert len(parts) > 1
        assert all(len(p["entry"]) <= STOCK_LIMIT for p in parts)
        created += check_round_trip(stock_medplum, name, parts)
    # nothing lost: every entry of every write-back was created once, the shuffled
    # re-export (the same resources) nothing more
    unique = {e["fullUrl"] for _, b in bundles() for e in b["entry"]}
    assert created == len(unique)


def sample() -> list[bytes]:
    """The lines of the population export about the :data:`SAMPLE` patients, in order."""
    lines = POPULATION.read_bytes().splitlines(keepends=True)
    kept = []
    for line in lines:
        resource = json.loads(line)
        about = resource.get("subject", {}).get("reference")
        if about in SAMPLE or f"Patient/{resource['id']}" in SAMPLE:
            kept.append(line)
    return kept


def seed_population(base: str) -> None:
    """Store the population export's own records, which its write-backs point at."""
    for line in sample():
        resource = json.loads(line)
        status, reply = call(base, "PUT", f"{resource['resourceType']}/{resource['id']}", resource)
        assert status in (200, 201), reply


def population_write_back(tmp_path: Path, *extra: str, seed: int | None = None) -> list[Any]:
    """``legrules assess --format fhir`` on the population sample (shuffled by *seed*)."""
    lines = sample()
    if seed is not None:
        random.Random(seed).shuffle(lines)
    path = tmp_path / f"population-{seed}.ndjson"
    path.write_bytes(b"".join(lines))
    out, err = io.StringIO(), io.StringIO()
    argv = ["assess", str(path), "--format", "fhir", "--as-of", AS_OF.isoformat(), *extra]
    assert main(argv, stdout=out, stderr=err) == 0, err.getvalue()
    return [json.loads(line) for line in out.getvalue().splitlines()]


def every_stored(base: str, types: set[str]) -> set[str]:
    """Like :func:`stored`, page by page (a type may hold more than a page)."""
    found: set[str] = set()
    for rtype in sorted(types):
        offset = 0
        while True:
            status, reply = call(base, "GET", f"{rtype}?_count=1000&_offset={offset}")
            assert status == 200, reply
            page = {f"{rtype}/{e['resource']['id']}" for e in reply.get("entry", [])}
            found |= page
            if len(page) < 1000:
                break
            offset += 1000
    return found


def check_population(base: str, patients: list[list[dict[str, Any]]]) -> set[str]:
    """Each patient's parts posted in order, twice: created once, references resolve.

    A patient's entries are stored apart from one another; the Device that made the
    assessment is one for all.  Returns where everything was stored.
    """
    types = {e["resource"]["resourceType"] for parts in patients for p in parts for e in p["entry"]}
    before = every_stored(base, types)
    first = []
    for parts in patients:
        locations = post_in_order(base, parts)
        assert len(set(locations)) == sum(len(p["entry"]) for p in parts), "entries stored as one"
        first.append(locations)
    after = every_stored(base, types)
    new = {location for locations in first for location in locations}
    assert after == before | new, "resources lost or extra"
    assert [post_in_order(base, parts) for parts in patients] == first, "the replay moved"
    assert every_stored(base, types) == after, "the replay created resources"
    resolved: set[str] = set()
    for location in sorted(new - before):
        status, resource = call(base, "GET", location)
        assert status == 200, f"{location} was not stored"
        for reference in set(references(resource)) - resolved:
            if reference.startswith("#"):
                continue
            assert "?" not in reference, f"{reference} left unresolved"
            assert not reference.startswith("urn:"), f"{reference} left unresolved"
            status, _ = call(base, "GET", reference)
            assert status == 200, f"{location} -> {reference} does not resolve"
            resolved.add(reference)
    return after


def by_patient(parts: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The CLI's lines grouped per patient, checked against the API's split of each."""
    results = read_presentations(b"".join(sample()), as_of=AS_OF)
    grouped = [
        split_transaction(transaction_bundle(assess(r.presentation)), max_entries=STOCK_LIMIT)
        for r in results
    ]
    assert [p for group in grouped for p in group] == parts
    return grouped


def test_the_population_export_round_trips_on_a_server(medplum: str, tmp_path: Path) -> None:
    """Bulk write-backs: created once, replays and a shuffled re-export create nothing."""
    seed_population(medplum)
    bundles = population_write_back(tmp_path)
    shuffled = population_write_back(tmp_path, seed=10)
    assert len(bundles) == len(SAMPLE)
    assert sorted(map(json.dumps, shuffled)) == sorted(map(json.dumps, bundles))
    after = check_population(medplum, [[b] for b in bundles])
    post_in_order(medplum, shuffled)
    types = {e["resource"]["resourceType"] for b in bundles for e in b["entry"]}
    assert every_stored(medplum, types) == after, "the shuffled re-export created resources"


def test_a_stock_server_takes_the_population_with_max_entries(
    stock_medplum: str, tmp_path: Path
) -> None:
    """``--max-entries 8``: each patient's parts in order; a shuffled re-export adds nothing."""
    seed_population(stock_medplum)
    parts = population_write_back(tmp_path, "--max-entries", str(STOCK_LIMIT))
    shuffled = population_write_back(tmp_path, "--max-entries", str(STOCK_LIMIT), seed=10)
    assert all(len(p["entry"]) <= STOCK_LIMIT for p in parts)
    assert sorted(map(json.dumps, shuffled)) == sorted(map(json.dumps, parts))
    patients = by_patient(parts)
    assert len(patients) == len(SAMPLE)
    after = check_population(stock_medplum, patients)
    post_in_order(stock_medplum, shuffled)
    types = {e["resource"]["resourceType"] for p in parts for e in p["entry"]}
    assert every_stored(stock_medplum, types) == after, "the shuffled re-export created resources"
