"""``legrules assess`` end to end over NDJSON, against the parse floor and fhir.resources.

    python benchmarks/end_to_end.py                          # 1,000 patients, 3 repeats
    python benchmarks/end_to_end.py --patients 1000 10000    # the sizes of issue 11
    python benchmarks/end_to_end.py --patients 200 --repeat 1 --per-patient 20  # quick

Writes, per size, an NDJSON file of Observations grouped by patient (``--per-patient``
each: vital signs as valueQuantity, within and outside the look-back windows, and
findings as valueBoolean), and the same lines shuffled, and times, in the same run:

* the CLI, ``python -m legrules.cli assess FILE --format json``, as a child process
  over each file (wall time, CPU time, and its peak resident memory from the operating
  system's accounting);
* the parse floor: every line of the file read and parsed with ``orjson.loads``, one
  at a time and dropped, in this process: the least any streaming reader does.  (An
  earlier version kept all the parsed lines in one list, which made the floor several
  times slower than parsing itself, by the garbage collector walking them all.)
* fhir.resources: what a user validating the export would do, each line parsed into
  its R4B model, ``Observation.model_validate_json(line)``, for a sample of the lines,
  scaled to the whole file.  (``model_validate_json`` is the faster of the two ways
  pydantic offers; validating already parsed dicts costs about a fifth more.)

* the stages, in this process over the same grouped file: reading (NDJSON lines to
  presentations: parsing, grouping by patient, the spill, assembling), ``assess()``,
  building the trace (materialised when written), and writing (the compact assessment
  document); and the CLI's start-up, twice: ``import legrules.cli`` in a fresh
  interpreter, and the CLI run over the first patient's lines alone (CPU: interpreter,
  imports, the command's parser, compiling the rule set, one assessment written), which
  is what every run pays beyond its patients.  Each is printed per patient of the file
  (start-up spread over them) and against the parse floor of the same lines.  (The
  second start-up figure was added when the CLI stopped importing every command's
  module at ``import legrules.cli``: importing alone no longer shows what starting
  ``legrules assess`` costs.)

Each is run ``--repeat`` times; the minimum and the median are printed, as wall time
and as CPU time (on a shared machine the CPU ratios move less with the load).
Targets: the CLI >= 10x faster than fhir.resources validation and <= 8x the parse
floor; shuffled input within 1.5x of grouped input; peak memory under 64 MB at every
size.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime
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


#: Runs its arguments and prints the child's peak resident memory in KB and its CPU
#: seconds.  The CLI is started from this small process, because a child forked from
#: the benchmark itself counts the benchmark's resident pages (the lines it holds) in
#: its own peak.
_PEAK = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(use.ru_maxrss, use.ru_utime + use.ru_stime)\n"
    "sys.exit(code)\n"
)


#: The children may keep compiled bytecode, as an installed package has it: with
#: ``PYTHONDONTWRITEBYTECODE`` set (as in some sandboxes) every start of an editable
#: install compiles its sources again, some 100 ms that no user pays.
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def cli(path: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one ``legrules assess`` over *path*."""
    command = [sys.executable, "-c", _PEAK, sys.executable, "-m", "legrules.cli", "assess"]
    command += [str(path), "--format", "json", "--as-of", AS_OF]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, check=False, env=_ENV)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        error = done.stderr.decode()
        raise SystemExit(f"legrules assess failed ({done.returncode}): {error}")
    peak, cpu = done.stdout.split()
    return wall, float(cpu), int(peak) / 1024


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of *run* in this process."""
    start, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - start, time.process_time() - cpu


def parse_floor(path: Path) -> None:
    """Read *path* line by line and parse each line, keeping none."""
    with path.open("rb") as handle:
        for line in handle:
            orjson.loads(line)


def stages(path: Path) -> dict[str, float]:
    """CPU seconds of each stage of ``legrules assess --format json`` over *path*."""
    from legrules.engine import assess
    from legrules.fhir import read_presentations
    from legrules.model.assessment_json import dumps_assessment

    as_of = datetime.fromisoformat(AS_OF)
    clock = time.process_time
    spent = dict.fromkeys(("read", "assess", "trace", "write"), 0.0)
    results = iter(read_presentations(path, as_of=as_of))
    while True:
        start = clock()
        read = next(results, None)
        done = clock()
        spent["read"] += done - start
        if read is None:
            return spent
        result = assess(read.presentation, as_of=as_of)
        assessed = clock()
        len(result.trace)  # the trace, built when first read (the writer reads it)
        traced = clock()
        dumps_assessment(result)
        spent["write"] += clock() - traced
        spent["trace"] += traced - assessed
        spent["assess"] += assessed - done


def startup() -> tuple[float, float]:
    """Wall and CPU seconds of a fresh interpreter importing the CLI."""
    code = "import legrules.cli, resource; use = resource.getrusage(resource.RUSAGE_SELF)\n"
    code += "print(use.ru_utime + use.ru_stime)"
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, env=_ENV)
    return time.perf_counter() - start, float(done.stdout)


def summary(values: list[float]) -> str:
    return f"{min(values):8.2f} / {statistics.median(values):8.2f}"


#: What each repeat measures, wall and CPU seconds (peaks in MB for the CLI runs).
Runs = dict[str, list[float]]


def measure(patients: int, per_patient: int, repeat: int, sample: int) -> None:
    """Print the CLI's time and memory against the floors for one file."""
    from fhir.resources.R4B.observation import Observation

    data = list(lines(patients, per_patient))
    checked = data[:sample]
    scale = len(data) / len(checked)
    shuffled = list(data)
    random.Random(patients).shuffle(shuffled)
    runs: Runs = {}

    def note(name: str, *values: float) -> None:
        for suffix, value in zip(("", " cpu", " peak"), values, strict=False):
            runs.setdefault(name + suffix, []).append(value)

    def validate() -> None:
        for line in checked:
            Observation.model_validate_json(line)

    startup()  # compiles and caches the bytecode, so that no run below pays for it
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "observations.ndjson"
        path.write_bytes(b"".join(data))
        mixed = Path(folder) / "shuffled.ndjson"
        mixed.write_bytes(b"".join(shuffled))
        first = Path(folder) / "first.ndjson"
        first.write_bytes(b"".join(data[:per_patient]))
        del shuffled
        size = path.stat().st_size / 1e6
        for _ in range(repeat):
            note("cli", *cli(path))
            note("shuffled", *cli(mixed))
            note("floor", *timed(lambda: parse_floor(path)))
            wall, cpu = timed(validate)
            note("fhir", scale * wall, scale * cpu)
            for stage, cpu in stages(path).items():
                note("stage " + stage, cpu)
            note("startup", *startup())
            note("first patient", *cli(first))
    report(runs, patients, len(data), size, (repeat, len(checked)))
    report_stages(runs, patients)


