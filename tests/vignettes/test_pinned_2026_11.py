"""Rule set 2026.11 gives byte-identical documents to those it shipped with."""

from __future__ import annotations

import pytest

from tests.vignettes.pin_2026_11 import PINNED, document, names


def test_every_vignette_is_pinned() -> None:
    """Each vignette has a pinned 2026.11 document and no pinned document is orphaned."""
    assert sorted(p.stem for p in PINNED.glob("*.json")) == names()


@pytest.mark.parametrize("name", names())
def test_ruleset_2026_11_document_is_unchanged(name: str) -> None:
    """Assessing the vignette with rule set 2026.11 reproduces the pinned document."""
    assert document(name) == (PINNED / f"{name}.json").read_bytes()
