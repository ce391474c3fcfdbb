"""How fast the FHIR reader is, against orjson alone and fhir.resources validation.

    python benchmarks/fhir_read.py                 # 100,000 Observations, ratios
    python benchmarks/fhir_read.py --count 2000    # a quick run
    python benchmarks/fhir_read.py --memory        # peak RSS on 50 MB and 200 MB NDJSON

The same generated NDJSON lines are timed in one process: ``orjson.loads`` of every
line (the floor), legrules' reader (parse, check the elements it needs, group by
patient, build presentations of the checked facts) with the grouping a caller gets by
default for NDJSON (``spill``: any order, bounded memory) and with ``grouping="contiguous"``
(input known to be grouped by patient), and fhir.resources R4B
``Observation.model_validate`` on a sample of the parsed lines (scaled to a rate).
Each is timed ``--repeat`` times (default 3) and the best run kept, as ``timeit``
does, so that a busy machine does not decide the ratios.
Targets: the reader at least 20x faster than fhir.resources, within 4x of orjson alone.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import orjson

from legrules.fhir import read_presentations

AS_OF = datetime(2026, 11, 20, 10, tzinfo=UTC)
CODES = [
    ("8867-4", "/min", 72.0),
    ("8310-5", "Cel", 37.1),
    ("59408-5", "%", 97.0),
    ("9279-1", "/min", 16.0),
    ("48065-7", "ng/mL", 420.0),
]
PER_PATIENT = 10


def lines(count: int) -> Iterator[bytes]:
    """*count* Observations as NDJSON lines, ten per patient, patients adjacent."""
    for index in range(count):
        code, unit, value = CODES[index % len(CODES)]
        observation = {
            "resourceType": "Observation",
            "id": f"obs-{index}",
            "meta": {"lastUpdated": "2026-11-20T09:30:00Z"},
            "status": "final",
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                            "code": "vital-signs",
                        }
                    ]
                }
            ],
            "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
            "subject": {"reference": f"Patient/p{index // PER_PATIENT}"},
            "effectiveDateTime": "2026-11-20T09:00:00Z",
            "valueQuantity": {
                "value": value,
                "unit": unit,
                "system": "http://unitsofmeasure.org",
                "code": unit,
            },
        }
        yield orjson.dumps(observation) + b"\n"


def timed(label: str, count: int, run: Callable[[], object], repeat: int) -> float:
    """Observations per second of *run*, best of *repeat* runs."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    rate = count / best
    print(f"  {label:<38} {rate:>12,.0f} Observations/s  ({best:.2f} s for {count:,})")
    return rate


def verdict(ratio: float, target: float, faster: bool) -> str:
    met = ratio >= target if faster else ratio <= target
    return "target met" if met else "target missed"


def speed(count: int, sample: int, repeat: int = 3) -> dict[str, float]:
    data = list(lines(count))
    blob = b"".join(data)
    print(f"{count:,} Observations, {len(blob) / 1e6:.1f} MB of NDJSON, best of {repeat} runs")

    def parse_only() -> None:
        for line in data:
            orjson.loads(line)

    def ours(grouping: str | None) -> Callable[[], None]:
        def run() -> None:
            results = read_presentations(io.BytesIO(blob), as_of=AS_OF, grouping=grouping)  # type: ignore[arg-type]
            for _ in results:
                pass

        return run

    from fhir.resources.R4B.observation import Observation

    parsed = [orjson.loads(line) for line in data[:sample]]

    def validate() -> None:
        for item in parsed:
            Observation.model_validate(item)

    rates = {
        "orjson": timed("orjson.loads alone", count, parse_only, repeat),
        "ours": timed("legrules reader (default: spill)", count, ours(None), repeat),
        "contiguous": timed("legrules reader (contiguous)", count, ours("contiguous"), repeat),
        "fhir.resources": timed(
            f"fhir.resources R4B (sample {sample:,})", len(parsed), validate, repeat
        ),
    }
    for name, key in (("reader", "ours"), ("contiguous reader", "contiguous")):
        faster = rates[key] / rates["fhir.resources"]
        slower = rates["orjson"] / rates[key]
        print(
            f"  {name} vs fhir.resources validation: {faster:.1f}x faster "
            f"({verdict(faster, 20, True)}: 20x)"
        )
        print(
            f"  {name} vs orjson.loads alone: {slower:.2f}x slower "
            f"({verdict(slower, 4, False)}: 4x)"
        )
    return rates


def write_file(path: Path, megabytes: int) -> int:
    written = count = 0
    with path.open("wb") as out:
        for line in lines(10**9):
            out.write(line)
            written += len(line)
            count += 1
            if written >= megabytes * 1_000_000:
                return count
    return count  # pragma: no cover


def measure(path: str, grouping: str) -> None:
    """Read *path* and print this process's peak resident memory (run in a child)."""
    results = read_presentations(path, as_of=AS_OF, grouping=grouping)  # type: ignore[arg-type]
    patients = sum(1 for _ in results)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{patients} {peak_kb}")


def memory(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for megabytes in sizes:
            path = Path(folder) / f"{megabytes}.ndjson"
            count = write_file(path, megabytes)
            for grouping in ("contiguous", "spill"):
                command = [sys.executable, __file__, "--measure", str(path), "--grouping", grouping]
                output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
                patients, peak_kb = output.split()
                print(
                    f"  {megabytes:>4} MB ({count:,} Observations, {int(patients):,} patients), "
                    f"{grouping:<10}: peak RSS {int(peak_kb) / 1024:.0f} MB"
                )
            os.remove(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument(
        "--sample", type=int, default=5_000, help="Observations fhir.resources validates"
    )
    parser.add_argument("--memory", action="store_true", help="peak RSS on 50 and 200 MB files")
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200], help="MB, with --memory")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--grouping", default="contiguous", help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=3, help="runs per rate; the best is kept")
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.grouping)
    elif args.memory:
        memory(args.sizes)
    else:
        speed(args.count, min(args.sample, args.count), max(1, args.repeat))


if __name__ == "__main__":
    main()
