"""The rule catalogue, written from the rules themselves at every build.

One page per rule of every shipped rule set (``catalogue/generated/<version>/<id>.md``)
and one index per rule set.  Nothing here is typed by hand, so the catalogue cannot
drift from the code: the criteria, thresholds, levels, policy values, citations and
fingerprints are read off the rule objects, and the vignettes that exercise a rule are
found by scanning ``tests/vignettes``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from legrules.engine.base import (
    DifferentialRule,
    RecommendationRule,
    RedFlagRule,
    Rule,
    ScoreRule,
)
from legrules.engine.code import dependencies
from legrules.model import VOCABULARY
from legrules.rules import LATEST, RULESETS, RuleSet

from .files import table

KIND_TITLES = {
    "score": "Scores",
    "red-flag": "Red flags",
    "differential": "Differentials",
    "recommendation": "Recommendations",
}

_ESCAPE = re.compile(r"([\\`*_\[\]<>|])")


def esc(text: str) -> str:
    """Free text made literal for Markdown."""
    return _ESCAPE.sub(r"\\\1", text)


def rule_label(rule_id: str, version: str | None = None) -> str:
    """The cross-reference label of a rule page (of the latest rule set by default)."""
    return f"rule-{rule_id}" if version is None else f"rule-{version}-{rule_id}"


# -- vignettes ------------------------------------------------------------------------


def load_vignettes(folder: Path) -> list[dict[str, Any]] | None:
    """Every vignette under *folder* with its path, or ``None`` when there is no folder."""
    if not folder.is_dir():
        return None
    found = []
    for path in sorted(folder.rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"{path}: a vignette must be a JSON object")
        found.append({**data, "_path": path.relative_to(folder.parent.parent).as_posix()})
    return found


def _mentions(vignette: dict[str, Any], rule_id: str) -> bool:
    text = json.dumps([vignette.get("expect"), vignette.get("presentation")])
    pattern = rf"(?<![\w.-]){re.escape(rule_id)}(?![\w-])"
    return re.search(pattern, text) is not None


def _source_text(source: Any) -> str:
    if source is None:
        return ""
    if isinstance(source, str):
        return source
    return json.dumps(source, ensure_ascii=False)


def _vignettes(rule_id: str, vignettes: list[dict[str, Any]] | None) -> list[str]:
    lines = ["## Vignettes", ""]
    if vignettes is None:
        return [*lines, "No vignettes yet (`tests/vignettes/` does not exist).", ""]
    used = [v for v in vignettes if _mentions(v, rule_id)]
    if not used:
        return [*lines, "No vignette exercises this rule yet.", ""]
    lines.append("Clinical cases in `tests/vignettes/` whose presentation or expected outcome")
    lines.append("names this rule:")
    lines.append("")
    for v in used:
        source = _source_text(v.get("source"))
        lines.append(f"- `{v['_path']}`: {esc(str(v.get('description', '')))}")
        if source:
            lines.append(f"  (source: {esc(source)})")
    return [*lines, ""]


# -- one rule ---------------------------------------------------------------------------


def _reads(rule: Rule, ruleset: RuleSet) -> str:
    ids = {r.id for r in ruleset.rules}
    parts = []
    for name in rule.reads():
        if name in VOCABULARY:
            parts.append(f"`{name}` ({esc(VOCABULARY[name].display)})")
        elif name in ids:
            parts.append(f"{{ref}}`{name} <{rule_label(name, ruleset.version)}>`")
        else:
            parts.append(f"`{name}`")
    return ", ".join(parts) or "none"


def _facts(rule: Rule, ruleset: RuleSet) -> list[tuple[str, str]]:
    policy = ", ".join(f"{{ref}}`{k} <policy-{k}>`" for k in rule.policy_keys()) or "none"
    rows = [
        ("Id", f"`{rule.id}`"),
        ("Version", rule.version),
        ("Kind", rule.kind),
        ("Rule set", f"{{doc}}`{ruleset.id} {ruleset.version} <index>`"),
    ]
    if isinstance(rule, RedFlagRule):
        rows.append(("Level when met", f"`{rule.level.value}`"))
    if isinstance(rule, RecommendationRule):
        rows.append(("Audience", rule.audience.value))
        withheld = "yes, while any red flag is met or unresolved" if rule.self_care else "no"
        rows.append(("Self-care advice (withheld on red flags)", withheld))
    rows.append(("Policy values read", policy))
    rows.append(("Logic fingerprint", f"`{rule.fingerprint()}`"))
    return rows


def _combine_text(rule: RedFlagRule) -> str:
    if rule.combine == "all":
        return (
            "Met when every criterion is met; not met as soon as one is not met; "
            "otherwise indeterminate, naming the missing findings."
        )
    return (
        "Met as soon as one criterion is met; not met only when every criterion is "
        "not met; otherwise indeterminate, naming the missing findings."
    )


def _criteria(rule: Rule) -> list[str]:
    title = "Contraindications" if isinstance(rule, RecommendationRule) else "Criteria"
    lines = [f"## {title}", ""]
    if isinstance(rule, RecommendationRule):
        lines += [
            f"Triggered when: {esc(rule.trigger.describe())}.",
            "",
            "A met contraindication withholds the advice; an unknown one keeps it with a "
            "caution naming what to check first.",
            "",
        ]
    if isinstance(rule, RedFlagRule):
        lines += [_combine_text(rule), ""]
    if not rule.criteria:
        return [*lines, "None: the deciding function below reads its inputs directly.", ""]
    rows = []
    for c in rule.criteria:
        formal = c.expr.describe()
        shown = esc(formal) if formal != c.describe() else "(as described)"
        rows.append((f"`{c.id}`", esc(c.describe()), shown))
    return [*lines, table(("Criterion", "In plain language", "As evaluated"), rows)]


def _code(rule: Rule) -> list[str]:
    if isinstance(rule, ScoreRule):
        function = rule.compute
    elif isinstance(rule, DifferentialRule):
        function = rule.decide
    else:
        return []
    lines = [
        "## How it decides",
        "",
        "The deciding function, with every helper and table it uses; this is exactly the",
        "code the logic fingerprint covers.",
        "",
    ]
    for name, code in dependencies(function):
        lines += [f"`{name}`", "", "```python", code.rstrip(), "```", ""]
    return lines


def _citations(rule: Rule) -> list[str]:
    lines = ["## Sources", ""]
    for number, c in enumerate(rule.citations, 1):
        text = f"{number}. {esc(c.text)}"
        if c.url:
            text += f" <{c.url}>"
        if c.seed:
            text += f" (seed `{c.seed}`)"
        if c.supports:
            text += f" Supports: {esc(c.supports)}."
        lines.append(text)
    return [*lines, ""] if rule.citations else [*lines, "None recorded.", ""]


def previous_ruleset(ruleset: RuleSet) -> RuleSet | None:
    """The shipped rule set released just before *ruleset*, if any."""
    versions = list(RULESETS)
    index = versions.index(ruleset.version)
    return RULESETS[versions[index - 1]] if index > 0 else None


def change_note(rule: Rule, ruleset: RuleSet) -> str | None:
    """What changed in *rule* since the previous rule set (``None`` for the first)."""
    before = previous_ruleset(ruleset)
    if before is None:
        return None
    old = next((r for r in before.rules if r.id == rule.id), None)
    if old is None:
        return f"New in rule set {ruleset.version}."
    if old.version == rule.version:
        return f"Unchanged since rule set {before.version} (version {rule.version})."
    return (
        f"Changed in rule set {ruleset.version}: {old.version} -> {rule.version} "
        f"(see {{ref}}`the {before.version} version <{rule_label(rule.id, before.version)}>` "
        "and the changelog)."
    )


def _changes(ruleset: RuleSet) -> list[str]:
    """The rule set's changes from the previous one: new, changed and removed rules."""
    before = previous_ruleset(ruleset)
    if before is None:
        return []
    old = {r.id: r.version for r in before.rules}
    rows = [
        (f"{{doc}}`{r.id} <{r.id}>`", old.get(r.id, "new"), r.version)
        for r in ruleset.rules
        if old.get(r.id) != r.version
    ]
    ids = {r.id for r in ruleset.rules}
    rows += [(f"`{rid}`", version, "removed") for rid, version in old.items() if rid not in ids]
    header = ("Rule", f"In {before.version}", f"In {ruleset.version}")
    return [f"## Changes from rule set {before.version}", "", table(header, rows)]


