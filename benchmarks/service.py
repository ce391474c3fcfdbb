"""Load on the CDS Hooks service over loopback, against a bare Starlette endpoint.

Two uvicorn processes on 127.0.0.1, one worker each, take the same bounded load
(default 2,000 requests, 16 at a time, after 50 warm-up requests) from an async httpx
client in this process:

* ``legrules serve``: a ``patient-view`` call with full prefetch (the shipped
  suspected-DVT example), each with its own ES384 token, so every call verifies a
  signature, records its ``jti`` and its cards in SQLite, reads, assesses and answers;
* a bare Starlette endpoint doing the same JSON round trip: it parses the same request
  body and answers with a response of the same bytes as the service's.

Reported for each: throughput, p50 and p99 latency and errors, then the p50 ratio
(target: within 2x of bare, 0 errors).  Numbers are reported, never asserted.  The
fake EHR of the test suite signs the tokens and serves its key set.

Run: ``python benchmarks/service.py [REQUESTS] [CONCURRENCY]``.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the fake EHR lives with the tests

from tests.cdshooks.conftest import SERVICE, full_prefetch, hook_request  # noqa: E402
from tests.cdshooks.ehr import FakeEHR, LoopbackServer, example_resources  # noqa: E402

WARM_UP = 50
TOKEN_LIFETIME = 3600
BARE_APP = """
import sys, orjson, uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

answer = open(sys.argv[2], "rb").read()

async def endpoint(request):
    orjson.loads(await request.body())
    return Response(answer, media_type="application/json")

app = Starlette(routes=[Route("/cds-services/legrules-leg-pain", endpoint, methods=["POST"])])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _process(command: list[str], url: str) -> Iterator[None]:
    """Run *command* until *url* answers; stop it afterwards."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGRULES_CDS_")}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{command[:3]} did not start") from None
                time.sleep(0.1)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


async def _load(base: str, body: bytes, tokens: list[str], concurrency: int) -> dict[str, Any]:
    """Send one request per token, *concurrency* at a time; latencies and errors."""
    latencies: list[float] = []
    errors = 0
    queue = iter(tokens)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        for token in queue:
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            start = time.perf_counter()
            response = await client.post(SERVICE, content=body, headers=headers)
            latencies.append(time.perf_counter() - start)
            if response.status_code != 200:
                errors += 1

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        start = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "throughput": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1e3,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1e3,
        "errors": errors,
        "n": len(latencies),
    }


def _run(base: str, body: bytes, tokens: list[str], concurrency: int) -> dict[str, Any]:
    asyncio.run(_load(base, body, tokens[:WARM_UP], concurrency))
    return asyncio.run(_load(base, body, tokens[WARM_UP:], concurrency))


def _config(work: Path, base: str, ehr: FakeEHR) -> Path:
    path = work / "cds.toml"
    path.write_text(
        f'public_url = "{base}"\ndatabase = "{work / "cds.sqlite3"}"\n'
        # Every token is minted before the run, so each must outlive the whole run.
        f"max_token_lifetime = {TOKEN_LIFETIME}\n"
        f'[[issuers]]\niss = "{ehr.iss}"\njku = ["{ehr.jku}"]\n',
        encoding="utf-8",
    )
    return path


def _report(
    requests: int, concurrency: int, sizes: tuple[int, int], results: dict[str, Any]
) -> None:
    print(
        f"{requests} requests, {concurrency} concurrent, over loopback "
        f"(request {sizes[0]} bytes, answer {sizes[1]} bytes)"
    )
    names = {
        "service": "legrules serve (patient-view, full prefetch)",
        "bare": "bare Starlette JSON round trip",
    }
    for key, name in names.items():
        r = results[key]
        print(
            f"{name:<46} {r['throughput']:8.1f} req/s  p50 {r['p50']:7.2f} ms  "
            f"p99 {r['p99']:7.2f} ms  errors {r['errors']}"
        )
    ratio = results["service"]["p50"] / results["bare"]["p50"]
    verdict = "met" if ratio <= 2 and results["service"]["errors"] == 0 else "NOT met"
    print(f"p50 ratio service/bare: {ratio:.2f}x (target <= 2x with 0 errors: {verdict})")


def main(requests: int = 2000, concurrency: int = 16) -> dict[str, dict[str, Any]]:
    ehr = FakeEHR(example_resources())
    work = Path(tempfile.mkdtemp(prefix="legrules-bench-"))
    count = requests + WARM_UP
    with LoopbackServer(ehr.app) as ehr_server:
        ehr.base = ehr_server.url
        base = f"http://127.0.0.1:{_free_port()}"
        body = orjson.dumps(hook_request(ehr, prefetch=full_prefetch(ehr), fhir=False))
        now = int(time.time())
        tokens = [
            ehr.token(base + SERVICE, iat=now, exp=now + TOKEN_LIFETIME)
            for _ in range(2 * count + 1)
        ]
        port = base.rsplit(":", 1)[1]
        serve = [sys.executable, "-m", "legrules.cli", "serve", "--port", port]
        serve += ["--config", str(_config(work, base, ehr)), "--log-level", "warning"]
        with _process(serve, base + "/cds-services"):
            headers = {"Authorization": f"Bearer {tokens[-1]}", "Content-Type": "application/json"}
            answer = httpx.post(base + SERVICE, content=body, headers=headers).content
            service = _run(base, body, tokens[:count], concurrency)
    (work / "answer.json").write_bytes(answer)
    bare_base = f"http://127.0.0.1:{_free_port()}"
    bare_command = [
        sys.executable,
        "-c",
        BARE_APP,
        bare_base.rsplit(":", 1)[1],
        str(work / "answer.json"),
    ]
    with _process(bare_command, bare_base + "/cds-services/legrules-leg-pain"):
        bare = _run(bare_base, body, tokens[count : 2 * count], concurrency)
    results = {"service": service, "bare": bare}
    _report(requests, concurrency, (len(body), len(answer)), results)
    return results


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:3]]
    main(*arguments)
