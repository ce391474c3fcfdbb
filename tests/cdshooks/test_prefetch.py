"""Prefetch and fetching: full, partial, null, failed and paginated (CDS Hooks 2.0)."""

from __future__ import annotations

import httpx
import orjson

from tests.cdshooks.conftest import (
    PUBLIC_URL,
    SERVICE,
    call,
    full_prefetch,
    hook_request,
    templates,
)
from tests.cdshooks.ehr import FakeEHR


def _indicators(response: httpx.Response) -> list[str]:
    return [c["indicator"] for c in response.json()["cards"]]


def test_full_prefetch_needs_no_fhir_request(client: httpx.Client, ehr: FakeEHR) -> None:
    """With every key prefetched the service reads nothing from the FHIR server."""
    prefetch = full_prefetch(ehr)
    ehr.requests.clear()
    response = call(client, ehr, hook_request(ehr, prefetch=prefetch, fhir=False))
    assert response.status_code == 200
    assert ehr.requests == []
    assert _indicators(response)[0] == "critical"


def test_partial_prefetch_fetches_the_missing_keys(client: httpx.Client, ehr: FakeEHR) -> None:
    """Keys the EHR left out are read from fhirServer with the lent token."""
    prefetch = full_prefetch(ehr)
    del prefetch["findings"], prefetch["conditions"]
    ehr.requests.clear()
    response = call(client, ehr, hook_request(ehr, prefetch=prefetch))
    assert response.status_code == 200
    assert sorted(r.split("?")[0] for r in ehr.requests) == ["/fhir/Condition", "/fhir/Observation"]
    full = call(client, ehr, hook_request(ehr, prefetch=full_prefetch(ehr), fhir=False))
    assert [c["summary"] for c in response.json()["cards"]] == [
        c["summary"] for c in full.json()["cards"]
    ]


def test_no_prefetch_reads_everything_from_the_server(client: httpx.Client, ehr: FakeEHR) -> None:
    """Without any prefetch every template is expanded and read from the FHIR server."""
    response = call(client, ehr, hook_request(ehr))
    assert response.status_code == 200
    assert len(ehr.requests) == len(templates())
    assert "/fhir/Patient/pt-4821" in ehr.requests
    assert _indicators(response)[0] == "critical"


def test_null_key_means_no_data_and_is_not_fetched(client: httpx.Client, ehr: FakeEHR) -> None:
    """A key set to null is 'no such data': nothing is fetched, the call succeeds."""
    prefetch = full_prefetch(ehr)
    prefetch["medications"] = None
    ehr.requests.clear()
    response = call(client, ehr, hook_request(ehr, prefetch=prefetch))
    assert response.status_code == 200
    assert ehr.requests == []
    summary = response.json()["cards"][-1]["detail"]
    assert "medication-associated" not in summary


def test_missing_data_without_a_server_is_412(client: httpx.Client, ehr: FakeEHR) -> None:
    """A required key neither prefetched nor fetchable answers 412 with an OperationOutcome."""
    prefetch = full_prefetch(ehr)
    del prefetch["vitals"]
    response = call(client, ehr, hook_request(ehr, prefetch=prefetch, fhir=False))
    assert response.status_code == 412
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert "vitals" in outcome["issue"][0]["diagnostics"]


def test_operation_outcome_is_a_failure_not_refetched(client: httpx.Client, ehr: FakeEHR) -> None:
    """An OperationOutcome in a required key is the EHR's failure: 412, no second try."""
    prefetch = full_prefetch(ehr)
    prefetch["labs"] = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "timeout"}],
    }
    ehr.requests.clear()
    response = call(client, ehr, hook_request(ehr, prefetch=prefetch))
    assert response.status_code == 412
    assert ehr.requests == []


def test_failed_optional_key_is_noted_and_unknown(client: httpx.Client, ehr: FakeEHR) -> None:
    """An optional key that cannot be had leaves its facts unknown and says so."""
    prefetch = full_prefetch(ehr)
    del prefetch["conditions"]
    ehr.fail = {"Condition"}
    response = call(client, ehr, hook_request(ehr, prefetch=prefetch))
    assert response.status_code == 200
    assert "Not available: conditions" in response.json()["cards"][-1]["detail"]


def test_failed_server_for_a_required_key_is_412(client: httpx.Client, ehr: FakeEHR) -> None:
    """A FHIR server error on a required search answers 412."""
    ehr.fail = {"Observation"}
    response = call(client, ehr, hook_request(ehr))
    assert response.status_code == 412


