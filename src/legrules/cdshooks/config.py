"""The service's configuration: trusted issuers, its public URL, its database.

Read from a TOML file and from ``LEGRULES_CDS_*`` environment variables (which win over
the file), so a container can be configured without a file.  A bad value is an
:class:`~legrules.errors.InvalidValueError` whose path names the setting.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs
import orjson

from legrules.errors import DocumentError, InvalidValueError

__all__ = ["ENVIRONMENT", "Issuer", "ServiceConfig", "load_config"]

#: Environment variables and the setting each one sets.
ENVIRONMENT = {
    "LEGRULES_CDS_PUBLIC_URL": "public_url",
    "LEGRULES_CDS_DATABASE": "database",
    "LEGRULES_CDS_ISSUERS": "issuers",
    "LEGRULES_CDS_MAX_TOKEN_LIFETIME": "max_token_lifetime",
    "LEGRULES_CDS_CLOCK_SKEW": "clock_skew",
    "LEGRULES_CDS_FHIR_TIMEOUT": "fhir_timeout",
    "LEGRULES_CDS_RULESET": "ruleset",
    "LEGRULES_CDS_CORS_ORIGINS": "cors_origins",
}


def _url(value: Any, path: str, *, https_only: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidValueError("expected a URL string", path)
    parts = urlsplit(value)
    schemes = ("https",) if https_only else ("https", "http")
    if parts.scheme not in schemes or not parts.netloc:
        raise InvalidValueError(f"expected an absolute {'/'.join(schemes)} URL", path)
    return value


@attrs.frozen
class Issuer:
    """A CDS Client the service trusts: its ``iss`` and the JWK Set URLs allowed for it.

    A token from *iss* may name one of *jku* in its header; without a ``jku`` header the
    first URL is used (the JWK Set agreed out of band, as the CDS Hooks specification
    allows).  A ``jku`` listed for another issuer is refused: each key set is bound to
    its issuer.
    """

    iss: str
    jku: tuple[str, ...]

    @classmethod
    def from_dict(cls, data: Any, path: str) -> Issuer:
        """An issuer from ``{"iss": ..., "jku": [...]}`` (``jku`` may be one string)."""
        if not isinstance(data, Mapping):
            raise InvalidValueError("expected a table with iss and jku", path)
        jku = data.get("jku")
        urls = [jku] if isinstance(jku, str) else jku
        if not isinstance(urls, list) or not urls:
            raise InvalidValueError("expected one or more JWK Set URLs", f"{path}.jku")
        iss = data.get("iss")
        if not isinstance(iss, str) or not iss:
            raise InvalidValueError("expected the issuer's URI", f"{path}.iss")
        return cls(iss, tuple(_url(u, f"{path}.jku[{i}]") for i, u in enumerate(urls)))


@attrs.frozen
class ServiceConfig:
    """Everything ``legrules serve`` needs besides host and port.

    ``public_url`` is the base URL the EHR calls (behind any proxy): a token's ``aud``
    must equal ``public_url + "/cds-services/<service>"`` for the endpoint called.
    ``database`` holds replayed-token ids and feedback (SQLite, shared by workers).
    ``cors_origins`` lists the web origins of browser-based CDS Clients (such as the
    public CDS Hooks sandbox) allowed to call the service; none by default.
    Tokens may live at most ``max_token_lifetime`` seconds (``exp - iat``); clocks may
    differ by ``clock_skew`` seconds.  ``fhir_timeout`` bounds each FHIR request.
    """

    public_url: str
    issuers: tuple[Issuer, ...]
    database: Path
    max_token_lifetime: int = 300
    clock_skew: int = 30
    fhir_timeout: float = 5.0
    jwks_cache_seconds: int = 300
    ruleset: str | None = None
    cors_origins: tuple[str, ...] = ()

    def endpoint(self, path: str) -> str:
        """The public URL of *path* (``"/cds-services/..."``): the ``aud`` it expects."""
        return self.public_url.rstrip("/") + path

    def issuer(self, iss: str) -> Issuer | None:
        """The trusted issuer *iss*, or ``None``."""
        return next((i for i in self.issuers if i.iss == iss), None)


def _positive(value: Any, path: str, kind: type) -> Any:
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise InvalidValueError(f"expected a positive {kind.__name__}", path) from None
    if isinstance(value, bool) or number <= 0:
        raise InvalidValueError(f"expected a positive {kind.__name__}", path)
    return number


def _from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, key in ENVIRONMENT.items():
        if name not in environ:
            continue
        if key == "cors_origins":
            values[key] = [o.strip() for o in environ[name].split(",") if o.strip()]
        elif key == "issuers":
            try:
                values[key] = orjson.loads(environ[name])
            except orjson.JSONDecodeError:
                raise InvalidValueError("expected a JSON array of issuers", name) from None
        else:
            values[key] = environ[name]
    return values


def load_config(
    path: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> ServiceConfig:
    """The configuration from the TOML file *path* and the environment (which wins).

    Raises:
        DocumentError: the file cannot be read or is not TOML.
        InvalidValueError: a setting is missing or wrong (the path names it).
    """
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as error:
            raise DocumentError(f"cannot read {str(path)!r}: {error.strerror}", "$") from None
        except tomllib.TOMLDecodeError as error:
            raise DocumentError(f"not TOML: {error}", str(path)) from None
    data.update(_from_environment(os.environ if environ is None else environ))
    for required in ("public_url", "issuers", "database"):
        if required not in data:
            raise InvalidValueError(f"the setting {required!r} is required", required)
    issuers = data["issuers"]
    if not isinstance(issuers, list) or not issuers:
        raise InvalidValueError("expected at least one trusted issuer", "issuers")
    ruleset = data.get("ruleset")
    if ruleset is not None and not isinstance(ruleset, str):
        raise InvalidValueError("expected a rule-set version string", "ruleset")
    return ServiceConfig(
        public_url=_url(data["public_url"], "public_url").rstrip("/"),
        issuers=tuple(Issuer.from_dict(d, f"issuers[{i}]") for i, d in enumerate(issuers)),
        database=Path(str(data["database"])),
        max_token_lifetime=_positive(
            data.get("max_token_lifetime", 300), "max_token_lifetime", int
        ),
        clock_skew=_positive(data.get("clock_skew", 30), "clock_skew", int),
        fhir_timeout=_positive(data.get("fhir_timeout", 5.0), "fhir_timeout", float),
        jwks_cache_seconds=_positive(
            data.get("jwks_cache_seconds", 300), "jwks_cache_seconds", int
        ),
        ruleset=ruleset,
        cors_origins=_origins(data.get("cors_origins", [])),
    )


def _origins(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise InvalidValueError("expected a list of origins", "cors_origins")
    return tuple(_url(o, f"cors_origins[{i}]").rstrip("/") for i, o in enumerate(value))
