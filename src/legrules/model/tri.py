"""Three-valued (Kleene) logic for criteria: met, not met, unknown.

A criterion whose inputs are missing is *unknown*, never *not met*.  Kleene's strong
logic gives exactly the conservative behaviour legrules needs: ``A and B`` is not met
as soon as one side is known not met, met only when both are known met, and unknown
otherwise; ``A or B`` is met as soon as one side is met.
"""

from __future__ import annotations

from collections.abc import Iterable

from legrules.model._enums import ValueEnum

__all__ = ["Tri"]


class Tri(ValueEnum):
    """The truth of a criterion or rule: ``MET``, ``NOT_MET`` or ``UNKNOWN``."""

    MET = "met"
    NOT_MET = "not-met"
    UNKNOWN = "unknown"

    @classmethod
    def of(cls, value: bool | None) -> Tri:
        """Map ``True``/``False``/``None`` to ``MET``/``NOT_MET``/``UNKNOWN``."""
        if value is None:
            return cls.UNKNOWN
        return cls.MET if value else cls.NOT_MET

    @classmethod
    def all(cls, values: Iterable[Tri]) -> Tri:
        """Kleene conjunction; the conjunction of nothing is ``MET``."""
        result = cls.MET
        for value in values:
            if value is cls.NOT_MET:
                return cls.NOT_MET
            if value is cls.UNKNOWN:
                result = cls.UNKNOWN
        return result

    @classmethod
    def any(cls, values: Iterable[Tri]) -> Tri:
        """Kleene disjunction; the disjunction of nothing is ``NOT_MET``."""
        result = cls.NOT_MET
        for value in values:
            if value is cls.MET:
                return cls.MET
            if value is cls.UNKNOWN:
                result = cls.UNKNOWN
        return result

    def __and__(self, other: Tri) -> Tri:
        return Tri.all((self, other))

    def __or__(self, other: Tri) -> Tri:
        return Tri.any((self, other))

    def __invert__(self) -> Tri:
        if self is Tri.UNKNOWN:
            return Tri.UNKNOWN
        return Tri.NOT_MET if self is Tri.MET else Tri.MET

    @property
    def known(self) -> bool:
        """Whether the value is ``MET`` or ``NOT_MET``."""
        return self is not Tri.UNKNOWN
