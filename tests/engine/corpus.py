"""A seeded corpus of varied presentations and policies, for comparing evaluators.

Each presentation states a random part of the vocabulary: findings present, absent or
explicitly unknown, on either leg, both or unsided, some repeated at different or equal
times, some recorded after ``as_of``, some preliminary; measurements anywhere in their
plausible range in any accepted unit; age, sex and onset sometimes known.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta

import attrs

from legrules.model import (
    VOCABULARY,
    Finding,
    Kind,
    Laterality,
    Measurement,
    Patient,
    Policy,
    Presence,
    Presentation,
    Sex,
    Source,
    WellsVariant,
)

AS_OF = datetime(2026, 11, 20, 10, tzinfo=UTC)


def _when(rng: random.Random) -> datetime | None:
    roll = rng.random()
    if roll < 0.3:
        return None
    if roll < 0.35:
        return AS_OF + timedelta(hours=rng.randint(1, 48))  # after as_of: ignored
    return AS_OF - timedelta(hours=rng.choice((1, 1, 5, 30, 400, 3000)))


def _side(rng: random.Random, lateral: bool) -> Laterality | None:
    if not lateral:
        return None
    return rng.choice((None, Laterality.LEFT, Laterality.RIGHT, Laterality.BOTH))


def _source(rng: random.Random, index: int) -> Source | None:
    if rng.random() < 0.6:
        return None
    return Source(f"Observation/o{index}", preliminary=rng.random() < 0.2)


def presentation(rng: random.Random, density: float = 0.35) -> Presentation:
    """One random presentation stating about *density* of the vocabulary."""
    findings: list[Finding] = []
    measurements: list[Measurement] = []
    for spec in VOCABULARY.values():
        for _ in range(rng.choice((1, 1, 1, 2))):
            if rng.random() > density:
                continue
            side = _side(rng, spec.lateral)
            source = _source(rng, len(findings) + len(measurements))
            if spec.kind is Kind.BOOLEAN:
                state = rng.choice((Presence.PRESENT, Presence.ABSENT, Presence.UNKNOWN))
                findings.append(Finding(spec.id, state, side, source, _when(rng)))
            else:
                unit = rng.choice(spec.accepted_units())
                low, high = spec.range_in(unit)
                exact = rng.uniform(low, high)
                value = round(exact, rng.choice((0, 1, 2)))
                value = value if low <= value <= high else exact
                measurements.append(Measurement(spec.id, value, unit, side, source, _when(rng)))
    patient = Patient(
        id=rng.choice((None, f"p{rng.randint(1, 999)}")),
        age=rng.choice((None, rng.randint(18, 99))),
        sex=rng.choice((None, *Sex)),
    )
    onset = rng.choice((None, AS_OF - timedelta(days=rng.uniform(0, 40))))
    return Presentation(patient, tuple(findings), tuple(measurements), onset=onset)


def policy(rng: random.Random) -> Policy:
    """The default policy half of the time, otherwise one with random settings."""
    if rng.random() < 0.5:
        return Policy()
    return Policy(
        wells_variant=rng.choice(tuple(WellsVariant)),
        age_adjusted_d_dimer=rng.random() < 0.5,
        compression_min_abi=rng.choice((0.5, 0.7, 0.8, 1.0)),
        not_improving_days=rng.choice((1, 7, 14, 90)),
        lookback_signs_days=rng.choice((1, 30, 365)),
        lookback_vitals_hours=rng.choice((1, 24, 720)),
        lookback_labs_days=rng.choice((1, 30, 365)),
    )


def _settings() -> tuple[Policy, ...]:
    """Every combination of the settings rules read, as :func:`policy` draws them.

    The rules read the Wells variant, the D-dimer adjustment, the ABI and the
    not-improving thresholds (the look-backs only bound what the FHIR reader keeps, and
    are echoed in the documents): all 64 combinations of :func:`policy`'s values of those,
    each look-back value in turn.  The combination of the defaults is the default policy.
    """
    lookbacks = itertools.cycle(
        itertools.product((1, 30, 365), (1, 24, 720), (1, 30, 365)),
    )
    found = []
    for variant, adjusted, abi, days in itertools.product(
        tuple(WellsVariant), (True, False), (0.5, 0.7, 0.8, 1.0), (1, 7, 14, 90)
    ):
        signs, vitals, labs = next(lookbacks)
        settings = Policy(
            wells_variant=variant,
            age_adjusted_d_dimer=adjusted,
            compression_min_abi=abi,
            not_improving_days=days,
            lookback_signs_days=signs,
            lookback_vitals_hours=vitals,
            lookback_labs_days=labs,
        )
        default = Policy()
        same = attrs.evolve(
            default,
            lookback_signs_days=signs,
            lookback_vitals_hours=vitals,
            lookback_labs_days=labs,
        )
        found.append(default if settings == same else settings)
    return tuple(found)


#: Every combination of the settings rules read (see :func:`_settings`).
SETTINGS = _settings()


def corpus(
    count: int, seed: int = 2026, *, over: Sequence[Policy] | None = None
) -> Iterator[tuple[Presentation, Policy]]:
    """*count* presentations with their policies, the same for the same *seed*.

    Policies are drawn by :func:`policy`, or, *over* given, the default half of the
    time and otherwise one of *over* (a few policies, each compiled once, for a corpus
    too large to compile a rule set for each of its random policies).
    """
    rng = random.Random(seed)
    for _ in range(count):
        case = presentation(rng, rng.choice((0.1, 0.35, 0.7)))
        if over is None:
            yield case, policy(rng)
        else:
            yield case, Policy() if rng.random() < 0.5 else rng.choice(over)


def one_record_each(presentation_: Presentation) -> Presentation:
    """*presentation_* with only the first record of each finding (read symbolically)."""
    firsts = {f.id: f for f in reversed(presentation_.findings)}
    readings = {m.id: m for m in reversed(presentation_.measurements)}
    return attrs.evolve(
        presentation_, findings=tuple(firsts.values()), measurements=tuple(readings.values())
    )
