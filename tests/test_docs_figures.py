"""The documentation's figures and rule table are drawn from the rules, and Graphviz reads them."""

from __future__ import annotations

import importlib
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from legrules.engine.base import RedFlagRule
from legrules.rules import LATEST, RULESETS

ROOT = Path(__file__).resolve().parent.parent


def _module(name: str) -> ModuleType:
    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    try:
        return importlib.import_module(f"legrules_docs.{name}")
    finally:
        sys.path.remove(str(ROOT / "docs" / "_ext"))


@pytest.fixture(scope="module")
def figures() -> ModuleType:
    return _module("figures")


@pytest.fixture(scope="module")
def fragments(figures: ModuleType) -> dict[str, str]:
    built: dict[str, str] = figures.fragments(ROOT)
    return built


def _dot(markdown: str) -> list[str]:
    return re.findall(r"```\{graphviz\}\n(?::[^\n]*\n)*\n(.*?)\n```", markdown, re.DOTALL)


def test_disposition_flow_names_every_red_flag_under_its_level(
    fragments: dict[str, str],
) -> None:
    """The flow chart lists each red flag of the latest rule set in the box of its level."""
    (dot,) = _dot(fragments["disposition-flow.md"])
    for rule in RULESETS[LATEST].of_kind("red-flag"):
        assert isinstance(rule, RedFlagRule)
        box = re.search(rf'"{rule.level.value}" \[label="([^"]*)"', dot)
        assert box is not None
        names = box.group(1).replace("\\n", "\\l").split("\\l")
        assert rule.id.removeprefix("redflag.") in names
    for step in ("Any red flag met?", "UNDETERMINED", "Self-care gate", "SELF-CARE"):
        assert step in dot


def test_every_red_flag_page_has_a_criteria_tree_with_every_criterion(tmp_path: Path) -> None:
    """Each red-flag page of the catalogue draws its criteria, one branch per criterion."""
    pages = _module("catalogue").pages(tmp_path)
    for rule in RULESETS[LATEST].of_kind("red-flag"):
        assert isinstance(rule, RedFlagRule)
        page = pages[f"{LATEST}/{rule.id}.md"]
        (dot,) = _dot(page)
        assert all(f'label="{c.id}"' in dot for c in rule.criteria)


def test_bundle_graph_shows_written_resources_and_what_they_point_at(
    fragments: dict[str, str],
) -> None:
    """The Bundle figure has the written resource types and the patient on the server."""
    (dot,) = _dot(fragments["bundle-graph.md"])
    for kind in ("GuidanceResponse", "Flag", "RiskAssessment x", "Provenance"):
        assert kind in dot
    assert '"o-Patient"' in dot
    assert re.search(r'"w-Provenance" -> "w-Flag" \[label="target"\]', dot)


def test_rules_table_lists_every_rule_with_version_and_source() -> None:
    """The catalogue index table has one row per rule of the latest rule set."""
    text = _module("catalogue").rules_table()
    for rule in RULESETS[LATEST].rules:
        row = next(line for line in text.splitlines() if f"`{rule.id} <" in line)
        assert f"| {rule.version} |" in row
    assert "| `emergency` |" in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is installed by make docs")
def test_graphviz_reads_every_figure(fragments: dict[str, str], tmp_path: Path) -> None:
    """Every generated DOT source renders to SVG without a Graphviz warning."""
    pages = _module("catalogue").pages(tmp_path)
    sources = [d for text in [*fragments.values(), *pages.values()] for d in _dot(text)]
    assert len(sources) >= 3
    for source in sources:
        done = subprocess.run(
            ["dot", "-Tsvg"], input=source, capture_output=True, text=True, check=False
        )
        assert (done.returncode, done.stderr) == (0, "")