def rule_page(rule: Rule, ruleset: RuleSet, vignettes: list[dict[str, Any]] | None) -> str:
    """The catalogue page of *rule* in *ruleset*."""
    labels = [f"({rule_label(rule.id, ruleset.version)})="]
    if ruleset.version == LATEST:
        labels.append(f"({rule_label(rule.id)})=")
    lines = [*labels, "", f"# `{rule.id}`: {esc(rule.title)}", ""]
    if rule.summary:
        lines += [esc(rule.summary), ""]
    note = change_note(rule, ruleset)
    if note:
        lines += [f"**{note}**", ""]
    lines.append(table(("Field", "Value"), _facts(rule, ruleset)))
    lines += _criteria(rule)
    if isinstance(rule, RedFlagRule) and rule.criteria:
        from .figures import criteria_tree, directive

        lines += ["## Criteria tree", ""]
        lines += directive(
            criteria_tree(rule),
            f"How the criteria of {rule.id} combine, down to the findings they read.",
            f"Tree of the criteria of {rule.id}",
        )
    lines += ["## Reads", "", _reads(rule, ruleset), ""]
    lines += _code(rule)
    lines += _citations(rule)
    lines += _vignettes(rule.id, vignettes)
    return "\n".join(lines)


# -- rule-set index -----------------------------------------------------------------------


