"""``legrules assess`` end to end over NDJSON, against the parse floor and fhir.resources.

    python benchmarks/end_to_end.py                          # 1,000 patients, 3 repeats
    python benchmarks/end_to_end.py --patients 1000 10000    # the sizes of issue 11
    python benchmarks/end_to_end.py --patients 200 --repeat 1 --per-patient 20  # quick

Writes, per size, an NDJSON file of Observations grouped by patient (``--per-patient``
each: vital signs as valueQuantity, within and outside the look-back windows, and
findings as valueBoolean), and the same lines shuffled, and times, in the same run:

* the CLI, ``python -m legrules.cli assess FILE --format json``, as a child process
  over each file (wall time, and its peak resident memory from the operating system's
  accounting);
* the parse floor: ``orjson.loads`` of every line, in this process;
* fhir.resources R4B ``Observation.model_validate`` of a sample of the parsed lines,
  scaled to the whole file.

Each is run ``--repeat`` times; the minimum and the median are printed.  Targets: the
CLI >= 10x faster than fhir.resources validation and <= 8x the parse floor; shuffled
input within 1.5x of grouped input; peak memory under 64 MB at every size.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

AS_OF = "2026-11-20T10:00:00+00:00"
OWN = "https://legrules.org/fhir/CodeSystem/finding"
LOINC = "http://loinc.org"
VITALS = [
    ("8867-4", "/min", 72.0),
    ("8310-5", "Cel", 37.1),
    ("59408-5", "%", 97.0),
    ("9279-1", "/min", 16.0),
    ("48065-7", "ng/mL", 420.0),
]
FINDINGS = ["leg-pain", "dyspnea", "fever", "deep-vein-tenderness", "leg-swelling"]
WHEN = ["2026-11-20T09:00:00Z", "2026-11-19T08:00:00Z", "2025-06-01T08:00:00Z"]


def observation(patient: int, index: int) -> dict[str, Any]:
    """The *index*-th Observation of *patient*: a vital sign or a yes/no finding."""
    body: dict[str, Any] = {
        "resourceType": "Observation",
        "id": f"o{patient}-{index}",
        "status": "final",
        "subject": {"reference": f"Patient/p{patient}"},
        "effectiveDateTime": WHEN[(patient + index) % len(WHEN)],
    }
    if index % 2:
        code, unit, value = VITALS[index // 2 % len(VITALS)]
        body["code"] = {"coding": [{"system": LOINC, "code": code}]}
        body["valueQuantity"] = {
            "value": value + (patient % 7) * 0.1,
            "unit": unit,
            "system": "http://unitsofmeasure.org",
            "code": unit,
        }
    else:
        body["code"] = {"coding": [{"system": OWN, "code": FINDINGS[index // 2 % len(FINDINGS)]}]}
        body["valueBoolean"] = (patient + index) % 3 == 0
    return body


def lines(patients: int, per_patient: int) -> Iterator[bytes]:
    """Every Observation of every patient, one NDJSON line each, patients grouped."""
    for patient in range(patients):
        for index in range(per_patient):
            yield orjson.dumps(observation(patient, index)) + b"\n"


#: Runs its arguments and prints the child's peak resident memory in KB.  The CLI is
#: started from this small process, because a child forked from the benchmark itself
#: counts the benchmark's resident pages (the lines it holds) in its own peak.
_PEAK = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n"
)


def cli(path: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one ``legrules assess`` run over *path*."""
    command = [sys.executable, "-c", _PEAK, sys.executable, "-m", "legrules.cli", "assess"]
    command += [str(path), "--format", "json", "--as-of", AS_OF]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        error = done.stderr.decode()
        raise SystemExit(f"legrules assess failed ({done.returncode}): {error}")
    return wall, int(done.stdout) / 1024


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def summary(values: list[float]) -> str:
    return f"{min(values):8.2f} / {statistics.median(values):8.2f}"


def measure(patients: int, per_patient: int, repeat: int, sample: int) -> None:
    """Print the CLI's time and memory against the floors for one file."""
    from fhir.resources.R4B.observation import Observation

    data = list(lines(patients, per_patient))
    parsed = [orjson.loads(line) for line in data[:sample]]
    scale = len(data) / len(parsed)
    shuffled = list(data)
    random.Random(patients).shuffle(shuffled)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "observations.ndjson"
        path.write_bytes(b"".join(data))
        mixed = Path(folder) / "shuffled.ndjson"
        mixed.write_bytes(b"".join(shuffled))
        size = path.stat().st_size / 1e6
        walls: list[float] = []
        peaks: list[float] = []
        shuffled_walls: list[float] = []
        shuffled_peaks: list[float] = []
        floors: list[float] = []
        validations: list[float] = []
        for _ in range(repeat):
            wall, peak = cli(path)
            walls.append(wall)
            peaks.append(peak)
            wall, peak = cli(mixed)
            shuffled_walls.append(wall)
            shuffled_peaks.append(peak)
            floors.append(timed(lambda: [orjson.loads(line) for line in data]))
            validations.append(
                scale * timed(lambda: [Observation.model_validate(p) for p in parsed])
            )
    print(
        f"{patients:,} patients, {len(data):,} Observations ({size:.0f} MB, grouped), "
        f"{repeat} runs (min / median)"
    )
    print(f"  legrules assess (CLI)        {summary(walls)} s   peak {summary(peaks)} MB")
    print(
        f"  legrules assess, shuffled    {summary(shuffled_walls)} s   "
        f"peak {summary(shuffled_peaks)} MB"
    )
    print(f"  orjson.loads (parse floor)   {summary(floors)} s")
    print(f"  fhir.resources validation    {summary(validations)} s  (sample {len(parsed):,})")
    slower = [w / f for w, f in zip(walls, floors, strict=True)]
    faster = [v / w for w, v in zip(walls, validations, strict=True)]
    print(f"  CLI / parse floor:           {summary(slower)} x  (target <= 8x)")
    print(f"  fhir.resources / CLI:        {summary(faster)} x  (target >= 10x)")
    mixing = [m / w for w, m in zip(walls, shuffled_walls, strict=True)]
    print(f"  shuffled / grouped:          {summary(mixing)} x  (target <= 1.5x)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, nargs="+", default=[1000])
    parser.add_argument("--per-patient", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=5000, help="lines fhir.resources checks")
    args = parser.parse_args(argv)
    for patients in args.patients:
        measure(patients, args.per_patient, args.repeat, args.sample)


if __name__ == "__main__":
    main()
