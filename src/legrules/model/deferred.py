"""A tuple built on first use: how an assessment carries its trace.

Building the per-criterion trace costs about as much as reaching the conclusions, and
most callers (a population run counting dispositions) never read it.  The engine keeps
what the trace needs and hands the assessment a :class:`Deferred` tuple, built the
first time it is read, compared, hashed, serialised or pickled; after that it behaves
as, compares equal to, and pickles as, the plain tuple.

The engine may also say what the trace is made of (a :class:`Substitution`): rule traces
shared between assessments that cite placeholder evidence, and this assessment's
evidence for each placeholder (and, the same way, the results it put its evidence in).
The JSON writer (:mod:`legrules.model.assessment_json`) keeps one text per shared trace
and puts in each assessment's evidence, without building the trace.  The assessment's
results are plain tuples all the same: the description is for the writer only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import attrs

if TYPE_CHECKING:
    from legrules.model.assessment import Evidence, RuleTrace

__all__ = ["Deferred", "Substitution"]

T = TypeVar("T")


@attrs.frozen(eq=False)
class Substitution:
    """Rule traces that cite placeholder evidence, and the evidence each placeholder is.

    The tuple it describes is *traces* with, in each trace at *positions* (every trace
    when ``None``), every evidence item whose type is *placeholder* replaced by
    ``plain[item]`` in the criterion citing it (a trace with no such item is itself).
    The engine's placeholders are its proofs (:mod:`legrules.engine.proofs`), and its
    traces are shared between assessments; *plain* is one presentation's.

    *results* describes, the same way, tuples of results the engine made by putting
    this presentation's evidence in kept ones: a writer may use an entry only for the
    very tuple it names (by identity), which an assessment evolved with other results
    no longer holds.
    """

    traces: Sequence[RuleTrace]
    positions: tuple[int, ...] | None
    placeholder: type[Evidence]
    plain: Mapping[Evidence, Evidence]
    #: Results described the same way, each ``(described, kept, positions)``: the tuple
    #: *described* is *kept* with, in each result at *positions*, every evidence item
    #: whose type is *placeholder* replaced by ``plain[item]`` (the others as they are).
    results: tuple[tuple[Sequence[Any], Sequence[Any], tuple[int, ...]], ...] = ()


class Deferred(Sequence[T], Generic[T]):
    """A tuple computed by *make* when first needed (once; the result is kept).

    *substitution*, when given, describes the same tuple (see :class:`Substitution`).
    """

    __slots__ = ("_make", "_value", "substitution")

    def __init__(
        self, make: Callable[[], tuple[T, ...]], substitution: Substitution | None = None
    ) -> None:
        self._make: Callable[[], tuple[T, ...]] | None = make
        self._value: tuple[T, ...] | None = None
        self.substitution = substitution

    @property
    def built(self) -> bool:
        """Whether the tuple has been built yet."""
        return self._value is not None

    @property
    def value(self) -> tuple[T, ...]:
        """The tuple, built now if it has not been yet."""
        if self._value is None:
            assert self._make is not None
            self._value = self._make()
            self._make = None  # release what building it needed
        return self._value

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...

    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        return self.value[index]

    def __len__(self) -> int:
        return len(self.value)

    def __iter__(self) -> Iterator[T]:
        return iter(self.value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Deferred):
            return self.value == other.value
        if isinstance(other, tuple):
            return self.value == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return repr(self.value)

    def __reduce__(self) -> tuple[Any, ...]:
        return (tuple, (self.value,))
