"""JWT checks per CDS Hooks 2.0 "Trusting CDS Clients": every failure is a bare 401."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey

from legrules.cdshooks import ServiceConfig, create_app
from tests.cdshooks.conftest import PUBLIC_URL, SERVICE, full_prefetch, hook_request
from tests.cdshooks.ehr import FakeEHR, LoopbackServer

AUD = PUBLIC_URL + SERVICE


def _now() -> int:
    """The time a token is made (not when this module was imported: a long run passes it)."""
    return int(time.time())


# Each case: a token the service must refuse.
REJECTED: dict[str, Callable[[FakeEHR], str]] = {
    "wrong aud": lambda e: e.token(PUBLIC_URL + "/cds-services/other-service"),
    "aud of the feedback endpoint": lambda e: e.token(AUD + "/feedback"),
    "aud on another host": lambda e: e.token("https://evil.example.org" + SERVICE),
    "expired": lambda e: e.token(AUD, iat=_now() - 600, exp=_now() - 300),
    "future iat": lambda e: e.token(AUD, iat=_now() + 600, exp=_now() + 660),
    "lifetime over the bound": lambda e: e.token(AUD, exp=_now() + 3600),
    "no exp": lambda e: e.token(AUD, exp=None),
    "no iat": lambda e: e.token(AUD, iat=None),
    "no jti": lambda e: e.token(AUD, jti=None),
    "untrusted iss": lambda e: e.token(AUD, iss="https://other-ehr.example.org/"),
    "unknown kid": lambda e: e.token(AUD, header={"kid": "not-a-key"}),
    "no kid": lambda e: e.token(AUD, header={"kid": None}),
    "unlisted jku": lambda e: e.token(AUD, header={"jku": "http://127.0.0.1:9/jwks.json"}),
    "HS256 keyed with the public key": lambda e: e.forged(AUD, "HS256"),
    "alg none": lambda e: e.forged(AUD, "none"),
    "tampered payload": lambda e: _tampered(e.token(AUD)),
    "valid claims under another token's signature": lambda e: _swapped(e),
    "signed by another key under the EHR's kid": lambda e: _impostor(e),
    "not a JWT": lambda e: "not-a-token",
}


def _tampered(token: str) -> str:
    head, payload, signature = token.split(".")
    flipped = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    return f"{head}.{flipped}.{signature}"


def _swapped(ehr: FakeEHR) -> str:
    """A valid token's header and claims with the signature of another valid token."""
    head, payload, _ = ehr.token(AUD).split(".")
    return f"{head}.{payload}.{ehr.token(AUD).split('.')[2]}"


def _impostor(ehr: FakeEHR) -> str:
    """Valid claims signed by a key the EHR does not publish, named with the EHR's kid."""
    kid = str(ehr.keys.ec.kid)
    key = ECKey.generate_key("P-384", {"kid": kid}, auto_kid=False)
    header = {"alg": "ES384", "typ": "JWT", "kid": kid, "jku": ehr.jku}
    return jwt.encode(header, ehr.claims(AUD), key, algorithms=["ES384"])


