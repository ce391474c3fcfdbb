"""The adaptive-form endpoint as Starlette routes: ``POST .../Questionnaire/$next-question``.

:func:`routes` returns the routes, to mount in any Starlette app (the CDS Hooks service
among them); :func:`app` wraps them in a small app of their own.  The patient form is
served by default; ``?audience=clinician`` asks in a clinician's words and includes the
examination and test findings.  Needs the ``intake`` extra (Starlette).
"""

from __future__ import annotations

from typing import Any

import orjson

from legrules.errors import InputError, InvalidValueError, LegrulesError
from legrules.fhir.canonical import DEFAULT_BASE

try:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "the adaptive-form endpoint needs Starlette: pip install 'legrules[intake]'"
    ) from error

from legrules.intake.nextquestion import next_question
from legrules.intake.questionnaire import build_questionnaire

__all__ = ["app", "routes"]

FHIR_JSON = "application/fhir+json"


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type=FHIR_JSON)


def _outcome(message: str, path: str, status: int) -> Response:
    """An OperationOutcome naming the bad element, as FHIR servers report errors."""
    issue = {"severity": "error", "code": "invalid", "diagnostics": message, "expression": [path]}
    return _json({"resourceType": "OperationOutcome", "issue": [issue]}, status)


def _audience(request: Request) -> str:
    audience = request.query_params.get("audience", "patient")
    if audience not in ("patient", "clinician"):
        raise InvalidValueError(f"unknown audience {audience!r}", "audience")
    return audience


def routes(*, base: str = DEFAULT_BASE, ruleset: str | None = None) -> list[Route]:
    """The intake routes: ``$next-question`` and the full form, under ``/Questionnaire``."""

    async def next_one(request: Request) -> Response:
        try:
            body = orjson.loads(await request.body())
        except orjson.JSONDecodeError as error:
            return _outcome(f"not JSON: {error}", "$", 400)
        try:
            reply = next_question(body, audience=_audience(request), ruleset=ruleset, base=base)
        except InputError as error:
            return _outcome(error.message, error.path, 422)
        except LegrulesError as error:
            return _outcome(str(error), "$", 422)
        return _json(reply)

    async def form(request: Request) -> Response:
        try:
            audience = _audience(request)
        except InputError as error:
            return _outcome(error.message, error.path, 400)
        return _json(build_questionnaire(ruleset=ruleset, audience=audience, base=base))

    return [
        Route("/Questionnaire/$next-question", next_one, methods=["POST"]),
        Route("/Questionnaire/legrules-intake", form, methods=["GET"]),
    ]


def app(*, base: str = DEFAULT_BASE, ruleset: str | None = None) -> Starlette:
    """A Starlette app serving only :func:`routes` (run it with any ASGI server)."""
    return Starlette(routes=routes(base=base, ruleset=ruleset))
