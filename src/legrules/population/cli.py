"""``legrules population run``: the command line of the population runners.

Registered on the main parser by :func:`register`; :func:`command` runs it and prints the
summary table.  The progress bars go to standard error, and only on a terminal.
"""

from __future__ import annotations

import argparse
import os
from typing import IO, Any

from legrules.errors import InvalidValueError
from legrules.population.embedded import Summary
from legrules.rules import LATEST, RULESETS

__all__ = ["command", "register", "summary_table"]


def register(commands: Any) -> None:
    """Add ``population run`` to the subcommands *commands* (an argparse subparsers)."""
    population = commands.add_parser("population", help="assess a whole population (bulk NDJSON)")
    actions = population.add_subparsers(dest="action", required=True, metavar="ACTION")
    run = actions.add_parser(
        "run", help="assess every patient of FHIR Bulk Data NDJSON files or folders"
    )
    run.add_argument("paths", nargs="+", metavar="PATH", help="NDJSON files or folders of them")
    run.add_argument("--out", required=True, metavar="DIR", help="output folder (new, or --resume)")
    run.add_argument(
        "--workers", type=int, default=None, metavar="N", help="processes (default: all cores)"
    )
    run.add_argument(
        "--as-of",
        dest="as_of",
        metavar="INSTANT",
        help="assessment instant, RFC 3339 with offset (default: now, recorded for --resume)",
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
    run.add_argument("--resume", action="store_true", help="finish an interrupted run in --out")
    run.add_argument(
        "--strict",
        action="store_true",
        help="stop at a resource whose subject names no patient (default: list it, with "
        "the reason, under --out's ignored/)",
    )
    run.add_argument(
        "--buckets", type=int, default=None, metavar="N", help="parts (default: from input size)"
    )
    run.add_argument(
        "--engine",
        choices=("embedded", "spark"),
        default="embedded",
        help="embedded (default: processes on this machine) or spark",
    )
    run.add_argument(
        "--master", default=None, help="Spark master URL for --engine spark (e.g. local[2])"
    )
    run.set_defaults(handler=_handle)


def _handle(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    """The ``handler`` the main command line calls."""
    command(args, out, err)
    return 0


def command(args: argparse.Namespace, out: IO[str], err: IO[str]) -> None:
    """Run ``population run`` with the parsed *args*; the summary goes to *out*.

    ``--as-of`` and ``--policy`` are parsed as ``legrules assess`` parses them.
    """
    from legrules._cli.options import parse_instant, parse_policy

    as_of, policy = parse_instant(args.as_of), parse_policy(args.policy)
    if args.engine == "spark" and (args.resume or args.workers or args.buckets):
        raise InvalidValueError(
            "--resume, --workers and --buckets are for the embedded engine; Spark plans "
            "its own tasks and retries",
            "--engine",
        )
    if args.engine == "spark":
        from legrules.population.spark import run_to_folder

        summary = run_to_folder(
            args.paths,
            args.out,
            master=args.master,
            as_of=as_of,
            ruleset=args.ruleset,
            policy=policy,
            strict=args.strict,
        )
    else:
        from legrules.population.embedded import run

        summary = run(
            args.paths,
            args.out,
            workers=args.workers,
            as_of=as_of,
            ruleset=args.ruleset,
            policy=policy,
            resume=args.resume,
            buckets=args.buckets,
            strict=args.strict,
            progress=err if err.isatty() else None,
        )
    out.write(summary_table(summary))


def _pace(summary: Summary) -> str:
    """Patients a second of this run's own work; a resumed run names what it took over."""
    now = summary.tally.patients - summary.resumed
    rate = f"{now / summary.seconds:,.1f} patients/s" if summary.seconds else "-"
    if not summary.resumed:
        return rate
    if not now:
        return "every patient assessed by the run resumed"
    return f"{rate} for the {now:,} assessed now, {summary.resumed:,} by the run resumed"


def summary_table(summary: Summary) -> str:
    """The end-of-run table: dispositions, red flags met, undetermined share, leftovers."""
    tally = summary.tally
    lines = [
        f"{tally.patients:,} patients from {summary.lines:,} lines in {summary.seconds:.1f} s "
        f"({_pace(summary)}); results in {summary.out}{os.sep}",
        "",
        f"{'disposition':<32}{'patients':>10}{'share':>9}",
    ]
    assessed = max(tally.patients - tally.errors, 1)
    for name, count in sorted(tally.dispositions.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"{name:<32}{count:>10,}{count / assessed:>9.1%}")
    lines += ["", f"{'red flag met':<32}{'patients':>10}{'share':>9}"]
    for name, count in sorted(tally.red_flags_met.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"{name:<32}{count:>10,}{count / assessed:>9.1%}")
    lines += ["", f"undetermined share: {tally.undetermined_share:.1%}"]
    if tally.errors:
        lines.append(f"patients whose data could not be read: {tally.errors:,} (see 'error')")
    if summary.unassigned:
        parts = ", ".join(f"{k} {v:,}" for k, v in summary.unassigned.items())
        lines.append(f"belonging to no patient (not assessed): {parts}")
    lines += [f"  unreadable: {where}" for where in summary.unreadable]
    if summary.ignored:
        lines.append(
            f"  subject names no patient: {summary.ignored:,} (listed with the reason in "
            f"{os.path.join(summary.out, 'ignored')}{os.sep})"
        )
    return "\n".join(lines) + "\n"