def _post(
    client: httpx.Client, ehr: FakeEHR, token: str | None, path: str = SERVICE
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    body = hook_request(ehr, prefetch=full_prefetch(ehr), fhir=False)
    return client.post(path, json=body, headers=headers)


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_rejected_token_gets_a_bare_401(client: httpx.Client, ehr: FakeEHR, case: str) -> None:
    """Each token in the rejection matrix gets 401 with an empty body."""
    response = _post(client, ehr, REJECTED[case](ehr))
    assert response.status_code == 401
    assert response.content == b""


def test_missing_authorization_gets_401(client: httpx.Client, ehr: FakeEHR) -> None:
    """A call without an Authorization header is refused."""
    assert _post(client, ehr, None).status_code == 401


def test_unlisted_jku_is_never_fetched(client: httpx.Client, ehr: FakeEHR) -> None:
    """A jku that is not allowlisted for the issuer is refused before any request."""
    token = ehr.token(AUD, header={"jku": ehr.base + "/fhir/Patient/pt-4821"})
    assert _post(client, ehr, token).status_code == 401
    assert ehr.requests == []


@pytest.mark.parametrize("alg", ["ES384", "RS384"])
def test_recommended_algorithms_are_accepted(client: httpx.Client, ehr: FakeEHR, alg: str) -> None:
    """Tokens signed with ES384 and RS384 (the specification's recommendation) pass."""
    assert _post(client, ehr, ehr.token(AUD, alg=alg)).status_code == 200


def test_aud_may_be_a_list(client: httpx.Client, ehr: FakeEHR) -> None:
    """An aud array holding the endpoint's URL is accepted."""
    assert _post(client, ehr, ehr.token([AUD])).status_code == 200


def test_token_without_jku_uses_the_configured_key_set(client: httpx.Client, ehr: FakeEHR) -> None:
    """With no jku header the issuer's configured JWK Set is used."""
    assert _post(client, ehr, ehr.token(AUD, header={"jku": None})).status_code == 200


def test_replayed_jti_is_rejected(client: httpx.Client, ehr: FakeEHR) -> None:
    """The same token twice: the second call is a replay."""
    token = ehr.token(AUD)
    assert _post(client, ehr, token).status_code == 200
    assert _post(client, ehr, token).status_code == 401


def test_replay_is_seen_across_workers(config: ServiceConfig, ehr: FakeEHR) -> None:
    """Two app instances (two workers) sharing the database refuse each other's tokens."""
    token = ehr.token(AUD)
    with (
        LoopbackServer(create_app(config), lifespan="on") as one,
        LoopbackServer(create_app(config), lifespan="on") as two,
        httpx.Client(base_url=one.url) as first,
        httpx.Client(base_url=two.url) as second,
    ):
        assert _post(first, ehr, token).status_code == 200
        assert _post(second, ehr, token).status_code == 401


def test_feedback_needs_a_token_for_its_own_url(client: httpx.Client, ehr: FakeEHR) -> None:
    """The feedback endpoint checks aud against its own URL."""
    body = {
        "feedback": [
            {"card": "c1", "outcome": "overridden", "outcomeTimestamp": "2026-12-01T10:00:00Z"}
        ]
    }
    wrong = client.post(
        SERVICE + "/feedback", json=body, headers={"Authorization": f"Bearer {ehr.token(AUD)}"}
    )
    assert wrong.status_code == 401
    token = ehr.token(AUD + "/feedback")
    right = client.post(
        SERVICE + "/feedback", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert right.status_code == 200


def test_tokens_are_never_logged(
    client: httpx.Client, ehr: FakeEHR, caplog: pytest.LogCaptureFixture
) -> None:
    """Neither a refused token nor the FHIR access token appears in the log."""
    caplog.set_level(logging.DEBUG)
    refused = ehr.token(PUBLIC_URL + "/cds-services/other")
    _post(client, ehr, refused)
    accepted = ehr.token(AUD)
    client.post(SERVICE, json=hook_request(ehr), headers={"Authorization": f"Bearer {accepted}"})
    assert "aud is not this endpoint" in caplog.text
    for secret in (refused, accepted, ehr.access_token):
        assert secret not in caplog.text


def test_discovery_is_public(tmp_path: Path) -> None:
    """The discovery document is public: no token is needed to read it."""
    from legrules.cdshooks import Issuer

    config = ServiceConfig(
        PUBLIC_URL, (Issuer("https://x/", ("https://x/jwks",)),), tmp_path / "db"
    )
    with LoopbackServer(create_app(config), lifespan="on") as server:
        response = httpx.get(server.url + "/cds-services")
    assert response.status_code == 200
    assert {s["hook"] for s in response.json()["services"]} == {"patient-view", "order-select"}


def test_cors_preflight_for_a_configured_origin(config: ServiceConfig) -> None:
    """A browser client's preflight from a configured origin is answered without a token."""
    import attrs

    origin = "https://sandbox.cds-hooks.org"
    allowed = attrs.evolve(config, cors_origins=(origin,))
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    with LoopbackServer(create_app(allowed), lifespan="on") as server:
        preflight = httpx.options(server.url + SERVICE, headers=headers)
        other = httpx.options(
            server.url + SERVICE, headers={**headers, "Origin": "https://evil.example.org"}
        )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == origin
    assert other.status_code == 400
