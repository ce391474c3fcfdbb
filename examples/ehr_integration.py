"""An EHR integration: a FHIR search result in, a transaction Bundle to post back out.

Run: ``python examples/ehr_integration.py [BUNDLE] [OUTPUT.json]`` (defaults: the
shipped searchset ``examples/fhir/suspected-dvt-searchset.json``; the transaction
Bundle is printed in summary, and written in full to OUTPUT when given).

The three steps every integration has: read the patient's resources into a presentation
(:func:`legrules.fhir.read_presentation`), assess it at an explicit instant, and turn
the assessment into one transaction Bundle (:func:`legrules.fhir.transaction_bundle`)
that the EHR's FHIR server can take with ``POST [base]``.  The script then checks what
an integration test would: the Bundle validates as R4B, the same inputs give the same
bytes (so posting it twice creates nothing new), and it validates as R5 too.
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from legrules import Assessment, assess
from legrules.fhir import dumps_bundle, read_presentation, transaction_bundle, validate_bundle

HERE = Path(__file__).parent
SEARCHSET = HERE / "fhir" / "suspected-dvt-searchset.json"
AS_OF = datetime(2026, 11, 20, 10, tzinfo=UTC)


def assess_bundle(path: Path, *, quiet: bool = False) -> Assessment:
    """Read the search result and assess it at ``AS_OF``; print what the reader set aside."""
    read = read_presentation(path, as_of=AS_OF)
    if not quiet:
        for item in read.ignored:
            print(f"ignored {item.reference}: {item.reason}")
        for warning in read.warnings:
            print(f"warning: {warning}")
    return assess(read.presentation, as_of=AS_OF)


def summarise(bundle: dict[str, Any]) -> None:
    resources = [entry["resource"] for entry in bundle["entry"]]
    counts = Counter(r["resourceType"] for r in resources)
    print(", ".join(f"{n} {kind}" for kind, n in counts.items()))
    guidance = next(r for r in resources if r["resourceType"] == "GuidanceResponse")
    print(f"GuidanceResponse: status {guidance['status']}, {guidance['moduleCanonical']}")
    print(f"  missing inputs asked for: {len(guidance.get('dataRequirement', []))}")
    for flag in (r for r in resources if r["resourceType"] == "Flag"):
        coding = flag["code"]["coding"][0]
        print(f"Flag: {coding['code']} {coding['version']} ({flag['status']})")
    conditional = sum("ifNoneExist" in e["request"] for e in bundle["entry"])
    print(f"{conditional} of {len(bundle['entry'])} entries are conditional creates")


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else SEARCHSET
    result = assess_bundle(path)
    print(f"patient {result.patient}: {result.disposition.value}")
    bundle = transaction_bundle(result, validate=True)  # R4B, checked with fhir.resources
    summarise(bundle)

    # What the integration's own tests would check before posting.
    validate_bundle(bundle, "R4B")
    again = transaction_bundle(assess_bundle(path, quiet=True))
    assert dumps_bundle(again) == dumps_bundle(bundle), "the same inputs must give the same bytes"
    r5 = transaction_bundle(result, version="R5")
    assert any(e["resource"]["resourceType"] == "RequestOrchestration" for e in r5["entry"])
    print("valid R4B and R5; identical on a second run")

    if len(argv) > 2:
        Path(argv[2]).write_bytes(dumps_bundle(bundle, indent=True) + b"\n")
        print(f"wrote {argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
