"""Where one CDS Hooks call's server time goes: each stage's CPU time, in-process.

The stages of a ``patient-view`` call with full prefetch, run one call after another
in this process with the functions the service's endpoint calls, in its order:

* ``token``: the JWT check (ES384 signature, claims, the ``jti`` recorded in SQLite);
* ``request``: the body parsed (orjson) and validated (the pydantic edge models);
* ``prefetch``: the prefetch keys gathered into one list of resources;
* ``read``: the resources read into a presentation (legrules' FHIR reader);
* ``assess``: :func:`legrules.assess`;
* ``cards``: the cards built from the assessment;
* ``record``: the issued cards recorded in SQLite (for feedback);
* ``answer``: the response model dumped and serialised (orjson).

Each stage is timed with the process's CPU clock (``time.process_time``), which the
machine's other load inflates less than wall time; the figure is the median over the
calls.  What a call costs the server beyond their sum (HTTP parsing, Starlette's
routing, the hand-over to the worker thread) is roughly the service's CPU per call
under load, from ``benchmarks/service.py``, minus this sum: roughly, because the two
are timed at different moments and the machine's load moves both.

Run: ``python benchmarks/service_stages.py [CALLS]`` (default 300).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
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
from legrules.cdshooks import Issuer, ServiceConfig, Store  # noqa: E402
from legrules.cdshooks.cards import cards_for  # noqa: E402
from legrules.cdshooks.models import CdsResponse, HookRequest, PatientViewContext  # noqa: E402
from legrules.cdshooks.prefetch import gather  # noqa: E402
from legrules.cdshooks.security import TokenVerifier  # noqa: E402
from legrules.fhir import read_presentation  # noqa: E402

STAGES = ("token", "request", "prefetch", "read", "assess", "cards", "record", "answer")
PUBLIC_URL = "https://cds.example.org"


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


async def _calls(ehr: FakeEHR, calls: int, work: Path, warm_up: int) -> dict[str, list[float]]:
    config = ServiceConfig(
        public_url=PUBLIC_URL,
        issuers=(Issuer(ehr.iss, (ehr.jku,)),),
        database=work / "stages.sqlite3",
    )
    store, ruleset = Store(config.database), get_ruleset(config.ruleset)
    body = orjson.dumps(hook_request(ehr, prefetch=full_prefetch(ehr), fhir=False))
    aud = PUBLIC_URL + SERVICE
    tokens = [f"Bearer {ehr.token(aud)}" for _ in range(calls + warm_up)]
    clock = _Clock()
    async with httpx.AsyncClient() as client:
        verifier = TokenVerifier(config, store, client)
        for index, token in enumerate(tokens):
            if index == warm_up:
                clock = _Clock()
            clock.restart()
            await verifier.verify(token, aud)
            clock.lap("token")
            call = HookRequest.model_validate(orjson.loads(body))
            PatientViewContext.model_validate(call.context)
            clock.lap("request")
            data = await gather(call.prefetch, call.context, None)
            clock.lap("prefetch")
            as_of = datetime.now(UTC)
            read = read_presentation(orjson.dumps(data.resources), as_of=as_of, on_error="skip")
            clock.lap("read")
            result = assess(read.presentation, as_of=as_of, ruleset=ruleset)
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


def stages(ehr: FakeEHR, calls: int = 300, warm_up: int = 20) -> dict[str, float]:
    """The median CPU milliseconds of each stage over *calls* calls (after *warm_up*).

    *ehr* must be served already (its key set is fetched over HTTP).
    """
    with tempfile.TemporaryDirectory(prefix="legrules-stages-") as work:
        spent = asyncio.run(_calls(ehr, calls, Path(work), warm_up))
    return {name: statistics.median(seconds) * 1e3 for name, seconds in spent.items()}


def report(medians: dict[str, float], total: float | None = None) -> None:
    """Print the stages; with *total* (server CPU per call) also what the sum leaves."""
    summed = sum(medians.values())
    parts = "  ".join(f"{name} {ms:.2f}" for name, ms in medians.items())
    print(f"service stages, CPU ms per call (median, in-process): {parts}  sum {summed:.2f}")
    if total is not None:
        # Rough: the load and the stages run at different moments, and a shared
        # machine's load moves both (the figure can even come out below zero).
        print(
            f"server CPU per call beyond the stages (HTTP, Starlette, worker thread; "
            f"rough, timed apart): {total - summed:.2f} ms"
        )


def _served(run: Callable[[FakeEHR], Any]) -> Any:
    ehr = FakeEHR(example_resources())
    with LoopbackServer(ehr.app) as server:
        ehr.base = server.url
        return run(ehr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("calls", nargs="?", type=int, default=300)
    arguments = parser.parse_args()
    report(_served(lambda ehr: stages(ehr, arguments.calls)))
