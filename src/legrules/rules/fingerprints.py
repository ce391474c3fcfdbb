"""The rule-fingerprint lock: every shipped rule's version and logic fingerprint, on record.

A rule's logic fingerprint (its ``fingerprint()``) changes whenever something that can
change its conclusions changes.  The repository keeps the
fingerprints of every rule of every shipped rule set in a lock file
(``tests/rule_fingerprints.json``), and a test compares them with the rules, so that a
change of logic cannot ship under an old version number, a new rule cannot slip in
unrecorded, and a released rule set can never change at all.

Regenerate the lock after bumping a version (and adding the CHANGELOG line), from the
repository root::

    python -m legrules.rules.fingerprints --write

``--check`` (the default) prints what differs and exits 1; ``--release VERSION`` marks a
rule set as released, after which its entries may never change.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from legrules.rules.registry import RULESETS, RuleSet

__all__ = ["DEFAULT_LOCK", "REGENERATE", "current", "lock_document", "main", "problems"]

#: Where the lock lives, relative to the repository root.
DEFAULT_LOCK = Path("tests/rule_fingerprints.json")

#: The command that regenerates the lock.
REGENERATE = "python -m legrules.rules.fingerprints --write"

#: rule set version -> rule id -> {"version", "fingerprint"}
Table = dict[str, dict[str, dict[str, str]]]

_BUMP = (
    "bump its version (major: a conclusion can change for the same input; minor: it can "
    "use a new input; patch: same conclusions, e.g. refactored code), add a line under "
    "'Clinical rules' in CHANGELOG.md (rule id, old -> new version, what changed, why, "
    f"source), then regenerate the lock: {REGENERATE}"
)


def current(rulesets: Mapping[str, RuleSet] = RULESETS) -> Table:
    """The version and fingerprint of every rule of every rule set, in evaluation order."""
    return {
        version: {r.id: {"version": r.version, "fingerprint": r.fingerprint()} for r in rs.rules}
        for version, rs in rulesets.items()
    }


def lock_document(table: Table, released: Sequence[str] = ()) -> dict[str, Any]:
    """The lock file's content for *table*, with the *released* rule sets."""
    return {
        "about": f"Rule versions and logic fingerprints; regenerate with: {REGENERATE}",
        "released": sorted(released),
        "rulesets": table,
    }


def _rule_problems(version: str, locked: Mapping[str, Any], now: Table) -> list[str]:
    found: list[str] = []
    rules = now[version]
    for rule_id, entry in rules.items():
        old = locked.get(rule_id)
        if old is None:
            found.append(
                f"{rule_id} {entry['version']} (rule set {version}) is not in the lock: "
                f"add its CHANGELOG line, then regenerate the lock: {REGENERATE}"
            )
        elif old["version"] == entry["version"] and old["fingerprint"] != entry["fingerprint"]:
            found.append(
                f"the logic of {rule_id} (rule set {version}) changed but its version is "
                f"still {entry['version']}: {_BUMP}"
            )
        elif old["version"] != entry["version"]:
            found.append(
                f"{rule_id} (rule set {version}) is now {entry['version']} but the lock says "
                f"{old['version']}: check its CHANGELOG line, then regenerate: {REGENERATE}"
            )
    for rule_id in locked:
        if rule_id not in rules:
            found.append(
                f"{rule_id} is in the lock but not in rule set {version}: regenerate the "
                f"lock: {REGENERATE}"
            )
    return found


def problems(lock: Mapping[str, Any], rulesets: Mapping[str, RuleSet] = RULESETS) -> list[str]:
    """Every way the rules differ from *lock*, each as a message saying what to do."""
    now = current(rulesets)
    locked: Mapping[str, Mapping[str, Any]] = lock.get("rulesets", {})
    released = set(lock.get("released", ()))
    found: list[str] = []
    for version in locked:
        if version not in now:
            found.append(
                f"rule set {version} is in the lock but no longer ships: a shipped rule set "
                "must stay runnable forever"
            )
    for version in now:
        if version not in locked:
            found.append(f"rule set {version} is not in the lock: regenerate: {REGENERATE}")
            continue
        differences = _rule_problems(version, locked[version], now)
        if version in released and differences:
            found.append(
                f"rule set {version} is released and must never change; put new rule "
                f"versions in a new rule set. Differences: {'; '.join(differences)}"
            )
        else:
            found.extend(differences)
    return found


def _changed_released(lock: Mapping[str, Any]) -> list[str]:
    """The released rule sets of *lock* that differ from the shipped rules."""
    now, locked = current(), lock.get("rulesets", {})
    return [
        v
        for v in lock.get("released", ())
        if v in locked and (v not in now or _rule_problems(v, locked[v], now))
    ]


def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _write(path: Path, document: Mapping[str, Any]) -> None:
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Check (default) or rewrite the lock file; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m legrules.rules.fingerprints",
        description="Check or regenerate the rule-fingerprint lock.",
    )
    parser.add_argument("--lock", type=Path, default=DEFAULT_LOCK, help="lock file path")
    parser.add_argument("--write", action="store_true", help="rewrite the lock")
    parser.add_argument(
        "--release", metavar="VERSION", action="append", default=[], help="mark released"
    )
    args = parser.parse_args(argv)
    lock = _read(args.lock)
    released = set(lock.get("released", ())) | set(args.release)
    frozen = {**lock, "released": sorted(released)}
    if not args.write and not args.release:
        found = problems(lock)
        print("\n".join(found) or f"{args.lock}: every rule matches the lock")
        return 1 if found else 0
    blocked = _changed_released(frozen)
    if blocked:
        print(f"refusing to change released rule sets: {', '.join(blocked)}", file=sys.stderr)
        print("\n".join(problems(frozen)), file=sys.stderr)
        return 1
    _write(args.lock, lock_document(current(), sorted(released)))
    print(f"wrote {args.lock}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
