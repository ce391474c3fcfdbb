"""The ``legrules`` command line: the parser, the commands it knows, and the exit status.

``legrules assess PATH`` prints an assessment; ``legrules rules`` lists and shows rules;
``legrules schema NAME`` prints a JSON Schema.  The commands live in ``legrules._cli``;
optional packages add theirs through ``_EXTENSIONS``.  Bad input exits with status 2
and one line naming the bad element; a bug exits with status 1 and one line asking for
a report; never a traceback (unless ``LEGRULES_DEBUG=1``).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import IO, Any

from legrules._cli.startup import building
from legrules._version import __version__
from legrules.errors import InvalidValueError, LegrulesError

__all__ = ["main"]

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
ISSUES = "https://github.com/legrules/legrules/issues"

_EPILOG = f"""\
output (legrules assess --format):
  text  what a person reads; the default when standard output is a terminal.
        Several patients: each starts with a line '=== N. Patient <id> ===...'.
  json  the assessment document; the default otherwise. One indented JSON document
        when the input is one document (a presentation, or a FHIR resource, Bundle or
        array) about one patient; JSON Lines, one compact assessment per line, when
        the input is NDJSON (even with one patient) or a document about several.
  fhir  one transaction Bundle per line (R4B, or --fhir-version R5); with
        --max-entries N, each patient's write-back split into transactions of at most
        N entries, one per line, to post in the order printed.
  Results go to standard output; errors and the progress bar to standard error.

exit status:
  {EXIT_OK}    success
  {EXIT_INTERNAL}    internal error: a bug in legrules; one line on standard error, please
       report it at {ISSUES}
  {EXIT_INPUT}    bad input or usage: one line on standard error names the problem and,
       for a document, the element ('... @ $.measurements[1].unit') or FHIR
       resource ('... @ Observation/obs-1.valueQuantity.code')
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)
"""

#: The built-in commands: module -> the commands it adds.  Each module has
#: ``register(commands)``, which sets ``handler(args, out, err) -> int``.
_COMMANDS: dict[str, tuple[str, ...]] = {
    "legrules._cli.assess": ("assess",),
    "legrules._cli.catalogue": ("rules", "schema"),
}

#: Commands in optional packages: module -> (the commands it adds, the extra it needs).
_EXTENSIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "legrules.cdshooks.cli": (("serve", "feedback"), "service"),
    "legrules.population.cli": (("population",), "population"),
    "legrules.intake.cli": (("questionnaire", "interview"), "intake"),
}


#: The parsers built, by the modules whose commands they hold: building one costs more
#: than parsing with it, and a process calling :func:`main` many times (a notebook, a
#: test suite, a fuzzing campaign) would build the same one each time.  A parser is not
#: changed by parsing, and nothing of a call is set on it (see :func:`main`).
_PARSERS: dict[tuple[tuple[str, ...], tuple[str, ...]], argparse.ArgumentParser] = {}


def _parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for *argv* (default ``sys.argv[1:]``), built on first use.

    Each command's module is imported to register it, and some import much (the
    population runner, the service): when the first argument names a command, only the
    module that owns it is imported, which parses that command's arguments exactly as
    the whole parser would.  Anything else (``--help``, ``--version``, no command or an
    unknown one) gets every command, so that help and errors list them all.  An optional
    command whose extra is missing keeps its stub (which says so) for the process's life.
    """
    builtin, optional = _modules_for(sys.argv[1:] if argv is None else argv)
    key = (tuple(builtin), tuple(optional))
    found = _PARSERS.get(key)
    if found is None:
        found = _PARSERS[key] = _build(builtin, optional)
    return found


def _build(builtin: list[str], optional: list[str]) -> argparse.ArgumentParser:
    """A parser with the commands of the *builtin* and *optional* modules."""
    parser = argparse.ArgumentParser(
        prog="legrules",
        description="Clinical decision rules for leg pain.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"legrules {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in builtin:
        importlib.import_module(module).register(commands)
    _register_extensions(commands, optional)
    return parser


def _modules_for(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """The built-in and optional modules whose commands the parser for *argv* needs."""
    first = argv[0] if argv else None
    builtin = [module for module, names in _COMMANDS.items() if first in names]
    optional = [module for module, (names, _) in _EXTENSIONS.items() if first in names]
    if builtin or optional:
        return builtin, optional
    return list(_COMMANDS), list(_EXTENSIONS)


def _missing_extra(extra: str, error: ImportError) -> Any:
    def handler(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
        raise InvalidValueError(
            f"this command needs the '{extra}' extra ({error.name} is missing): "
            f"pip install 'legrules[{extra}]'",
            args.command,
        )

    return handler


def _register_extensions(commands: Any, modules: list[str]) -> None:
    for module in modules:
        names, extra = _EXTENSIONS[module]
        try:
            importlib.import_module(module).register(commands)
        except ImportError as error:
            for name in names:
                stub = commands.add_parser(name, help=f"(needs the '{extra}' extra)")
                stub.add_argument("rest", nargs=argparse.REMAINDER)
                stub.set_defaults(handler=_missing_extra(extra, error))


def _one_line(text: str) -> str:
    """*text* with control characters escaped, so an error is always a single line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _internal(error: BaseException, err: IO[str]) -> int:
    """One line about a bug, and where to report it (the traceback with LEGRULES_DEBUG=1)."""
    err.write(
        f"legrules: internal error: {type(error).__name__}: {_one_line(str(error))}\n"
        f"legrules: this is a bug in legrules {__version__}, not a problem with your input; "
        f"please report it with the command you ran at {ISSUES} "
        "(LEGRULES_DEBUG=1 shows the traceback)\n"
    )
    return EXIT_INTERNAL


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: IO[bytes] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run the command line; returns the exit status (see ``legrules --help``).

    Called without *argv*, it is the program (``legrules``, ``python -m legrules``): the
    start-up (the command's imports and its parser; ``assess`` adds its compiled rule
    set) is then built with the garbage collector paused and kept out of its sight
    afterwards (see :mod:`legrules._cli.startup`).  ``args.program`` tells a command.
    """
    out, err = stdout or sys.stdout, stderr or sys.stderr
    program = argv is None
    with building(program):
        # This call's own values go in its namespace, never on the parser it shares.
        given = argparse.Namespace(stdin=stdin or sys.stdin.buffer, program=program)
        args = _parser(argv).parse_args(argv, namespace=given)
    try:
        return int(args.handler(args, out, err))
    except LegrulesError as error:
        err.write(f"legrules: error: {_one_line(str(error))}\n")
        return EXIT_INPUT
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return EXIT_OK
    except KeyboardInterrupt:
        err.write("legrules: interrupted\n")
        return EXIT_INTERRUPTED
    except Exception as error:
        if os.environ.get("LEGRULES_DEBUG"):
            raise
        return _internal(error, err)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
