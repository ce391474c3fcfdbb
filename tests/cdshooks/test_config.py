"""Configuration from a TOML file and the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from legrules.cdshooks import load_config
from legrules.errors import DocumentError, InvalidValueError

TOML = """
public_url = "https://cds.example.org/"
database = "/var/lib/legrules/cdshooks.sqlite3"
max_token_lifetime = 120

[[issuers]]
iss = "https://ehr.example.org/"
jku = ["https://ehr.example.org/jwks.json", "https://ehr.example.org/next-jwks.json"]
"""


def _write(tmp_path: Path, text: str = TOML) -> Path:
    path = tmp_path / "legrules-cds.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_config_from_toml(tmp_path: Path) -> None:
    """Every setting is read from the file; defaults fill the rest."""
    config = load_config(_write(tmp_path), environ={})
    assert config.public_url == "https://cds.example.org"
    assert config.endpoint("/cds-services/x") == "https://cds.example.org/cds-services/x"
    assert config.issuers[0].jku[1] == "https://ehr.example.org/next-jwks.json"
    assert config.max_token_lifetime == 120
    assert config.clock_skew == 30


def test_environment_wins_over_the_file(tmp_path: Path) -> None:
    """LEGRULES_CDS_* variables override the file."""
    environ = {
        "LEGRULES_CDS_PUBLIC_URL": "https://cds.internal.example.org",
        "LEGRULES_CDS_ISSUERS": '[{"iss": "https://a/", "jku": "https://a/jwks"}]',
    }
    config = load_config(_write(tmp_path), environ=environ)
    assert config.public_url == "https://cds.internal.example.org"
    assert [(i.iss, i.jku) for i in config.issuers] == [("https://a/", ("https://a/jwks",))]


def test_environment_alone_is_enough() -> None:
    """A container can be configured without a file."""
    environ = {
        "LEGRULES_CDS_PUBLIC_URL": "https://cds.example.org",
        "LEGRULES_CDS_DATABASE": "/tmp/cds.sqlite3",
        "LEGRULES_CDS_ISSUERS": '[{"iss": "https://a/", "jku": ["https://a/jwks"]}]',
    }
    assert load_config(None, environ=environ).database == Path("/tmp/cds.sqlite3")


@pytest.mark.parametrize(
    ("text", "path"),
    [
        (TOML.replace('public_url = "https://cds.example.org/"', ""), "public_url"),
        (TOML.replace("https://cds.example.org/", "cds.example.org"), "public_url"),
        (TOML.replace("max_token_lifetime = 120", "max_token_lifetime = -1"), "max_token_lifetime"),
        (TOML.replace('jku = ["https', 'jku = ["ftp'), "issuers[0].jku[0]"),
        (TOML.replace("jku = [", "jku = []\nx = ["), "issuers[0].jku"),
    ],
)
def test_bad_setting_names_its_path(tmp_path: Path, text: str, path: str) -> None:
    """A missing or wrong setting is an error naming the setting."""
    with pytest.raises(InvalidValueError) as error:
        load_config(_write(tmp_path, text), environ={})
    assert error.value.path == path


def test_unreadable_file_is_a_document_error(tmp_path: Path) -> None:
    """A missing file or one that is not TOML is a DocumentError."""
    with pytest.raises(DocumentError):
        load_config(tmp_path / "missing.toml", environ={})
    with pytest.raises(DocumentError):
        load_config(_write(tmp_path, "not = [toml"), environ={})


def test_cors_origins_from_file_and_environment(tmp_path: Path) -> None:
    """Browser origins allowed to call come from the file or a comma-separated variable."""
    text = TOML.replace(
        "max_token_lifetime",
        'cors_origins = ["https://sandbox.cds-hooks.org/"]\nmax_token_lifetime',
    )
    assert load_config(_write(tmp_path, text), environ={}).cors_origins == (
        "https://sandbox.cds-hooks.org",
    )
    environ = {"LEGRULES_CDS_CORS_ORIGINS": "https://a.example.org, https://b.example.org"}
    config = load_config(_write(tmp_path), environ=environ)
    assert config.cors_origins == ("https://a.example.org", "https://b.example.org")


def test_extra_routes_are_served_beside_the_service(tmp_path: Path) -> None:
    """Another package can mount its own endpoints in the same app (extra_routes)."""
    import httpx
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from legrules.cdshooks import Issuer, ServiceConfig, create_app
    from tests.cdshooks.ehr import LoopbackServer

    async def next_question(request: Request) -> JSONResponse:
        return JSONResponse({"public_url": request.app.state.service.config.public_url})

    config = ServiceConfig(
        "https://cds.example.org", (Issuer("https://x/", ("https://x/k",)),), tmp_path / "db"
    )
    app = create_app(
        config, extra_routes=[Route("/fhir/Questionnaire/$next-question", next_question)]
    )
    with LoopbackServer(app, lifespan="on") as server:
        answer = httpx.get(server.url + "/fhir/Questionnaire/$next-question")
    assert answer.json() == {"public_url": "https://cds.example.org"}
