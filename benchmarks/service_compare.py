"""Two or more builds of the CDS Hooks service side by side, under the same load.

A change to the service is best judged against the build before it in the same run:
on a shared machine the load moves so much between two runs of ``service.py`` that
its ratios can swing by a third.  Here each build (a ``src`` folder put first on the
path, e.g. one unpacked with ``git archive``) runs as its own ``legrules serve`` (one
worker), all at once, and the load goes to them in alternating rounds (A B, B A, ...)
of calls 16 at a time, the same ``patient-view`` call with full prefetch as
``service.py``.  During each round a discovery GET is made every 20 ms, to see how
long the light calls wait beside the queued assessments.

Reported per build: server CPU per call (median and best of the rounds), the median of
the rounds' p50 latencies, and the discovery calls' p50 and p90.

Run: ``python benchmarks/service_compare.py NAME=SRC [NAME=SRC ...] [--requests N]
[--rounds N]``, for instance, the last commit against the working tree::

    mkdir -p /tmp/before && git archive HEAD src | tar -x -C /tmp/before
    python benchmarks/service_compare.py before=/tmp/before/src after=src
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import runpy
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the fake EHR lives with the tests

from tests.cdshooks.conftest import SERVICE, full_prefetch, hook_request  # noqa: E402
from tests.cdshooks.ehr import FakeEHR, LoopbackServer, example_resources  # noqa: E402

LOAD = runpy.run_path(str(Path(__file__).with_name("service.py")))
CONCURRENCY, WARM_UP, PROBE_SECONDS = 16, 60, 0.02


async def _probed(url: str, body: bytes, tokens: list[str]) -> tuple[Any, list[float]]:
    """One round of load on *url*, with a discovery GET every 20 ms while it runs."""
    waits: list[float] = []

    async def probe() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            while True:
                await asyncio.sleep(PROBE_SECONDS)
                start = time.perf_counter()
                await client.get("/cds-services")
                waits.append(time.perf_counter() - start)

    prober = asyncio.ensure_future(probe())
    try:
        return await LOAD["_load"](url, body, tokens, CONCURRENCY), waits
    finally:
        prober.cancel()


def _serve(stack: ExitStack, ehr: FakeEHR, source: str) -> tuple[str, int]:
    """Start ``legrules serve`` from the build in *source*; its URL and pid."""
    work = Path(tempfile.mkdtemp(prefix="legrules-compare-"))
    url = f"http://127.0.0.1:{LOAD['_free_port']()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGRULES_CDS_")}
    env["PYTHONPATH"] = str(Path(source).resolve())
    command = [sys.executable, "-m", "legrules.cli", "serve", "--port", url.rsplit(":", 1)[1]]
    command += ["--config", str(LOAD["_config"](work, url, ehr)), "--log-level", "warning"]
    ready = url + "/cds-services"
    pid = stack.enter_context(LOAD["_process"]([*command, "--workers", "1"], ready, env))
    return url, int(pid)


def compare(builds: dict[str, str], requests: int, rounds: int) -> dict[str, dict[str, float]]:
    """Serve every build of *builds* (name: src folder) and load them side by side."""
    ehr = FakeEHR(example_resources())
    figures: dict[str, dict[str, list[float]]] = {
        name: {"cpu": [], "p50": [], "discovery": []} for name in builds
    }
    with LoopbackServer(ehr.app) as ehr_server, ExitStack() as stack:
        ehr.base = ehr_server.url
        servers = {name: _serve(stack, ehr, source) for name, source in builds.items()}
        body = orjson.dumps(hook_request(ehr, prefetch=full_prefetch(ehr), fhir=False))
        now = int(time.time())
        tokens = {
            name: [ehr.token(url + SERVICE, iat=now, exp=now + 3600) for _ in range(requests)]
            for name, (url, _) in servers.items()
        }
        for url, _ in servers.values():
            warm = [ehr.token(url + SERVICE, iat=now, exp=now + 3600) for _ in range(WARM_UP)]
            asyncio.run(LOAD["_load"](url, body, warm, CONCURRENCY))
        names = list(servers)
        for index in range(rounds):
            for name in names if index % 2 == 0 else names[::-1]:
                url, pid = servers[name]
                share = tokens[name][index * requests // rounds : (index + 1) * requests // rounds]
                before = LOAD["_cpu_seconds"](pid)
                (latencies, errors, _), waits = asyncio.run(_probed(url, body, share))
                after = LOAD["_cpu_seconds"](pid)
                if errors:
                    raise RuntimeError(f"{name}: {errors} calls failed")
                spent = math.nan if before is None or after is None else after - before
                figures[name]["cpu"].append(spent / len(share))
                figures[name]["p50"].append(statistics.median(latencies))
                figures[name]["discovery"] += waits
    return {name: _summary(values) for name, values in figures.items()}


def _summary(values: dict[str, list[float]]) -> dict[str, float]:
    waits = sorted(values["discovery"]) or [float("nan")]
    return {
        "cpu_ms": statistics.median(values["cpu"]) * 1e3,
        "cpu_best_ms": min(values["cpu"]) * 1e3,
        "p50_ms": statistics.median(values["p50"]) * 1e3,
        "discovery_p50_ms": statistics.median(waits) * 1e3,
        "discovery_p90_ms": waits[int(len(waits) * 0.9)] * 1e3,
    }


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("builds", nargs="+", metavar="NAME=SRC", help="a build's src folder")
    parser.add_argument("--requests", type=int, default=4000, help="calls per build")
    parser.add_argument("--rounds", type=int, default=16, help="alternating rounds")
    arguments = parser.parse_args(argv)
    builds = dict(build.split("=", 1) for build in arguments.builds)
    load = os.getloadavg()[0]
    results = compare(builds, arguments.requests, arguments.rounds)
    print(
        f"{arguments.requests} calls per build, {CONCURRENCY} at a time, in "
        f"{arguments.rounds} alternating rounds (load average {load:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after)"
    )
    for name, r in results.items():
        print(
            f"{name:<12} server CPU per call {r['cpu_ms']:.2f} ms (best round "
            f"{r['cpu_best_ms']:.2f})  p50 {r['p50_ms']:.1f} ms  discovery meanwhile p50 "
            f"{r['discovery_p50_ms']:.1f} ms, p90 {r['discovery_p90_ms']:.1f} ms"
        )
    return results


if __name__ == "__main__":
    main()
