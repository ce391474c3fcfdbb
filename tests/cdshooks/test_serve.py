"""End to end: `legrules serve` as a real uvicorn process on loopback, called by the EHR."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from legrules import get_ruleset
from tests.cdshooks.conftest import SERVICE, full_prefetch, hook_request
from tests.cdshooks.ehr import FakeEHR

pytestmark = pytest.mark.slow

DVT_VERSION = get_ruleset().rule("redflag.suspected-dvt").version


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(ehr: FakeEHR, tmp_path: Path) -> Iterator[str]:
    """`legrules serve` on a free loopback port, trusting the fake EHR; stopped after."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    config = tmp_path / "cds.toml"
    config.write_text(
        f'public_url = "{base}"\ndatabase = "{tmp_path / "cds.sqlite3"}"\n'
        f'[[issuers]]\niss = "{ehr.iss}"\njku = ["{ehr.jku}"]\n',
        encoding="utf-8",
    )
    command = [
        sys.executable,
        "-m",
        "legrules.cli",
        "serve",
        "--port",
        str(port),
        "--config",
        str(config),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGRULES_CDS_")}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base + "/cds-services", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    out = process.stdout.read().decode() if process.stdout else ""
                    pytest.fail(f"legrules serve did not start:\n{out}")
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


def test_served_process_answers_the_ehr(served: str, ehr: FakeEHR) -> None:
    """Discovery, a signed patient-view call and feedback all work over real HTTP."""
    with httpx.Client(base_url=served, timeout=30) as client:
        assert client.get("/cds-services").json()["services"][0]["id"] == "legrules-leg-pain"
        body = hook_request(ehr, prefetch=full_prefetch(ehr))
        del body["prefetch"]["findings"]  # read from the fake EHR's FHIR server instead
        token = ehr.token(served + SERVICE, alg="RS384")
        response = client.post(SERVICE, json=body, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        cards = response.json()["cards"]
        assert cards[0]["source"]["label"] == f"legrules redflag.suspected-dvt {DVT_VERSION}"
        replay = client.post(SERVICE, json=body, headers={"Authorization": f"Bearer {token}"})
        assert replay.status_code == 401
        feedback = {
            "feedback": [
                {
                    "card": cards[0]["uuid"],
                    "outcome": "overridden",
                    "outcomeTimestamp": "2026-12-01T10:00:00Z",
                }
            ]
        }
        token = ehr.token(served + SERVICE + "/feedback")
        stored = client.post(
            SERVICE + "/feedback", json=feedback, headers={"Authorization": f"Bearer {token}"}
        )
        assert stored.status_code == 200
