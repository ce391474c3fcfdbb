"""Pin a rule set, store a result, and reproduce it later.

A research pipeline stores, for each case, the presentation it assessed and the
assessment document.  The assessment records everything needed to run it again: the
rule-set version, the policy values and the instant.  Re-running with those gives the
same clinical result, even after legrules has been upgraded and newer rule sets ship,
because a released rule set never changes.  The logic fingerprints of the rules used
are stored too, so that a reproduction can prove the rules are the ones that ran.

Run from the repository root: ``python examples/pin_ruleset.py``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import legrules
from legrules.rules.fingerprints import current

RULESET = "2026.11"
POLICY = {"wells_variant": "wells-1997", "not_improving_days": 10}
CASE = Path(__file__).parent / "presentations" / "calf-pain-after-flight.json"


def store(presentation: legrules.Presentation, folder: Path) -> legrules.Assessment:
    """Assess with a pinned rule set and policy; store input, result and fingerprints."""
    result = legrules.assess(
        presentation,
        as_of=datetime(2026, 11, 20, 10, tzinfo=UTC),
        ruleset=RULESET,
        policy=POLICY,
    )
    _write(folder / "presentation.json", legrules.dump_presentation(presentation))
    _write(folder / "assessment.json", legrules.dump_assessment(result))
    _write(folder / "fingerprints.json", current()[RULESET])
    return result


def reproduce(folder: Path) -> legrules.Assessment:
    """Re-run a stored case with the rule set, policy and instant its result records."""
    stored = legrules.load_assessment(_read(folder / "assessment.json"))
    recorded = _read(folder / "fingerprints.json")
    if current()[stored.ruleset.version] != recorded:
        raise SystemExit(f"rule set {stored.ruleset.version} is not the one that ran")
    presentation = legrules.load_presentation(_read(folder / "presentation.json"))
    return legrules.assess(
        presentation,
        as_of=stored.as_of,
        ruleset=stored.ruleset.version,
        policy=stored.policy,
    )


def clinical_content(result: legrules.Assessment) -> dict[str, Any]:
    """The assessment document without the library version (which may legitimately move)."""
    document = legrules.dump_assessment(result)
    del document["legrules_version"]
    return document


def _write(path: Path, document: Any) -> None:
    path.write_text(json.dumps(document, indent=2, sort_keys=True), encoding="utf-8")


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def main() -> int:
    """Store one case, reproduce it, and check the two results are identical."""
    presentation = legrules.load_presentation(CASE.read_bytes())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        original = store(presentation, folder)
        again = reproduce(folder)
    wells = again.score("score.wells-dvt")
    print(f"rule set {again.ruleset.version}, policy {again.policy.as_dict()}")
    print(f"disposition {again.disposition.value}; Wells {wells.min:g} to {wells.max:g}")
    same = clinical_content(again) == clinical_content(original)
    print("reproduced exactly" if same else "DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
