"""How the population runners scale: wall time and peak memory, ratios in one run.

    python benchmarks/population.py                        # 20,000 and 200,000 patients
    python benchmarks/population.py --patients 2000        # a quick run
    python benchmarks/population.py --patients 20000 --no-spark
    python benchmarks/population.py --patients 20000 --no-spark --no-serial  # runners only
    python benchmarks/population.py --patients 200000 --skip-serial-sorted --reuse /var/tmp/lr
    python benchmarks/population.py --patients 200000 --no-spark --skip-sorted --skip-serial-sorted

``--reuse DIR`` keeps the generated exports in *DIR* (made once, used by later runs);
each run's output folder is deleted as soon as it is measured and fingerprinted (the
documents alone take about 80 KiB a patient: 16 GiB at 200,000 patients).  Every
runner's sorted rows and documents must be identical, or the benchmark fails.

For each population size, a generated bulk export (``examples/data/make_bulk_export.py``:
several files per type, every file's lines shuffled; and the same people sorted by
patient) is assessed by:

* the serial CLI, ``legrules assess`` on the export as one NDJSON file, shuffled and
  sorted (the reader's spill read-back: shuffled should be within 1.5x of sorted);
* the embedded runner, ``legrules population run``, at 1 and 2 workers on the shuffled
  folder and at 2 workers on the sorted one (unless ``--skip-sorted``);
* the Spark runner in ``local[2]`` (unless ``--no-spark``).

Each command runs in a fresh process (the embedded runner first, then the serial CLI);
its wall time, CPU time and the peak resident memory of the largest of its processes
(the main one or any worker) are printed as soon as it finishes.  Targets:
peak memory under 300 MiB per worker; 2 workers at least 1.7x faster than 1; shuffled
within 1.3x of sorted.  The machine's load average is printed: the ratios mean
something only on a machine that is otherwise idle.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

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
    """Write one export with the generator script (kept if a previous run completed it)."""
    done = folder / ".complete"
    if done.is_file():
        return
    shutil.rmtree(folder, ignore_errors=True)
    flags = ["--sorted"] if ordered else []
    flags += ["--single-file"] if single else []
    subprocess.run(
        [sys.executable, str(GENERATOR), str(folder), "--patients", str(patients), *flags],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    done.touch()


def fingerprint(out: Path) -> str:
    """A digest of a run's rows and documents, both sorted: equal runs, equal digests.

    Streamed (a batch of rows, a line of a document at a time): at 200,000 patients the
    documents alone take some 16 GiB.
    """
    table = pq.read_table(out / "patients")
    table = table.sort_by("patient").combine_chunks()
    digest = hashlib.sha256()
    for batch in table.to_batches(max_chunksize=4096):
        for record in batch.to_pylist():
            digest.update(repr(record).encode())
    lines: list[bytes] = []
    for part in sorted((out / "assessments").iterdir()):
        if part.is_file() and not part.name.startswith(("_", ".")):
            with open(part, "rb") as handle:
                lines += [hashlib.sha1(line.strip()).digest() for line in handle if line.strip()]
    for line in sorted(lines):
        digest.update(line)
    return f"{table.num_rows} rows, {len(lines)} documents, {digest.hexdigest()[:16]}"


def legrules(*args: str) -> list[str]:
    return [sys.executable, "-m", "legrules.cli", *args]


def one_size(patients: int, work: Path, options: argparse.Namespace) -> dict[str, Figures]:
    """Every runner on *patients* patients; label -> (seconds, peak MiB, CPU seconds)."""
    data = work / f"p{patients}"
    serial = {"shuffled": options.serial, "sorted": options.serial and options.serial_sorted}
    exports = {"shuffled": (data / "shuffled", False, False)}
    if options.sorted:
        exports["sorted"] = (data / "sorted", True, False)
    for layout, wanted in serial.items():
        if wanted:
            exports[f"cli-{layout}"] = (data / f"cli-{layout}", layout == "sorted", True)
    for folder, ordered, single in exports.values():
        generate(folder, patients, ordered=ordered, single=single)
    lines = sum(p.read_bytes().count(b"\n") for p in (data / "shuffled").glob("*.ndjson"))
    print(f"\n{patients:,} patients, {lines:,} lines ({_size(data / 'shuffled')})", flush=True)
    runs: dict[str, list[str]] = {}
    embedded = [("embedded, 1 worker, shuffled", "shuffled", 1)]
    embedded += [("embedded, 2 workers, shuffled", "shuffled", 2)]
    embedded += [("embedded, 2 workers, sorted", "sorted", 2)] if options.sorted else []
    for label, layout, workers in embedded:
        runs[label] = legrules(
            "population", "run", str(data / layout), "--out", str(work / "out"),
            "--workers", str(workers), "--as-of", AS_OF,
        )  # fmt: skip
    for layout in ("shuffled", "sorted"):  # after the runners: their figures come first
        if serial[layout]:
            source = str(data / f"cli-{layout}" / "export.ndjson")
            runs[f"serial CLI, {layout} file"] = legrules(
                "assess", source, "--format", "json", "--as-of", AS_OF
            )
    if options.spark:
        runs["spark local[2], shuffled"] = legrules(
            "population", "run", str(data / "shuffled"), "--out", str(work / "out"),
            "--engine", "spark", "--master", "local[2]", "--as-of", AS_OF,
        )  # fmt: skip
    results: dict[str, Figures] = {}
    prints: dict[str, str] = {}
    for label, command in runs.items():
        shutil.rmtree(work / "out", ignore_errors=True)
        seconds, peak, cpu = measure(command)
        results[label] = (seconds, peak, cpu)
        load = os.getloadavg()[0]
        print(
            f"  {label:<32} {seconds:9.1f} s {patients / seconds:9,.0f} patients/s"
            f"  peak {peak:7.0f} MiB  cpu {cpu:8.1f} s  (load {load:.2f})"
            # The JVM and its Python workers are not waited for by the driver, so the
            # resource figures miss them: only the wall time compares.
            + ("  [peak and cpu: the driver only]" if label.startswith("spark") else ""),
            flush=True,
        )
        if (work / "out" / "patients").is_dir():
            prints[label] = fingerprint(work / "out")
            print(f"    results: {prints[label]}", flush=True)
        shutil.rmtree(work / "out", ignore_errors=True)
    if len(set(prints.values())) != 1:
        raise SystemExit("the runners' results differ:\n" + "\n".join(map(str, prints.items())))
    print(f"  identical results from every runner: {next(iter(prints.values()))}")
    if not options.reuse:
        shutil.rmtree(data)
    return results


def report(results: dict[str, Figures]) -> None:
    """The ratios the targets are about: by wall time, and by CPU time (load-proof)."""
    one, _, one_cpu = results["embedded, 1 worker, shuffled"]
    two, _, two_cpu = results["embedded, 2 workers, shuffled"]
    peak = max(p for label, (_, p, _) in results.items() if label.startswith("embedded"))
    print(f"  2 workers vs 1: {one / two:.2f}x faster (target >= 1.7x)")
    print(f"  CPU time, 2 workers vs 1: {two_cpu / one_cpu:.2f}x (1.00: no overhead)")
    if "embedded, 2 workers, sorted" in results:
        ordered, _, ordered_cpu = results["embedded, 2 workers, sorted"]
        print(f"  shuffled vs sorted, embedded 2 workers: {two / ordered:.2f}x (target <= 1.3x)")
        print(f"  CPU time, shuffled vs sorted, embedded 2 workers: {two_cpu / ordered_cpu:.2f}x")
    if "serial CLI, shuffled file" in results:
        serial, _, serial_cpu = results["serial CLI, shuffled file"]
        if "serial CLI, sorted file" in results:
            cli = serial / results["serial CLI, sorted file"][0]
            print(f"  shuffled vs sorted, serial CLI: {cli:.2f}x (target <= 1.5x)")
        print(f"  embedded with 2 workers vs serial CLI (shuffled): {serial / two:.2f}x faster")
        print(
            f"  CPU time, embedded 1 worker vs serial CLI (shuffled): {one_cpu / serial_cpu:.2f}x"
        )
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
    parser.add_argument(
        "--skip-serial-sorted",
        dest="serial_sorted",
        action="store_false",
        help="run the serial CLI on the shuffled file only",
    )
    parser.add_argument(
        "--skip-sorted",
        dest="sorted",
        action="store_false",
        help="leave out the embedded run on the sorted export",
    )
    parser.add_argument(
        "--reuse",
        type=Path,
        default=None,
        metavar="DIR",
        help="keep the generated exports in DIR and use them again in later runs",
    )
    args = parser.parse_args(argv)
    load = os.getloadavg()
    print(
        f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores"
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="legrules-bench-") as scratch:
        work = args.reuse or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        for patients in args.patients or [20_000, 200_000]:
            report(one_size(patients, work, args))
    load = os.getloadavg()
    print(
        f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
        f"{time.perf_counter() - started:.0f} s in all"
    )


if __name__ == "__main__":
    main()
