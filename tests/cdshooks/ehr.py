"""A fake EHR for the service's tests.

It signs tokens, serves its JWK Set and a FHIR server over fixture resources, and
expands the service's own prefetch templates.

It runs as a real server on a loopback port (:class:`LoopbackServer`), so the service
fetches key sets and FHIR pages over HTTP exactly as it would from a real EHR.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import orjson
import uvicorn
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

EXAMPLE = Path(__file__).parents[2] / "examples" / "fhir" / "suspected-dvt-searchset.json"
# The instant the example searchset describes; fixtures are shifted to "now".
EXAMPLE_AS_OF = datetime(2026, 11, 20, 10, tzinfo=UTC)
_TIME_KEYS = {"effectiveDateTime", "onsetDateTime", "recordedDate", "authoredOn", "issued"}


def _shift(value: Any, delta: timedelta) -> Any:
    if isinstance(value, dict):
        return {
            k: (_shift_time(v, delta) if k in _TIME_KEYS else _shift(v, delta))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_shift(v, delta) for v in value]
    return value


def _shift_time(text: Any, delta: timedelta) -> Any:
    if not isinstance(text, str) or "T" not in text:
        return text
    moved = datetime.fromisoformat(text.replace("Z", "+00:00")) + delta
    return moved.isoformat()


def example_resources(now: datetime | None = None) -> list[dict[str, Any]]:
    """The shipped suspected-DVT searchset's resources, as if recorded just before *now*."""
    bundle = orjson.loads(EXAMPLE.read_bytes())
    delta = (now or datetime.now(UTC)) - EXAMPLE_AS_OF
    resources = [_shift(e["resource"], delta) for e in bundle["entry"]]
    for resource in resources:  # the service asks for active MedicationRequests
        if resource["resourceType"] == "MedicationStatement":
            resource["resourceType"] = "MedicationRequest"
            resource["intent"] = "order"
    return resources


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Keys:
    """The EHR's signing keys: one ES384 and one RS384 key pair."""

    def __init__(self) -> None:
        self.ec = ECKey.generate_key("P-384", {"kid": "ehr-es384", "use": "sig"}, auto_kid=False)
        self.rsa = RSAKey.generate_key(2048, {"kid": "ehr-rs384", "use": "sig"}, auto_kid=False)

    def jwks(self) -> dict[str, Any]:
        """The public JWK Set."""
        return {"keys": [k.as_dict(private=False) for k in (self.ec, self.rsa)]}


