"""Reference fragments generated from the code: CLI help, JSON Schemas, policy, vocabulary.

Each fragment is Markdown included by a hand-written page that adds the explanation;
the facts themselves (options, defaults, ranges, units, schema properties) come from
the objects the library uses, so a new option, setting, concept or schema shows up
without anyone editing the docs.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterator
from typing import Any

from legrules import cli
from legrules.errors import PolicyError
from legrules.model import VOCABULARY, Category, Kind, Policy
from legrules.rules import LATEST, get_ruleset
from legrules.schemas import SCHEMAS

from .catalogue import esc, rule_label
from .files import table

HELP_COLUMNS = "88"


# -- command line -------------------------------------------------------------------------


def _subcommands(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield from action.choices.values()


def cli_fragment() -> str:
    """``--help`` of ``legrules`` and of every subcommand, as the parser prints it."""
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = HELP_COLUMNS  # argparse wraps to the terminal width
    try:
        parser = cli._parser()
        parts = [("legrules", parser.format_help())]
        parts += [(p.prog, p.format_help()) for p in _subcommands(parser)]
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved
    lines: list[str] = []
    for prog, text in parts:
        lines += [f"## `{prog}`", "", "```text", text.rstrip(), "```", ""]
    return "\n".join(lines)


# -- policy -------------------------------------------------------------------------------


def _accepts(name: str, default: Any) -> str:
    if hasattr(default, "value"):
        return ", ".join(f"`{v.value}`" for v in type(default))
    if isinstance(default, bool):
        return "`true` or `false` (on the command line also `on`/`off`, `yes`/`no`, `1`/`0`)"
    try:  # the validators know the bounds; ask them
        Policy.from_dict({name: type(default)(-(10**12))})
    except PolicyError as error:
        return f"a {type(default).__name__} that {error.message}"
    return f"a {type(default).__name__}"  # pragma: no cover - every number is bounded


def policy_fragment() -> str:
    """One section per policy setting: default, accepted values, meaning, readers."""
    defaults = Policy().as_dict()
    ruleset = get_ruleset(LATEST)
    lines: list[str] = []
    for name, doc in Policy.describe().items():
        readers = [r for r in ruleset.rules if name in r.policy_keys()]
        read_by = (
            ", ".join(f"{{ref}}`{r.id} <{rule_label(r.id)}>`" for r in readers)
            if readers
            else f"no rule of rule set {LATEST}"
        )
        default = getattr(Policy(), name)
        shown = json.dumps(defaults[name])
        lines += [
            f"(policy-{name})=",
            f"### `{name}`",
            "",
            esc(doc),
            "",
            f"- Default: `{shown}`",
            f"- Accepts: {_accepts(name, default)}",
            f"- Read by: {read_by}",
            f"- Command line: `--policy {name}={str(defaults[name]).lower()}`",
            "",
        ]
    return "\n".join(lines)


# -- vocabulary ---------------------------------------------------------------------------


def vocabulary_fragment() -> str:
    """Every concept of the vocabulary, by category, with units, ranges and readers."""
    ruleset = get_ruleset(LATEST)
    readers: dict[str, list[str]] = {}
    for rule in ruleset.rules:
        for name in rule.reads():
            readers.setdefault(name, []).append(rule.id)
    lines: list[str] = []
    for category in Category:
        concepts = [c for c in VOCABULARY.values() if c.category is category]
        if not concepts:
            continue
        rows = []
        for c in concepts:
            if c.kind is Kind.QUANTITY:
                units = ", ".join(f"`{u}`" for u in c.accepted_units())
                plausible = f"{c.low:g} to {c.high:g} `{c.unit}`"
            else:
                units, plausible = "", ""
            used = ", ".join(f"{{ref}}`{r} <{rule_label(r)}>`" for r in readers.get(c.id, []))
            rows.append(
                (
                    f"`{c.id}`",
                    esc(c.display),
                    c.kind.value,
                    units,
                    plausible,
                    "yes" if c.lateral else "",
                    used,
                )
            )
        header = ("Id", "Name", "Kind", "Units", "Plausible range", "Side", "Read by")
        lines += [f"## {category.value.capitalize()}", "", table(header, rows)]
    return "\n".join(lines)


# -- JSON Schemas ---------------------------------------------------------------------------


def _type(spec: dict[str, Any]) -> str:
    if "$ref" in spec:
        return f"`{spec['$ref'].rsplit('/', 1)[-1]}` (below)"
    if "enum" in spec:
        values = [json.dumps(v) for v in spec["enum"]]
        if len(values) > 8:
            return f"one of {len(values)} ids (see the finding vocabulary)"
        return "one of " + ", ".join(f"`{v}`" for v in values)
    kind = spec.get("type", "any")
    if kind == "array":
        return f"array of {_type(spec.get('items', {}))}"
    if isinstance(kind, list):
        kind = " or ".join(kind)
    if "pattern" in spec and spec["pattern"] != r"\S":
        kind += " (RFC 3339 date-time with offset)" if "T" in spec["pattern"] else " (pattern)"
    if "minimum" in spec or "maximum" in spec:
        kind += f" ({spec.get('minimum', '')} to {spec.get('maximum', '')})"
    return str(kind)


def _properties(spec: dict[str, Any]) -> str:
    required = set(spec.get("required", ()))
    rows = [
        (f"`{name}`", _type(sub), "yes" if name in required else "")
        for name, sub in spec.get("properties", {}).items()
    ]
    return table(("Property", "Type", "Required"), rows)


def schema_files() -> dict[str, str]:
    """Every schema as a downloadable file, by file name."""
    return {
        f"{name}.schema.json": json.dumps(make(), indent=2) + "\n"
        for name, make in sorted(SCHEMAS.items())
    }


def schemas_fragment() -> str:
    """Every JSON Schema: identity, download, top-level and nested object properties."""
    lines: list[str] = []
    for name, make in sorted(SCHEMAS.items()):
        spec = make()
        lines += [
            f"## `{name}`",
            "",
            esc(spec.get("description", "")),
            "",
            f"- `$id`: `{spec.get('$id', '')}`",
            f"- Dialect: `{spec.get('$schema', '')}`",
            f"- Download: {{download}}`{name}.schema.json "
            f"</reference/generated/schemas/{name}.schema.json>`, or run "
            f"`legrules schema {name}`",
            "",
            "Top level:",
            "",
            _properties(spec),
        ]
        for sub, body in spec.get("$defs", {}).items():
            lines += [f"`{sub}`:", "", _properties(body)]
    return "\n".join(lines)


def fragments() -> dict[str, str]:
    """Every fragment by file name, for ``reference/generated/fragments``."""
    return {
        "cli.md": cli_fragment(),
        "policy.md": policy_fragment(),
        "schemas.md": schemas_fragment(),
        "vocabulary.md": vocabulary_fragment(),
    }
