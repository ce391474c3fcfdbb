"""The ``legrules`` command line.

``legrules assess PATH`` prints an assessment; ``legrules rules`` lists and shows rules;
``legrules schema NAME`` prints a JSON Schema.  Bad input exits with status 2 and one
line naming the bad element, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import IO, Any

import orjson

from legrules._progress import CountingReader, Progress
from legrules._version import __version__
from legrules.engine import assess
from legrules.engine.base import RecommendationRule, RedFlagRule, Rule
from legrules.errors import DocumentError, InputError, InvalidValueError, LegrulesError
from legrules.fhir import read_presentations
from legrules.fhir.write.transaction import (
    FHIR_VERSIONS,
    FHIRVersion,
    dumps_bundle,
    transaction_bundle,
)
from legrules.model import Assessment, Policy, Presentation
from legrules.model.documents import dump_assessment, dumps, load_presentation, parse_json
from legrules.population import cli as population
from legrules.render import render_text
from legrules.rules import LATEST, RULESETS, get_ruleset
from legrules.schemas import SCHEMAS, schema

__all__ = ["main"]

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="legrules", description="Clinical decision rules for leg pain."
    )
    parser.add_argument("--version", action="version", version=f"legrules {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("assess", help="assess a presentation or FHIR resources")
    run.add_argument("path", metavar="PATH", help="input file, or - for standard input")
    run.add_argument(
        "--format",
        choices=("text", "json", "fhir"),
        default=None,
        help="output format (default: text on a terminal, json otherwise); "
        "fhir: one transaction Bundle per line",
    )
    run.add_argument(
        "--fhir-version",
        dest="fhir_version",
        choices=FHIR_VERSIONS,
        default="R4B",
        help="FHIR version of --format fhir output (default R4B)",
    )
    run.add_argument(
        "--as-of",
        dest="as_of",
        metavar="INSTANT",
        help="assessment instant, RFC 3339 with offset (default: now)",
    )
    run.add_argument(
        "--ruleset",
        default=None,
        metavar="VERSION",
        help=f"rule-set version (default {LATEST}; shipped: {', '.join(RULESETS)})",
    )
    run.add_argument(
        "--policy",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="change a policy setting; repeatable",
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

    rules = commands.add_parser("rules", help="list the rules, or show one")
    rules.add_argument("action", nargs="?", choices=("list", "show"), default="list")
    rules.add_argument("rule_id", nargs="?", metavar="ID")
    rules.add_argument("--ruleset", default=None, metavar="VERSION")

    schemas = commands.add_parser("schema", help="print a JSON Schema")
    schemas.add_argument("name", choices=sorted(SCHEMAS))
    _register_extensions(commands)
    population.register(commands)
    return parser


# Subcommands that live in optional packages: module -> the commands it adds.  Each
# module has ``register(commands)``, which sets ``handler(args, out, err) -> int``.
_EXTENSIONS = {
    "legrules.cdshooks.cli": (("serve", "feedback"), "service"),
    "legrules.intake.cli": (("questionnaire", "interview"), "intake"),
}


def _missing_extra(extra: str, error: ImportError) -> Any:
    def handler(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
        raise InvalidValueError(
            f"this command needs the '{extra}' extra ({error.name} is missing): "
            f"pip install 'legrules[{extra}]'",
            args.command,
        )

    return handler


def _register_extensions(commands: Any) -> None:
    for module, (names, extra) in _EXTENSIONS.items():
        try:
            importlib.import_module(module).register(commands)
        except ImportError as error:
            for name in names:
                stub = commands.add_parser(name, help=f"(needs the '{extra}' extra)")
                stub.add_argument("rest", nargs=argparse.REMAINDER)
                stub.set_defaults(handler=_missing_extra(extra, error))


def _open(path: str, stdin: IO[bytes]) -> tuple[IO[bytes], int | None]:
    """The input as a binary stream, and its size in bytes when it is a regular file."""
    if path == "-":
        return stdin, None
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by _assess
        size = os.fstat(handle.fileno()).st_size
    except OSError as error:
        raise InputError(f"cannot read {path!r}: {error.strerror}", path or "$") from None
    return handle, size


def _instant(text: str | None) -> datetime | None:
    if text is None:
        return None
    from legrules.model.documents import structure

    try:
        return structure(text, datetime)
    except InputError as error:
        raise InvalidValueError(error.message, "--as-of") from None


def _policy(pairs: Sequence[str]) -> Policy:
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise InvalidValueError(f"expected KEY=VALUE, got {pair!r}", "--policy")
        values[key.strip()] = value.strip()
    return Policy.from_strings(values)


def _first_line(handle: IO[bytes]) -> bytes:
    for line in handle:
        if line.strip():
            return line
    raise DocumentError("the input is empty", "$")


def _is_presentation(document: Any) -> bool:
    return isinstance(document, dict) and "resourceType" not in document


def _presentations(
    handle: IO[bytes], progress: Progress, args: argparse.Namespace, policy: Policy
) -> Iterator[Presentation]:
    """The presentations in the input, detected from its content.

    A JSON object without ``resourceType`` is a presentation document; anything else
    (a resource, a Bundle, an array of resources, NDJSON) is FHIR, read lazily one
    patient at a time so that bulk NDJSON streams.
    """
    first = _first_line(handle)
    try:
        head: Any = parse_json(first)
    except DocumentError:
        document = parse_json(first + handle.read())
        progress.advance(len(first))
        if _is_presentation(document):
            yield load_presentation(document)
            return
        source: Any = document
    else:
        if _is_presentation(head):
            if handle.read().strip():
                raise DocumentError("a presentation document must be one JSON object", "$")
            yield load_presentation(head)
            return
        source = CountingReader(handle, progress, first)
    for read in read_presentations(
        source, as_of=_instant(args.as_of), policy=policy, strict=args.fhir_strict
    ):
        yield read.presentation


def _fhir(result: Assessment, version: FHIRVersion, strict: bool) -> str:
    """One transaction Bundle on one line: valid JSON alone, NDJSON for several."""
    # Only --fhir-strict asks for validation; otherwise the library default applies.
    if strict:
        bundle = transaction_bundle(result, version=version, validate=True)
    else:
        bundle = transaction_bundle(result, version=version)
    return dumps_bundle(bundle).decode() + "\n"


def _write(result: Assessment, args: argparse.Namespace, out: IO[str], lines: bool) -> None:
    fmt = args.format or ("text" if out.isatty() else "json")
    if fmt == "text":
        out.write(render_text(result))
    elif fmt == "fhir":
        out.write(_fhir(result, args.fhir_version, args.fhir_strict))
    elif lines:  # several patients: JSON Lines, one assessment a line
        out.write(
            orjson.dumps(dump_assessment(result), option=orjson.OPT_SORT_KEYS).decode() + "\n"
        )
    else:
        out.write(dumps(dump_assessment(result)).decode() + "\n")


def _assess(
    args: argparse.Namespace, stdin: IO[bytes], out: IO[str], err: IO[str] | None = None
) -> None:
    as_of, policy = _instant(args.as_of), _policy(args.policy)
    ruleset = get_ruleset(args.ruleset)
    handle, size = _open(args.path, stdin)
    progress = Progress(err or sys.stderr, size, enabled=bool(err and err.isatty()))
    held: Assessment | None = None  # the first result waits: one patient prints a document
    try:
        for count, presentation in enumerate(_presentations(handle, progress, args, policy)):
            result = assess(presentation, as_of=as_of, ruleset=ruleset, policy=policy)
            progress.patient()
            if count == 0:
                held = result
                continue
            if held is not None:
                _write(held, args, out, lines=True)
                held = None
            _write(result, args, out, lines=True)
        if held is not None:
            _write(held, args, out, lines=False)
        elif progress.patients == 0:
            # Printing nothing would look like an answer; an empty input is an error.
            raise DocumentError("the input holds no patient data to assess", "$")
    finally:
        progress.close()
        if handle is not stdin:
            handle.close()


def _rule_lines(rule: Rule) -> list[str]:
    lines = [f"{rule.id}  {rule.version}  ({rule.kind})", f"  {rule.title}"]
    if rule.summary:
        lines.append(f"  {rule.summary}")
    if isinstance(rule, RedFlagRule):
        lines.append(f"  level when met: {rule.level.value}; criteria combine: {rule.combine}")
    if isinstance(rule, RecommendationRule):
        lines.append(f"  audience: {rule.audience.value}; self-care: {rule.self_care}")
        lines.append(f"  text: {rule.text}")
        lines.append(f"  triggered by: {rule.trigger.describe()}")
    if rule.criteria:
        title = "contraindications" if isinstance(rule, RecommendationRule) else "criteria"
        lines.append(f"  {title}:")
        lines += [f"    - {c.id}: {c.describe()}" for c in rule.criteria]
    lines.append(f"  reads: {', '.join(rule.reads()) or '-'}")
    defaults = Policy().as_dict()
    policy = [f"{k} (default {orjson.dumps(defaults[k]).decode()})" for k in rule.policy_keys()]
    lines.append(f"  policy: {', '.join(policy) or '-'}")
    lines.append("  sources:")
    lines += [
        f"    - {c.text}"
        + (f" <{c.url}>" if c.url else "")
        + (f" [seed {c.seed}]" if c.seed else "")
        + (f"\n      supports: {c.supports}" if c.supports else "")
        for c in rule.citations
    ]
    lines.append(f"  logic fingerprint: {rule.fingerprint()}")
    return lines


def _rules(args: argparse.Namespace, out: IO[str]) -> None:
    ruleset = get_ruleset(args.ruleset)
    if args.action == "show":
        if not args.rule_id:
            raise InvalidValueError("'rules show' needs a rule id", "ID")
        out.write("\n".join(_rule_lines(ruleset.rule(args.rule_id))) + "\n")
        return
    out.write(f"rule set {ruleset.id} {ruleset.version} (released {ruleset.released})\n")
    for rule in ruleset.rules:
        out.write(f"{rule.id:<45} {rule.version:<8} {rule.kind:<15} {rule.title}\n")


def _one_line(text: str) -> str:
    """*text* with control characters escaped, so an error is always a single line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: IO[bytes] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run the command line; returns the exit status."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    args = _parser().parse_args(argv)
    try:
        if getattr(args, "handler", None) is not None:
            args.stdin = stdin or sys.stdin.buffer  # for commands that read answers
            return int(args.handler(args, out, err))
        if args.command == "assess":
            _assess(args, stdin or sys.stdin.buffer, out, err)
        elif args.command == "rules":
            _rules(args, out)
        elif args.command == "population":
            population.command(args, out, err, _instant, _policy(args.policy))
        else:
            out.write(orjson.dumps(schema(args.name), option=orjson.OPT_INDENT_2).decode() + "\n")
    except LegrulesError as error:
        err.write(f"legrules: error: {_one_line(str(error))}\n")
        return EXIT_INPUT
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return EXIT_OK
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
