"""``legrules assess PATH``: read, assess and print, keeping the output contract."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import IO, Any

from legrules._cli.code_cache import keep_generated_code
from legrules._cli.inputs import open_input, read_input
from legrules._cli.options import parse_instant, parse_policy
from legrules._cli.outputs import Output
from legrules._cli.progress import Progress
from legrules._cli.startup import building
from legrules.engine import assess
from legrules.engine.compiled import compiled
from legrules.errors import DocumentError, InvalidValueError
from legrules.fhir.write import FHIR_VERSIONS
from legrules.model import Assessment, Policy
from legrules.rules import LATEST, RULESETS, get_ruleset

__all__ = ["register"]


def _policy_help() -> str:
    defaults = Policy().as_dict()
    keys = ", ".join(f"{key} ({_show(value)})" for key, value in defaults.items())
    return (
        f"change a policy setting; repeatable. KEY (default) is one of: {keys}. "
        "See the policy reference for what each one means."
    )


def _show(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def register(commands: Any) -> None:
    """Add ``assess`` to the sub-parsers *commands*."""
    run = commands.add_parser(
        "assess",
        help="assess a presentation or FHIR resources",
        description="Assess a presentation document or FHIR resources and print the result "
        "(the output contract and exit codes are in 'legrules --help').",
    )
    run.add_argument(
        "path",
        metavar="PATH",
        help="a presentation document, a FHIR resource, Bundle or array of resources "
        "(JSON), or bulk NDJSON; - reads standard input",
    )
    run.add_argument(
        "--format",
        choices=("text", "json", "fhir"),
        default=None,
        help="text (default on a terminal), json (default otherwise: one document for one "
        "document in, JSON Lines for NDJSON or several patients) or fhir (one transaction "
        "Bundle per line)",
    )
    run.add_argument(
        "--fhir-version",
        dest="fhir_version",
        choices=FHIR_VERSIONS,
        default="R4B",
        help="FHIR version of --format fhir output (default R4B)",
    )
    run.add_argument(
        "--max-entries",
        dest="max_entries",
        default=None,
        metavar="N",
        help="--format fhir: split each write-back into transactions of at most N entries, "
        "one per line, to post in order (8 for a stock Medplum server); not atomic, see "
        "the how-to 'Write back to a server that limits transactions'",
    )
    run.add_argument(
        "--as-of",
        dest="as_of",
        metavar="INSTANT",
        help="assessment instant, RFC 3339 with offset, e.g. 2026-11-20T10:00:00Z "
        "(default: now); look-back windows count back from it",
    )
    run.add_argument(
        "--ruleset",
        default=None,
        metavar="VERSION",
        help=f"rule-set version (default {LATEST}; shipped: {', '.join(RULESETS)})",
    )
    run.add_argument(
        "--policy", action="append", default=[], metavar="KEY=VALUE", help=_policy_help()
    )
    run.add_argument(
        "--fhir-strict",
        dest="fhir_strict",
        action="store_true",
        help=(
            "validate every FHIR input resource fully (fhir.resources) before reading it, "
            "and every Bundle written by --format fhir"
        ),
    )
    run.add_argument(
        "--verbose",
        action="store_true",
        help="text: also every open red flag and cause, advice withheld and scores with no "
        "data (the default shows what to ask first, why, and what to do)",
    )
    run.add_argument(
        "--no-progress",
        dest="progress",
        action="store_false",
        help="no progress bar (drawn on standard error when it is a terminal and standard "
        "output is not, with the cli extra: pip install 'legrules[cli]')",
    )
    run.set_defaults(handler=_assess)


def _max_entries(args: argparse.Namespace, fmt: str) -> int | None:
    """``--max-entries``: a whole number, 1 or more, and only with ``--format fhir``."""
    text: str | None = args.max_entries
    if text is None:
        return None
    if fmt != "fhir":
        raise InvalidValueError("--max-entries needs --format fhir", "--max-entries")
    if not text.isdigit() or int(text) < 1:
        raise InvalidValueError(
            f"expected a whole number, 1 or more, got {text!r}", "--max-entries"
        )
    return int(text)


def _progress_wanted(args: argparse.Namespace, out: IO[str], err: IO[str]) -> bool:
    if not args.progress or not err.isatty() or out.isatty():
        return False
    try:
        import rich  # noqa: F401
    except ImportError:
        return False
    return True


def _text(args: argparse.Namespace, out: IO[str]) -> Callable[[Assessment], str]:
    """Rich when the text goes to a terminal and rich is installed; plain text otherwise."""
    verbose = args.verbose
    if out.isatty():
        try:
            import rich  # noqa: F401

            from legrules._cli.rich_text import render_rich
        except ImportError:
            pass
        else:
            return lambda result: render_rich(result, verbose=verbose)

    def plain(result: Assessment) -> str:
        from legrules.render import render_text  # here: JSON Lines never need it

        return render_text(result, verbose=verbose)

    return plain


def _assess(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    as_of, policy = parse_instant(args.as_of), parse_policy(args.policy)
    ruleset = get_ruleset(args.ruleset)
    fmt = args.format or ("text" if out.isatty() else "json")
    max_entries = _max_entries(args, fmt)
    source = open_input(args.path, args.stdin)
    with building(args.program):
        cache = keep_generated_code() if args.program else None
        # Compiled now (assess() finds it so), with the rest of the start-up.
        compiled(ruleset, policy)
        if cache is not None:
            cache.save()
    progress = Progress(err, source.size, enabled=_progress_wanted(args, out, err))
    try:
        found = read_input(source, progress, as_of=as_of, policy=policy, strict=args.fhir_strict)
        output = Output(
            out,
            fmt,
            several=found.several,
            fhir_version=args.fhir_version,
            text=_text(args, out),
            validate=args.fhir_strict,
            max_entries=max_entries,
        )
        for presentation in found.presentations:
            output.write(assess(presentation, as_of=as_of, ruleset=ruleset, policy=policy))
            progress.patient()
        output.finish()
        if output.count == 0:
            # Printing nothing would look like an answer; an empty input is an error.
            raise DocumentError("the input holds no patient data to assess", "$")
    finally:
        progress.close()
        source.close(args.stdin)
    return 0
