"""Pass 2's unit of work: one bucket assessed and written, atomically, with its tally.

A bucket's results go to ``patients/bucket-<n>.parquet`` (one row per patient,
:mod:`legrules.population.rows`) and ``assessments/bucket-<n>.ndjson`` (the full
assessment documents), each written under a temporary name and renamed; then a
completion marker holding the bucket's tally is renamed into place.  A bucket without
its marker is done again from the start, so an interrupted run resumes without a patient
lost or written twice.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import attrs
import orjson

from legrules.model import Disposition, Status
from legrules.model.assessment_json import dumps_assessment
from legrules.population.buckets import read_bucket
from legrules.population.partition import Job, PatientResult, assess_grouped
from legrules.population.rows import Columns, arrow_schema, row

__all__ = ["Tally", "assess_bucket", "done_marker"]


@attrs.frozen
class Tally:
    """What a set of patients came to: counts to add up across buckets."""

    patients: int = 0
    errors: int = 0
    dispositions: dict[str, int] = attrs.field(factory=dict)
    red_flags_met: dict[str, int] = attrs.field(factory=dict)

    @classmethod
    def of(cls, results: Iterable[PatientResult]) -> Tally:
        """The tally of *results*."""
        patients = errors = 0
        dispositions: Counter[str] = Counter()
        met: Counter[str] = Counter()
        for result in results:
            patients += 1
            if result.assessment is None:
                errors += 1
                continue
            dispositions[result.assessment.disposition.value] += 1
            met.update(f.id for f in result.assessment.red_flags if f.status is Status.MET)
        return cls(patients, errors, dict(dispositions), dict(met))

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.patients + other.patients,
            self.errors + other.errors,
            dict(Counter(self.dispositions) + Counter(other.dispositions)),
            dict(Counter(self.red_flags_met) + Counter(other.red_flags_met)),
        )

    @property
    def undetermined_share(self) -> float:
        """The share of assessed patients whose disposition is undetermined."""
        assessed = self.patients - self.errors
        undetermined = self.dispositions.get(Disposition.UNDETERMINED.value, 0)
        return undetermined / assessed if assessed else 0.0


def done_marker(out: Path, bucket: int) -> Path:
    """Where bucket *bucket*'s completion marker lives."""
    return out / "work" / "done" / f"bucket-{bucket:04d}.json"


def assess_bucket(bucket: int, out: Path, job: Job, cols: Columns) -> Tally:
    """Assess bucket *bucket* of the run in *out* and write its outputs; its tally.

    Results are handled one patient at a time: the document is written out and the row
    kept (a few dozen values), so memory holds one assessment, not a bucket of them.
    """
    from legrules.population._extras import pyarrow

    pa = pyarrow()
    patients, medications = read_bucket(out / "work", bucket)
    name = f"bucket-{bucket:04d}"
    target = out / "assessments" / f"{name}.ndjson"
    partial = target.with_name(f".{target.name}.partial")
    rows: list[dict[str, Any]] = []
    with open(partial, "wb") as documents:
        tally = Tally.of(
            _written(assess_grouped(patients, medications, job), documents, rows, cols)
        )
        documents.flush()
        os.fsync(documents.fileno())
    os.replace(partial, target)
    table = pa.Table.from_pylist(rows, schema=arrow_schema(cols))
    parquet = out / "patients" / f"{name}.parquet"
    partial = parquet.with_name(f".{parquet.name}.partial")
    pa.parquet.write_table(table, partial)
    os.replace(partial, parquet)
    _atomic(done_marker(out, bucket), orjson.dumps(attrs.asdict(tally)))
    return tally


def _written(
    results: Iterable[PatientResult],
    documents: IO[bytes],
    rows: list[dict[str, Any]],
    cols: Columns,
) -> Iterator[PatientResult]:
    """*results*, each one's document written to *documents* and its row kept in *rows*."""
    for result in results:
        if result.assessment is not None:
            documents.write(dumps_assessment(result.assessment) + b"\n")
        rows.append(row(result, cols))
        yield result


def _atomic(target: Path, data: bytes) -> None:
    """Write *data* to *target* under a temporary name, then rename it into place."""
    partial = target.with_name(f".{target.name}.partial")
    with open(partial, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, target)


def read_tally(path: Path) -> Tally:
    """The tally a completion marker holds."""
    data: dict[str, Any] = orjson.loads(path.read_bytes())
    return Tally(**data)
