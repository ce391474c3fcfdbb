"""The Spark runner: the embedded runner's work on any SparkSession (extra ``spark``).

:func:`assess` reads NDJSON lines with ``spark.read.text``, keys each with
:func:`~legrules.population.patient_key`, partitions by the key, sorts within
partitions (by key, then file and position, so that each patient's resources keep the
input order) and streams every partition through
:func:`~legrules.population.assess_sorted` with ``mapInPandas``: a worker holds
one patient at a time.  Medications (no patient, but named by MedicationRequests) are
collected once and handed to every partition.  The rows have the schema the embedded
runner writes (``legrules.population.rows``), so either runner's Parquet reads the
same.  legrules must be installed where the Spark workers run their Python.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from legrules.fhir.read.grouping import not_tied
from legrules.fhir.read.subjects import Unresolved
from legrules.model import Policy
from legrules.model.assessment_json import dumps_assessment
from legrules.population._extras import require
from legrules.population.outputs import Tally
from legrules.population.partition import UNREADABLE, Job, PatientResult, assess_runs, identified
from legrules.population.rows import Columns, columns, row
from legrules.population.spark_matching import matched

__all__ = ["assess", "ignored", "leftovers", "run_to_folder"]

#: A batch handed back to Spark holds at most this many rows or document bytes: a
#: document is tens of KiB, and Spark holds a batch whole (off the JVM heap) per task.
_BATCH_ROWS = 1000
_BATCH_BYTES = 8 << 20
#: Row groups of the staged results: the Parquet writer buffers a whole row group of
#: documents on the JVM heap per task (128 MiB by default).
_STAGED_ROW_GROUP = 16 << 20


def _sql() -> Any:
    require("pyspark", "spark")
    return require("pyspark.sql", "spark")


def _storage() -> Any:
    return require("pyspark", "spark").StorageLevel


def spark_schema(cols: Columns, documents: bool = False) -> Any:
    """The Spark ``StructType`` of the rows (plus a ``document`` column if asked)."""
    types = require("pyspark.sql.types", "spark")
    kinds = {"string": types.StringType(), "int": types.IntegerType(), "double": types.DoubleType()}
    fields = [types.StructField(name, kinds[kind], True) for name, kind in cols.all]
    if documents:
        fields.append(types.StructField("document", types.StringType(), True))
    return types.StructType(fields)


def _paths(paths: Sequence[str | os.PathLike[str]]) -> list[str]:
    """Local folders become their ``*.ndjson`` files; anything else is for Spark to read."""
    out: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            out += sorted(str(p) for p in path.iterdir() if p.name.endswith(".ndjson"))
        else:
            out.append(str(given))
    return out


def keyed_lines(spark: Any, paths: Sequence[str | os.PathLike[str]]) -> Any:
    """Every line with its file, position, patient key and resource type.

    A line whose subject names no patient has no key, and its label (``resource``)
    and ``reason`` instead; ``ident`` when its subject is an identifier only (matched
    later to the Patient carrying it), ``names`` a Patient's identifiers.
    """
    functions, types = _sql().functions, require("pyspark.sql.types", "spark")
    text = types.StringType()
    shape = types.StructType(
        [
            types.StructField("value", text),
            types.StructField("file", text),
            types.StructField("pos", types.LongType()),
            types.StructField("key", text),
            types.StructField("rtype", text),
            types.StructField("resource", text),
            types.StructField("reason", text),
            types.StructField("ident", text),
            types.StructField("names", types.ArrayType(text)),
        ]
    )

    def key_and_type(batches: Iterator[Any]) -> Iterator[Any]:
        for batch in batches:
            pairs = zip(batch["value"], batch["file"], strict=True)
            found = [identified(line, file) for line, file in pairs]
            batch["key"] = [key for (key, _, _, _), _ in found]
            batch["rtype"] = [rtype for (_, rtype, _, _), _ in found]
            batch["resource"] = [None if i is None else i.reference for (*_, i), _ in found]
            batch["reason"] = [None if i is None else i.reason for (*_, i), _ in found]
            batch["ident"] = [n[0] if n and k is None else None for (k, *_), n in found]
            batch["names"] = [list(n) if n and k is not None else None for (k, *_), n in found]
            yield batch

    return (
        _text(spark, paths)
        .select(
            "value",
            functions.input_file_name().alias("file"),
            functions.monotonically_increasing_id().alias("pos"),
        )
        .mapInPandas(key_and_type, shape)
    )


def _text(spark: Any, paths: Sequence[str | os.PathLike[str]]) -> Any:
    """The lines that are not blank (no Python: counting them stays in the JVM)."""
    functions = _sql().functions
    lines = spark.read.text(_paths(paths))
    return lines.where(functions.trim(lines.value) != "")


def assess(
    spark: Any,
    paths: Sequence[str | os.PathLike[str]],
    *,
    as_of: datetime | None = None,
    ruleset: str | None = None,
    policy: Policy | Mapping[str, Any] | None = None,
    partitions: int | None = None,
    documents: bool = False,
    strict: bool = False,
) -> Any:
    """One row per patient of the NDJSON *paths* (files, folders, globs, URLs), lazily.

    Returns a Spark ``DataFrame`` with the embedded runner's Parquet columns; with
    ``documents=True`` also a ``document`` column holding each assessment document as
    JSON.  ``as_of`` defaults to now; *partitions* to twice the default parallelism.
    Resources that belong to no patient are not assessed (see :func:`leftovers` and
    :func:`ignored`); with *strict*, one whose subject names no patient raises
    :class:`~legrules.errors.FHIRInputError` here, before anything is assessed.
    """
    lines = keyed_lines(spark, paths)
    stray = lines.where("key IS NULL")
    job = Job.of(as_of, ruleset, policy)
    return _assessed(spark, lines, stray, job, partitions, documents, strict)[0]


def _assessed(
    spark: Any,
    lines: Any,
    stray: Any,
    job: Job,
    partitions: int | None,
    documents: bool,
    strict: bool,
) -> tuple[Any, Any]:
    """:func:`assess` on keyed lines, and the lines still tied to no patient.

    *stray* holds (at least) the keyed lines with no key.
    """
    cols = columns(job.ruleset)
    medications, owned, stray = matched(spark, lines, stray)
    if strict:
        for first in ignored(stray).limit(1).collect():
            data = orjson.loads(first.value)
            why = Unresolved(first.reason.removeprefix("not tied to a patient: "))
            not_tied(data, first.file, why, strict=True)  # raises the reader's error
    count = partitions or 2 * spark.sparkContext.defaultParallelism
    patients = (
        owned.repartition(count, "key")
        .sortWithinPartitions("key", "late", "file", "pos")
        .select("key", "value")
    )
    names = [name for name, _ in cols.all] + (["document"] if documents else [])
    ints = [name for name, kind in cols.all if kind == "int"]

    def partition(batches: Iterator[Any]) -> Iterator[Any]:
        pandas = require("pandas", "spark")

        def pairs() -> Iterator[tuple[str, bytes]]:
            for batch in batches:
                for key, value in zip(batch["key"], batch["value"], strict=True):
                    yield key, value.encode()

        rows: list[dict[str, Any]] = []
        size = 0
        for result in assess_runs(pairs(), [m.encode() for m in medications], job):
            rows.append(_row(result, cols, documents))
            size += len(rows[-1].get("document") or "")
            if len(rows) >= _BATCH_ROWS or size >= _BATCH_BYTES:
                yield pandas.DataFrame(rows, columns=names).astype(dict.fromkeys(ints, "Int32"))
                rows, size = [], 0
        if rows:
            yield pandas.DataFrame(rows, columns=names).astype(dict.fromkeys(ints, "Int32"))

    return patients.mapInPandas(partition, spark_schema(cols, documents)), stray


def _row(result: PatientResult, cols: Columns, documents: bool) -> dict[str, Any]:
    out = row(result, cols)
    if documents:
        document = None
        if result.assessment is not None:
            document = dumps_assessment(result.assessment).decode()
        out["document"] = document
    return out


def ignored(lines: Any) -> Any:
    """The lines of ``keyed_lines`` whose subject names no patient, with the reason."""
    return lines.where("reason IS NOT NULL").select("resource", "file", "reason", "value")


def leftovers(
    spark: Any, paths: Sequence[str | os.PathLike[str]]
) -> tuple[int, dict[str, int], list[str], int]:
    """What belonged to no patient: lines, counts by type, unreadable files, listed.

    The number of lines; resources of no patient by type (Medications aside); the files
    of (up to 20) unreadable lines; and how many had a subject that names no patient
    (listed by :func:`ignored`).
    """
    return _leftovers(spark, paths, keyed_lines(spark, paths).where("key IS NULL"))


def _leftovers(
    spark: Any, paths: Sequence[str | os.PathLike[str]], stray: Any
) -> tuple[int, dict[str, int], list[str], int]:
    """:func:`leftovers`, from the keyed lines with no key (*stray*)."""
    functions = _sql().functions
    total = _text(spark, paths).count()
    stray = stray.where("rtype != 'Medication' OR reason IS NOT NULL")
    by_type = stray.groupBy("rtype").agg(
        functions.count("*").alias("n"),
        functions.count("reason").alias("listed"),
    )
    found = by_type.collect()
    counts = {r.rtype: r.n for r in found}
    bad = stray.where(f"rtype = '{UNREADABLE}'").select("file").limit(20).collect()
    return total, dict(sorted(counts.items())), [r.file for r in bad], sum(r.listed for r in found)


def run_to_folder(
    paths: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    master: str | None = None,
    as_of: datetime | None = None,
    ruleset: str | None = None,
    policy: Policy | Mapping[str, Any] | None = None,
    spark: Any = None,
    strict: bool = False,
) -> Any:
    """``legrules population run --engine spark``: Parquet and NDJSON under *out*, a summary.

    Uses *spark*, else the active SparkSession as it is, else a new one on *master*.
    Every patient is assessed once: the rows and documents are written to a staging
    Parquet dataset under *out* (``work/assessed``), streamed, and the outputs are
    read from it.  Caching them instead held whole partitions of documents (tens of
    KiB each) on the JVM heap and ran a local session out of memory at 20,000 patients.
    """
    from legrules.population.embedded import Summary

    started = time.perf_counter()
    spark = spark or _session(master)
    folder = Path(out)
    staged = folder / "work" / "assessed"
    instant = as_of or datetime.now(UTC).replace(microsecond=0)
    lines = keyed_lines(spark, paths)
    # The few lines of no patient, kept: keying every line again costs a pass of Python.
    stray = lines.where("key IS NULL").persist(_storage().MEMORY_AND_DISK)
    job = Job.of(instant, ruleset, policy)
    try:
        frame, settled = _assessed(spark, lines, stray, job, None, True, strict)
        frame.write.option("parquet.block.size", _STAGED_ROW_GROUP).parquet(str(staged))
        assessed = spark.read.parquet(str(staged))
        assessed.drop("document").write.parquet(str(folder / "patients"))
        documents = assessed.where("document IS NOT NULL").select("document")
        documents.write.text(str(folder / "assessments"))
        tally = _tally(assessed.drop("document"), columns(ruleset))
        shutil.rmtree(folder / "work")
        listed = ignored(settled).drop("value")
        listed.withColumnRenamed("file", "at").write.json(str(folder / "ignored"))
        total, unassigned, unreadable, listed_count = _leftovers(spark, paths, settled)
    finally:
        stray.unpersist()
    return Summary(
        str(folder),
        tally,
        total,
        unassigned,
        tuple(unreadable),
        time.perf_counter() - started,
        listed_count,
    )


def _session(master: str | None) -> Any:
    """The active SparkSession, untouched; or a new one (on *master*) when there is none."""
    sql = _sql()
    active = sql.SparkSession.getActiveSession()
    if active is not None:
        return active
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = sql.SparkSession.builder.appName("legrules population")
    return (builder.master(master) if master else builder).getOrCreate()


def _tally(frame: Any, cols: Columns) -> Tally:
    functions = _sql().functions
    dispositions = {
        r.disposition: r["count"]
        for r in frame.where("disposition IS NOT NULL").groupBy("disposition").count().collect()
    }
    sums = [
        functions.sum((functions.col(f"`red_flag:{i}`") == "met").cast("int")).alias(i)
        for i in cols.red_flags
    ]
    totals = frame.agg(
        functions.count("*").alias("patients"),
        functions.sum(functions.col("error").isNotNull().cast("int")).alias("errors"),
        *sums,
    ).collect()[0]
    met = {i: totals[i] for i in cols.red_flags if totals[i]}
    return Tally(totals["patients"], totals["errors"] or 0, dispositions, met)
