"""``split_transaction``: a write-back cut into dependency-ordered transactions of N entries.

What a server sees is checked against Medplum's engine in ``tests/fhir/test_medplum.py``;
here, the promises that hold without a server: every entry once, in dependency order,
references across parts conditional, the input untouched, bad arguments refused.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legrules import assess
from legrules.errors import InvalidValueError
from legrules.fhir import split_transaction, transaction_bundle
from tests.fhir.write_checks import check_bundle, presentations, sample
from tests.support import AS_OF


def references(value: Any) -> list[str]:
    """Every ``reference`` string inside *value*."""
    if isinstance(value, dict):
        found = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return found + [r for inner in value.values() for r in references(inner)]
    if isinstance(value, list):
        return [r for inner in value for r in references(inner)]
    return []


def check_split(bundle: dict[str, Any], parts: list[dict[str, Any]], limit: int) -> None:
    """Assert the promises of :func:`split_transaction` for *parts* of *bundle*."""
    entries = bundle["entry"]
    assert all(0 < len(part["entry"]) <= limit for part in parts)
    written = [e["fullUrl"] for part in parts for e in part["entry"]]
    assert sorted(written) == sorted(e["fullUrl"] for e in entries)  # each entry, once
    by_url = {e["fullUrl"]: e for e in entries}
    # a conditional reference per entry an earlier part writes: its type and ifNoneExist
    found_by = {
        url: f"{e['request']['url']}?{e['request']['ifNoneExist']}"
        if "ifNoneExist" in e["request"]
        else e["request"]["url"]
        for url, e in by_url.items()
    }
    done: set[str] = set()
    for part in parts:
        here = {e["fullUrl"] for e in part["entry"]}
        for entry in part["entry"]:
            original = by_url[entry["fullUrl"]]
            assert entry["request"] == original["request"]
            for before, after in zip(
                references(original["resource"]), references(entry["resource"]), strict=True
            ):
                if before in here or before not in by_url:
                    assert after == before  # same part, or not written by this Bundle
                else:
                    assert before in done, f"{before} is written after what needs it"
                    assert after == found_by[before]
        done |= here


@pytest.mark.parametrize("limit", [1, 2, 3, 8, 13])
def test_every_entry_is_written_once_in_dependency_order(limit: int) -> None:
    """Parts hold at most N entries; what an entry references comes no later than it."""
    bundle = transaction_bundle(sample())
    parts = split_transaction(bundle, max_entries=limit)
    check_split(bundle, parts, limit)
    assert parts[0]["entry"][0]["resource"]["resourceType"] == "Device"
    assert parts[-1]["entry"][-1]["resource"]["resourceType"] == "Provenance"


def test_a_bundle_that_fits_is_returned_unchanged() -> None:
    """Nothing to split: the very same Bundle, as the only part."""
    bundle = transaction_bundle(sample())
    assert split_transaction(bundle, max_entries=len(bundle["entry"])) == [bundle]


def test_the_input_bundle_is_not_modified() -> None:
    """Conditional references are written into copies; the caller's Bundle is untouched."""
    bundle = transaction_bundle(sample())
    before = copy.deepcopy(bundle)
    split_transaction(bundle, max_entries=2)
    assert bundle == before


@pytest.mark.parametrize("version", ["R4B", "R5"])
def test_every_part_is_a_valid_transaction_bundle(version: str) -> None:
    """Each part validates (fhir.resources, and the R4 JSON Schema for R4B) on its own."""
    bundle = transaction_bundle(sample(), version=version)  # type: ignore[arg-type]
    for part in split_transaction(bundle, max_entries=8):
        check_bundle(part, version)


@settings(max_examples=40)
@given(presentation=presentations(), limit=st.integers(1, 10))
def test_any_write_back_splits_keeping_every_promise(presentation: Any, limit: int) -> None:
    """Whatever was assessed, and whatever N, the split keeps every promise."""
    bundle = transaction_bundle(assess(presentation, as_of=AS_OF))
    check_split(bundle, split_transaction(bundle, max_entries=limit), limit)


@pytest.mark.parametrize("limit", [0, -1, True, 2.0, "8", None])
def test_max_entries_must_be_a_whole_number_of_one_or_more(limit: Any) -> None:
    """A limit that is not a whole number of 1 or more is refused, naming the argument."""
    with pytest.raises(InvalidValueError) as raised:
        split_transaction(transaction_bundle(sample()), max_entries=limit)
    assert raised.value.path == "max_entries"


def test_only_a_transaction_bundle_is_split() -> None:
    """A batch (or anything else) is refused: its entries have no transaction semantics."""
    bundle = {**transaction_bundle(sample()), "type": "batch"}
    with pytest.raises(InvalidValueError, match="transaction Bundle"):
        split_transaction(bundle, max_entries=8)
    with pytest.raises(InvalidValueError, match="expected a Bundle"):
        split_transaction([], max_entries=8)  # type: ignore[arg-type]


def _entry(name: str, refers_to: str | None = None, *, conditional: bool = True) -> dict[str, Any]:
    resource: dict[str, Any] = {"resourceType": "Basic"}
    if refers_to:
        resource["subject"] = {"reference": f"urn:uuid:{refers_to}"}
    request = {"method": "POST", "url": "Basic"}
    if conditional:
        request["ifNoneExist"] = f"identifier=s|{name}"
    return {"fullUrl": f"urn:uuid:{name}", "resource": resource, "request": request}


def test_entries_that_reference_each_other_in_a_cycle_are_refused() -> None:
    """No order puts each of two mutually referencing entries after the other."""
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [_entry("a", "b"), _entry("b", "a")],
    }
    with pytest.raises(InvalidValueError, match="cycle"):
        split_transaction(bundle, max_entries=1)


def test_an_entry_no_conditional_reference_can_find_is_refused_across_parts() -> None:
    """A plain POST referenced from a later part could not be found: a clear error instead."""
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [_entry("a", conditional=False), _entry("b", "a")],
    }
    with pytest.raises(InvalidValueError, match="ifNoneExist"):
        split_transaction(bundle, max_entries=1)
    assert len(split_transaction(bundle, max_entries=2)) == 1  # together, it needs none
