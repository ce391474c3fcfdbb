"""`legrules assess` reads FHIR inputs: Bundles, arrays and NDJSON, one assessment each."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import orjson

from legrules.cli import main
from tests.fhir.test_read_containers import of
from tests.fhir.test_read_examples import SHIPPED

AS_OF = "2026-11-20T10:00:00+00:00"


def run(*args: str, stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["assess", *args, "--as-of", AS_OF], stdin=io.BytesIO(stdin), stdout=out, stderr=err
    )
    return code, out.getvalue(), err.getvalue()


def test_a_fhir_bundle_is_assessed_as_one_document() -> None:
    """A searchset Bundle of one patient prints one assessment document."""
    code, out, _ = run(str(SHIPPED), "--format", "json", "--fhir-strict")
    assert code == 0
    assert orjson.loads(out)["disposition"] == "urgent"


def test_ndjson_of_several_patients_prints_json_lines() -> None:
    """Each patient gets one assessment, one JSON document a line."""
    data = b"".join(orjson.dumps(r) + b"\n" for r in [of("a", "1"), of("b", "2"), of("c", "3")])
    code, out, _ = run("-", "--format", "json", stdin=data)
    assert code == 0
    assert [orjson.loads(line)["patient"] for line in out.splitlines()] == ["a", "b", "c"]


def test_a_resource_array_is_read_from_stdin() -> None:
    """A JSON array of resources is detected from its content."""
    code, out, _ = run("-", "--format", "json", stdin=orjson.dumps([of("a", "1")]))
    assert code == 0
    assert orjson.loads(out)["patient"] == "a"


def test_bad_fhir_input_exits_2_with_one_line() -> None:
    """A unit error exits 2 with one line naming the resource and element."""
    bad = of("a", "1", "temperature")
    bad["valueQuantity"] = {"value": 38, "code": "degrees"}
    code, out, err = run("-", stdin=orjson.dumps(bad))
    assert (code, out) == (2, "")
    assert err.strip().endswith("@ Observation/1.valueQuantity.code")
    assert len(err.splitlines()) == 1


def test_presentation_documents_still_work(tmp_path: Path) -> None:
    """A presentation document is not mistaken for FHIR."""
    path = tmp_path / "p.json"
    path.write_bytes(
        orjson.dumps(
            {
                "findings": [
                    {"id": "dyspnea", "state": "present"},
                    {"id": "leg-pain", "state": "present"},
                ]
            }
        )
    )
    code, out, _ = run(str(path), "--format", "json")
    assert code == 0
    assert orjson.loads(out)["disposition"] == "emergency"


def test_no_progress_bar_when_stderr_is_not_a_terminal() -> None:
    """Piped stderr stays clean."""
    data = b"".join(orjson.dumps(of(p, p)) + b"\n" for p in "abcdef")
    _, _, err = run("-", "--format", "json", stdin=data)
    assert err == ""


def test_the_benchmark_script_runs_on_a_tiny_input() -> None:
    """benchmarks/fhir_read.py prints its three rates and ratios."""
    script = Path(__file__).parents[2] / "benchmarks" / "fhir_read.py"
    result = subprocess.run(
        [sys.executable, str(script), "--count", "200", "--sample", "20"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "reader vs fhir.resources validation" in result.stdout
