"""assess() latency per presentation, as ratios to ``orjson.loads`` of the same document.

    python benchmarks/assess_latency.py              # 300 presentations a size, 7 repeats
    python benchmarks/assess_latency.py --count 50   # a quick run

For presentations stating 5 and 40 findings, each presentation is timed on its own
(``perf_counter_ns`` around one call) for ``orjson.loads`` of its document, the
compiled ``assess`` and the reference interpreter (``legrules.engine.interpret``, what
``assess`` was before it was compiled).  Per size it reports p50 and p99 in
microseconds, as the minimum and the median over ``--repeat`` passes (the machine is
shared: the minimum is the least disturbed pass), and the ratios against
``orjson.loads`` in the same pass.  Target: assess p50 for 40 findings <= 10x
``orjson.loads``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson

from legrules import load_presentation
from legrules.engine import assess, interpret
from legrules.model import VOCABULARY, Kind
from legrules.model.documents import dumps

AS_OF = datetime(2026, 11, 20, 10, tzinfo=UTC)
BOOLEANS = [s for s in VOCABULARY.values() if s.kind is Kind.BOOLEAN]
QUANTITIES = [s for s in VOCABULARY.values() if s.kind is not Kind.BOOLEAN]


def document(rng: random.Random, size: int) -> bytes:
    """A presentation document stating *size* facts (about one in five a measurement)."""
    chosen = rng.sample(BOOLEANS, size - size // 5) + rng.sample(QUANTITIES, size // 5)
    findings: list[dict[str, Any]] = []
    measurements: list[dict[str, Any]] = []
    for spec in chosen:
        if spec.kind is Kind.BOOLEAN:
            findings.append({"id": spec.id, "state": rng.choice(("present", "absent"))})
        else:
            unit = spec.accepted_units()[0]
            low, high = spec.range_in(unit)
            measurements.append({"id": spec.id, "value": rng.uniform(low, high), "unit": unit})
    body = {
        "patient": {"age": rng.randint(18, 95)},
        "findings": findings,
        "measurements": measurements,
    }
    return dumps(body)


def percentiles(step: Callable[[Any], object], items: list[Any]) -> tuple[float, float]:
    """p50 and p99 of one call of *step* per item, in microseconds."""
    times = []
    for item in items:
        start = time.perf_counter_ns()
        step(item)
        times.append((time.perf_counter_ns() - start) / 1000)
    times.sort()
    return times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))]


def measure(size: int, count: int, repeat: int) -> None:
    """Print p50/p99 and ratios for presentations of *size* facts."""
    rng = random.Random(20261204 + size)
    documents = [document(rng, size) for _ in range(count)]
    presentations = [load_presentation(d) for d in documents]
    steps: dict[str, tuple[Callable[[Any], object], list[Any]]] = {
        "orjson.loads": (orjson.loads, documents),
        "assess": (lambda p: assess(p, as_of=AS_OF), presentations),
        "interpreter": (lambda p: interpret(p, as_of=AS_OF), presentations),
    }
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in steps}
    ratios: dict[str, list[float]] = {"assess": [], "interpreter": []}
    for _ in range(repeat):
        for name, (step, items) in steps.items():
            runs[name].append(percentiles(step, items))
        floor = runs["orjson.loads"][-1][0]
        for name in ratios:
            ratios[name].append(runs[name][-1][0] / floor)
    print(f"{size} findings, {count} presentations, {repeat} passes (min / median)")
    for name, results in runs.items():
        p50 = [r[0] for r in results]
        p99 = [r[1] for r in results]
        print(
            f"  {name:<13} p50 {min(p50):>9.1f} / {statistics.median(p50):>9.1f} us"
            f"   p99 {min(p99):>9.1f} / {statistics.median(p99):>9.1f} us"
        )
    for name, values in ratios.items():
        print(
            f"  {name} p50 / orjson.loads p50: "
            f"{min(values):.0f}x / {statistics.median(values):.0f}x"
        )
    speedup = [i / a for (i, _), (a, _) in zip(runs["interpreter"], runs["assess"], strict=True)]
    print(f"  interpreter / assess p50: {max(speedup):.2f}x / {statistics.median(speedup):.2f}x")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300, help="presentations per size")
    parser.add_argument("--repeat", type=int, default=7, help="passes (min and median)")
    args = parser.parse_args(argv)
    for size in (5, 40):
        measure(size, args.count, args.repeat)


if __name__ == "__main__":
    main()
