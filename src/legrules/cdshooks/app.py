"""The ASGI application: discovery, the leg-pain service and its feedback endpoint.

``GET /cds-services`` is public.  Every other call must carry a valid JWT
(:mod:`legrules.cdshooks.security`), else it gets a bare 401.  A call is answered with
cards, with 412 and an OperationOutcome when required data cannot be had, or with 400
and an OperationOutcome naming what is wrong with the request.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import attrs
import httpx
import orjson
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from legrules import RuleSet, assess, get_ruleset
from legrules.cdshooks.body import parse_body
from legrules.cdshooks.cards import IssuedCard, cards_for, flag_resources, red_flag_cards
from legrules.cdshooks.config import ServiceConfig
from legrules.cdshooks.fetch import FhirFetcher
from legrules.cdshooks.models import (
    CdsResponse,
    FeedbackRequest,
    HookRequest,
    OrderSelectContext,
    PatientViewContext,
    ServiceDescription,
)
from legrules.cdshooks.orders import order_cards
from legrules.cdshooks.prefetch import TEMPLATES, Gathered, PrefetchError, gather
from legrules.cdshooks.security import TokenVerifier, UnauthorizedError
from legrules.cdshooks.store import FeedbackRecord, Store
from legrules.errors import FHIRInputError, LegrulesError
from legrules.fhir import DEFAULT_BASE, read_presentation
from legrules.model import Policy, Status

__all__ = ["SERVICE_ID", "create_app", "discovery"]

SERVICE_ID = "legrules-leg-pain"
_PATH = f"/cds-services/{SERVICE_ID}"
_CONTEXTS: dict[str, type[PatientViewContext]] = {
    "patient-view": PatientViewContext,
    "order-select": OrderSelectContext,
}
log = logging.getLogger("legrules.cdshooks")


def discovery() -> dict[str, Any]:
    """The discovery document: the service under both hooks, with its prefetch."""
    prefetch = {t.key: t.query for t in TEMPLATES}
    required = ", ".join(t.key for t in TEMPLATES if t.required)
    usage = (
        f"Needs {required} (prefetched or readable with fhirAuthorization); "
        "every call carries a JWT signed with an asymmetric key (ES384 or RS384)."
    )
    services = [
        ServiceDescription(
            hook="patient-view",
            title="legrules leg pain triage",
            description="Red flags, disposition, worst case and what to ask next for leg pain.",
            id=SERVICE_ID,
            prefetch=prefetch,
            usageRequirements=usage,
        ),
        ServiceDescription(
            hook="order-select",
            title="legrules DVT pathway check",
            description="Says whether the DVT pathway (NICE NG158) supports a selected "
            "D-dimer or leg vein ultrasound order.",
            id=SERVICE_ID,
            prefetch=prefetch,
            usageRequirements=usage,
        ),
    ]
    return {"services": [s.model_dump(exclude_none=True) for s in services]}


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status, media_type="application/json")


def _outcome(status: int, code: str, text: str) -> Response:
    """An OperationOutcome answer (the body FHIR servers and EHRs understand)."""
    issue = {"severity": "error", "code": code, "diagnostics": text}
    return Response(
        orjson.dumps({"resourceType": "OperationOutcome", "issue": [issue]}),
        status,
        media_type="application/fhir+json",
    )


def _invalid(error: ValidationError) -> Response:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "$"
    return _outcome(400, "invalid", f"{first['msg']} @ {where}")


@attrs.define
class _Service:
    """What the endpoints share: configuration, database, HTTP client, token checks."""

    config: ServiceConfig
    ruleset: RuleSet
    store: Store
    client: httpx.AsyncClient
    verifier: TokenVerifier
    now: Callable[[], datetime]
    # The default policy, built once: read_presentation and assess build it anew from
    # ``None`` on every call (16 and 25 us of a call, measured).
    policy: Policy = attrs.field(factory=Policy)
    # Reading, assessing and card building of a large prefetch (see INLINE_RESOURCES;
    # a usual one stays on the event loop, see _call) hold the GIL for long: they run
    # in this one worker thread, so the event loop keeps accepting calls and answering
    # the light ones (discovery, feedback, a 401) meanwhile.  A plain executor costs
    # less per hop than anyio's worker threads.  The lock hands the heavy work out one
    # call at a time, first come, first served, wherever it runs: with calls queued
    # back to back, a discovery call made under load waited 4 times longer (p50 about
    # 42 ms instead of 10); one at a time, the event loop gets its turn between them.
    worker: ThreadPoolExecutor = attrs.field(
        factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="legrules-cds")
    )
    turn: asyncio.Lock = attrs.field(factory=asyncio.Lock)

    async def authenticate(self, request: Request) -> bool:
        # The routed path as it came (what request.url.path gives, without building
        # the whole URL from the scope's headers for each call).
        path = request.scope["path"]
        audience = self.config.endpoint(path)
        try:
            await self.verifier.verify(request.headers.get("authorization"), audience)
        except UnauthorizedError as error:
            log.warning("401 for %s: %s", path, error)  # never the token
            return False
        return True

    def fetcher(self, call: HookRequest) -> FhirFetcher | None:
        if call.fhirServer is None or call.fhirAuthorization is None:
            return None
        token = call.fhirAuthorization.access_token.get_secret_value()
        return FhirFetcher(self.client, call.fhirServer, token, self.config.fhir_timeout)

    def cards(
        self, call: HookRequest, context: PatientViewContext, data: Gathered
    ) -> list[IssuedCard]:
        """Read, assess and turn the result into the hook's cards."""
        for resource in data.resources:
            if (
                resource.get("resourceType") == "Patient"
                and resource.get("id") != context.patientId
            ):
                where = f"Patient/{resource.get('id')}.id"
                raise FHIRInputError("this Patient is not the patient in context", where)
        as_of = self.now()
        # The resources were parsed from the request by orjson, so they are plain JSON;
        # read as a JSON array they skip the walk that checks a caller's Python objects
        # for cycles and non-string keys (a third of the reader's time), with the same
        # items and paths as the list itself (``$[i]``).
        source = orjson.dumps(data.resources)
        read = read_presentation(source, as_of=as_of, policy=self.policy, on_error="skip")
        result = assess(read.presentation, as_of=as_of, ruleset=self.ruleset, policy=self.policy)
        notes = [
            f"Not available: {t.description} (`{t.key}`); those facts count as unknown."
            for t in data.unavailable
        ]
        notes += [f"Note from reading the data: {warning}" for warning in read.warnings]
        if call.hook == "order-select":
            met = any(f.status is Status.MET for f in result.red_flags)
            flags = flag_resources(result, DEFAULT_BASE) if met else {}
            return [
                *red_flag_cards(result, self.ruleset, DEFAULT_BASE, flags),
                *order_cards(result, context.model_dump(), self.ruleset, DEFAULT_BASE),
            ]
        return cards_for(result, read.presentation, self.ruleset, notes=notes)


