"""What the population tests compare: rows, documents, and each patient assessed alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pyarrow.parquet as pq

from legrules import assess, dump_assessment
from legrules.fhir import read_presentation
from tests.population.conftest import AS_OF


def rows(folder: Path) -> list[dict[str, Any]]:
    """Every Parquet row under *folder*, sorted by patient."""
    table = pq.read_table(folder)
    return sorted(table.to_pylist(), key=lambda r: str(r["patient"]))


def documents(folder: Path) -> list[bytes]:
    """Every assessment document (NDJSON parts, whatever their suffix), sorted."""
    return sorted(
        line
        for path in folder.iterdir()
        if path.is_file() and not path.name.startswith(("_", "."))
        for line in path.read_bytes().splitlines()
        if line
    )


def _lines_by_patient(export: Path) -> dict[str, list[bytes]]:
    """Each patient's lines as the generator wrote them (plain ``Patient/<id>`` subjects)."""
    by_patient: dict[str, list[bytes]] = {}
    for path in sorted(export.iterdir(), key=str):
        for line in path.read_bytes().splitlines():
            try:
                data = orjson.loads(line)
            except orjson.JSONDecodeError:  # the truncated last line
                continue
            if data["resourceType"] == "Patient":
                by_patient.setdefault(data["id"], []).append(line)
            elif "subject" in data:
                pid = data["subject"]["reference"].removeprefix("Patient/")
                by_patient.setdefault(pid, []).append(line)
    return by_patient


def alone(export: Path) -> list[bytes]:
    """Each patient's resources read and assessed on their own (with the Medications)."""
    medications = (export / "Medication.ndjson").read_bytes().splitlines()
    by_patient = _lines_by_patient(export)
    out = []
    for pid in sorted(by_patient):
        source = [orjson.loads(line) for line in [*medications, *by_patient[pid]]]
        read = read_presentation(source, as_of=AS_OF, on_error="skip")
        result = assess(read.presentation, as_of=AS_OF)
        out.append(orjson.dumps(dump_assessment(result), option=orjson.OPT_SORT_KEYS))
    return sorted(out)
