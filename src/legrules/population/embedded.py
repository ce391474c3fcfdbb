"""The embedded runner: a whole population on every core of one machine, resumable.

Pass 1 cuts the NDJSON files into chunks and hash-partitions their lines into buckets
on disk (``legrules.population.buckets``); pass 2 assesses the buckets in a process
pool and writes each one's Parquet rows and NDJSON documents atomically
(``legrules.population.outputs``).  The output folder holds::

    run.json                 what was run: inputs, instant, rule set, policy, buckets
    patients/*.parquet       one row per patient (one Parquet dataset)
    assessments/*.ndjson     the full assessment documents, one a line
    ignored/*.ndjson         resources whose subject names no patient, with the reason
    summary.json             dispositions, red flags met, undetermined share, leftovers
    work/                    completion markers; the chunks (deleted once the run completes)

``resume=True`` picks up an interrupted run where it stopped: finished chunks and
buckets are kept, anything half-written is done again.  Memory per worker is one
bucket's lines (buckets are sized from the input, about 4 MiB of lines each).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, TypeVar

import attrs
import orjson

from legrules._progress import counting_bar
from legrules._version import __version__
from legrules.errors import InvalidValueError
from legrules.model import Policy
from legrules.population.buckets import (
    IGNORED,
    bucket_sizes,
    chunks,
    input_files,
    partition_chunk,
)
from legrules.population.matching import match_pending
from legrules.population.outputs import Tally, assess_bucket, done_marker, read_tally
from legrules.population.partition import Job
from legrules.population.rows import columns
from legrules.rules import get_ruleset

__all__ = ["Summary", "Tally", "run"]

#: A bucket holds about this many bytes of input lines (memory per worker follows).
BUCKET_BYTES = 4 << 20
#: At least this many buckets per worker: the last buckets run while other workers
#: have nothing left to do, so they must be short.
BUCKETS_PER_WORKER = 8
#: Never more buckets than this: pass 1 keeps one open file per bucket.
MAX_BUCKETS = 512
T = TypeVar("T")
A = TypeVar("A")


@attrs.frozen
class Summary:
    """What a run came to: the patients' tally and what belonged to no patient.

    ``unassigned`` counts resources of no patient by type; ``ignored`` of them had a
    subject that names no patient, and are listed with the reason under ``ignored/``.
    ``resumed`` counts the patients of the tally an earlier, interrupted run had
    already assessed (``resume=True``): ``seconds`` covers this run's work only.
    """

    out: str
    tally: Tally
    lines: int
    unassigned: dict[str, int]
    unreadable: tuple[str, ...]
    seconds: float
    ignored: int = 0
    resumed: int = 0


def run(
    paths: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    workers: int | None = None,
    as_of: datetime | None = None,
    ruleset: str | None = None,
    policy: Policy | dict[str, Any] | None = None,
    resume: bool = False,
    progress: IO[str] | None = None,
    buckets: int | None = None,
    strict: bool = False,
) -> Summary:
    """Assess every patient in the NDJSON files or folders *paths*; results in *out*.

    ``workers`` defaults to every core; ``as_of`` to now (recorded, so a resumed run
    uses the same instant).  *progress* (e.g. ``sys.stderr``) shows progress bars.
    ``buckets`` (default: from the input size, about 4 MiB of lines each) sets how
    many parts pass 2 works in.  A resource whose subject names no patient is listed
    with the reason under ``ignored/``, as :func:`~legrules.fhir.read_presentations`
    lists it, or with *strict* raises :class:`~legrules.errors.FHIRInputError`.
    Raises :class:`~legrules.errors.InvalidValueError` when *out* already holds
    something other than an interrupted run to resume.
    """
    started = time.perf_counter()
    folder = Path(out)
    files = input_files(paths)
    options = (ruleset, policy, strict)
    manifest = _manifest(folder, files, as_of, options, (workers, buckets), resume)
    job = Job.of(datetime.fromisoformat(manifest["as_of"]), manifest["ruleset"], manifest["policy"])
    count = workers or os.cpu_count() or 1
    with _workers(count) as pool:
        report = _partition(folder, files, manifest, pool, progress)
        tally, resumed = _assess(folder, job, manifest["buckets"], report, pool, progress)
    for leftover in [*(folder / "work").glob("chunk-*"), *(folder / "work").glob("matched*")]:
        shutil.rmtree(leftover)
    summary = Summary(
        str(folder),
        tally,
        report["lines"],
        report["unassigned"],
        tuple(report["unreadable"]),
        time.perf_counter() - started,
        report["ignored"],
        resumed,
    )
    summary_path = folder / "summary.json"
    summary_path.write_bytes(orjson.dumps(attrs.asdict(summary), option=orjson.OPT_INDENT_2))
    return summary


def _manifest(
    folder: Path,
    files: list[Path],
    as_of: datetime | None,
    options: tuple[str | None, Policy | dict[str, Any] | None, bool],
    sizes: tuple[int | None, int | None],
    resume: bool,
) -> dict[str, Any]:
    ruleset, policy, strict = options
    chosen = policy if isinstance(policy, Policy) else Policy.from_dict(policy or {})
    wanted: dict[str, Any] = {
        "inputs": [str(f.resolve()) for f in files],
        "ruleset": get_ruleset(ruleset).version,
        "policy": chosen.as_dict(),
        "strict": strict,
    }
    path = folder / "run.json"
    if resume and path.is_file():
        recorded: dict[str, Any] = {"strict": False, **orjson.loads(path.read_bytes())}
        for name, value in wanted.items():
            if (name != "ruleset" or ruleset is not None) and recorded[name] != value:
                raise InvalidValueError(
                    f"the run in {folder} was started with another {name}", "--resume"
                )
        if as_of is not None and datetime.fromisoformat(recorded["as_of"]) != as_of:
            raise InvalidValueError(
                f"the run in {folder} was started with another --as-of", "--resume"
            )
        return recorded
    if folder.exists() and any(folder.iterdir()):
        raise InvalidValueError(
            f"{folder} is not empty: choose a new folder, or --resume the run in it", "--out"
        )
    if as_of is not None and (not isinstance(as_of, datetime) or as_of.utcoffset() is None):
        raise InvalidValueError("as_of must be a datetime with a time-zone offset", "as_of")
    size = sum(f.stat().st_size for f in files)
    workers, chosen_buckets = sizes
    count = workers or os.cpu_count() or 1
    buckets = chosen_buckets or min(
        MAX_BUCKETS, max(BUCKETS_PER_WORKER * count, math.ceil(size / BUCKET_BYTES))
    )
    if not 1 <= buckets <= MAX_BUCKETS:
        raise InvalidValueError(f"buckets must be between 1 and {MAX_BUCKETS}", "--buckets")
    instant = as_of or datetime.now(UTC).replace(microsecond=0)
    manifest = {**wanted, "as_of": instant.isoformat(), "buckets": buckets, "legrules": __version__}
    for sub in ("work/done", "patients", "assessments", "ignored"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    return manifest


def _pool(workers: int) -> ProcessPoolExecutor | None:
    """A pool of *workers* processes, or ``None``: one worker works in this process."""
    if workers < 1:
        raise InvalidValueError("workers must be at least 1", "--workers")
    if workers == 1:
        return None
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def _each(
    pool: ProcessPoolExecutor | None, task: Callable[..., T], items: Sequence[A], *args: Any
) -> Iterator[tuple[A, T]]:
    """``(item, task(item, *args))`` for every item, in the order they finish."""
    if pool is None:
        for item in items:
            yield item, task(item, *args)
        return
    futures = {pool.submit(task, item, *args): item for item in items}
    try:
        for future in as_completed(futures):
            yield futures[future], future.result()
    finally:  # interrupted or failed: drop what has not started
        for future in futures:
            future.cancel()


@contextmanager
def _workers(count: int) -> Iterator[ProcessPoolExecutor | None]:
    pool = _pool(count)
    try:
        yield pool
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _bar(
    progress: IO[str] | None, total: int, description: str, unit: str, initial: int = 0
) -> AbstractContextManager[Callable[[int], None]]:
    """A progress bar on *progress* (none when it is ``None``); yields its advance function."""
    if progress is not None:
        from legrules.population._extras import require

        require("rich", "population")
    return counting_bar(progress, total, description, unit=unit, initial=initial)


def _partition(
    folder: Path,
    files: list[Path],
    manifest: dict[str, Any],
    pool: ProcessPoolExecutor | None,
    progress: IO[str] | None,
) -> dict[str, Any]:
    """Pass 1 (skipped when a previous run finished it); the chunks' combined report."""
    buckets, strict = manifest["buckets"], manifest.get("strict", False)
    work = folder / "work"
    marker = work / "partitioned.json"
    if marker.is_file():
        report: dict[str, Any] = orjson.loads(marker.read_bytes())
        return report
    todo = chunks(files)
    size = sum(c.end - c.start for c in todo)
    reports: list[dict[str, Any]] = [{}] * len(todo)
    with _bar(progress, size, "partitioning", "bytes") as advance:
        for chunk, done in _each(pool, partition_chunk, todo, work, buckets, strict):
            reports[chunk.index] = done
            advance(chunk.end - chunk.start)
    unmatched = match_pending(work, buckets, folder / "ignored", strict)
    for listed in work.glob(f"chunk-?????/{IGNORED}"):  # kept when the chunks are deleted
        os.replace(listed, folder / "ignored" / f"{listed.parent.name}.ndjson")
    report = _combined(reports)
    report["ignored"] += unmatched.total()
    for rtype, n in unmatched.items():
        report["unassigned"][rtype] = report["unassigned"].get(rtype, 0) + n
    report["unassigned"] = dict(sorted(report["unassigned"].items()))
    marker.write_bytes(orjson.dumps(report))
    return report


