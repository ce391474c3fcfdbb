"""Read a FHIR Bundle into a presentation and assess it.

Run: ``python examples/fhir/read_bundle.py [BUNDLE] [AS_OF]`` (defaults: the shipped
suspected-DVT searchset, assessed at 2026-11-20T10:00:00Z).
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from legrules import assess
from legrules.fhir import read_presentation
from legrules.render import render_text

HERE = Path(__file__).parent


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else HERE / "suspected-dvt-searchset.json"
    as_of = datetime.fromisoformat(argv[2] if len(argv) > 2 else "2026-11-20T10:00:00+00:00")
    result = read_presentation(path, as_of=as_of)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(render_text(assess(result.presentation)), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
