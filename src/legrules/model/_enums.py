"""The base of legrules' public enums: they print as their value."""

from __future__ import annotations

import enum

__all__ = ["ValueEnum"]


class ValueEnum(enum.Enum):
    """An enum that prints as its value: ``urgent``, not ``Disposition.URGENT``.

    Only printing changes: members still compare by identity, never equal to a string,
    so ``Tri.MET`` and ``Status.MET`` stay distinct and ``repr()`` still names the class.
    """

    # Members compare by identity, so identity may hash them too: in C, where Enum's
    # own ``hash(self._name_)`` runs Python code on every dictionary or set lookup (the
    # engine looks members up a few hundred times per assessment).  Set order was never
    # stable across processes either way (a name's hash follows the hash seed).
    __hash__ = object.__hash__

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)
