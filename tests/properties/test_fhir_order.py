"""Output depends on content, not order: a shuffled export writes the same Bundle bytes.

Reproducer of issue 10, item 2: the ``ignored`` list followed input order and was hashed
into identifiers, so the same export shuffled created duplicate resources on a server.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legrules import assess
from legrules.fhir import dumps_bundle, read_presentation, transaction_bundle
from legrules.strategies import fhir_bundles
from tests.support import AS_OF


def written(bundle: dict[str, Any]) -> bytes:
    """The transaction Bundle written for the patient *bundle* is about."""
    result = read_presentation(bundle, as_of=AS_OF)
    return dumps_bundle(transaction_bundle(assess(result.presentation, as_of=AS_OF)))


# Known bug (issue 10, open): hypothesis finds messy Bundles whose shuffled entries still
# read or write differently (a tie in the canonical order of facts). Not strict: the
# property passes on most draws; it must pass on every draw before issue 10 is closed.
_ORDER_BUG = pytest.mark.xfail(
    reason="canonical order still depends on input order for some messy Bundles (issue 10)",
    strict=False,
)


@_ORDER_BUG
@pytest.mark.slow
@given(
    bundle=fhir_bundles("R4B", messy=True, as_of=AS_OF)
    | fhir_bundles("R5", messy=True, as_of=AS_OF),
    order=st.randoms(use_true_random=False),
)
def test_shuffled_resources_write_byte_identical_bundles(
    bundle: dict[str, Any], order: Any
) -> None:
    """Reading the same resources in any order writes the very same transaction Bundle."""
    entries = list(bundle.get("entry", []))
    order.shuffle(entries)
    shuffled = {**bundle, "entry": entries}
    assert written(shuffled) == written(bundle)


@pytest.mark.slow
@_ORDER_BUG
@given(
    bundle=fhir_bundles("R4B", messy=True, as_of=AS_OF),
    order=st.randoms(use_true_random=False),
)
def test_shuffled_resources_give_the_same_read_result(bundle: dict[str, Any], order: Any) -> None:
    """Every list of the read result (facts, ignored, warnings) has a canonical order."""
    entries = list(bundle.get("entry", []))
    order.shuffle(entries)
    first = read_presentation(bundle, as_of=AS_OF)
    second = read_presentation({**bundle, "entry": entries}, as_of=AS_OF)
    assert second == first
