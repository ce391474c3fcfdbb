"""``legrules assess --format fhir``: the transaction Bundle on the command line."""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest

from legrules.cli import main
from legrules.fhir import finding_system
from tests.fhir.write_checks import check_bundle

EXAMPLE = Path(__file__).parents[2] / "examples/presentations/calf-pain-after-flight.json"


def _run(*args: str, stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(args), stdin=io.BytesIO(stdin), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def test_format_fhir_prints_a_valid_r4b_bundle_by_default() -> None:
    """The default FHIR version is R4B; the output is one Bundle on one line."""
    status, out, _ = _run("assess", str(EXAMPLE), "--format", "fhir")
    assert status == 0
    (line,) = out.splitlines()
    bundle = orjson.loads(line)
    assert bundle["type"] == "transaction"
    check_bundle(bundle, "R4B")


def test_fhir_version_r5_prints_an_r5_bundle() -> None:
    """--fhir-version R5 writes RequestOrchestration-era resources that validate as R5."""
    status, out, _ = _run("assess", str(EXAMPLE), "--format", "fhir", "--fhir-version", "R5")
    assert status == 0
    check_bundle(orjson.loads(out), "R5")


def test_fhir_output_is_deterministic() -> None:
    """The same input and as_of print the same bytes twice."""
    args = ("assess", "-", "--format", "fhir", "--as-of", "2026-11-20T10:00:00Z")
    document = b'{"patient": {"id": "p7"}, "findings": [{"id": "dyspnea", "state": "present"}]}'
    first, second = _run(*args, stdin=document), _run(*args, stdin=document)
    assert first == second
    assert '"reference":"Patient/p7"' in first[1]


def test_bad_patient_id_exits_two_with_one_line() -> None:
    """A patient id that cannot be a FHIR id is a one-line error, exit 2, no traceback."""
    document = b'{"patient": {"id": "MRN 1/2"}}'
    status, out, err = _run("assess", "-", "--format", "fhir", stdin=document)
    assert (status, out) == (2, "")
    assert err.startswith("legrules: error: patient id 'MRN 1/2' is not a FHIR id")
    assert err.count("\n") == 1


def test_unknown_fhir_version_is_refused_by_the_parser() -> None:
    """Only R4B and R5 are accepted."""
    with pytest.raises(SystemExit) as caught:
        _run("assess", str(EXAMPLE), "--format", "fhir", "--fhir-version", "R4")
    assert caught.value.code == 2


def _ndjson(*patient_ids: str) -> bytes:
    lines: list[dict[str, object]] = []
    for pid in patient_ids:
        lines.append({"resourceType": "Patient", "id": pid, "gender": "female"})
        lines.append(
            {
                "resourceType": "Observation",
                "id": f"{pid}-dyspnea",
                "status": "final",
                "code": {"coding": [{"system": finding_system(), "code": "dyspnea"}]},
                "subject": {"reference": f"Patient/{pid}"},
                "effectiveDateTime": "2026-11-20T09:00:00Z",
                "valueBoolean": True,
            }
        )
    return b"\n".join(orjson.dumps(line) for line in lines) + b"\n"


def test_several_assessments_print_one_bundle_per_line() -> None:
    """Multi-patient NDJSON input gives NDJSON: one Bundle per patient, one per line."""
    args = ("assess", "-", "--format", "fhir", "--as-of", "2026-11-20T10:00:00Z")
    status, out, _ = _run(*args, stdin=_ndjson("a", "b", "c"))
    assert status == 0
    bundles = [orjson.loads(line) for line in out.splitlines()]
    subjects = [b["entry"][1]["resource"]["subject"]["reference"] for b in bundles]
    assert subjects == ["Patient/a", "Patient/b", "Patient/c"]


def test_max_entries_prints_the_write_back_split_one_transaction_per_line() -> None:
    """--max-entries N: each line a transaction of at most N entries, together the whole."""
    _, whole, _ = _run(
        "assess", str(EXAMPLE), "--format", "fhir", "--as-of", "2026-11-20T10:00:00Z"
    )
    status, out, _ = _run(
        "assess",
        str(EXAMPLE),
        "--format",
        "fhir",
        "--as-of",
        "2026-11-20T10:00:00Z",
        "--max-entries",
        "8",
    )
    assert status == 0
    parts = [orjson.loads(line) for line in out.splitlines()]
    assert len(parts) > 1
    assert all(len(part["entry"]) <= 8 for part in parts)
    entries = orjson.loads(whole)["entry"]
    assert sorted(e["fullUrl"] for p in parts for e in p["entry"]) == sorted(
        e["fullUrl"] for e in entries
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "json", "--max-entries", "8"), "--max-entries needs --format fhir"),
        (("--format", "fhir", "--max-entries", "0"), "expected a whole number, 1 or more"),
    ],
)
def test_max_entries_is_refused_without_format_fhir_or_below_one(
    args: tuple[str, ...], message: str
) -> None:
    """--max-entries only splits FHIR output, and only into parts of one entry or more."""
    status, out, err = _run("assess", str(EXAMPLE), *args)
    assert status == 2
    assert out == ""
    assert message in err
