"""The legrules command line."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from legrules import __version__
from legrules.cli import main
from legrules.rules import LATEST, get_ruleset

EXAMPLE = str(
    Path(__file__).parents[2] / "examples" / "presentations" / "calf-pain-after-flight.json"
)
AS_OF = "2026-11-20T10:00:00+00:00"


def cli(*argv: str, stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.BytesIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_assess_prints_a_readable_result() -> None:
    """--format text leads with what to ask, then the headline, and lists the met red flag."""
    code, out, err = cli("assess", EXAMPLE, "--format", "text", "--as-of", AS_OF)
    assert (code, err) == (0, "")
    first, headline = out.splitlines()[:2]
    assert first.startswith("Ask now: ")
    assert first.endswith("could mean EMERGENCY.")
    assert headline.startswith("URGENT")
    assert "Suspected deep vein thrombosis: leg swelling (left)" in out


def test_assess_json_is_the_assessment_document() -> None:
    """--format json prints the assessment document with rule set and policy."""
    code, out, _ = cli("assess", EXAMPLE, "--format", "json", "--as-of", AS_OF)
    document = orjson.loads(out)
    assert code == 0
    assert document["disposition"] == "urgent"
    assert document["ruleset"] == {"id": "legrules", "version": LATEST}
    assert document["as_of"] == AS_OF
    assert document["policy"]["wells_variant"] == "nice-2020"


def test_assess_reads_standard_input() -> None:
    """PATH - reads the document from stdin."""
    data = Path(EXAMPLE).read_bytes()
    code, out, _ = cli("assess", "-", "--format", "json", stdin=data)
    assert code == 0
    assert orjson.loads(out)["disposition"] == "urgent"


def test_policy_values_are_recorded_in_the_result() -> None:
    """--policy KEY=VALUE changes the policy and the result records it."""
    code, out, _ = cli(
        "assess",
        EXAMPLE,
        "--format",
        "json",
        "--policy",
        "wells_variant=wells-1997",
        "--policy",
        "not_improving_days=10",
    )
    policy = orjson.loads(out)["policy"]
    assert code == 0
    assert (policy["wells_variant"], policy["not_improving_days"]) == ("wells-1997", 10)


@pytest.mark.parametrize(
    ("argv", "stdin", "expected"),
    [
        (("assess", "-"), b'{"findings": [', "not valid JSON"),
        (
            ("assess", "-"),
            b'{"measurements": [{"id": "temperature", "value": 37, "unit": "F"}]}',
            "@ $.measurements[0].unit",
        ),
        (("assess", "/no/such/file.json"), b"", "no such file: '/no/such/file.json'"),
        (("assess", "-", "--policy", "colour=blue"), b"{}", "unknown policy setting"),
        (("assess", "-", "--policy", "wells_variant"), b"{}", "KEY=VALUE"),
        (("assess", "-", "--as-of", "yesterday"), b"{}", "@ --as-of"),
        (("assess", "-", "--ruleset", "1999.01"), b"{}", "unknown rule set"),
        (("rules", "show", "redflag.nope"), b"", "not in rule set"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    argv: tuple[str, ...], stdin: bytes, expected: str
) -> None:
    """Bad input gives exit status 2 and one line naming the problem, no traceback."""
    code, out, err = cli(*argv, stdin=stdin)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("legrules: error: ")
    assert expected in err


def test_rules_lists_every_rule_with_its_version() -> None:
    """The rules command lists the rule set and each rule's id and version."""
    code, out, _ = cli("rules")
    assert code == 0
    assert f"rule set legrules {LATEST}" in out
    assert "redflag.cauda-equina" in out
    assert "score.wells-dvt" in out


def test_rules_show_prints_criteria_version_policy_and_sources() -> None:
    """The rules show command prints what the rule reads and cites."""
    code, out, _ = cli("rules", "show", "score.wells-dvt")
    assert code == 0
    version = get_ruleset().rule("score.wells-dvt").version
    assert f"score.wells-dvt  {version}" in out
    assert "criteria:" in out
    assert "policy: wells_variant" in out
    assert "N Engl J Med. 2003" in out


def test_schema_prints_a_json_schema() -> None:
    """The schema command prints the presentation schema."""
    code, out, _ = cli("schema", "presentation")
    assert code == 0
    assert orjson.loads(out)["title"] == "legrules presentation"


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    """The --version flag prints the library version."""
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"legrules {__version__}"


def test_python_dash_m_legrules_is_the_same_command_line() -> None:
    """``python -m legrules`` runs the command line the ``legrules`` script runs."""
    result = subprocess.run(
        [sys.executable, "-m", "legrules", "assess", EXAMPLE, "--format", "json"],
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert orjson.loads(result.stdout)["ruleset"] == {"id": "legrules", "version": LATEST}


def test_console_script_runs_without_traceback_on_bad_input() -> None:
    """The installed command exits 2 with no traceback on malformed input."""
    result = subprocess.run(
        [sys.executable, "-m", "legrules.cli", "assess", "-"],
        input=b"not json",
        capture_output=True,
        check=False,
    )
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