def _combined(reports: Iterable[dict[str, Any]]) -> dict[str, Any]:
    unassigned: dict[str, int] = {}
    unreadable: list[str] = []
    lines = patients = ignored = 0
    for report in reports:
        lines += report["lines"]
        ignored += report["ignored"]
        patients += report["patient_resources"]
        for rtype, n in report["unassigned"].items():
            unassigned[rtype] = unassigned.get(rtype, 0) + n
        unreadable += report["unreadable"]
    return {
        "lines": lines,
        "patient_resources": patients,
        "unassigned": dict(sorted(unassigned.items())),
        "unreadable": unreadable[:20],
        "ignored": ignored,
    }


def _assess(
    folder: Path,
    job: Job,
    buckets: int,
    report: dict[str, Any],
    pool: ProcessPoolExecutor | None,
    progress: IO[str] | None,
) -> tuple[Tally, int]:
    """Pass 2: every bucket without a completion marker.

    Returns the tally of all the buckets, and how many of its patients were assessed
    by an earlier run (their buckets' markers were already there).
    """
    cols = columns(job.ruleset)
    tally = Tally()
    todo = []
    for bucket in range(buckets):
        marker = done_marker(folder, bucket)
        if marker.is_file():
            tally += read_tally(marker)
        else:
            todo.append(bucket)
    sizes = bucket_sizes(folder / "work")
    todo.sort(key=lambda bucket: -sizes.get(bucket, 0))  # the longest first: a short tail
    resumed = tally.patients
    total = max(report["patient_resources"], resumed)
    with _bar(progress, total, "assessing", "patients", initial=resumed) as advance:
        for _, done in _each(pool, assess_bucket, todo, folder, job, cols):
            tally += done
            advance(done.patients)
    return tally, resumed
