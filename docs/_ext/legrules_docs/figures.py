"""Figures drawn from the code at every build, as Graphviz DOT for ``sphinx.ext.graphviz``.

* the disposition flow, with the red flags of the rule set grouped by the level they set;
* the criteria tree of a red flag: how its criteria combine, down to each finding;
* the resources of a written transaction Bundle and the references between them.

Sphinx renders them to SVG files next to the pages, so viewing the documentation
fetches nothing from the network.  Expressions are walked by their shape (``items``,
``item``, ``choices``), not by importing the expression classes, so a rule written
with a new kind of expression still gets a tree: it shows as a leaf with its text.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs

from legrules.engine.base import RecommendationRule, RedFlagRule
from legrules.model import Assessment, Disposition
from legrules.rules import RuleSet

from .catalogue import esc

__all__ = ["bundle_graph", "criteria_tree", "directive", "disposition_flow", "fragments"]

_FONT = 'fontname="Helvetica,Arial,sans-serif"'
_LEVEL_COLOURS = {
    "emergency": "#f8c9c4",
    "urgent": "#fbe0b5",
    "soon": "#fff3b0",
    "routine": "#d9ecf7",
    "self-care": "#d6f0d6",
    "undetermined": "#e4e4e4",
}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _wrap(text: str, width: int = 32) -> str:
    return "\\n".join(textwrap.wrap(text, width)) or " "


def _label(text: str, width: int = 32) -> str:
    """A DOT label: *text* wrapped at *width*, quoted."""
    return '"' + _wrap(text.replace("\\", "\\\\").replace('"', '\\"'), width) + '"'


def directive(dot: str, caption: str, alt: str) -> list[str]:
    """The MyST lines of a ``graphviz`` figure."""
    return ["```{graphviz}", f":caption: {esc(caption)}", f":alt: {alt}", "", dot, "```", ""]


def _graph(name: str, body: list[str], rankdir: str = "TB") -> str:
    head = [
        f"digraph {name} {{",
        f'  rankdir={rankdir}; bgcolor="transparent"; {_FONT}; fontsize=11;',
        f'  node [shape=box, style="rounded,filled", fillcolor="#ffffff", {_FONT}, fontsize=10];',
        f"  edge [{_FONT}, fontsize=9];",
    ]
    return "\n".join([*head, *(f"  {line}" for line in body), "}"])


# -- the disposition flow ------------------------------------------------------------------


def _levels(ruleset: RuleSet) -> dict[Disposition, list[RedFlagRule]]:
    levels: dict[Disposition, list[RedFlagRule]] = {}
    for rule in ruleset.of_kind("red-flag"):
        if isinstance(rule, RedFlagRule):
            levels.setdefault(rule.level, []).append(rule)
    return dict(sorted(levels.items(), key=lambda item: item[0].rank))


def disposition_flow(ruleset: RuleSet) -> str:
    """How the red flags of *ruleset* decide the disposition, and the self-care gate."""
    body = [
        'start [label="Evaluate every red flag:\\nmet, not met or indeterminate\\n'
        '(unknown findings stay unknown)", fillcolor="#eef2f7"];',
        'met [label="Any red flag met?", shape=diamond, style=filled, fillcolor="#ffffff"];',
        'open [label="Any red flag\\nindeterminate?", shape=diamond, style=filled, '
        'fillcolor="#ffffff"];',
        "start -> met;",
    ]
    for level, rules in _levels(ruleset).items():
        names = "\\l".join(r.id.removeprefix("redflag.") for r in rules) + "\\l"
        colour = _LEVEL_COLOURS.get(level.value, "#ffffff")
        body.append(
            f'"{level.value}" [label="{level.value.upper()}\\n\\n{names}", fillcolor="{colour}"];'
        )
        body.append(f'met -> "{level.value}" [label="met"];')
    body += [
        'most [label="Disposition: the most urgent\\nlevel among the met flags\\n'
        '(and levels set by differentials)", fillcolor="#fbe0b5"];',
        *(f'"{level.value}" -> most;' for level in _levels(ruleset)),
        'met -> open [label="none met"];',
        f'undetermined [label="UNDETERMINED\\nthe screen is incomplete:\\nsee what to ask", '
        f'fillcolor="{_LEVEL_COLOURS["undetermined"]}"];',
        'open -> undetermined [label="yes"];',
        'gate [label="Self-care gate:\\nadvice only when every\\nred flag is not met", '
        'shape=diamond, style=filled, fillcolor="#ffffff"];',
        'open -> gate [label="no: all\\nnot met"];',
        f'selfcare [label="SELF-CARE\\n{_self_care_names(ruleset)}", '
        f'fillcolor="{_LEVEL_COLOURS["self-care"]}"];',
        "gate -> selfcare;",
        'withheld [label="Self-care advice withheld\\n(listed with the reason)", '
        'fillcolor="#e4e4e4"];',
        "most -> withheld [style=dashed]; undetermined -> withheld [style=dashed];",
        'unresolved [label="unresolved: each indeterminate flag\\nwith the findings that '
        'would settle it\\n(listed with any disposition)", fillcolor="#eef2f7"];',
        "open -> unresolved [style=dashed];",
    ]
    if "worst_case_disposition" in attrs.fields_dict(Assessment):
        body += [
            'worst [label="worst case: the most urgent level\\nan indeterminate flag could '
            'still set", fillcolor="#f8c9c4"];',
            "unresolved -> worst [style=dashed];",
        ]
    return _graph("disposition", body, "TB")


def _self_care_names(ruleset: RuleSet) -> str:
    advice = [r for r in ruleset.of_kind("recommendation") if isinstance(r, RecommendationRule)]
    names = [r.id.removeprefix("rec.") for r in advice if r.self_care]
    return _wrap("advice: " + ", ".join(names), 48) if names else "no advice rules"


# -- the criteria tree of a red flag ---------------------------------------------------------


def _children(expr: Any) -> tuple[str, list[tuple[str, Any]]] | None:
    """The operator and labelled children of a composite expression, or None for a leaf."""
    items = getattr(expr, "items", None)
    if isinstance(items, tuple) and items:
        joiner = getattr(expr, "joiner", "") or type(expr).__name__
        names = {"and": "ALL of", "or": "ANY of", "/": "ANY statement of"}
        return names.get(joiner, joiner), [("", item) for item in items]
    item = getattr(expr, "item", None)
    if item is not None and type(expr).__name__ == "Not":
        return "NOT", [("", item)]
    choices = getattr(expr, "choices", None)
    if isinstance(choices, tuple) and choices:
        key = getattr(expr, "key", "policy")
        return f"by policy {key}", [(str(name), choice) for name, choice in choices]
    return None


def _tree(expr: Any, name: str, edge: str, lines: list[str], counter: Iterator[int]) -> str:
    node = f"n{next(counter)}"
    composite = _children(expr)
    if composite is None:
        lines.append(f"{node} [label={_label(expr.describe(), 34)}];")
    else:
        operator, children = composite
        lines.append(f'{node} [label="{operator}", shape=ellipse, fillcolor="#eef2f7"];')
        for label, child in children:
            child_node = _tree(child, name, label, lines, counter)
            attributes = f" [label={_quote(label)}]" if label else ""
            lines.append(f"{node} -> {child_node}{attributes};")
    return node


def criteria_tree(rule: RedFlagRule) -> str:
    """The red flag's criteria as a tree: the combination at the root, findings at the leaves."""
    counter = iter(range(1, 10_000))
    colour = _LEVEL_COLOURS.get(rule.level.value, "#ffffff")
    joined = "ALL criteria" if rule.combine == "all" else "ANY criterion"
    lines = [
        f'root [label="{rule.id}\\nmet when {joined} met\\n-> {rule.level.value.upper()}", '
        f'fillcolor="{colour}"];'
    ]
    for criterion in rule.criteria:
        head = f"c{next(counter)}"
        lines.append(
            f'{head} [label="{criterion.id}", shape=box, style="filled", fillcolor="#f4f4f4"];'
        )
        lines.append(f"root -> {head};")
        top = _tree(criterion.expr, rule.id, "", lines, counter)
        lines.append(f"{head} -> {top};")
    return _graph("criteria", lines, "LR")


