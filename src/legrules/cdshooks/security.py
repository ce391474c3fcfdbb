"""Authenticating the CDS Client with the JWT every call carries.

CDS Hooks 2.0, "Trusting CDS Clients".
A token is accepted only when all of this holds: it is a compact JWS signed with an
asymmetric algorithm (never ``none``, never HMAC: the specification forbids both); its
header names a ``kid``; its ``iss`` is a configured issuer; its ``jku``, when present, is
one of that issuer's allowlisted JWK Set URLs (a key set vouches only for its own
issuer); the key ``kid`` in that set verifies the signature; ``aud`` is the public URL
of the endpoint called; ``exp``, ``iat`` and ``jti`` are present, the token is not
expired, not issued in the future, lives no longer than the configured bound; and its
``jti`` was never seen before by any worker.  Any failure is one :class:`UnauthorizedError`
whose reason is for the log: the HTTP answer is a bare 401, and the token itself is
never logged.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import attrs
import httpx
import orjson
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import CompactSignature, JWSRegistry

from legrules.cdshooks.config import ServiceConfig
from legrules.cdshooks.store import Store

__all__ = ["ASYMMETRIC_ALGORITHMS", "Caller", "TokenVerifier", "UnauthorizedError"]

#: The JWS algorithms accepted (RFC 7518 and 8037 asymmetric ones).  CDS Hooks 2.0
#: recommends ES384 and RS384 and forbids ``none`` and symmetric (HMAC) algorithms.
ASYMMETRIC_ALGORITHMS = frozenset(
    {"ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "EdDSA"}
)

# One registry per accepted algorithm, each allowing that algorithm alone (what
# ``algorithms=[alg]`` builds anew on every call).
_REGISTRIES = {alg: JWSRegistry(algorithms=[alg]) for alg in ASYMMETRIC_ALGORITHMS}

# A key set is refetched for an unknown kid (key rotation) at most this often.
_REFRESH_SECONDS = 30


class UnauthorizedError(Exception):
    """The call is not authenticated; ``str()`` says why, for the log only."""


@attrs.frozen
class Caller:
    """Who called, once the token is verified."""

    iss: str
    jti: str
    tenant: str | None = None


def _bearer(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthorizedError("no bearer token")
    return token.strip()


def _parsed(token: str) -> tuple[CompactSignature, dict[str, Any]]:
    """The token parsed once: its JWS (header, payload, signature) and its claims.

    The claims are trusted only once :func:`jws.validate_compact` has verified the
    signature over these very payload bytes; before that they only pick the key.
    """
    try:
        compact = jws.extract_compact(token.encode("ascii"))
        claims = orjson.loads(compact.payload)
    except (JoseError, UnicodeEncodeError, ValueError):
        raise UnauthorizedError("not a compact JWS with a JSON payload") from None
    if not isinstance(claims, dict):
        raise UnauthorizedError("the payload is not a JSON object")
    return compact, claims


def _integer(claims: dict[str, Any], name: str) -> int:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UnauthorizedError(f"claim {name} missing or not a number")
    return int(value)


class TokenVerifier:
    """Checks tokens against *config*, fetching issuers' key sets with *client*."""

    def __init__(
        self,
        config: ServiceConfig,
        store: Store,
        client: httpx.AsyncClient,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config, self.store, self.client, self.clock = config, store, client, clock
        self._keys: dict[str, tuple[float, KeySet]] = {}

    async def verify(self, authorization: str | None, audience: str) -> Caller:
        """The caller behind the ``Authorization`` header.

        *audience* is the public URL of the endpoint called.

        Raises:
            UnauthorizedError: for any reason at all (see the module docstring).
        """
        compact, claims = _parsed(_bearer(authorization))
        header = compact.protected
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in ASYMMETRIC_ALGORITHMS:
            raise UnauthorizedError(f"algorithm {alg!r} is not an accepted asymmetric one")
        if not isinstance(kid, str) or not kid:
            raise UnauthorizedError("the header has no kid")
        if header.get("typ", "JWT") not in ("JWT", "jwt"):
            raise UnauthorizedError("the header's typ is not JWT")
        issuer = self.config.issuer(str(claims.get("iss")))
        if issuer is None:
            raise UnauthorizedError("the issuer is not trusted")
        jku = header.get("jku", issuer.jku[0])
        if jku not in issuer.jku:
            raise UnauthorizedError("the jku is not allowlisted for this issuer")
        key = await self._key(jku, kid)
        try:
            verified = jws.validate_compact(compact, key, registry=_REGISTRIES[alg])
        except (JoseError, ValueError):
            verified = False
        if not verified:
            raise UnauthorizedError("the signature does not verify")
        return self._checked(claims, issuer.iss, audience)

    def _checked(self, claims: dict[str, Any], iss: str, audience: str) -> Caller:
        if claims.get("iss") != iss:
            raise UnauthorizedError("iss changed")  # pragma: no cover - the payload is signed
        aud = claims.get("aud")
        if not (aud == audience or (isinstance(aud, list) and audience in aud)):
            raise UnauthorizedError("aud is not this endpoint")
        exp, iat = _integer(claims, "exp"), _integer(claims, "iat")
        jti = claims.get("jti")
        if not isinstance(jti, str) or not jti:
            raise UnauthorizedError("claim jti missing")
        now, skew = self.clock(), self.config.clock_skew
        if exp <= now - skew:
            raise UnauthorizedError("expired")
        if iat > now + skew:
            raise UnauthorizedError("issued in the future")
        if exp <= iat or exp - iat > self.config.max_token_lifetime:
            raise UnauthorizedError("lifetime outside the allowed bound")
        if not self.store.first_use_of_token(iss, jti, exp):
            raise UnauthorizedError("jti replayed")
        tenant = claims.get("tenant")
        return Caller(iss, jti, tenant if isinstance(tenant, str) else None)

    async def _key(self, jku: str, kid: str) -> Any:
        cached = self._keys.get(jku)
        now = self.clock()
        if cached is None or now - cached[0] > self.config.jwks_cache_seconds:
            cached = await self._fetch(jku)
        try:
            return cached[1].get_by_kid(kid)
        except (KeyError, ValueError, JoseError):
            pass
        if now - cached[0] > _REFRESH_SECONDS:  # the issuer may have rotated its keys
            cached = await self._fetch(jku)
            try:
                return cached[1].get_by_kid(kid)
            except (KeyError, ValueError, JoseError):
                pass
        raise UnauthorizedError("no key with this kid in the issuer's key set")

    async def _fetch(self, jku: str) -> tuple[float, KeySet]:
        try:
            response = await self.client.get(jku, timeout=self.config.fhir_timeout)
            response.raise_for_status()
            keys = KeySet.import_key_set(response.json())
        except (httpx.HTTPError, JoseError, ValueError, TypeError, KeyError):
            raise UnauthorizedError("the issuer's key set cannot be fetched or read") from None
        entry = (self.clock(), keys)
        self._keys[jku] = entry
        return entry
