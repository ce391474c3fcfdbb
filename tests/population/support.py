"""What the population tests compare: rows, documents, and each patient assessed alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pyarrow.parquet as pq

from legrules import assess, dump_assessment
from legrules.fhir import read_presentation, read_presentations
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
    """Each patient's lines as the generator wrote them, then those naming it by identifier.

    A line whose subject is an identifier only belongs to the one Patient carrying
    that identifier (none when several do), after the patient's other lines.
    """
    by_patient: dict[str, list[bytes]] = {}
    carriers: dict[str, set[str]] = {}
    by_identifier: list[tuple[str, bytes]] = []
    for path in sorted(export.iterdir(), key=str):
        for line in path.read_bytes().splitlines():
            try:
                data = orjson.loads(line)
            except orjson.JSONDecodeError:  # the truncated last line
                continue
            subject = data.get("subject", {})
            if data["resourceType"] == "Patient":
                by_patient.setdefault(data["id"], []).append(line)
                for identifier in data.get("identifier", []):
                    name = f"{identifier['system']}|{identifier['value']}"
                    carriers.setdefault(name, set()).add(data["id"])
            elif str(subject.get("reference")).startswith("Patient/"):
                pid = data["subject"]["reference"].removeprefix("Patient/")
                by_patient.setdefault(pid, []).append(line)
            elif "identifier" in subject:
                name = f"{subject['identifier']['system']}|{subject['identifier']['value']}"
                by_identifier.append((name, line))
    for name, line in by_identifier:
        if len(carriers.get(name, ())) == 1:
            (pid,) = carriers[name]
            by_patient[pid].append(line)
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


def listed(folder: Path) -> list[dict[str, Any]]:
    """Every entry of a run's ``ignored`` folder (NDJSON or Spark JSON parts)."""
    return [orjson.loads(line) for line in documents(folder)]


def ignored_listing(folder: Path) -> list[tuple[str, str]]:
    """A run's ignored resources as sorted ``(resource, reason)`` pairs."""
    return sorted((entry["resource"], entry["reason"]) for entry in listed(folder))


def readers_ignored(export: Path) -> list[tuple[str, str]]:
    """What read_presentations lists as tied to no patient in the whole export.

    The Patients come first, so that the reader knows their identifiers before any
    resource names a patient by identifier only (it reads NDJSON as it streams).
    """
    files = sorted(export.iterdir(), key=lambda path: (not path.name.startswith("Patient"), path))
    lines = [line for path in files for line in path.read_bytes().splitlines()]
    source = b"\n".join(line for line in lines if _parses(line))
    return sorted(
        (item.reference, item.reason)
        for result in read_presentations(source, as_of=AS_OF, on_error="skip")
        for item in result.ignored
        if "not tied to a patient" in item.reason
    )


def _parses(line: bytes) -> bool:
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:  # the truncated last line
        return False
    return True