# -- the transaction Bundle -----------------------------------------------------------------


def _references(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every ``reference`` in a resource, with the element it sits in."""
    if isinstance(value, dict):
        reference = value.get("reference")
        if isinstance(reference, str):
            yield path, reference
        for key, child in value.items():
            if key != "reference":
                yield from _references(child, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for child in value:
            yield from _references(child, path)


def _target_kind(target: str, written: dict[str, str]) -> tuple[str, bool]:
    """The node a reference points at: a written resource type, or one on the server."""
    if target in written:
        return written[target], True
    if target.startswith("#"):
        return "contained", False
    return target.split("/")[0].split("?")[0], False


def bundle_graph(bundle: dict[str, Any]) -> str:
    """The resource types of a transaction Bundle and the references between them.

    Entries of one type are drawn as one node with their count; references to
    resources the Bundle does not write (the patient, the input Observations) point
    at dashed nodes "on the server"; each edge names the elements that hold it.
    """
    entries = bundle.get("entry", [])
    written = {e.get("fullUrl", ""): e["resource"]["resourceType"] for e in entries}
    counts: dict[str, int] = {}
    methods: dict[str, set[str]] = {}
    edges: dict[tuple[str, str, bool], set[str]] = {}
    for entry in entries:
        kind = entry["resource"]["resourceType"]
        counts[kind] = counts.get(kind, 0) + 1
        methods.setdefault(kind, set()).add(entry.get("request", {}).get("method", ""))
        for element, target in _references(entry["resource"]):
            node, inside = _target_kind(target, written)
            edges.setdefault((kind, node, inside), set()).add(element.split(".")[0])
    lines = []
    for kind, count in counts.items():
        times = f" x{count}" if count > 1 else ""
        how = "/".join(sorted(m for m in methods[kind] if m))
        lines.append(f'"w-{kind}" [label="{kind}{times}\n({how})", fillcolor="#eef2f7"];')
    outside = sorted({node for (_, node, inside) in edges if not inside})
    for node in outside:
        text = "contained in the resource" if node == "contained" else f"{node}\n(on the server)"
        lines.append(f'"o-{node}" [label="{text}", style="dashed,rounded"];')
    for (kind, node, inside), elements in sorted(edges.items()):
        target = f"w-{node}" if inside else f"o-{node}"
        label = _label(", ".join(sorted(elements)), 24)
        lines.append(f'"w-{kind}" -> "{target}" [label={label}];')
    return _graph("bundle", lines, "LR")


# -- the fragments the pages include ---------------------------------------------------------

#: The example whose written Bundle is drawn, and the instant it is assessed at.
BUNDLE_EXAMPLE = "examples/fhir/suspected-dvt-searchset.json"
BUNDLE_AS_OF = "2026-11-20T10:00:00+00:00"


def fragments(root: Path) -> dict[str, str]:
    """The figure fragments by file name, for ``reference/generated/fragments``."""
    from legrules import assess
    from legrules.fhir import read_presentation, transaction_bundle
    from legrules.rules import get_ruleset

    ruleset = get_ruleset()
    read = read_presentation(root / BUNDLE_EXAMPLE, as_of=datetime.fromisoformat(BUNDLE_AS_OF))
    bundle = transaction_bundle(assess(read.presentation))
    flow = directive(
        disposition_flow(ruleset),
        f"How the red flags of rule set {ruleset.version} decide the disposition "
        "(drawn from the rules at each build).",
        "Flow chart from red-flag outcomes to the disposition and the self-care gate",
    )
    written = directive(
        bundle_graph(bundle),
        f"The transaction Bundle written for `{BUNDLE_EXAMPLE}` at {BUNDLE_AS_OF}: "
        "resource types (with their count and request method) and the references "
        "between them; dashed: resources already on the server.",
        "Graph of the written Bundle's resources and references",
    )
    return {"disposition-flow.md": "\n".join(flow), "bundle-graph.md": "\n".join(written)}
