"""A real FHIR server takes legrules' write-back: Medplum's engine, replays create nothing.

Medplum's FHIR engine (``@medplum/fhir-router`` with its MemoryRepository and its
validator, pinned in ``tests/medplum/package-lock.json`` and installed by
``make medplum``) runs behind a small loopback HTTP wrapper, ``tests/medplum/server.js``,
started once for this module.  Every shipped example is assessed and its transaction
Bundle posted twice: the first post creates every resource, the replay creates nothing,
every reference of what was stored resolves on the server.  The same holds for a
shuffled re-export of the FHIR example (reproducer of issue 10, item 2).

The stock server refuses transactions with conditional creates above 8 entries (it
runs them in strict isolation), which every legrules Bundle has; the engine here runs
with that limit lifted, as the issue's measurement did.
"""

from __future__ import annotations

import json
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
from legrules.fhir import read_presentation, transaction_bundle
from tests.support import AS_OF

ROOT = Path(__file__).parents[2]
SERVER = ROOT / "tests" / "medplum" / "server.js"
MODULES = ROOT / "tests" / "medplum" / "node_modules" / "@medplum" / "fhir-router"
FHIR_EXAMPLE = ROOT / "examples" / "fhir" / "suspected-dvt-searchset.json"
PRESENTATIONS = sorted((ROOT / "examples" / "presentations").glob("*.json"))
STARTUP_SECONDS = 120
REQUEST_SECONDS = 60

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def medplum() -> Iterator[str]:
    """The base URL of a fresh Medplum engine on a loopback port; stopped afterwards."""
    node = shutil.which("node")
    assert node is not None, "the Medplum test server needs Node.js (node on PATH)"
    assert MODULES.is_dir(), "run `make medplum` to install the pinned Medplum engine"
    process = subprocess.Popen(
        [node, "--experimental-websocket", str(SERVER)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=SERVER.parent,
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


def test_every_example_is_created_once_and_replays_create_nothing(medplum: str) -> None:
    """First post creates, a replay (and a shuffled re-export) creates nothing, refs resolve."""
    for entry in json.loads(FHIR_EXAMPLE.read_text())["entry"]:  # the EHR's own records
        resource = entry["resource"]
        status, reply = call(
            medplum, "PUT", f"{resource['resourceType']}/{resource['id']}", resource
        )
        assert status in (200, 201), reply
    for name, bundle in bundles():
        types = {e["resource"]["resourceType"] for e in bundle["entry"]}
        before = stored(medplum, types)
        first = post(medplum, bundle)
        after = stored(medplum, types)
        assert len(set(first)) == len(bundle["entry"]), f"{name}: entries stored as one"
        assert after == before | set(first), f"{name}: resources lost or extra"
        assert post(medplum, bundle) == first, f"{name}: the replay stored elsewhere"
        assert stored(medplum, types) == after, f"{name}: the replay created resources"
        for location in sorted(set(first) - before):
            status, resource = call(medplum, "GET", location)
            assert status == 200, f"{name}: {location} was not stored"
            for reference in references(resource):
                if reference.startswith("#") or (
                    reference.startswith("Patient/") and "flight" in name
                ):
                    continue  # contained; a presentation document's patient has no record
                status, _ = call(medplum, "GET", reference)
                assert status == 200, f"{name}: {location} -> {reference} does not resolve"
    # the shuffled re-export wrote exactly what the original wrote: nothing new at all
    assert bundles()[-1][1] == bundles()[-2][1]
