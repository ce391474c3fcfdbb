"""The key test: every way of running a population gives the same results."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from legrules.cli import main
from legrules.population.embedded import run
from tests.population.conftest import AS_OF, PATIENTS
from tests.population.support import (
    alone,
    documents,
    ignored_listing,
    listed,
    readers_ignored,
    rows,
)


@pytest.fixture(scope="module")
def clean_run(export: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clean") / "out"
    run([export], out, workers=2, as_of=AS_OF)
    return out


def test_embedded_runner_gives_what_each_patient_alone_gives(export: Path, clean_run: Path) -> None:
    """Shuffled, split and messy input: one document per patient, as if read alone."""
    assert documents(clean_run / "assessments") == alone(export)
    patients = [row["patient"] for row in rows(clean_run / "patients")]
    assert len(patients) == len(set(patients)) == PATIENTS


def test_a_small_export_gets_eight_buckets_a_worker(clean_run: Path) -> None:
    """The last buckets run while other workers idle: a small run still has many, short."""
    manifest = orjson.loads((clean_run / "run.json").read_bytes())
    assert manifest["buckets"] == 16
    assert len(list((clean_run / "patients").glob("*.parquet"))) == 16


def test_resources_of_no_patient_are_counted_and_reported(clean_run: Path) -> None:
    """Orphan Observations, a Practitioner and the truncated line are reported, not lost."""
    summary = orjson.loads((clean_run / "summary.json").read_bytes())
    assert summary["unassigned"] == {
        "(unreadable line)": 1,
        "Observation": 7,
        "Practitioner": 1,
    }
    (where,) = summary["unreadable"]
    assert "Observation.001.ndjson:byte " in where


def test_subjects_naming_no_patient_are_listed_with_the_readers_reason(
    export: Path, clean_run: Path
) -> None:
    """Each is in ignored/ with where it is and why, as read_presentations lists it."""
    summary = orjson.loads((clean_run / "summary.json").read_bytes())
    assert summary["ignored"] == 4
    assert ignored_listing(clean_run / "ignored") == readers_ignored(export)
    for entry in listed(clean_run / "ignored"):
        assert ".ndjson:byte " in entry["at"]


def test_a_subject_given_by_identifier_only_is_the_patient_carrying_it(
    export: Path, clean_run: Path
) -> None:
    """Matched to the one Patient with that identifier, wherever it is; a shared one to none."""
    (row,) = [r for r in rows(clean_run / "patients") if r["patient"] == "Patient/pop-002"]
    named = [
        line
        for path in export.iterdir()
        for line in path.read_bytes().splitlines()
        if b'"Patient/pop-002"' in line or b'"id":"pop-002"' in line
    ]
    assert row["resources"] == len(named) + 1  # with Observation/stray-1
    reasons = {e["resource"]: e["reason"] for e in listed(clean_run / "ignored")}
    assert "Observation/stray-1" not in reasons
    assert "matches more than one Patient's identifier" in reasons["Observation/stray-3"]
    assert "matches no Patient's identifier" in reasons["Observation/stray-4"]


def test_strict_mode_stops_at_a_subject_naming_no_patient(export: Path, tmp_path: Path) -> None:
    """--strict: exit status 2 and one line naming the resource and its subject."""
    err = io.StringIO()
    command = ["population", "run", str(export), "--out", str(tmp_path / "o"), "--strict"]
    status = main([*command, "--workers", "2"], stdout=io.StringIO(), stderr=err)
    assert status == 2
    assert re.search(r"@ Observation/stray-\d\.subject$", err.getvalue().strip())


def test_the_huge_patient_is_assessed_whole(clean_run: Path) -> None:
    """The patient with thousands of Observations is one row with all of them."""
    (first,) = [r for r in rows(clean_run / "patients") if r["patient"] == "Patient/pop-001"]
    assert first["resources"] > 3000
    assert first["error"] is None


def test_a_run_killed_midway_and_resumed_gives_the_clean_output(
    export: Path, clean_run: Path, tmp_path: Path
) -> None:
    """SIGKILL after a few buckets, then --resume: no patient lost or written twice."""
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "legrules.cli",
        "population",
        "run",
        str(export),
        "--out",
        str(out),
        "--as-of",
        AS_OF.isoformat(),
        "--workers",
        "1",
        "--buckets",
        "40",
    ]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL)
    done = out / "work" / "done"
    deadline = time.monotonic() + 300
    while not (done.is_dir() and len(list(done.iterdir())) >= 3):
        assert process.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert len(list(done.iterdir())) < 40
    said = io.StringIO()
    status = main(
        ["population", "run", str(export), "--out", str(out), "--resume"],
        stdout=said,
        stderr=io.StringIO(),
    )
    assert status == 0
    assert "by the run resumed" in said.getvalue()  # its pace is its own work's
    assert rows(out / "patients") == rows(clean_run / "patients")
    assert documents(out / "assessments") == documents(clean_run / "assessments")
    assert listed(out / "ignored") == listed(clean_run / "ignored")


def test_a_folder_holding_other_things_is_refused(export: Path, tmp_path: Path) -> None:
    """Without --resume, a non-empty output folder is an input error, not a mixed result."""
    (tmp_path / "notes.txt").write_text("mine")
    err = io.StringIO()
    status = main(["population", "run", str(export), "--out", str(tmp_path)], stderr=err)
    assert status == 2
    assert "--resume" in err.getvalue()


def test_spark_engine_refuses_the_embedded_options(export: Path, tmp_path: Path) -> None:
    """--resume, --workers and --buckets with --engine spark are an error, not ignored."""
    err = io.StringIO()
    command = ["population", "run", str(export), "--out", str(tmp_path / "o")]
    status = main([*command, "--engine", "spark", "--resume"], stderr=err)
    assert status == 2
    assert "embedded engine" in err.getvalue()
