"""The base of legrules' public enums: they print as their value."""

from __future__ import annotations

import enum

__all__ = ["ValueEnum"]


class ValueEnum(enum.Enum):
    """An enum that prints as its value: ``urgent``, not ``Disposition.URGENT``.

    Only printing changes: members still compare by identity, never equal to a string,
    so ``Tri.MET`` and ``Status.MET`` stay distinct and ``repr()`` still names the class.
    """

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)
