"""Where one CDS Hooks call's server time goes: each stage's CPU time, in-process.

The stages of a ``patient-view`` call with full prefetch, run one call after another
in this process with the functions the service's endpoint calls, in its order:

* ``token``: the JWT check (ES384 signature unless ``--alg`` says otherwise, claims,
  the ``jti`` recorded in SQLite);
* ``request``: the body parsed (orjson, with the check for repeated keys and numbers
  too small for a double) and validated (the pydantic edge models);
* ``prefetch``: the prefetch keys gathered into one list of resources;
* ``read``: the resources read into a presentation (legrules' FHIR reader);
* ``assess``: :func:`legrules.assess`;
* ``cards``: the cards built from the assessment;
* ``record``: the issued cards recorded in SQLite (for feedback);
* ``answer``: the response model dumped and serialised (orjson).

Each stage is timed with the process's CPU clock (``time.process_time``), which the
machine's other load inflates less than wall time; the figure is the median over the
calls.  Then the whole app (:func:`legrules.cdshooks.create_app`) takes the same calls
through its ASGI interface, one after another, with no HTTP server: its CPU time per
call (a mean, so the collector's passes, which medians leave out, are in it) is the
stages plus what Starlette, the worker thread and the endpoint's own code add; it is
compared with the sum of the stages' means (same kind of figure).  Both run with the
collector set as a ``legrules serve`` worker sets it (threshold raised, start-up
objects frozen), so neither pays for collections a served call does not.  What a
call costs the server beyond that (uvicorn's HTTP parsing and writing) is roughly the
service's CPU per call under load, from ``benchmarks/service.py``, minus the app's:
roughly, because the two are timed at different moments and the machine's load moves
both.

Run: ``python benchmarks/service_stages.py [CALLS] [--alg ES384|RS384]`` (default 300
calls, ES384: the algorithm CDS Hooks recommends first; RS384 for comparison).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, MutableMapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the fake EHR lives with the tests

from tests.cdshooks.conftest import SERVICE, full_prefetch, hook_request  # noqa: E402
from tests.cdshooks.ehr import FakeEHR, LoopbackServer, example_resources  # noqa: E402

from legrules import assess, get_ruleset  # noqa: E402
from legrules.cdshooks import Issuer, ServiceConfig, Store, create_app  # noqa: E402
from legrules.cdshooks.body import parse_body  # noqa: E402
from legrules.cdshooks.cards import cards_for  # noqa: E402
from legrules.cdshooks.cli import _YOUNG_THRESHOLD  # noqa: E402
from legrules.cdshooks.models import CdsResponse, HookRequest, PatientViewContext  # noqa: E402
from legrules.cdshooks.prefetch import gather  # noqa: E402
from legrules.cdshooks.security import TokenVerifier  # noqa: E402
from legrules.fhir import read_presentation  # noqa: E402
from legrules.model import Policy  # noqa: E402

STAGES = ("token", "request", "prefetch", "read", "assess", "cards", "record", "answer")
PUBLIC_URL = "https://cds.example.org"
ALGORITHMS = ("ES384", "RS384")  # the two CDS Hooks 2.0 recommends (the fake EHR signs both)


class _Clock:
    """CPU time per stage, one list of seconds per stage name."""

    def __init__(self) -> None:
        self.spent: dict[str, list[float]] = {name: [] for name in STAGES}
        self._last = time.process_time()

    def lap(self, stage: str) -> None:
        now = time.process_time()
        self.spent[stage].append(now - self._last)
        self._last = now

    def restart(self) -> None:
        self._last = time.process_time()


async def _calls(
    ehr: FakeEHR, calls: int, work: Path, warm_up: int, alg: str
) -> dict[str, list[float]]:
    config = ServiceConfig(
        public_url=PUBLIC_URL,
        issuers=(Issuer(ehr.iss, (ehr.jku,)),),
        database=work / "stages.sqlite3",
    )
    store, ruleset = Store(config.database), get_ruleset(config.ruleset)
    policy = Policy()  # built once, as the app does
    body = orjson.dumps(hook_request(ehr, prefetch=full_prefetch(ehr), fhir=False))
    aud = PUBLIC_URL + SERVICE
    tokens = [f"Bearer {ehr.token(aud, alg=alg)}" for _ in range(calls + warm_up)]
    clock = _Clock()
    async with httpx.AsyncClient() as client:
        verifier = TokenVerifier(config, store, client)
        for index, token in enumerate(tokens):
            if index == warm_up:
                _settle()
                clock = _Clock()
            clock.restart()
            await verifier.verify(token, aud)
            clock.lap("token")
            call = HookRequest.model_validate(parse_body(body))
            PatientViewContext.model_validate(call.context)
            clock.lap("request")
            data = await gather(call.prefetch, call.context, None)
            clock.lap("prefetch")
            as_of = datetime.now(UTC)
            source = orjson.dumps(data.resources)
            read = read_presentation(source, as_of=as_of, policy=policy, on_error="skip")
            clock.lap("read")
            result = assess(read.presentation, as_of=as_of, ruleset=ruleset, policy=policy)
            clock.lap("assess")
            issued = cards_for(result, read.presentation, ruleset)
            clock.lap("cards")
            store.record_cards((c.card.uuid, c.rule, c.version) for c in issued)
            clock.lap("record")
            answer = CdsResponse(cards=[c.card for c in issued])
            orjson.dumps(answer.model_dump(mode="json", exclude_none=True))
            clock.lap("answer")
    store.close()
    return clock.spent


async def _asgi_call(app: Any, body: bytes, token: str) -> int:
    """One call through the app's ASGI interface, as uvicorn makes it; its status."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": SERVICE,
        "raw_path": SERVICE.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"authorization", token.encode()),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop()
        await asyncio.Event().wait()  # the client never disconnects
        raise AssertionError("unreachable")  # pragma: no cover

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(scope, receive, send)
    return status[0]


