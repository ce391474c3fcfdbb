"""How fast the rule engine assesses presentations, as ratios to baselines in this run.

Baselines, measured in the same process on the same documents:

* ``orjson.loads`` of the presentation document;
* ``load_presentation`` (parse, validate and build the typed model).

Reported: presentations per second for each step and how many times slower than each
baseline a full ``assess`` is.  Run ``python benchmarks/assess_throughput.py [N]``.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson

from legrules import assess, load_presentation
from legrules.model import VOCABULARY, Kind
from legrules.model.documents import dumps

AS_OF = datetime(2026, 11, 20, 10, tzinfo=UTC)


def document(rng: random.Random) -> bytes:
    """A presentation document stating a random half of the vocabulary."""
    findings: list[dict[str, Any]] = []
    measurements: list[dict[str, Any]] = []
    for spec in VOCABULARY.values():
        if rng.random() < 0.5:
            continue
        if spec.kind is Kind.BOOLEAN:
            findings.append({"id": spec.id, "state": rng.choice(("present", "absent"))})
        else:
            unit = spec.accepted_units()[0]
            low, high = spec.range_in(unit)
            value = round(rng.uniform(low, high), 2)
            measurements.append({"id": spec.id, "value": value, "unit": unit})
    body = {
        "patient": {"age": rng.randint(18, 95)},
        "findings": findings,
        "measurements": measurements,
    }
    return dumps(body)


def rate(step: Callable[[bytes], object], documents: list[bytes]) -> float:
    """Documents per second for *step* (best of three passes)."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for item in documents:
            step(item)
        best = min(best, time.perf_counter() - start)
    return len(documents) / best


def main(count: int = 2000) -> None:
    rng = random.Random(20261122)
    documents = [document(rng) for _ in range(count)]
    parse = rate(orjson.loads, documents)
    load = rate(load_presentation, documents)
    full = rate(lambda d: assess(load_presentation(d), as_of=AS_OF), documents)
    print(f"presentations: {count}")
    print(f"orjson.loads       {parse:>12,.0f} /s")
    print(f"load_presentation  {load:>12,.0f} /s")
    print(f"load + assess      {full:>12,.0f} /s")
    print(f"assess is {parse / full:,.0f}x orjson.loads and {load / full:,.1f}x load_presentation")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
