"""Rule set 2026.11 stays runnable and reaches exactly the conclusions it shipped with.

Each vignette's assessment document under rule set ``2026.11`` was recorded in
``pinned-2026.11/`` before rule set 2026.12 was written. Later work may only change
these bytes through a deliberate change of the document's format or order; then
regenerate with ``python tests/vignettes/pin_2026_11.py --write`` and say why in the
commit. ``legrules_version`` is left out: it names the library release, not a
conclusion.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from legrules import assess, dump_assessment
from legrules.model.documents import dumps, load_presentation

FOLDER = Path(__file__).parent
PINNED = FOLDER / "pinned-2026.11"
RULESET = "2026.11"


def names() -> list[str]:
    """Every vignette, by file stem."""
    return sorted(f.stem for f in FOLDER.glob("*.json"))


def document(name: str) -> bytes:
    """The vignette's assessment document under rule set 2026.11, as pinned."""
    case: dict[str, Any] = json.loads((FOLDER / f"{name}.json").read_text())
    result = assess(
        load_presentation(case["presentation"]),
        as_of=datetime.fromisoformat(case["as_of"]),
        policy=case.get("policy"),
        ruleset=RULESET,
    )
    doc = dump_assessment(result)
    del doc["legrules_version"]
    return dumps(doc) + b"\n"


def write() -> None:
    """Record every vignette's document (only for a deliberate format change)."""
    PINNED.mkdir(exist_ok=True)
    for stale in PINNED.glob("*.json"):
        stale.unlink()
    for name in names():
        (PINNED / f"{name}.json").write_bytes(document(name))


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/vignettes/pin_2026_11.py --write")
    write()