def report(runs: Runs, patients: int, count: int, size: float, how: tuple[int, int]) -> None:
    """Print the figures and the ratios of one size, wall time and CPU time."""
    repeat, sample = how
    print(
        f"{patients:,} patients, {count:,} Observations ({size:.0f} MB, grouped), "
        f"{repeat} runs (min / median; wall, then CPU)"
    )
    for name, title in (
        ("cli", "legrules assess (CLI)     "),
        ("shuffled", "legrules assess, shuffled "),
    ):
        print(
            f"  {title}   {summary(runs[name])} s  cpu {summary(runs[name + ' cpu'])} s"
            f"   peak {summary(runs[name + ' peak'])} MB"
        )
    for name, title in (
        ("floor", "orjson.loads (parse floor)"),
        ("fhir", "fhir.resources validation "),
    ):
        print(f"  {title}   {summary(runs[name])} s  cpu {summary(runs[name + ' cpu'])} s")
    print(f"  (fhir.resources validated {sample:,} lines, scaled to the file)")
    for title, top, bottom, target in (
        ("CLI / parse floor:      ", "cli", "floor", "<= 8x"),
        ("fhir.resources / CLI:   ", "fhir", "cli", ">= 10x"),
        ("shuffled / grouped:     ", "shuffled", "cli", "<= 1.5x"),
    ):
        wall = [a / b for a, b in zip(runs[top], runs[bottom], strict=True)]
        cpu = [a / b for a, b in zip(runs[top + " cpu"], runs[bottom + " cpu"], strict=True)]
        print(f"  {title}     {summary(wall)} x  cpu {summary(cpu)} x  (target {target})")


def report_stages(runs: Runs, patients: int) -> None:
    """Print where the CLI's time goes: each stage per patient, and against the floor."""
    floor = runs["floor cpu"]
    print("  stages, in process (CPU; per patient, then / parse floor of the same lines):")
    for name, title in (
        ("stage read", "reading (parse, group, spill, assemble)"),
        ("stage assess", "assess()                               "),
        ("stage trace", "trace (built when written)             "),
        ("stage write", "writing (compact JSON document)        "),
        ("startup cpu", "start-up (import legrules.cli)         "),
        ("first patient cpu", "start-up (the CLI over one patient)    "),
    ):
        each = [1e6 * value / patients for value in runs[name]]
        ratio = [value / base for value, base in zip(runs[name], floor, strict=True)]
        print(f"    {title}  {summary(each)} us  {summary(ratio)} x")


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
