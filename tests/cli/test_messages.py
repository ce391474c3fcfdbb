"""What the command line says when something is wrong: one clear line, and a hint."""

from __future__ import annotations

import builtins
import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import legrules._cli.assess
from legrules.cli import ISSUES, main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(ROOT / "examples" / "presentations" / "calf-pain-after-flight.json")


def cli(*argv: str, stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.BytesIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_an_unexpected_exception_exits_1_with_a_bug_report_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bug is not blamed on the input: status 1, the error, and where to report it."""

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(legrules._cli.assess, "assess", broken)
    code, out, err = cli("assess", EXAMPLE, "--format", "json")
    assert (code, out) == (1, "")
    assert err.startswith("legrules: internal error: ZeroDivisionError: division by zero\n")
    assert "this is a bug in legrules" in err
    assert ISSUES in err
    assert "Traceback" not in err


def test_legrules_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    """LEGRULES_DEBUG=1 lets the exception through, for the bug report."""
    monkeypatch.setattr(legrules._cli.assess, "assess", lambda *a, **k: 1 / 0)
    monkeypatch.setenv("LEGRULES_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        cli("assess", EXAMPLE, "--format", "json")


def test_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C ends quietly with status 130."""

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(legrules._cli.assess, "assess", interrupted)
    code, _, err = cli("assess", EXAMPLE, "--format", "json")
    assert (code, err) == (130, "legrules: interrupted\n")


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda tmp: str(tmp / "missing.json"), "no such file: '{tmp}/missing.json'"),
        (lambda tmp: str(tmp), "'{tmp}' is a folder, not a file"),
    ],
)
def test_a_file_that_cannot_be_read_is_named_once(tmp_path: Path, make: Any, expected: str) -> None:
    """A missing file or a folder: one line naming it, not '... @ missing.json'."""
    code, _, err = cli("assess", make(tmp_path))
    assert code == 2
    assert err == f"legrules: error: {expected.format(tmp=tmp_path)}\n"


def test_a_file_without_permission_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No permission to read: said in words (as root chmod cannot show it, open is faked)."""
    path = tmp_path / "locked.json"
    path.write_text("{}")
    real_open = builtins.open

    def locked(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", locked)
    code, _, err = cli("assess", str(path))
    assert (code, err) == (2, f"legrules: error: no permission to read '{path}'\n")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x7fELF\x02\x01\x01\x00\x00", "holds binary data, not JSON or NDJSON text @ byte 7"),
        (b'\xff\xfe{"a": 1}', "is not UTF-8 text (byte 0xff): expected JSON or NDJSON @ byte 0"),
    ],
)
def test_binary_input_is_named_as_such(tmp_path: Path, data: bytes, expected: str) -> None:
    """A binary file gets a plain message, not 'surrogates not allowed'."""
    path = tmp_path / "data.bin"
    path.write_bytes(data)
    code, _, err = cli("assess", str(path))
    assert code == 2
    assert err == f"legrules: error: '{path}' {expected}\n"
    assert "surrogates" not in err


@pytest.mark.parametrize(
    ("argv", "stdin", "suggestion"),
    [
        (("assess", "-"), b'{"findings": [{"id": "leg-pian", "state": "present"}]}', "'leg-pain'"),
        (("assess", "-", "--policy", "wells_varient=nice-2020"), b"{}", "'wells_variant'"),
        (("rules", "show", "redflag.dvt"), b"", "'redflag.suspected-dvt'"),
    ],
)
def test_unknown_ids_and_keys_get_a_close_match(
    argv: tuple[str, ...], stdin: bytes, suggestion: str
) -> None:
    """A typing slip in a finding id, policy key or rule id is answered with the likely name."""
    code, _, err = cli(*argv, stdin=stdin)
    assert code == 2
    assert f"did you mean {suggestion}" in err


def help_of(*argv: str, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    return " ".join(capsys.readouterr().out.split())


def test_policy_help_lists_every_key_with_its_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`assess --help` names each policy key and its default value."""
    text = help_of("assess", capsys=capsys)
    for key in ("wells_variant (nice-2020)", "age_adjusted_d_dimer (true)", "lookback_labs_days"):
        assert key in text


@pytest.mark.parametrize(
    ("command", "expected"),
    [("rules", "show: one rule in full"), ("rules", "the rule to show"), ("schema", "the input")],
)
def test_positional_arguments_have_help(
    command: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The positional arguments of `rules` and `schema` say what they take."""
    assert expected in help_of(command, capsys=capsys)


def test_strategies_without_hypothesis_say_how_to_install_it() -> None:
    """Importing legrules.strategies without hypothesis names the extra to install."""
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "from legrules import LegrulesError\n"
        "try:\n    import legrules.strategies\n"
        "except (ImportError, LegrulesError) as error:\n    print(type(error).__name__, error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout == (
        "MissingExtraError legrules.strategies needs hypothesis, which is not installed: "
        "pip install 'legrules[hypothesis]'\n"
    )
