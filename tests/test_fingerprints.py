"""The rule-fingerprint lock: no logic change ships without a version bump."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from legrules.engine.code import dependencies
from legrules.rules import LATEST, RULESETS
from legrules.rules.dvt import WELLS_DVT
from legrules.rules.fingerprints import REGENERATE, current, lock_document, main, problems

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "tests" / "rule_fingerprints.json"


def _lock() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(LOCK.read_text(encoding="utf-8"))
    return data


def _fresh() -> dict[str, Any]:
    return lock_document(current())


def test_lock_matches_every_shipped_rule() -> None:
    """Every shipped rule has the version and fingerprint recorded in the lock."""
    found = problems(_lock())
    assert not found, "\n".join(["The rule-fingerprint lock is out of date:", *found])


def test_logic_change_without_version_bump_asks_for_a_bump() -> None:
    """A changed fingerprint under the same version is reported with what to do."""
    lock = _fresh()
    lock["rulesets"][LATEST]["score.wells-dvt"]["fingerprint"] = "0" * 16
    (message,) = problems(lock)
    assert "score.wells-dvt" in message
    assert "bump its version" in message
    assert "CHANGELOG.md" in message
    assert REGENERATE in message


def test_new_rule_absent_from_the_lock_is_reported() -> None:
    """A rule the lock does not know fails until the lock is regenerated."""
    lock = _fresh()
    del lock["rulesets"][LATEST]["redflag.possible-pe"]
    (message,) = problems(lock)
    assert "redflag.possible-pe" in message
    assert REGENERATE in message


def test_bumped_version_is_reported_until_the_lock_is_regenerated() -> None:
    """A new version of a rule must be recorded in the lock too."""
    lock = _fresh()
    lock["rulesets"][LATEST]["score.qsofa"]["version"] = "0.9.0"
    (message,) = problems(lock)
    assert "score.qsofa" in message
    assert "0.9.0" in message


def test_rule_removed_from_a_rule_set_is_reported() -> None:
    """A rule in the lock but no longer in its rule set is reported."""
    lock = _fresh()
    lock["rulesets"][LATEST]["redflag.gone"] = {"version": "1.0.0", "fingerprint": "x"}
    (message,) = problems(lock)
    assert "redflag.gone" in message


def test_rule_set_that_stopped_shipping_is_reported() -> None:
    """A rule set in the lock must stay shipped forever."""
    lock = _fresh()
    lock["rulesets"]["1999.01"] = {}
    (message,) = problems(lock)
    assert "1999.01" in message
    assert "runnable forever" in message


def test_released_rule_set_may_not_change() -> None:
    """Any difference in a released rule set says to make a new rule set instead."""
    lock = lock_document(current(), released=[LATEST])
    lock["rulesets"][LATEST]["score.abi"]["fingerprint"] = "0" * 16
    (message,) = problems(lock)
    assert "released and must never change" in message
    assert "new rule set" in message


def test_write_regenerates_a_lock_that_then_checks_clean(tmp_path: Path) -> None:
    """``--write`` produces a lock that ``--check`` accepts."""
    path = tmp_path / "lock.json"
    assert main(["--write", "--lock", str(path)]) == 0
    assert main(["--lock", str(path)]) == 0
    assert json.loads(path.read_text())["rulesets"] == current()


def test_write_refuses_to_change_a_released_rule_set(tmp_path: Path) -> None:
    """Regenerating never rewrites the entries of a released rule set."""
    lock = lock_document(current(), released=[LATEST])
    lock["rulesets"][LATEST]["score.abi"]["fingerprint"] = "0" * 16
    path = tmp_path / "lock.json"
    path.write_text(json.dumps(lock))
    assert main(["--write", "--lock", str(path)]) == 1
    assert json.loads(path.read_text()) == lock


def test_check_fails_on_a_stale_lock(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The check command exits 1 and names the stale rule."""
    lock = copy.deepcopy(_fresh())
    lock["rulesets"][LATEST]["score.qsofa"]["fingerprint"] = "0" * 16
    path = tmp_path / "lock.json"
    path.write_text(json.dumps(lock))
    assert main(["--lock", str(path)]) == 1
    assert "score.qsofa" in capsys.readouterr().out


def test_fingerprint_covers_the_points_and_classes_of_a_score() -> None:
    """The Wells points table and class cut-offs are part of the hashed logic."""
    code = dict(dependencies(WELLS_DVT.compute))
    assert "'alternative-diagnosis': -2" in code["legrules.rules.dvt.WELLS_POINTS"]
    assert "value >= 2" in code["legrules.rules.dvt._classify_nice"]


_FINGERPRINTS_SCRIPT = """
import json
from legrules.model import Disposition, Likelihood, Status
from legrules.engine.base import Criterion, RedFlagRule
from legrules.rules.fingerprints import current
from legrules.engine.logic import DifferentialIs, RedFlagIs
probe = RedFlagRule(
    id="redflag.probe", version="1.0.0", title="probe", citations=(),
    level=Disposition.SOON,
    criteria=(
        Criterion("a", DifferentialIs("ddx.x", set(Likelihood))),
        Criterion("b", RedFlagIs("redflag.y", set(Status))),
    ),
)
print(json.dumps([current(), probe.fingerprint()]))
"""


def test_fingerprints_do_not_depend_on_the_hash_seed() -> None:
    """Two processes with different hash seeds compute the same fingerprints."""
    outputs = {
        subprocess.run(
            [sys.executable, "-c", _FINGERPRINTS_SCRIPT],
            env={"PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


def _changelog_clinical_lines() -> str:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    sections = re.split(r"^### ", text, flags=re.MULTILINE)
    return "\n".join(s for s in sections if s.lower().startswith("clinical rules"))


def test_every_rule_revision_has_a_changelog_line() -> None:
    """Each rule version after 1.0.0 is named, with its version, under 'Clinical rules'."""
    clinical = _changelog_clinical_lines()
    assert clinical, "CHANGELOG.md has no 'Clinical rules' section"
    missing = sorted(
        f"{rule.id} {rule.version} (rule set {version})"
        for version, ruleset in RULESETS.items()
        for rule in ruleset.rules
        if rule.version != "1.0.0"
        and not any(rule.id in line and rule.version in line for line in clinical.splitlines())
    )
    assert not missing, "CHANGELOG.md 'Clinical rules' lacks a line for: " + ", ".join(missing)
