"""Evidence and results written slot by slot are the objects their constructors build.

The engine builds dozens of evidence items and results per assessment through
``legrules.model.trusted``, which writes each slot instead of going through attrs'
``__init__``.  Whatever the values, the object must be indistinguishable from the one
the public constructor builds: equal, with the same hash (evidence caches its hash),
repr, fields and pickle, and usable as a dict key next to it.
"""

from __future__ import annotations

import pickle
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from legrules.model import (
    DifferentialResult,
    Disposition,
    Evidence,
    Laterality,
    Likelihood,
    RedFlagResult,
    ScoreResult,
    Status,
    trusted,
)

TEXT = st.text(max_size=12)
OPTIONAL = st.none() | TEXT
EVIDENCE = st.builds(
    Evidence, TEXT, TEXT, st.none() | st.sampled_from(Laterality), OPTIONAL, OPTIONAL
)
CITED = st.lists(EVIDENCE, max_size=3).map(tuple)
MISSING = st.lists(TEXT, max_size=3).map(tuple)


def same(built: Any, public: Any) -> None:
    """*built* is the object *public* is, to every reader."""
    assert type(built) is type(public)
    assert built == public
    assert public == built
    assert hash(built) == hash(public)
    assert repr(built) == repr(public)
    assert attrs.asdict(built, recurse=False) == attrs.asdict(public, recurse=False)
    assert pickle.loads(pickle.dumps(built)) == public
    assert {public: 1}[built] == 1
    attrs.validate(built)


@given(TEXT, TEXT, st.none() | st.sampled_from(Laterality), OPTIONAL, OPTIONAL)
def test_evidence_written_slot_by_slot_is_the_constructors(
    finding: str, value: str, side: Laterality | None, source: str | None, note: str | None
) -> None:
    """Equal, hashing alike (its hash is cached: the cache starts empty), the same repr."""
    built = trusted.evidence(finding, value, side, source, note)
    same(built, Evidence(finding, value, side, source, note))
    assert hash(built) == hash(built)  # the cached hash, read again


@given(TEXT, TEXT, st.sampled_from(Status), st.sampled_from(Disposition), CITED, MISSING)
def test_a_red_flag_result_written_slot_by_slot_is_the_constructors(
    rule: str,
    version: str,
    status: Status,
    level: Disposition,
    cited: tuple[Evidence, ...],
    missing: tuple[str, ...],
) -> None:
    """Every field where the constructor puts it."""
    built = trusted.red_flag_result(rule, version, status, level, cited, missing)
    same(built, RedFlagResult(rule, version, status, level, cited, missing))


@given(TEXT, TEXT, st.sampled_from(Likelihood), st.sampled_from(Disposition), CITED, MISSING)
def test_a_differential_result_written_slot_by_slot_is_the_constructors(
    rule: str,
    version: str,
    likelihood: Likelihood,
    level: Disposition,
    cited: tuple[Evidence, ...],
    missing: tuple[str, ...],
) -> None:
    """Every field where the constructor puts it."""
    built = trusted.differential_result(rule, version, likelihood, level, cited, missing)
    same(built, DifferentialResult(rule, version, likelihood, level, cited, missing))


@given(
    st.builds(
        ScoreResult,
        TEXT,
        TEXT,
        st.none() | st.floats(allow_nan=False),
        st.none() | st.floats(allow_nan=False),
        st.none() | st.floats(allow_nan=False),
        OPTIONAL,
        st.none() | st.sampled_from(Laterality),
        CITED,
        MISSING,
    ),
    CITED,
)
def test_a_score_result_with_other_evidence_is_the_evolved_one(
    result: ScoreResult, cited: tuple[Evidence, ...]
) -> None:
    """Every field but the evidence kept, as ``attrs.evolve`` keeps them."""
    same(trusted.score_result(result, cited), attrs.evolve(result, evidence=cited))
