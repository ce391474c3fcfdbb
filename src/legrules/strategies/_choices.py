"""The solver's choices: numeric regions and where the values and orders come from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

import attrs

from legrules.model import Tri, concept
from legrules.model.units import TABLES

__all__ = ["Chooser", "FirstChoice", "Region", "in_unit", "inside", "region_for"]

T = TypeVar("T")


@attrs.frozen
class Region:
    """A numeric interval with open or closed ends."""

    low: float
    high: float
    low_open: bool = False
    high_open: bool = False

    @property
    def empty(self) -> bool:
        """Whether no number lies in the interval."""
        if self.low < self.high:
            return False
        return self.low > self.high or self.low_open or self.high_open


class Chooser(Protocol):
    """Where the solver's choices come from."""

    def order(self, items: Sequence[T]) -> list[T]:
        """The alternatives in the order to try them."""
        ...

    def number(self, region: Region) -> float:
        """A number in a non-empty *region*."""
        ...


class FirstChoice:
    """A deterministic chooser: alternatives in order, the closed end of a region."""

    def order(self, items: Sequence[T]) -> list[T]:
        return list(items)

    def number(self, region: Region) -> float:
        if not region.low_open:
            return region.low
        if not region.high_open:
            return region.high
        return (region.low + region.high) / 2


def region_for(op: str, threshold: float, want: Tri, low: float, high: float) -> Region:
    """Where a value must lie so that ``value <op> threshold`` is *want*."""
    passing = {
        ">=": Region(threshold, high),
        ">": Region(threshold, high, low_open=True),
        "<=": Region(low, threshold),
        "<": Region(low, threshold, high_open=True),
    }
    failing = {
        ">=": Region(low, threshold, high_open=True),
        ">": Region(low, threshold),
        "<=": Region(threshold, high, low_open=True),
        "<": Region(threshold, high),
    }
    chosen = (passing if want is Tri.MET else failing)[op]
    if chosen.low < low:
        chosen = attrs.evolve(chosen, low=low, low_open=False)
    if chosen.high > high:
        chosen = attrs.evolve(chosen, high=high, high_open=False)
    return chosen


def in_unit(cid: str, canonical: float, unit: str) -> float:
    """*canonical* expressed in *unit*, kept inside the plausible range in that unit."""
    spec = concept(cid)
    assert spec.units is not None
    conversion = TABLES[spec.units][unit]
    low, high = spec.range_in(unit)
    value = round((canonical - conversion.offset) / conversion.factor, 9)
    return min(max(value, low), high)


def inside(value: float, region: Region) -> bool:
    above = value > region.low if region.low_open else value >= region.low
    below = value < region.high if region.high_open else value <= region.high
    return above and below
