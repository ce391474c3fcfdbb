"""Load on the CDS Hooks service over loopback, against a bare Starlette endpoint.

Two uvicorn servers on 127.0.0.1 with the same number of worker processes (default 1;
``--workers N`` for both) take the same bounded load (default 2,000 requests, 16 at a
time, after 50 warm-up requests each) from an async httpx client in this process:

* ``legrules serve``: a ``patient-view`` call with full prefetch (the shipped
  suspected-DVT example), each with its own ES384 token (``--alg RS384`` for
  comparison), so every call verifies a signature, records its ``jti`` and its cards
  in SQLite, reads, assesses and answers;
* a bare Starlette endpoint doing the same JSON round trip: it parses the same request
  body with orjson and serialises, with orjson, the service's answer (the same bytes).

Fairness: the two servers run at the same time and the load goes to them in
alternating rounds (service, bare, bare, service, ...), so a change in the machine's
load during the run (it is shared) weighs on both alike; and both get the same
concurrency, the same process count and uvicorn's same event loop and HTTP parser.
With 16 calls in flight on one process, a call's latency is mostly its wait behind
the others (p50 is about 16 times the time one call costs the server), so the p50
ratio is the ratio of the cost per call.  The latency of one call at a time (nothing
queued) is reported too, beside it, for what a single clinician waits.

Reported for each: throughput, p50 and p99 latency and errors; the CPU time each
server spent per call under the load (its processes' user + system time from Linux's
/proc, which the machine's other load does not inflate much, unlike latency); then the
p50 ratio (target: within 2x of bare, 0 errors).  The bare endpoint's p50 is mostly
the load generator's own cost (one Python client in this process), so the p50 ratio
is smaller than the CPU ratio; the load generator's own CPU per call is reported too.
After the load, ``service_stages.py`` times the stages of a call in this process
(token, request, prefetch, read, assess, cards, record, answer), then the whole app
through its ASGI interface (the stages plus Starlette, the worker thread, the endpoint),
and what the server's CPU per call leaves beyond the app (uvicorn's HTTP).  Numbers are
reported, never asserted.  The
fake EHR of the test suite signs the tokens and serves its key set.

Run: ``python benchmarks/service.py [REQUESTS] [CONCURRENCY] [--workers N] [--stage-calls N]
[--alg ES384|RS384]``.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import runpy
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the fake EHR lives with the tests

from tests.cdshooks.conftest import SERVICE, full_prefetch, hook_request  # noqa: E402
from tests.cdshooks.ehr import FakeEHR, LoopbackServer, example_resources  # noqa: E402

WARM_UP = 50
ROUNDS = 10  # the load is cut into this many rounds per server, alternating
SINGLE = 100  # calls one at a time, per server, for the unqueued latency
STAGE_CALLS = 300  # calls timed stage by stage in this process, after the load
# The stage breakdown (its own script, also runnable alone).
STAGES = runpy.run_path(str(Path(__file__).with_name("service_stages.py")))
TOKEN_LIFETIME = 3600
# The bare endpoint, as a module uvicorn imports (in each worker, when there are several).
BARE_APP = """
import os, orjson
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

answer = None  # the service's answer, parsed on the first call (the warm-up)

async def endpoint(request):
    global answer
    orjson.loads(await request.body())
    if answer is None:
        with open(os.environ["BARE_ANSWER"], "rb") as handle:
            answer = orjson.loads(handle.read())
    # Serialised on every call, as the service serialises its cards.
    return Response(orjson.dumps(answer), media_type="application/json")

app = Starlette(routes=[Route("/cds-services/legrules-leg-pain", endpoint, methods=["POST"])])
"""


def _port(url: str) -> str:
    return url.rsplit(":", 1)[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of process *pid* and its descendants, from Linux's /proc.

    ``None`` where there is no /proc (the line is then left out of the report).
    """
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
        children: list[int] = []
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                children += [int(c) for c in handle.read().split()]
    except (OSError, ValueError, IndexError):
        return None
    total = ticks / os.sysconf("SC_CLK_TCK")
    for child in children:
        more = _cpu_seconds(child)
        total += more or 0.0
    return total


