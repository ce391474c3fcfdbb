"""The parser built for the command asked for: the same arguments, and no other imports."""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from legrules.cli import _COMMANDS, _EXTENSIONS, _parser, main

COMMANDS = [name for names in _COMMANDS.values() for name in names] + [
    name for names, _ in _EXTENSIONS.values() for name in names
]


def sub_parser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    (commands,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    found: argparse.ArgumentParser = commands.choices[command]
    return found


@pytest.mark.parametrize("command", COMMANDS)
def test_a_command_built_alone_is_the_command_built_among_all(command: str) -> None:
    """A command's parser, built for it alone, has the help (so the arguments) of the whole's."""
    alone = sub_parser(_parser([command, "--help"]), command)
    among = sub_parser(_parser(["--help"]), command)
    assert alone.format_help() == among.format_help()


def test_help_and_unknown_commands_list_every_command() -> None:
    """``--help``, no command and an unknown one get the parser with every command."""
    for argv in (["--help"], [], ["asses"], ["--version"], ["-h", "assess"]):
        (commands,) = (
            a for a in _parser(argv)._actions if isinstance(a, argparse._SubParsersAction)
        )
        assert sorted(commands.choices) == sorted(COMMANDS)


def test_assessing_ndjson_imports_no_other_command_nor_cattrs(tmp_path: Path) -> None:
    """``legrules assess --format json`` imports no other command's module, cattrs or rendering."""
    observation = {
        "resourceType": "Observation",
        "status": "final",
        "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": "http://loinc.org", "code": "8310-5"}]},
        "valueQuantity": {"value": 38.4, "system": "http://unitsofmeasure.org", "code": "Cel"},
        "effectiveDateTime": "2026-11-20T09:00:00Z",
    }
    path = tmp_path / "one.ndjson"
    path.write_bytes(orjson.dumps(observation) + b"\n")
    code = (
        "import io, sys\n"
        "from legrules.cli import main\n"
        "out = io.StringIO()\n"
        "main(['assess', sys.argv[1], '--format', 'json', '--as-of', '2026-11-20T10:00:00Z'],"
        " stdout=out)\n"
        "print(len(out.getvalue().splitlines()), ' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, check=True, text=True
    )
    lines, *modules = done.stdout.split()
    assert lines == "1"  # one assessment written
    loaded = set(modules)
    unwanted = {"cattrs", "legrules.render", "legrules._cli.catalogue", "legrules.schemas"}
    unwanted |= set(_EXTENSIONS)
    assert loaded & unwanted == set()


def test_a_parser_is_built_once_for_the_commands_it_holds() -> None:
    """Calls naming the same command share one parser; the whole parser is another."""
    assess = _parser(["assess", "-"])
    assert _parser(["assess", "patient.json", "--format", "json"]) is assess
    assert _parser(["--help"]) is _parser([]) is not assess


def test_nothing_of_a_call_is_left_on_the_shared_parser() -> None:
    """Each call's standard input is its own: it goes in the call's namespace, not the parser."""

    def disposition(document: bytes) -> str:
        out = io.StringIO()
        argv = ["assess", "-", "--format", "json", "--as-of", "2026-11-20T10:00:00Z"]
        assert main(argv, stdin=io.BytesIO(document), stdout=out) == 0
        return str(orjson.loads(out.getvalue())["disposition"])

    urgent = {"findings": [{"id": "saddle-anesthesia", "state": "present"}]}
    assert disposition(orjson.dumps(urgent)) == "emergency"
    assert disposition(orjson.dumps({})) == "undetermined"
    assert "stdin" not in vars(_parser(["assess", "-"]).parse_args(["assess", "x"]))
