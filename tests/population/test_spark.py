"""The Spark runner gives the embedded runner's results (Spark in local[2]; slow)."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from legrules.cli import main
from legrules.errors import FHIRInputError
from legrules.population.embedded import run
from tests.population.conftest import AS_OF
from tests.population.support import alone, documents, ignored_listing, readers_ignored, rows


@pytest.mark.slow
def test_spark_runner_gives_the_embedded_results_and_schema(export: Path, tmp_path: Path) -> None:
    """One SparkSession: the CLI's --engine spark and spark.assess() match the embedded run.

    The same rows and documents, the same resources listed as ignored with the reader's
    reasons, and in strict mode the reader's typed error.
    """
    pytest.importorskip("pyspark")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    from legrules.population import spark as spark_runner

    embedded = tmp_path / "embedded"
    run([export], embedded, workers=1, as_of=AS_OF)
    out = io.StringIO()
    command = ["population", "run", str(export), "--out", str(tmp_path / "spark")]
    status = main(
        [*command, "--as-of", AS_OF.isoformat(), "--engine", "spark", "--master", "local[2]"],
        stdout=out,
    )
    assert status == 0, out.getvalue()
    session = SparkSession.getActiveSession()
    assert session is not None
    try:
        assert rows(tmp_path / "spark" / "patients") == rows(embedded / "patients")
        assert pq.read_schema(next((tmp_path / "spark" / "patients").glob("*.parquet"))).equals(
            pq.read_schema(next((embedded / "patients").glob("*.parquet")))
        )
        assert documents(tmp_path / "spark" / "assessments") == alone(export)
        frame = spark_runner.assess(session, [str(export)], as_of=AS_OF)
        assert frame.count() == len(rows(embedded / "patients"))
        assert "(unreadable line) 1, Observation 7, Practitioner 1" in out.getvalue()
        assert "subject names no patient: 4" in out.getvalue()
        spark_ignored = ignored_listing(tmp_path / "spark" / "ignored")
        assert spark_ignored == ignored_listing(embedded / "ignored") == readers_ignored(export)
        with pytest.raises(FHIRInputError, match=r"subject") as raised:
            spark_runner.assess(session, [str(export)], as_of=AS_OF, strict=True)
        assert re.fullmatch(r"Observation/stray-\d\.subject", raised.value.path)
    finally:
        session.stop()
