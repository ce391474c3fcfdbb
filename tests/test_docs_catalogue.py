"""The generated rule catalogue covers every rule and finds the vignettes that use it."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from legrules.rules import RULESETS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def catalogue() -> ModuleType:
    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    try:
        return importlib.import_module("legrules_docs.catalogue")
    finally:
        sys.path.remove(str(ROOT / "docs" / "_ext"))


def _vignette(folder: Path, name: str, expect: object) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    document = {"description": f"case {name}", "source": "NICE NG158", "expect": expect}
    (folder / f"{name}.json").write_text(json.dumps(document))


def test_every_rule_of_every_rule_set_has_a_page(catalogue: ModuleType, tmp_path: Path) -> None:
    """One page per rule, naming its id, version and logic fingerprint."""
    pages = catalogue.pages(tmp_path / "tests" / "vignettes")
    for version, ruleset in RULESETS.items():
        assert f"{version}/index.md" in pages
        for rule in ruleset.rules:
            page = pages[f"{version}/{rule.id}.md"]
            assert f"`{rule.id}`" in page
            assert f"| Version | {rule.version} |" in page
            assert rule.fingerprint() in page


def test_page_says_no_vignettes_yet_without_the_folder(
    catalogue: ModuleType, tmp_path: Path
) -> None:
    """Without tests/vignettes the page says so instead of listing nothing."""
    pages = catalogue.pages(tmp_path / "tests" / "vignettes")
    assert "No vignettes yet" in pages[f"{next(iter(RULESETS))}/redflag.sepsis.md"]


def test_vignettes_are_listed_on_the_rules_they_name(catalogue: ModuleType, tmp_path: Path) -> None:
    """A vignette appears on the page of each rule its expectation names, and no other."""
    folder = tmp_path / "tests" / "vignettes"
    _vignette(folder, "sepsis-case", {"red_flags": {"redflag.sepsis": "met"}})
    _vignette(folder, "other-case", {"red_flags": {"redflag.leg-infection-x": "met"}})
    pages = catalogue.pages(folder)
    version = next(iter(RULESETS))
    sepsis = pages[f"{version}/redflag.sepsis.md"]
    infection = pages[f"{version}/redflag.leg-infection.md"]
    assert "tests/vignettes/sepsis-case.json" in sepsis
    assert "other-case" not in sepsis
    assert "No vignette exercises this rule yet" in infection


def test_latest_rule_set_pages_say_what_changed(catalogue: ModuleType, tmp_path: Path) -> None:
    """2026.12 pages name each rule's change from 2026.11, and the index lists them."""
    pages = catalogue.pages(tmp_path / "tests" / "vignettes")
    compartment = pages["2026.12/redflag.compartment-syndrome.md"]
    assert "Changed in rule set 2026.12: 1.0.0 -> 2.0.0" in compartment
    assert "Changed in rule set 2026.12: 1.0.0 -> 3.0.0" in pages["2026.12/redflag.sepsis.md"]
    assert "New in rule set 2026.12." in pages["2026.12/redflag.fever.md"]
    assert "Unchanged since rule set 2026.11" in pages["2026.12/score.d-dimer.md"]
    assert "Changed in" not in pages["2026.11/redflag.sepsis.md"]
    index = pages["2026.12/index.md"]
    assert "## Changes from rule set 2026.11" in index
    assert "redflag.necrotising-infection" in index.split("## Changes from")[1]
    assert "Supports: the high-risk criteria" in pages["2026.12/redflag.sepsis.md"]