#: The most resources a prefetch may hold to be read and assessed on the event loop;
#: a larger one (whose assessment may take long) goes to the worker thread, so that
#: discovery, feedback and refusals are answered meanwhile.  A patient-view prefetch is
#: usually a few dozen resources: about 1.5 ms of work.
INLINE_RESOURCES = 100


@functools.cache
def _discovery_body() -> bytes:
    """The discovery document as sent: it never changes, so it is encoded once."""
    return orjson.dumps(discovery())


async def _discover(request: Request) -> Response:
    return Response(_discovery_body(), media_type="application/json")


async def _call(request: Request) -> Response:
    service: _Service = request.app.state.service
    if not await service.authenticate(request):
        return Response(status_code=401)
    try:
        call = HookRequest.model_validate(parse_body(await request.body()))
        model = _CONTEXTS.get(call.hook)
        if model is None:
            return _outcome(400, "not-supported", f"hook {call.hook!r} is not served here @ hook")
        context = model.model_validate(call.context)
    except orjson.JSONDecodeError:
        return _outcome(400, "invalid", "the body is not JSON")
    except FHIRInputError as error:
        return _outcome(400, "invalid", str(error))
    except ValidationError as error:
        return _invalid(error)
    try:
        data = await gather(call.prefetch, call.context, service.fetcher(call))
    except PrefetchError as error:
        return _outcome(412, "incomplete", str(error))
    try:
        async with service.turn:  # one call at a time: the loop gets its turn between
            if len(data.resources) <= INLINE_RESOURCES:
                # A usual prefetch is read, assessed and answered on the event loop
                # (about 1.5 ms), after yielding once so that the loop answers what came
                # in meanwhile: the hop to the worker thread and the two threads' turns
                # on the GIL cost more than that.  Side by side on a quiet machine, 16
                # calls at a time (benchmarks/service_compare.py): server CPU per call
                # 2.96-3.32 ms against 3.24-3.40 with the hop, p50 46-51 ms against
                # 54-57, discovery meanwhile p50 4.7-5.5 ms against 4.3-4.5.  (On a
                # machine whose cores were shared with other work, load average 2-3, the
                # hop's p50 came out better.)  Without the lock the queued calls ran back
                # to back once woken: discovery waited 23-32 ms at p50.
                await asyncio.sleep(0)
                issued = service.cards(call, context, data)
            else:
                issued = await asyncio.get_running_loop().run_in_executor(
                    service.worker, service.cards, call, context, data
                )
    except LegrulesError as error:
        return _outcome(400, "invalid", str(error))
    service.store.record_cards((c.card.uuid, c.rule, c.version) for c in issued)
    body = CdsResponse(cards=[c.card for c in issued])
    return _json(body.model_dump(mode="json", exclude_none=True))