async def _app_calls(ehr: FakeEHR, calls: int, work: Path, warm_up: int, alg: str) -> float:
    """CPU seconds per call of the whole app, its lifespan started, over *calls* calls."""
    config = ServiceConfig(
        public_url=PUBLIC_URL,
        issuers=(Issuer(ehr.iss, (ehr.jku,)),),
        database=work / "app.sqlite3",
    )
    app = create_app(config)
    body = orjson.dumps(hook_request(ehr, prefetch=full_prefetch(ehr), fhir=False))
    aud = PUBLIC_URL + SERVICE
    tokens = [f"Bearer {ehr.token(aud, alg=alg)}" for _ in range(calls + warm_up)]
    spent: list[float] = []
    started = asyncio.Event()

    async def run_calls() -> None:
        await started.wait()
        for token in tokens[:warm_up]:
            await _asgi_call(app, body, token)
        _settle()
        before = time.process_time()
        for token in tokens[warm_up:]:
            if await _asgi_call(app, body, token) != 200:
                raise RuntimeError("the app refused a call")
        spent.append((time.process_time() - before) / calls)

    running = asyncio.ensure_future(run_calls())

    async def receive() -> dict[str, Any]:  # the lifespan: start, then stop after the calls
        if not started.is_set():
            return {"type": "lifespan.startup"}
        await running
        return {"type": "lifespan.shutdown"}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "lifespan.startup.complete":
            started.set()

    try:
        await app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send)
        await running
    finally:
        running.cancel()
    return spent[0]


def _settle() -> None:
    """Freeze what is alive after the warm-up, as ``legrules serve`` does in a worker.

    A worker freezes its start-up objects (modules, the compiled rules) out of the
    collector's reach; without that, the collections the calls trigger walk them all,
    about 0.2 ms a call that a served call does not pay.
    """
    gc.collect()
    gc.freeze()


def stages(
    ehr: FakeEHR, calls: int = 300, warm_up: int = 20, alg: str = "ES384"
) -> dict[str, float]:
    """The median CPU milliseconds of each stage over *calls* calls (after *warm_up*).

    Every call carries its own token signed with *alg*.

    Under ``"app"``: the whole app's mean CPU milliseconds per call, in-process.  The
    collector runs as in a ``legrules serve`` worker: with its threshold, and with what
    the warm-up left alive frozen (unfrozen afterwards).  *ehr* must be served already
    (its key set is fetched over HTTP).
    """
    threshold = gc.get_threshold()
    gc.set_threshold(_YOUNG_THRESHOLD, *threshold[1:])
    try:
        with tempfile.TemporaryDirectory(prefix="legrules-stages-") as work:
            spent = asyncio.run(_calls(ehr, calls, Path(work), warm_up, alg))
            app = asyncio.run(_app_calls(ehr, calls, Path(work), warm_up, alg))
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
    medians = {name: statistics.median(seconds) * 1e3 for name, seconds in spent.items()}
    means = sum(statistics.fmean(seconds) for seconds in spent.values())
    return {**medians, "app": app * 1e3, "means": means * 1e3}


def report(measured: dict[str, float], total: float | None = None) -> None:
    """Print the stages and the app; with *total* (server CPU per call) what is left."""
    medians = {name: ms for name, ms in measured.items() if name in STAGES}
    summed, app, means = sum(medians.values()), measured["app"], measured["means"]
    parts = "  ".join(f"{name} {ms:.2f}" for name, ms in medians.items())
    print(f"service stages, CPU ms per call (median, in-process): {parts}  sum {summed:.2f}")
    print(
        f"whole app in-process (ASGI, no HTTP server), CPU ms per call (mean): {app:.2f} "
        f"({app - means:.2f} beyond the stages' means, which sum to {means:.2f})"
    )
    if total is not None:
        # Rough: the load and the app run at different moments, and a shared
        # machine's load moves both (the figure can even come out below zero).
        print(
            f"server CPU per call beyond the app (uvicorn's HTTP; rough, timed apart): "
            f"{total - app:.2f} ms"
        )


def _served(run: Callable[[FakeEHR], Any]) -> Any:
    ehr = FakeEHR(example_resources())
    with LoopbackServer(ehr.app) as server:
        ehr.base = server.url
        return run(ehr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("calls", nargs="?", type=int, default=300)
    parser.add_argument("--alg", choices=ALGORITHMS, default="ES384", help="token algorithm")
    arguments = parser.parse_args()
    print(f"tokens signed with {arguments.alg}")
    report(_served(lambda ehr: stages(ehr, arguments.calls, alg=arguments.alg)))
