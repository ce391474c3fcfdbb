"""Copies of one Medication that disagree: settled by content, whatever the order, and said.

Codes: RxNorm 36567 (simvastatin) maps to ``statin`` and ATC C03AA03
(hydrochlorothiazide, under the mapped prefix C03A) to ``thiazide-diuretic``, both in
``legrules/fhir/data/terminology.json``.
"""

from __future__ import annotations

import itertools
from typing import Any

import orjson
import pytest

from legrules import assess
from legrules.errors import FHIRInputError
from legrules.fhir import read_presentations, transaction_bundle
from tests.support import AS_OF

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
JSON = dict[str, Any]


def medication(system: str, code: str, updated: str | None = None) -> JSON:
    resource: JSON = {
        "resourceType": "Medication",
        "id": "m1",
        "code": {"coding": [{"system": system, "code": code}]},
    }
    if updated is not None:
        resource["meta"] = {"lastUpdated": updated}
    return resource


STATIN = medication(RXNORM, "36567")
THIAZIDE = medication(ATC, "C03AA03")
PATIENT: JSON = {"resourceType": "Patient", "id": "p1", "gender": "female"}
STATEMENT: JSON = {
    "resourceType": "MedicationStatement",
    "id": "ms1",
    "status": "active",
    "subject": {"reference": "Patient/p1"},
    "medicationReference": {"reference": "Medication/m1"},
    "effectiveDateTime": "2026-11-01T00:00:00Z",
}


def bundle(*resources: JSON) -> JSON:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
    }


def classes(result: Any) -> set[str]:
    return {f.id for f in result.presentation.findings}


def test_conflicting_copies_give_the_same_result_in_every_order() -> None:
    """Every order of two disagreeing copies: one drug class, the same bytes written back."""
    written = set()
    for order in itertools.permutations([STATIN, THIAZIDE, PATIENT, STATEMENT]):
        (result,) = read_presentations(bundle(*order), as_of=AS_OF)
        assert len(classes(result) & {"statin", "thiazide-diuretic"}) == 1
        written.add(orjson.dumps(transaction_bundle(assess(result.presentation, as_of=AS_OF))))
        assert any("Medication/m1 appears more than once" in w for w in result.warnings)
    assert len(written) == 1


def test_the_copy_last_updated_is_read_whatever_the_order() -> None:
    """meta.lastUpdated decides between copies, before their content's order."""
    newer = medication(ATC, "C03AA03", "2026-11-02T00:00:00Z")
    older = medication(RXNORM, "36567", "2026-10-01T00:00:00Z")
    for order in ([newer, older], [older, newer]):
        (result,) = read_presentations(bundle(*order, PATIENT, STATEMENT), as_of=AS_OF)
        assert "thiazide-diuretic" in classes(result)
        assert "statin" not in classes(result)


def test_identical_copies_are_no_conflict() -> None:
    """The same Medication twice (keys in another order): read once, nothing said."""
    again = dict(reversed(list(STATIN.items())))
    (result,) = read_presentations(bundle(STATIN, again, PATIENT, STATEMENT), as_of=AS_OF)
    assert "statin" in classes(result)
    assert not any("appears more than once" in w for w in result.warnings)


@pytest.mark.parametrize("ndjson", [False, True])
def test_strict_mode_refuses_disagreeing_copies_naming_the_medication(ndjson: bool) -> None:
    """Strict mode: a typed error whose message names the Medication (documents and NDJSON)."""
    resources = [STATIN, THIAZIDE, PATIENT, STATEMENT]
    source: Any = b"\n".join(orjson.dumps(r) for r in resources) if ndjson else bundle(*resources)
    with pytest.raises(FHIRInputError, match="Medication/m1 appears more than once"):
        list(read_presentations(source, as_of=AS_OF, strict=True))


def test_ndjson_settles_copies_like_a_bundle() -> None:
    """The spill (NDJSON) keeps the same copy as the in-memory grouping, with the note."""
    resources = [THIAZIDE, PATIENT, STATEMENT, STATIN]
    (from_lines,) = read_presentations(b"\n".join(orjson.dumps(r) for r in resources), as_of=AS_OF)
    (from_bundle,) = read_presentations(bundle(*reversed(resources)), as_of=AS_OF)
    assert classes(from_lines) == classes(from_bundle)
    assert from_lines.warnings == from_bundle.warnings