class FakeEHR:
    """Issuer, key server and FHIR server of one fake EHR at *base* (set once served)."""

    access_token = "fake-ehr-access-token-0123456789"

    def __init__(self, resources: Iterable[dict[str, Any]] = ()) -> None:
        self.keys = Keys()
        self.base = "http://127.0.0.1:0"
        self.resources = list(resources)
        self.page_size = 100
        self.fail: set[str] = set()  # resource types whose searches answer 500
        self.requests: list[str] = []
        self.app = Starlette(
            routes=[
                Route("/jwks.json", self._jwks),
                Route("/fhir/{kind}", self._search),
                Route("/fhir/{kind}/{rid}", self._read),
            ]
        )

    @property
    def iss(self) -> str:
        """The issuer URI the tokens carry."""
        return self.base + "/"

    @property
    def jku(self) -> str:
        """The JWK Set URL."""
        return self.base + "/jwks.json"

    @property
    def fhir(self) -> str:
        """The FHIR server's base URL."""
        return self.base + "/fhir"

    # -- tokens -------------------------------------------------------------------------

    def claims(self, aud: str | list[str], **changes: Any) -> dict[str, Any]:
        """Valid claims for *aud*, with *changes* (a value of ``None`` drops a claim)."""
        now = int(time.time())
        claims = {
            "iss": self.iss,
            "aud": aud,
            "iat": now,
            "exp": now + 60,
            "jti": str(uuid.uuid4()),
        }
        claims.update(changes)
        return {k: v for k, v in claims.items() if v is not None}

    def token(
        self,
        aud: str | list[str],
        *,
        alg: str = "ES384",
        header: dict[str, Any] | None = None,
        **changes: Any,
    ) -> str:
        """A token signed with the EC (ES*) or RSA (RS*, PS*) key."""
        key = self.keys.ec if alg.startswith("ES") else self.keys.rsa
        head = {"alg": alg, "typ": "JWT", "kid": key.kid, "jku": self.jku}
        head.update(header or {})
        head = {k: v for k, v in head.items() if v is not None}
        return jwt.encode(head, self.claims(aud, **changes), key, algorithms=[alg])

    def forged(self, aud: str, alg: str) -> str:
        """A token with ``alg`` none or HS256 keyed with the EHR's *public* key."""
        head = {"alg": alg, "typ": "JWT", "kid": self.keys.ec.kid, "jku": self.jku}
        signing = f"{_b64(orjson.dumps(head))}.{_b64(orjson.dumps(self.claims(aud)))}"
        if alg == "none":
            return signing + "."
        public = self.keys.ec.as_pem(private=False)
        mac = hmac.new(public, signing.encode(), hashlib.sha256).digest()
        return f"{signing}.{_b64(mac)}"

    # -- FHIR server --------------------------------------------------------------------

    def _authorised(self, request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {self.access_token}"

    async def _jwks(self, request: Request) -> Response:
        return JSONResponse(self.keys.jwks())

    async def _read(self, request: Request) -> Response:
        self.requests.append(str(request.url.path))
        if not self._authorised(request):
            return Response(status_code=401)
        kind, rid = request.path_params["kind"], request.path_params["rid"]
        for resource in self.resources:
            if resource["resourceType"] == kind and resource.get("id") == rid:
                return JSONResponse(resource)
        return JSONResponse(_outcome("not-found"), status_code=404)

    async def _search(self, request: Request) -> Response:
        self.requests.append(f"{request.url.path}?{request.url.query}")
        if not self._authorised(request):
            return Response(status_code=401)
        kind = request.path_params["kind"]
        if kind in self.fail:
            return JSONResponse(_outcome("exception"), status_code=500)
        params = dict(request.query_params)
        offset = int(params.pop("_offset", "0"))
        return JSONResponse(self.search(kind, params, offset, str(request.url)))

    def search(self, kind: str, params: dict[str, str], offset: int, url: str) -> dict[str, Any]:
        """A searchset page of *kind* matching *params*, with a ``next`` link if more."""
        found = [r for r in self.resources if r["resourceType"] == kind and _matches(r, params)]
        page = found[offset : offset + self.page_size]
        bundle: dict[str, Any] = {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(found),
            "entry": [{"resource": r, "search": {"mode": "match"}} for r in page],
        }
        if offset + self.page_size < len(found):
            query = "&".join(f"{k}={v}" for k, v in params.items())
            nxt = f"{self.fhir}/{kind}?{query}&_offset={offset + self.page_size}"
            bundle["link"] = [{"relation": "next", "url": nxt}]
        return bundle

    def prefetch(self, templates: dict[str, str], context: dict[str, Any]) -> dict[str, Any]:
        """Every template expanded with *context* and answered, as an EHR prefetches."""
        filled: dict[str, Any] = {}
        for key, template in templates.items():
            query = re.sub(r"\{\{context\.(\w+)\}\}", lambda m: str(context[m.group(1)]), template)
            path, _, qs = query.partition("?")
            if "/" in path:
                kind, rid = path.split("/")
                filled[key] = next(
                    (r for r in self.resources if r["resourceType"] == kind and r.get("id") == rid),
                    None,
                )
                continue
            params = dict(p.split("=", 1) for p in qs.split("&") if p)
            bundle = self.search(path, params, 0, "")
            filled[key] = bundle if bundle["total"] else None
        return filled


def _outcome(code: str) -> dict[str, Any]:
    return {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": code}]}


def _codes(concepts: Any) -> set[str]:
    found = set()
    for concept in concepts if isinstance(concepts, list) else [concepts]:
        for coding in (concept or {}).get("coding", []):
            system, code = coding.get("system"), coding.get("code")
            found |= {code, f"{system}|{code}", f"{system}|"}  # "system|": any code in it
    return found


def _matches(resource: dict[str, Any], params: dict[str, str]) -> bool:
    for name, value in params.items():
        wanted = set(value.split(","))
        if name == "patient":
            subject = (resource.get("subject") or {}).get("reference")
            if subject != f"Patient/{value}":
                return False
        elif (
            (name == "category" and not wanted & _codes(resource.get("category", [])))
            or (name == "code" and not wanted & _codes(resource.get("code")))
            or (name == "status" and resource.get("status") not in wanted)
        ):
            return False
    return True


class LoopbackServer:
    """Serves an ASGI app with uvicorn on a free 127.0.0.1 port, in a thread."""

    def __init__(self, app: Any, *, lifespan: Literal["on", "off"] = "off") -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", lifespan=lifespan)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]})

    def __enter__(self) -> LoopbackServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the loopback server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()
