"""Fuzzing the command line: exit 0 with an assessment, or exit 2 with one line; no traceback."""

from __future__ import annotations

import io

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legrules.cli import main
from tests.conftest import FUZZ_EXAMPLES
from tests.fuzz.inputs import raw_bytes

FUZZ = settings(max_examples=FUZZ_EXAMPLES, suppress_health_check=list(HealthCheck))
OPTIONS = st.sampled_from(
    [
        ["--format", "json", "--as-of", "2026-11-20T10:00:00Z"],
        ["--format", "text", "--as-of", "2026-11-20T10:00:00+01:00"],
        ["--format", "json", "--policy", "wells_variant=wells-1997"],
    ]
)


def run_cli(stdin: bytes, options: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["assess", "-", *options], stdin=io.BytesIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.slow
@FUZZ
@given(data=raw_bytes(), options=OPTIONS)
def test_cli_exits_zero_or_two_with_one_line_for_any_stdin(data: bytes, options: list[str]) -> None:
    """Any standard input gives exit 0 and an assessment, or exit 2 and one error line."""
    code, out, err = run_cli(data, options)
    assert code in (0, 2)
    assert "Traceback" not in out + err
    if code == 0:
        assert err == ""
        if "json" in options:
            assert "disposition" in orjson.loads(out)
        else:
            assert out.strip()
    else:
        assert out == ""
        assert err.startswith("legrules: error: ")
        assert err.count("\n") == 1
        assert " @ " in err
