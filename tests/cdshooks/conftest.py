"""Fixtures of the CDS Hooks service tests: a fake EHR on loopback, a configured app."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from legrules.cdshooks import Issuer, ServiceConfig, create_app, discovery
from tests.cdshooks.ehr import FakeEHR, LoopbackServer, example_resources

PUBLIC_URL = "https://cds.example.org"
SERVICE = "/cds-services/legrules-leg-pain"
PATIENT = "pt-4821"


@pytest.fixture(scope="session")
def ehr() -> Iterator[FakeEHR]:
    """One fake EHR served on a loopback port for the whole session."""
    fake = FakeEHR(example_resources())
    with LoopbackServer(fake.app) as server:
        fake.base = f"http://127.0.0.1:{server.port}"
        yield fake


@pytest.fixture(autouse=True)
def _fresh_ehr(ehr: FakeEHR) -> None:
    ehr.page_size, ehr.fail, ehr.requests = 100, set(), []
    ehr.resources = example_resources()


@pytest.fixture
def config(ehr: FakeEHR, tmp_path: Path) -> ServiceConfig:
    """The service configured to trust the fake EHR, with its database in *tmp_path*."""
    return ServiceConfig(
        public_url=PUBLIC_URL,
        issuers=(Issuer(ehr.iss, (ehr.jku,)),),
        database=tmp_path / "cdshooks.sqlite3",
    )


@pytest.fixture
def client(config: ServiceConfig) -> Iterator[httpx.Client]:
    """An HTTP client of the app, served by uvicorn on a loopback port."""
    with (
        LoopbackServer(create_app(config), lifespan="on") as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        yield http


def templates() -> dict[str, str]:
    """The prefetch templates the service publishes."""
    return dict(discovery()["services"][0]["prefetch"])


def hook_request(
    ehr: FakeEHR,
    *,
    prefetch: dict[str, Any] | None = None,
    fhir: bool = True,
    hook: str = "patient-view",
    context: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A call as the EHR makes it: *prefetch* as given, a FHIR server when *fhir*."""
    body: dict[str, Any] = {
        "hook": hook,
        "hookInstance": str(uuid.uuid4()),
        "context": context or {"userId": "Practitioner/pr-1", "patientId": PATIENT},
    }
    if prefetch is not None:
        body["prefetch"] = prefetch
    if fhir:
        body["fhirServer"] = ehr.fhir
        body["fhirAuthorization"] = {
            "access_token": ehr.access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "user/Patient.read user/Observation.read",
            "subject": "legrules",
        }
    return body


def full_prefetch(ehr: FakeEHR, context: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every template expanded and answered by the fake EHR."""
    return ehr.prefetch(templates(), context or {"patientId": PATIENT})


def call(
    client: httpx.Client, ehr: FakeEHR, body: dict[str, Any], path: str = SERVICE, **token: Any
) -> httpx.Response:
    """POST *body* to *path* with a fresh valid token (changed by *token*)."""
    headers = {"Authorization": f"Bearer {ehr.token(PUBLIC_URL + path, **token)}"}
    return client.post(path, json=body, headers=headers)
