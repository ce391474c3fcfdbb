"""Strategies for the parts of a presentation: findings, measurements, patients, policy."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Protocol, TypeVar

from hypothesis import strategies as st

from legrules.model import (
    VOCABULARY,
    Concept,
    Finding,
    Kind,
    Laterality,
    Measurement,
    Patient,
    Policy,
    Presence,
    Sex,
    Source,
    WellsVariant,
)
from legrules.strategies._choices import Region

T = TypeVar("T")

#: Every boolean finding id and every measurement id of the vocabulary.
BOOLEAN_IDS: tuple[str, ...] = tuple(c.id for c in VOCABULARY.values() if c.kind is Kind.BOOLEAN)
QUANTITY_IDS: tuple[str, ...] = tuple(c.id for c in VOCABULARY.values() if c.kind is Kind.QUANTITY)

_OFFSETS = st.sampled_from([0, 60, -300, 330, 600, -720, 840]).map(
    lambda minutes: UTC if minutes == 0 else timezone(timedelta(minutes=minutes))
)
_LABEL = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9/#:._-]{0,24}", fullmatch=True)


def datetimes(
    *, before: datetime | None = None, span: timedelta = timedelta(days=30)
) -> st.SearchStrategy[datetime]:
    """Aware date-times with assorted offsets: within *span* up to *before*, or any."""
    if before is None:
        low, high = datetime(1970, 1, 1), datetime(2099, 12, 31)
    else:
        high = before.astimezone(UTC).replace(tzinfo=None)
        low = high - span
    moments = st.datetimes(low, high, timezones=st.just(UTC))
    return st.tuples(moments, _OFFSETS).map(lambda pair: pair[0].astimezone(pair[1]))


def labels() -> st.SearchStrategy[str]:
    """Non-blank reference labels (``Observation/abc-1``, ``questionnaire#q7``)."""
    return _LABEL


def sources() -> st.SearchStrategy[Source]:
    """Where a fact came from: a reference label, maybe a display, maybe preliminary."""
    return st.builds(
        Source, reference=_LABEL, display=st.none() | _LABEL, preliminary=st.booleans()
    )


_SOURCES = st.none() | sources()


def sides(spec: Concept) -> st.SearchStrategy[Laterality | None]:
    """The sides a fact about *spec* may name (none unless the concept is lateral)."""
    return st.none() | st.sampled_from(Laterality) if spec.lateral else st.none()


def findings(
    ids: Sequence[str] = BOOLEAN_IDS,
    *,
    states: Sequence[Presence] = tuple(Presence),
    as_of: datetime | None = None,
) -> st.SearchStrategy[Finding]:
    """Boolean findings of *ids* in *states*, with a side when the concept takes one.

    With *as_of*, effective times fall in the 30 days up to it.
    """
    times = st.none() | datetimes(before=as_of)

    @st.composite
    def build(draw: st.DrawFn) -> Finding:
        spec = VOCABULARY[draw(st.sampled_from(ids))]
        return Finding(
            spec.id,
            draw(st.sampled_from(states)),
            draw(sides(spec)),
            draw(_SOURCES),
            draw(times),
        )

    return build()


@functools.cache
def values(spec: Concept, unit: str) -> st.SearchStrategy[float]:
    """Plausible values of *spec* in *unit*: the edges of the range, and anything between."""
    low, high = spec.range_in(unit)
    between = st.floats(low, high, allow_nan=False, allow_infinity=False)
    first, last = math.ceil(low), math.floor(high)
    if first > last:
        return st.sampled_from([low, high]) | between
    return st.one_of(st.sampled_from([low, high]), between, st.integers(first, last).map(float))


def measurements(
    ids: Sequence[str] = QUANTITY_IDS,
    *,
    as_of: datetime | None = None,
    sided: bool = True,
) -> st.SearchStrategy[Measurement]:
    """Measurements of *ids* in every unit each accepts, within its plausible range.

    ``sided=False`` never names a single leg (so the value covers both legs).  With
    *as_of*, effective times fall in the 30 days up to it.
    """
    times = st.none() | datetimes(before=as_of)

    @st.composite
    def build(draw: st.DrawFn) -> Measurement:
        return _measurement(draw, VOCABULARY[draw(st.sampled_from(ids))], times, sided=sided)

    return build()


def _measurement(
    draw: st.DrawFn,
    spec: Concept,
    times: st.SearchStrategy[datetime | None],
    *,
    sided: bool,
) -> Measurement:
    unit = draw(st.sampled_from(spec.accepted_units()))
    return Measurement(
        spec.id,
        draw(values(spec, unit)),
        unit,
        draw(sides(spec)) if sided else None,
        draw(_SOURCES),
        draw(times),
    )


def patients(*, complete: bool = False) -> st.SearchStrategy[Patient]:
    """Patients with an optional id, an age (0-130, with the edges rules use) and sex."""
    ages = st.one_of(st.sampled_from([0, 17, 18, 49, 50, 51, 64, 65, 130]), st.integers(0, 130))
    sexes = st.sampled_from(Sex)
    return st.builds(
        Patient,
        id=st.none() | _LABEL,
        age=ages if complete else st.none() | ages,
        sex=sexes if complete else st.none() | sexes,
    )


def policies() -> st.SearchStrategy[Policy]:
    """Policies with every setting anywhere in its allowed range."""
    return st.builds(
        Policy,
        wells_variant=st.sampled_from(WellsVariant),
        age_adjusted_d_dimer=st.booleans(),
        compression_min_abi=st.floats(0.5, 1.0),
        not_improving_days=st.integers(1, 90),
        lookback_signs_days=st.integers(1, 365),
        lookback_vitals_hours=st.integers(1, 720),
        lookback_labs_days=st.integers(1, 365),
    )


class Draw(Protocol):
    """Anything that draws from a strategy: a ``@composite`` draw or ``st.data().draw``."""

    def __call__(self, strategy: st.SearchStrategy[T], label: Any = None, /) -> T:
        """A value drawn from *strategy*."""
        ...


# The solver orders alternatives thousands of times an example: a new strategy each
# time was validated each time, a fifth of its drawing.  A permutation of positions
# draws the very choices a permutation of the items does (a shuffle of as many).
@functools.cache
def _shuffled(count: int) -> st.SearchStrategy[list[int]]:
    return st.permutations(range(count))


@functools.cache
def _start(count: int) -> st.SearchStrategy[int]:
    return st.integers(0, count - 1)


class DrawChooser:
    """The solver's choices (order of alternatives, values), drawn by hypothesis."""

    def __init__(self, draw: Draw) -> None:
        self._draw = draw

    def order(self, items: Sequence[T]) -> list[T]:
        if len(items) <= 1:
            return list(items)
        if len(items) <= 6:
            return [items[i] for i in self._draw(_shuffled(len(items)))]
        start = self._draw(_start(len(items)))
        return [*items[start:], *items[:start]]

    def number(self, region: Region) -> float:
        inside = st.floats(
            region.low, region.high, exclude_min=region.low_open, exclude_max=region.high_open
        )
        edges = [region.low] if not region.low_open else []
        edges += [region.high] if not region.high_open else []
        return self._draw(st.sampled_from(edges) | inside if edges else inside)


def known_findings(draw: st.DrawFn, ids: Sequence[str]) -> list[Finding]:
    """A known state for every concept in *ids*, on every leg; most are absent, as in life."""
    known = st.integers(0, 11).map(lambda i: Presence.PRESENT if i == 11 else Presence.ABSENT)
    result = []
    for cid in ids:
        if VOCABULARY[cid].lateral and draw(st.booleans()):
            result += [Finding(cid, draw(known), s) for s in (Laterality.LEFT, Laterality.RIGHT)]
        else:
            whole = (
                st.sampled_from([None, Laterality.BOTH]) if VOCABULARY[cid].lateral else st.none()
            )
            result.append(Finding(cid, draw(known), draw(whole)))
    return result


def known_measurements(
    draw: st.DrawFn, ids: Sequence[str], as_of: datetime | None
) -> list[Measurement]:
    """One measurement for every concept in *ids*, covering both legs."""
    times = st.none() | datetimes(before=as_of)
    return [_measurement(draw, VOCABULARY[cid], times, sided=False) for cid in ids]