async def _feedback(request: Request) -> Response:
    service: _Service = request.app.state.service
    if not await service.authenticate(request):
        return Response(status_code=401)
    try:
        parsed = FeedbackRequest.model_validate(parse_body(await request.body()))
    except orjson.JSONDecodeError:
        return _outcome(400, "invalid", "the body is not JSON")
    except FHIRInputError as error:
        return _outcome(400, "invalid", str(error))
    except ValidationError as error:
        return _invalid(error)
    records = []
    for item in parsed.feedback:
        reason = item.overrideReason.reason if item.overrideReason else None
        records.append(
            FeedbackRecord(
                card=item.card,
                outcome=item.outcome,
                outcome_timestamp=item.outcomeTimestamp.astimezone(UTC).isoformat(),
                suggestions=tuple(s.id for s in item.acceptedSuggestions),
                reason_system=reason.system if reason else None,
                reason_code=reason.code if reason else None,
            )
        )
    service.store.record_feedback(records)
    return _json({})


def create_app(
    config: ServiceConfig,
    *,
    extra_routes: Sequence[BaseRoute] = (),
    transport: httpx.AsyncBaseTransport | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Starlette:
    """The Starlette application for *config*.

    *extra_routes* are mounted beside the CDS Hooks endpoints (e.g. another service's
    ``$next-question``); they can reach the shared state as ``request.app.state``.
    *transport* replaces the HTTP transport of the client that reads key sets and FHIR
    servers (tests); *now* is the clock of assessments and token checks.
    """
    store = Store(config.database)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with httpx.AsyncClient(transport=transport, timeout=config.fhir_timeout) as client:
            verifier = TokenVerifier(config, store, client, clock=lambda: now().timestamp())
            ruleset = get_ruleset(config.ruleset)
            app.state.service = _Service(config, ruleset, store, client, verifier, now)
            try:
                yield
            finally:
                app.state.service.worker.shutdown()
                store.close()

    routes: list[BaseRoute] = [
        Route("/cds-services", _discover, methods=["GET"]),
        Route(_PATH, _call, methods=["POST"]),
        Route(f"{_PATH}/feedback", _feedback, methods=["POST"]),
        *extra_routes,
    ]
    middleware = []
    if config.cors_origins:  # browser-based CDS Clients; preflights need no token
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(config.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
            )
        )
    return Starlette(routes=routes, lifespan=lifespan, middleware=middleware)
