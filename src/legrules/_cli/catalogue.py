"""``legrules rules`` and ``legrules schema``: what the rules are, what documents look like."""

from __future__ import annotations

import argparse
from typing import IO, Any

import orjson

from legrules.engine.base import RecommendationRule, RedFlagRule, Rule
from legrules.errors import InvalidValueError
from legrules.model import Policy
from legrules.rules import LATEST, RULESETS, get_ruleset
from legrules.schemas import SCHEMAS, schema

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add ``rules`` and ``schema`` to the sub-parsers *commands*."""
    rules = commands.add_parser(
        "rules",
        help="list the rules, or show one",
        description="List every rule of a rule set with its version, or show one rule: "
        "criteria, findings read, policy settings, sources and logic fingerprint.",
    )
    rules.add_argument(
        "action",
        nargs="?",
        choices=("list", "show"),
        default="list",
        help="list (default): every rule with its version and kind; show: one rule in full",
    )
    rules.add_argument(
        "rule_id",
        nargs="?",
        metavar="ID",
        help="the rule to show, e.g. redflag.suspected-dvt ('legrules rules' lists the ids)",
    )
    rules.add_argument(
        "--ruleset",
        default=None,
        metavar="VERSION",
        help=f"rule-set version (default {LATEST}; shipped: {', '.join(RULESETS)})",
    )
    rules.set_defaults(handler=_rules)

    schemas = commands.add_parser(
        "schema",
        help="print a JSON Schema",
        description="Print the JSON Schema (draft 2020-12) of a document legrules reads or writes.",
    )
    schemas.add_argument(
        "name",
        choices=sorted(SCHEMAS),
        metavar="NAME",
        help=f"which document: {', '.join(sorted(SCHEMAS))} "
        "(presentation: the input; assessment: the --format json output)",
    )
    schemas.set_defaults(handler=_schema)


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


def _rules(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    ruleset = get_ruleset(args.ruleset)
    if args.action == "show":
        if not args.rule_id:
            raise InvalidValueError("'rules show' needs a rule id", "ID")
        out.write("\n".join(_rule_lines(ruleset.rule(args.rule_id))) + "\n")
        return 0
    if args.rule_id:
        raise InvalidValueError(f"to show one rule: legrules rules show {args.rule_id}", "ID")
    out.write(f"rule set {ruleset.id} {ruleset.version} (released {ruleset.released})\n")
    for rule in ruleset.rules:
        out.write(f"{rule.id:<45} {rule.version:<8} {rule.kind:<15} {rule.title}\n")
    return 0


def _schema(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    out.write(orjson.dumps(schema(args.name), option=orjson.OPT_INDENT_2).decode() + "\n")
    return 0
