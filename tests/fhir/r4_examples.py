"""What the reader makes of each official R4 example: the outcome, as comparable text.

The outcome of every file of ``hl7.fhir.r4.examples`` (no one here wrote them) is
recorded in ``r4_example_outcomes.json``, keyed by file name, except for the usual
one: a file whose every resource is of a type legrules does not read gives one result
with no facts, each resource listed as ignored with that reason (see :func:`usual`).
A deliberate change of the reader regenerates the table with
``python tests/fhir/r4_examples.py --write``; the diff shows, file by file, what changed.

Each file is read at an instant taken from its own content (an hour after its latest
``effectiveDateTime``), so that its Observations fall inside their look-back and
facts are read, not only "too old" reasons.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from legrules import LegrulesError
from legrules.fhir import ReadResult, read_presentations
from legrules.fhir.read.elements import parse_datetime
from tests.fhir.conftest import EXAMPLES
from tests.support import AS_OF

TABLE = Path(__file__).parent / "r4_example_outcomes.json"
_EFFECTIVE = re.compile(rb'"effective(?:DateTime|Instant)"\s*:\s*"([^"]{4,40})"')


def files() -> list[Path]:
    """Every official R4 example (JSON), by name."""
    return sorted(EXAMPLES.glob("*.json"))


def as_of(path: Path) -> datetime:
    """An hour after the latest effective date(-time) in the file (else AS_OF)."""
    times = []
    for match in _EFFECTIVE.finditer(path.read_bytes()):
        try:
            times.append(parse_datetime(match.group(1).decode()))
        except (ValueError, UnicodeDecodeError):
            continue
    return max(times) + timedelta(hours=1) if times else AS_OF


def summary(result: ReadResult) -> dict[str, Any]:
    """One result as plain data: who, the facts, and why each left-out resource was."""
    p = result.presentation
    facts = [
        f"{f.id}{f'/{f.laterality.value}' if f.laterality else ''}={f.state.value}"
        for f in p.findings
    ]
    facts += [f"{m.id}={m.value:g} {m.unit}" for m in p.measurements]
    reasons = Counter(i.reason for i in result.ignored)
    return {
        "patient": [
            p.patient.id,
            p.patient.age,
            None if p.patient.sex is None else p.patient.sex.value,
        ],
        "facts": facts,
        "ignored": dict(sorted(reasons.items())),
    }


def outcome(path: Path, **options: Any) -> dict[str, Any]:
    """The outcome of :func:`read_presentations` on *path*: results, or the error line."""
    try:
        results = list(read_presentations(path, as_of=as_of(path), **options))
    except LegrulesError as error:
        return {"error": f"{type(error).__name__}: {error}"}
    return {"results": [summary(r) for r in results]}


def usual(path: Path) -> dict[str, Any] | None:
    """The usual outcome of a file of resources legrules does not read (``None``: not one)."""
    data = json.loads(path.read_bytes())
    resources = (
        [e.get("resource", {}) for e in data.get("entry", [])]
        if data.get("resourceType") == "Bundle"
        else [data]
    )
    if data.get("resourceType") == "Bundle" or not resources:
        return None
    kinds = Counter(f"{r.get('resourceType')} is not read by legrules" for r in resources)
    return {"results": [{"patient": [None, None, None], "facts": [], "ignored": dict(kinds)}]}


#: The types legrules reads: their files are also read in strict mode.
READ_TYPES = ("Condition", "Medication", "Observation", "Patient", "QuestionnaireResponse")


def strict_files() -> list[Path]:
    """The examples of the types legrules reads (Medication* included), for strict mode."""
    return [p for p in files() if p.name.startswith(READ_TYPES)]


def wanted(table: dict[str, dict[str, Any]], path: Path) -> dict[str, Any]:
    """The outcome *table* records for *path*, else the usual one."""
    found = table.get(path.name) or usual(path)
    assert found is not None, f"{path.name}: no outcome recorded"
    return found


def expected() -> dict[str, dict[str, dict[str, Any]]]:
    """The recorded outcomes: ``default`` (usual outcomes left out) and ``strict``."""
    table: dict[str, dict[str, dict[str, Any]]] = json.loads(TABLE.read_text())
    return table


def record() -> dict[str, dict[str, dict[str, Any]]]:
    """The outcome of every file whose outcome is not the usual one, and strict ones."""
    default = {}
    for path in files():
        found = outcome(path)
        if found != usual(path):
            default[path.name] = found
    strict = {p.name: outcome(p, strict=True, version="R4") for p in strict_files()}
    return {"default": default, "strict": strict}


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/fhir/r4_examples.py --write")
    TABLE.write_text(json.dumps(record(), indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"wrote {TABLE}")
