"""How the population runners scale: wall time and peak memory, ratios in one run.

    python benchmarks/population.py                        # 20,000 and 200,000 patients
    python benchmarks/population.py --patients 2000        # a quick run
    python benchmarks/population.py --patients 20000 --no-spark
    python benchmarks/population.py --patients 20000 --no-spark --no-serial  # runners only

For each population size, a generated bulk export (``examples/data/make_bulk_export.py``:
several files per type, every file's lines shuffled; and the same people sorted by
patient) is assessed by:

* the serial CLI, ``legrules assess`` on the export as one NDJSON file, shuffled and
  sorted (the reader's spill read-back: shuffled should be within 1.5x of sorted);
* the embedded runner, ``legrules population run``, at 1 and 2 workers on the shuffled
  folder and at 2 workers on the sorted one;
* the Spark runner in ``local[2]`` (unless ``--no-spark``).

Each command runs in a fresh process; its wall time and the peak resident memory of
the largest of its processes (the main one or any worker) are reported.  Targets:
peak memory under 300 MiB per worker; 2 workers at least 1.7x faster than 1; shuffled
within 1.3x of sorted.  The machine's load average is printed: the ratios mean
something only on a machine that is otherwise idle.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "examples" / "data" / "make_bulk_export.py"
AS_OF = "2026-11-20T10:00:00+00:00"
#: Wall seconds, peak MiB of the largest process, CPU seconds of all processes.
Figures = tuple[float, float, float]
# Run a command and report its wall time, the peak RSS of its largest process and the
# CPU time of all of them: the children's figures cover the workers too (each is waited
# for by its parent).  CPU time barely moves with the machine's load; wall time does.
PROBE = """
import resource, subprocess, sys, time
started = time.perf_counter()
status = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(status, wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime)
"""


def measure(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, peak MiB and CPU seconds of *command* run in a fresh process."""
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable}
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, *command], capture_output=True, text=True, env=env
    )
    status, wall, peak, cpu = probe.stdout.split()
    if status != "0":
        raise SystemExit(f"failed ({status}): {' '.join(command)}\n{probe.stderr[-2000:]}")
    return float(wall), int(peak) / 1024, float(cpu)


def generate(folder: Path, patients: int, *, ordered: bool, single: bool) -> None:
    """Write one export with the generator script."""
    flags = ["--sorted"] if ordered else []
    flags += ["--single-file"] if single else []
    subprocess.run(
        [sys.executable, str(GENERATOR), str(folder), "--patients", str(patients), *flags],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def legrules(*args: str) -> list[str]:
    return [sys.executable, "-m", "legrules.cli", *args]


def one_size(
    patients: int, spark: bool, work: Path, with_serial: bool = True
) -> dict[str, Figures]:
    """Every runner on *patients* patients; label -> (seconds, peak MiB)."""
    data = work / f"p{patients}"
    exports = {
        "shuffled": (data / "shuffled", False, False),
        "sorted": (data / "sorted", True, False),
        "cli-shuffled": (data / "cli-shuffled", False, True),
        "cli-sorted": (data / "cli-sorted", True, True),
    }
    for folder, ordered, single in exports.values():
        generate(folder, patients, ordered=ordered, single=single)
    lines = sum(p.read_bytes().count(b"\n") for p in (data / "shuffled").glob("*.ndjson"))
    print(f"\n{patients:,} patients, {lines:,} lines ({_size(data / 'shuffled')})", flush=True)
    runs: dict[str, list[str]] = {}
    serial = {
        "serial CLI, sorted file": legrules(
            "assess",
            str(data / "cli-sorted" / "export.ndjson"),
            "--format",
            "json",
            "--as-of",
            AS_OF,
        ),
        "serial CLI, shuffled file": legrules(
            "assess",
            str(data / "cli-shuffled" / "export.ndjson"),
            "--format",
            "json",
            "--as-of",
            AS_OF,
        ),
    }
    if with_serial:
        runs.update(serial)
    for label, layout, workers in (
        ("embedded, 1 worker, shuffled", "shuffled", 1),
        ("embedded, 2 workers, shuffled", "shuffled", 2),
        ("embedded, 2 workers, sorted", "sorted", 2),
    ):
        runs[label] = legrules(
            "population",
            "run",
            str(data / layout),
            "--out",
            str(data / f"out-{label}"),
            "--workers",
            str(workers),
            "--as-of",
            AS_OF,
        )
    if spark:
        runs["spark local[2], shuffled"] = legrules(
            "population",
            "run",
            str(data / "shuffled"),
            "--out",
            str(data / "out-spark"),
            "--engine",
            "spark",
            "--master",
            "local[2]",
            "--as-of",
            AS_OF,
        )
    results: dict[str, Figures] = {}
    for label, command in runs.items():
        seconds, peak, cpu = measure(command)
        results[label] = (seconds, peak, cpu)
        rate = patients / seconds
        load = os.getloadavg()[0]
        print(
            f"  {label:<32} {seconds:9.1f} s {rate:9,.0f} patients/s  peak {peak:7.0f} MiB"
            f"  cpu {cpu:8.1f} s  (load {load:.2f})"
            # The JVM and its Python workers are not waited for by the driver, so the
            # resource figures miss them: only the wall time compares.
            + ("  [peak and cpu: the driver only]" if label.startswith("spark") else ""),
            flush=True,
        )
    shutil.rmtree(data)
    return results


def report(results: dict[str, Figures]) -> None:
    """The ratios the targets are about: by wall time, and by CPU time (load-proof)."""
    one, _, one_cpu = results["embedded, 1 worker, shuffled"]
    two, _, two_cpu = results["embedded, 2 workers, shuffled"]
    ordered, _, ordered_cpu = results["embedded, 2 workers, sorted"]
    peak = max(p for label, (_, p, _) in results.items() if label.startswith("embedded"))
    print(f"  2 workers vs 1: {one / two:.2f}x faster (target >= 1.7x)")
    print(f"  CPU time, 2 workers vs 1: {two_cpu / one_cpu:.2f}x (1.00: no overhead)")
    print(f"  shuffled vs sorted, embedded 2 workers: {two / ordered:.2f}x (target <= 1.3x)")
    print(f"  CPU time, shuffled vs sorted, embedded 2 workers: {two_cpu / ordered_cpu:.2f}x")
    if "serial CLI, shuffled file" in results:
        serial = results["serial CLI, shuffled file"][0]
        cli = serial / results["serial CLI, sorted file"][0]
        print(f"  shuffled vs sorted, serial CLI: {cli:.2f}x (target <= 1.5x)")
        print(f"  embedded with 2 workers vs serial CLI (shuffled): {serial / two:.2f}x faster")
    print(f"  peak memory of any embedded process: {peak:.0f} MiB (target < 300 MiB)")


def _size(folder: Path) -> str:
    total = sum(p.stat().st_size for p in folder.iterdir())
    return f"{total / 2**20:,.0f} MiB"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, action="append", default=None)
    parser.add_argument("--no-spark", dest="spark", action="store_false")
    parser.add_argument(
        "--no-serial", dest="serial", action="store_false", help="skip the serial CLI runs"
    )
    args = parser.parse_args(argv)
    load = os.getloadavg()
    print(
        f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores"
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="legrules-bench-") as work:
        for patients in args.patients or [20_000, 200_000]:
            report(one_size(patients, args.spark, Path(work), args.serial))
    load = os.getloadavg()
    print(
        f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
        f"{time.perf_counter() - started:.0f} s in all"
    )


if __name__ == "__main__":
    main()