def test_paginated_prefetch_follows_next_links(client: httpx.Client, ehr: FakeEHR) -> None:
    """A prefetched first page with a next link is completed from the FHIR server."""
    ehr.page_size = 1
    prefetch = full_prefetch(ehr)
    assert "link" in prefetch["findings"]
    ehr.requests.clear()
    response = call(client, ehr, hook_request(ehr, prefetch=prefetch))
    assert response.status_code == 200
    assert any("_offset=" in r for r in ehr.requests)
    ehr.page_size = 100
    full = call(client, ehr, hook_request(ehr, prefetch=full_prefetch(ehr), fhir=False))
    assert [c["summary"] for c in response.json()["cards"]] == [
        c["summary"] for c in full.json()["cards"]
    ]


def test_paginated_prefetch_without_a_server_is_412(client: httpx.Client, ehr: FakeEHR) -> None:
    """A page with a next link and no server to complete it is not taken as all data."""
    ehr.page_size = 1
    response = call(client, ehr, hook_request(ehr, prefetch=full_prefetch(ehr), fhir=False))
    assert response.status_code == 412


def test_fetched_searches_follow_pages(client: httpx.Client, ehr: FakeEHR) -> None:
    """Searches the service runs itself follow every next link."""
    ehr.page_size = 2
    response = call(client, ehr, hook_request(ehr))
    assert response.status_code == 200
    assert _indicators(response)[0] == "critical"


def test_next_link_to_another_server_is_not_followed(client: httpx.Client, ehr: FakeEHR) -> None:
    """A next link off the FHIR server is refused: the lent token goes nowhere else."""
    prefetch = full_prefetch(ehr)
    prefetch["findings"]["link"] = [{"relation": "next", "url": "http://127.0.0.1:9/fhir/x"}]
    response = call(client, ehr, hook_request(ehr, prefetch=prefetch))
    assert response.status_code == 412
    assert "outside the FHIR server" in response.json()["issue"][0]["diagnostics"]


def test_patient_of_another_id_is_a_400(client: httpx.Client, ehr: FakeEHR) -> None:
    """A prefetched Patient that is not the patient in context is refused, naming it."""
    prefetch = full_prefetch(ehr)
    prefetch["patient"] = {**prefetch["patient"], "id": "someone-else"}
    response = call(client, ehr, hook_request(ehr, prefetch=prefetch, fhir=False))
    assert response.status_code == 400
    assert "Patient/someone-else.id" in response.json()["issue"][0]["diagnostics"]


def test_reader_warnings_reach_the_summary_card(client: httpx.Client, ehr: FakeEHR) -> None:
    """What the reader warns about (here: a resource with no subject) is said on the card."""
    prefetch = full_prefetch(ehr)
    orphan = {**prefetch["findings"]["entry"][0]["resource"], "id": "orphan"}
    del orphan["subject"]
    prefetch["findings"]["entry"].append({"resource": orphan})
    response = call(client, ehr, hook_request(ehr, prefetch=prefetch, fhir=False))
    assert (
        "Note from reading the data: resources with no subject"
        in response.json()["cards"][-1]["detail"]
    )


def _post_raw(client: httpx.Client, ehr: FakeEHR, body: bytes) -> httpx.Response:
    headers = {"Authorization": f"Bearer {ehr.token(PUBLIC_URL + SERVICE)}"}
    return client.post(SERVICE, content=body, headers=headers)


def _with_repeated_status(ehr: FakeEHR, first: str) -> bytes:
    """A full-prefetch call whose first finding says ``"status"`` twice, *first* first."""
    prefetch = full_prefetch(ehr)
    prefetch["findings"]["entry"][0]["resource"]["status"] = "final"
    body = orjson.dumps(hook_request(ehr, prefetch=prefetch, fhir=False))
    repeated = body.replace(b'"status":"final"', f'"status":"{first}","status":"final"'.encode(), 1)
    assert repeated != body
    return repeated


def test_a_key_repeated_with_different_values_is_a_400(client: httpx.Client, ehr: FakeEHR) -> None:
    """A withdrawn status overwritten by a repeated key is refused, naming the key's path."""
    response = _post_raw(client, ehr, _with_repeated_status(ehr, "entered-in-error"))
    assert response.status_code == 400
    diagnostics = response.json()["issue"][0]["diagnostics"]
    assert "duplicate key 'status' with different values" in diagnostics
    assert "$.prefetch." in diagnostics


def test_a_key_repeated_with_the_same_value_is_read(client: httpx.Client, ehr: FakeEHR) -> None:
    """A key repeated with the same value hides nothing: the call is answered."""
    response = _post_raw(client, ehr, _with_repeated_status(ehr, "final"))
    assert response.status_code == 200
    assert response.json()["cards"]
