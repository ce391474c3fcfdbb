"""The intake commands of the ``legrules`` command line.

``legrules questionnaire`` prints the intake form of a rule set as a FHIR Questionnaire;
``legrules interview`` asks a patient (or a clinician) adaptively in the terminal and
prints the assessment.  ``legrules.cli`` registers them through :func:`register`.
"""

from __future__ import annotations

import argparse
import io
from typing import IO, Any

import orjson

from legrules.intake.questionnaire import build_questionnaire, validate_questionnaire
from legrules.rules import LATEST, RULESETS

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add ``questionnaire`` and ``interview`` to *commands* (argparse subparsers).

    Each sets ``handler(args, out, err) -> int`` (``legrules.cli``'s contract for
    commands of optional packages); the interview reads its answers from ``args.stdin``.
    """
    form = commands.add_parser("questionnaire", help="print the intake form (FHIR Questionnaire)")
    _common(form)
    form.add_argument(
        "--fhir-version",
        dest="fhir_version",
        choices=("R4", "R5"),
        default="R4",
        help="FHIR version of the Questionnaire (default R4)",
    )
    form.set_defaults(handler=_questionnaire)

    talk = commands.add_parser("interview", help="ask adaptively in the terminal, then assess")
    _common(talk)
    talk.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="how to print the assessment at the end (default text)",
    )
    talk.set_defaults(handler=_interview)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--audience",
        choices=("patient", "clinician"),
        default="patient",
        help="who answers: plain words and no clinical tests for a patient (default)",
    )
    parser.add_argument(
        "--ruleset",
        default=None,
        metavar="VERSION",
        help=f"rule-set version (default {LATEST}; shipped: {', '.join(RULESETS)})",
    )


def _questionnaire(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    questionnaire = build_questionnaire(
        ruleset=args.ruleset, audience=args.audience, version=args.fhir_version
    )
    validate_questionnaire(questionnaire, args.fhir_version)
    out.write(orjson.dumps(questionnaire, option=orjson.OPT_INDENT_2).decode() + "\n")
    return 0


def _interview(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from legrules.intake.interview import run_interview

    # A terminal gets rich's own line editing; piped answers are read from stdin.
    stdin: IO[bytes] = args.stdin  # set by legrules.cli.main
    answers = None if stdin.isatty() else io.TextIOWrapper(stdin, encoding="utf-8")
    run_interview(args, answers, out)
    return 0
