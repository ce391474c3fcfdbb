"""The solver's drawn choices: ordering alternatives by position draws as ordering them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from hypothesis.internal.conjecture.data import ConjectureData

from legrules.strategies._model import DrawChooser


@given(st.integers(2, 9), st.lists(st.integers(0, 8), min_size=9, max_size=9))
def test_an_order_is_what_a_permutation_of_the_items_gives_from_the_same_choices(
    count: int, raw: list[int]
) -> None:
    """The same recorded choices give the same order as a fresh ``st.permutations(items)``.

    (A rotation from a drawn start for more than six items, as before.)
    """
    items = [f"item {i}" for i in range(count)]
    if count <= 6:
        choices = [i + raw[i] % (count - i) for i in range(count - 1)]
        expected = ConjectureData.for_choices(choices).draw(st.permutations(items))
    else:
        choices = [raw[0] % count]
        start = ConjectureData.for_choices(choices).draw(st.integers(0, count - 1))
        expected = [*items[start:], *items[:start]]
    chooser = DrawChooser(ConjectureData.for_choices(choices).draw)
    assert chooser.order(items) == expected
