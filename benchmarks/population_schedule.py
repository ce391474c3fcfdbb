"""How the embedded runner would scale on an idle machine, measured on a busy one.

    python benchmarks/population_schedule.py --patients 4000
    python benchmarks/population_schedule.py --export /var/tmp/lrbench/p20000/shuffled

Wall-time ratios between 1 and 2 workers say little on a machine that other work
shares: a second worker gets whatever core time is left.  CPU time barely moves with
the load, so this runs the embedded runner once with ``--workers`` processes (default 2)
and records the CPU seconds of every task (each pass-1 chunk, each pass-2 bucket), of
each worker outside its tasks (start-up) and of the main process.  It then replays the
runner's own schedule with those durations (tasks in the order they were handed out,
each to the first worker free, pass 2 after the whole of pass 1) for 1 worker and for
*workers*: an estimate of the wall time on an idle machine, and of the speed-up, that
the load cannot bend.  The estimate ignores disk waits (``fsync`` of the documents),
which the wall time on an idle machine includes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from legrules.population import buckets as pass1
from legrules.population import embedded, outputs

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "examples" / "data" / "make_bulk_export.py"
AS_OF = datetime.fromisoformat("2026-11-20T10:00:00+00:00")
#: Where the tasks log their CPU seconds (set by the main process; workers inherit it).
LOG = "LEGRULES_SCHEDULE_LOG"


def _log(kind: str, item: int, started: float, cpu: float) -> None:
    with open(os.environ[LOG], "a") as handle:
        line = [kind, item, os.getpid(), started, cpu, time.process_time()]
        handle.write(json.dumps(line) + "\n")


def partition_chunk(chunk: pass1.Chunk, *args: Any) -> dict[str, object]:
    """The runner's pass-1 task, its CPU seconds logged."""
    started, cpu = time.time(), time.process_time()
    report = pass1.partition_chunk(chunk, *args)
    _log("chunk", chunk.index, started, time.process_time() - cpu)
    return report


def assess_bucket(bucket: int, *args: Any) -> outputs.Tally:
    """The runner's pass-2 task, its CPU seconds logged."""
    started, cpu = time.time(), time.process_time()
    tally = outputs.assess_bucket(bucket, *args)
    _log("bucket", bucket, started, time.process_time() - cpu)
    return tally


# The runner looks these up in its own module; spawned workers import this module under
# another name and get the same wrappers by reference.
embedded.partition_chunk = partition_chunk  # type: ignore[attr-defined,assignment]
embedded.assess_bucket = assess_bucket  # type: ignore[attr-defined,assignment]


def makespan(durations: list[float], workers: int) -> float:
    """When the last of *durations*, each handed in turn to the first free worker, ends."""
    free = [0.0] * workers
    for duration in durations:
        first = free.index(min(free))
        free[first] += duration
    return max(free)


def measure(export: Path, workers: int) -> None:
    """Run the embedded runner on *export* with *workers* processes; print the estimates."""
    with tempfile.TemporaryDirectory(prefix="legrules-schedule-") as scratch:
        os.environ[LOG] = str(Path(scratch) / "tasks.ndjson")
        started, cpu = time.perf_counter(), time.process_time()
        embedded.run([export], Path(scratch) / "out", workers=workers, as_of=AS_OF)
        wall, main_cpu = time.perf_counter() - started, time.process_time() - cpu
        events = [json.loads(line) for line in Path(os.environ[LOG]).read_text().splitlines()]
    events.sort(key=lambda e: e[3])  # the order the tasks were started in
    chunks = [e[4] for e in events if e[0] == "chunk"]
    tasks = [e[4] for e in events if e[0] == "bucket"]
    in_tasks = sum(chunks) + sum(tasks)
    # A worker's CPU outside its tasks: its start-up (imports, the rule set's compilation).
    last: dict[int, float] = {}
    busy: dict[int, float] = {}
    for _, _, pid, _, spent, total in events:
        last[pid] = max(last.get(pid, 0.0), total)
        busy[pid] = busy.get(pid, 0.0) + spent
    startup = max((last[p] - busy[p] for p in last), default=0.0) if workers > 1 else 0.0
    serial = main_cpu - (in_tasks if workers == 1 else 0.0)
    one = sum(chunks) + sum(tasks) + serial
    many = startup + makespan(chunks, workers) + makespan(tasks, workers) + serial
    print(f"{export}: {workers} workers, {len(chunks)} chunks, {len(tasks)} buckets")
    print(f"  wall {wall:.1f} s (load {os.getloadavg()[0]:.2f}); CPU in tasks {in_tasks:.1f} s")
    print(f"  CPU pass 1 {sum(chunks):.1f} s; pass 2 {sum(tasks):.1f} s", end="")
    print(f" (largest bucket {max(tasks):.1f} s)")
    print(f"  CPU outside tasks: main process {serial:.1f} s, worker start-up {startup:.1f} s")
    print(f"  idle-machine estimate: 1 worker {one:.1f} s, {workers} workers {many:.1f} s", end="")
    print(f" ({one / many:.2f}x; target >= 1.7x at 2 workers)", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--export", type=Path, default=None, help="a bulk export folder")
    parser.add_argument("--patients", type=int, default=4000, help="generate this many")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    if args.export is not None:
        measure(args.export, args.workers)
        return
    with tempfile.TemporaryDirectory(prefix="legrules-export-") as scratch:
        export = Path(scratch) / "export"
        command = [sys.executable, str(GENERATOR), str(export), "--patients", str(args.patients)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        measure(export, args.workers)


if __name__ == "__main__":
    main()