@contextmanager
def _process(command: list[str], url: str, env: dict[str, str]) -> Iterator[int]:
    """Run *command* until *url* answers, giving its pid; stop it afterwards."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{command[:3]} did not start") from None
                time.sleep(0.1)
        yield process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


async def _load(
    base: str, body: bytes, tokens: list[str], concurrency: int
) -> tuple[list[float], int, float]:
    """Send one request per token, *concurrency* at a time: latencies, errors, seconds."""
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
        return latencies, errors, time.perf_counter() - start


def _summary(latencies: list[float], errors: int, seconds: float) -> dict[str, Any]:
    latencies = sorted(latencies)
    return {
        "throughput": len(latencies) / seconds,
        "p50": statistics.median(latencies) * 1e3,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1e3,
        "errors": errors,
        "n": len(latencies),
    }


def _interleaved(
    targets: dict[str, tuple[str, int, list[str]]], body: bytes, concurrency: int, rounds: int
) -> dict[str, dict[str, Any]]:
    """The tokens of each target ``(url, pid, tokens)`` sent in *rounds* rounds, alternating.

    The order flips every round (A B, B A, A B, ...), so neither target always runs
    right after the other.  Each summary also holds the server's CPU time per call.
    """
    totals: dict[str, tuple[list[float], int, float]] = {name: ([], 0, 0.0) for name in targets}
    cpu, own = dict.fromkeys(targets, 0.0), dict.fromkeys(targets, 0.0)
    names = list(targets)
    for index in range(rounds):
        for name in names if index % 2 == 0 else names[::-1]:
            base, pid, tokens = targets[name]
            share = tokens[index * len(tokens) // rounds : (index + 1) * len(tokens) // rounds]
            before, client = _cpu_seconds(pid), time.process_time()
            latencies, errors, seconds = asyncio.run(_load(base, body, share, concurrency))
            after = _cpu_seconds(pid)
            cpu[name] += after - before if after is not None and before is not None else math.nan
            own[name] += time.process_time() - client
            done = totals[name]
            totals[name] = (done[0] + latencies, done[1] + errors, done[2] + seconds)
    summaries = {name: _summary(*totals[name]) for name in names}
    for name in names:
        summaries[name]["cpu_ms"] = cpu[name] * 1e3 / max(1, summaries[name]["n"])
        summaries[name]["client_cpu_ms"] = own[name] * 1e3 / max(1, summaries[name]["n"])
    return summaries


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


_NAMES = {
    "service": "legrules serve (patient-view, full prefetch)",
    "bare": "bare Starlette JSON round trip",
}


def _report(
    setup: dict[str, Any],
    results: dict[str, dict[str, Any]],
    single: dict[str, dict[str, Any]],
    stages: dict[str, float] | None,
) -> None:
    plural = "es" if setup["workers"] > 1 else ""
    print(
        f"{setup['requests']} requests, {setup['concurrency']} concurrent, over loopback, "
        f"{setup['workers']} worker process{plural} each, {ROUNDS} alternating rounds, "
        f"{setup['alg']} tokens (request {setup['sizes'][0]} bytes, "
        f"answer {setup['sizes'][1]} bytes; "
        f"load average {setup['load'][0]:.2f} before, {setup['load'][1]:.2f} after)"
    )
    for key, name in _NAMES.items():
        r = results[key]
        print(
            f"{name:<46} {r['throughput']:8.1f} req/s  p50 {r['p50']:7.2f} ms  "
            f"p99 {r['p99']:7.2f} ms  errors {r['errors']}"
        )
    for key in _NAMES:
        r = single[key]
        print(f"one call at a time, {key:<7} p50 {r['p50']:7.2f} ms  p99 {r['p99']:7.2f} ms")
    service_cpu, bare_cpu = results["service"]["cpu_ms"], results["bare"]["cpu_ms"]
    if not math.isnan(service_cpu + bare_cpu):
        # The kernel counts CPU in clock ticks (10 ms): a short load may leave bare at 0.
        times = f"{service_cpu / bare_cpu:.2f}x" if bare_cpu else "bare under one clock tick"
        print(
            f"server CPU per call under load: service {service_cpu:.2f} ms, "
            f"bare {bare_cpu:.2f} ms ({times})"
        )
    print(
        "load generator CPU per call (this process, httpx): "
        f"with the service {results['service']['client_cpu_ms']:.2f} ms, "
        f"with bare {results['bare']['client_cpu_ms']:.2f} ms"
    )
    if stages is not None:
        STAGES["report"](stages, None if math.isnan(service_cpu) else service_cpu)
    print(
        "throughput ratio bare/service: "
        f"{results['bare']['throughput'] / results['service']['throughput']:.2f}x"
    )
    ratio = results["service"]["p50"] / results["bare"]["p50"]
    verdict = "met" if ratio <= 2 and results["service"]["errors"] == 0 else "NOT met"
    print(f"p50 ratio service/bare: {ratio:.2f}x (target <= 2x with 0 errors: {verdict})")


def _start(stack: ExitStack, work: Path, ehr: FakeEHR, workers: int) -> dict[str, tuple[str, int]]:
    """Start ``legrules serve`` and the bare endpoint, *workers* processes each.

    Returns each one's URL and pid.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGRULES_CDS_")}
    urls = {name: f"http://127.0.0.1:{_free_port()}" for name in _NAMES}
    serve = [sys.executable, "-m", "legrules.cli", "serve", "--port", _port(urls["service"])]
    serve += ["--config", str(_config(work, urls["service"], ehr)), "--log-level", "warning"]
    service = stack.enter_context(
        _process([*serve, "--workers", str(workers)], urls["service"] + "/cds-services", env)
    )
    (work / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
    bare = [sys.executable, "-m", "uvicorn", "bare_app:app", "--app-dir", str(work)]
    bare += ["--port", _port(urls["bare"]), "--log-level", "warning", "--workers", str(workers)]
    bare_env = {**env, "BARE_ANSWER": str(work / "answer.json")}
    pid = stack.enter_context(_process(bare, urls["bare"] + "/cds-services", bare_env))
    return {"service": (urls["service"], service), "bare": (urls["bare"], pid)}


def main(
    requests: int = 2000,
    concurrency: int = 16,
    workers: int = 1,
    single: int = SINGLE,
    stage_calls: int = STAGE_CALLS,
    alg: str = "ES384",
) -> dict[str, Any]:
    ehr = FakeEHR(example_resources())
    work = Path(tempfile.mkdtemp(prefix="legrules-bench-"))
    count = WARM_UP + single + requests
    with LoopbackServer(ehr.app) as ehr_server, ExitStack() as stack:
        ehr.base = ehr_server.url
        servers = _start(stack, work, ehr, workers)
        body = orjson.dumps(hook_request(ehr, prefetch=full_prefetch(ehr), fhir=False))
        now = int(time.time())
        aud = servers["service"][0] + SERVICE
        tokens = [
            ehr.token(aud, alg=alg, iat=now, exp=now + TOKEN_LIFETIME) for _ in range(count + 1)
        ]
        headers = {"Authorization": f"Bearer {tokens.pop()}", "Content-Type": "application/json"}
        answer = httpx.post(aud, content=body, headers=headers).content
        (work / "answer.json").write_bytes(answer)  # before the bare endpoint's first call
        # The bare endpoint takes any token; it gets the same number of the same size.
        for url, _ in servers.values():
            asyncio.run(_load(url, body, tokens[:WARM_UP], concurrency))
        load = os.getloadavg()[0]
        alone_tokens, loaded_tokens = tokens[WARM_UP : WARM_UP + single], tokens[WARM_UP + single :]
        alone = _interleaved(
            {n: (u, pid, alone_tokens) for n, (u, pid) in servers.items()}, body, 1, 2
        )
        results = _interleaved(
            {n: (u, pid, loaded_tokens) for n, (u, pid) in servers.items()},
            body,
            concurrency,
            ROUNDS,
        )
        stages = STAGES["stages"](ehr, stage_calls, alg=alg) if stage_calls else None
    setup = {
        "requests": requests,
        "concurrency": concurrency,
        "workers": workers,
        "alg": alg,
        "sizes": (len(body), len(answer)),
        "load": (load, os.getloadavg()[0]),
    }
    _report(setup, results, alone, stages)
    return {"setup": setup, "loaded": results, "single": alone, "stages": stages}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("requests", nargs="?", type=int, default=2000)
    parser.add_argument("concurrency", nargs="?", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers of each server")
    parser.add_argument(
        "--stage-calls", type=int, default=STAGE_CALLS, help="calls timed by stage (0: none)"
    )
    parser.add_argument("--alg", choices=STAGES["ALGORITHMS"], default="ES384", help="tokens")
    arguments = parser.parse_args()
    main(
        arguments.requests,
        arguments.concurrency,
        arguments.workers,
        stage_calls=arguments.stage_calls,
        alg=arguments.alg,
    )