def ruleset_page(ruleset: RuleSet) -> str:
    """The index page of one rule set: every rule by kind, and the toctree of their pages."""
    latest = " (latest)" if ruleset.version == LATEST else ""
    lines = [f"# Rule set {ruleset.version}{latest}", ""]
    lines += [f"Released {ruleset.released}. {esc(ruleset.notes)}".rstrip(), ""]
    lines += [
        f'Pin it with `assess(..., ruleset="{ruleset.version}")` or '
        f"`legrules assess --ruleset {ruleset.version}`. Rules run in the order below.",
        "",
    ]
    for kind, title in KIND_TITLES.items():
        rules = ruleset.of_kind(kind)
        if not rules:
            continue
        rows = []
        for rule in rules:
            row = (f"{{doc}}`{rule.id} <{rule.id}>`", rule.version, esc(rule.title))
            if isinstance(rule, RedFlagRule):
                row = (*row, f"`{rule.level.value}`")
            rows.append(row)
        header = ("Rule", "Version", "Title", "Level when met")[: len(rows[0])]
        lines += [f"## {title}", "", table(header, rows)]
    lines += _changes(ruleset)
    lines += ["```{toctree}", ":hidden:", "", *(r.id for r in ruleset.rules), "```", ""]
    return "\n".join(lines)


def _source(rule: Rule) -> str:
    """The first source of *rule*, shortened for a table cell (all are on its page)."""
    if not rule.citations:
        return "-"
    text = rule.citations[0].text
    short = text if len(text) <= 48 else text[:45].rsplit(" ", 1)[0] + " ..."
    more = f" (+{len(rule.citations) - 1})" if len(rule.citations) > 1 else ""
    return esc(short) + more


def rules_table() -> str:
    """Every rule of the latest rule set by kind: level when met, version, title, source."""
    ruleset = RULESETS[LATEST]
    lines = []
    for kind in ("red-flag", "score", "differential", "recommendation"):
        rules, title = ruleset.of_kind(kind), KIND_TITLES[kind]
        if not rules:
            continue
        rows = []
        for rule in rules:
            link = f"{{ref}}`{rule.id} <{rule_label(rule.id)}>`"
            row: tuple[str, ...] = (link, esc(rule.title), rule.version, _source(rule))
            if isinstance(rule, RedFlagRule):
                row = (link, f"`{rule.level.value}`", *row[1:])
            rows.append(row)
        header: tuple[str, ...] = ("Rule", "Title", "Version", "First source")
        if kind == "red-flag":
            header = ("Rule", "Level when met", *header[1:])
        lines += [f"### {title}", "", table(header, rows)]
    return "\n".join(lines)


def pages(vignette_folder: Path) -> dict[str, str]:
    """Every catalogue page, by path relative to ``catalogue/generated``."""
    vignettes = load_vignettes(vignette_folder)
    out: dict[str, str] = {}
    for version, ruleset in RULESETS.items():
        out[f"{version}/index.md"] = ruleset_page(ruleset)
        for rule in ruleset.rules:
            out[f"{version}/{rule.id}.md"] = rule_page(rule, ruleset, vignettes)
    return out
