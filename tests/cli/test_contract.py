"""The output contract of ``legrules assess``: the shape follows the input's form."""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest

from legrules.cli import main
from tests.fhir.test_read_containers import of

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-20T10:00:00Z"
BUNDLE = str(ROOT / "examples" / "fhir" / "suspected-dvt-searchset.json")


def run(*args: str, stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["assess", *args, "--as-of", AS_OF], stdin=io.BytesIO(stdin), stdout=out, stderr=err
    )
    return code, out.getvalue(), err.getvalue()


def ndjson(*patients: str) -> bytes:
    return b"".join(orjson.dumps(of(p, f"{p}-{n}")) + b"\n" for p in patients for n in (1, 2))


def test_ndjson_with_one_patient_is_still_json_lines() -> None:
    """Bulk input gives JSON Lines whatever its patient count: one compact line here."""
    code, out, _ = run("-", "--format", "json", stdin=ndjson("a"))
    assert code == 0
    assert out.count("\n") == 1
    assert orjson.loads(out)["patient"] == "a"


def test_an_ndjson_file_of_one_line_is_json_lines_by_its_name(tmp_path: Path) -> None:
    """A .ndjson file holding a single resource is bulk data all the same."""
    path = tmp_path / "one.ndjson"
    path.write_bytes(orjson.dumps(of("a", "1")) + b"\n")
    _, out, _ = run(str(path), "--format", "json")
    assert out.count("\n") == 1


def test_one_document_about_one_patient_is_one_indented_document() -> None:
    """A Bundle about one patient prints one pretty-printed assessment document."""
    code, out, _ = run(BUNDLE, "--format", "json")
    assert code == 0
    assert out.startswith("{\n  ")
    assert orjson.loads(out)["disposition"] == "urgent"


def test_a_document_about_several_patients_is_json_lines() -> None:
    """A JSON array of resources for two patients gives one line per patient."""
    code, out, _ = run("-", "--format", "json", stdin=orjson.dumps([of("a", "1"), of("b", "2")]))
    assert code == 0
    assert [orjson.loads(line)["patient"] for line in out.splitlines()] == ["a", "b"]


def test_fhir_output_is_one_bundle_a_line_even_for_one_document() -> None:
    """--format fhir always prints one transaction Bundle per line."""
    _, out, _ = run(BUNDLE, "--format", "fhir")
    assert out.count("\n") == 1
    assert orjson.loads(out)["type"] == "transaction"


def test_multi_patient_text_names_and_separates_each_patient() -> None:
    """With several patients each text block starts with a numbered line naming the patient."""
    _, out, _ = run("-", "--format", "text", stdin=ndjson("a", "b"))
    heads = [line for line in out.splitlines() if line.startswith("===")]
    assert [h.rstrip("=").strip() for h in heads] == ["=== 1. Patient a", "=== 2. Patient b"]
    assert "\n\n=== 2. Patient b" in out


def test_single_document_text_has_no_separator() -> None:
    """One patient from one document reads as before: no patient line."""
    _, out, _ = run(BUNDLE, "--format", "text")
    assert "===" not in out


@pytest.mark.parametrize("fmt", ["json", "text", "fhir"])
def test_nothing_but_results_on_stdout_and_nothing_on_stderr(fmt: str) -> None:
    """A clean run writes its results to stdout only."""
    code, out, err = run("-", "--format", fmt, stdin=ndjson("a", "b", "c"))
    assert (code, err) == (0, "")
    assert out.strip()


def test_help_states_the_output_contract_and_the_exit_codes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`legrules --help` says which shape each input gives and what each exit status means."""
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert "JSON Lines" in text
    assert "even with one patient" in text
    for line in ("0    success", "1    internal error", "2    bad input", "130  interrupted"):
        assert line in text
