"""Kleene three-valued logic."""

from __future__ import annotations

import itertools

import pytest

from legrules import Tri

M, N, U = Tri.MET, Tri.NOT_MET, Tri.UNKNOWN


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [(M, M, M), (M, N, N), (M, U, U), (N, U, N), (U, U, U), (N, N, N)],
)
def test_conjunction_is_not_met_as_soon_as_one_side_is(a: Tri, b: Tri, expected: Tri) -> None:
    """And: not met beats unknown, unknown beats met."""
    assert a & b is expected
    assert b & a is expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [(M, M, M), (M, N, M), (M, U, M), (N, U, U), (U, U, U), (N, N, N)],
)
def test_disjunction_is_met_as_soon_as_one_side_is(a: Tri, b: Tri, expected: Tri) -> None:
    """Or: met beats unknown, unknown beats not met."""
    assert a | b is expected
    assert b | a is expected


def test_negation_keeps_unknown_unknown() -> None:
    """Not: unknown stays unknown."""
    assert (~M, ~N, ~U) == (N, M, U)


def test_empty_conjunction_is_met_and_empty_disjunction_not_met() -> None:
    """The identities of and/or."""
    assert Tri.all([]) is M
    assert Tri.any([]) is N


def test_de_morgan_holds_for_every_pair() -> None:
    """Not (a and b) == (not a) or (not b) over all nine pairs."""
    for a, b in itertools.product(Tri, repeat=2):
        assert ~(a & b) is (~a | ~b)


def test_of_maps_none_to_unknown() -> None:
    """None is unknown, never false."""
    assert (Tri.of(True), Tri.of(False), Tri.of(None)) == (M, N, U)
