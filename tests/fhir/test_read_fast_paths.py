"""The bulk reader's shortcuts give exactly what the careful way gives, on generated data.

NDJSON lines are parsed and checked in blocks (``legrules.fhir.read.json_text``
``loads_plain_lines``); a block that is not plain falls back to reading each line alone.
Usual Observations are read by one quick function instead of the general reader.  Both
are fed the shipped hypothesis strategies (``legrules.strategies``) and compared with
the way they shortcut.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta, timezone
from typing import Any
from unittest.mock import patch

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legrules.errors import FHIRInputError, InputError, LegrulesError
from legrules.fhir import read_presentations
from legrules.fhir.read import containers
from legrules.fhir.read.assemble import (
    _canonical,
    _finding_key,
    _measurement_key,
    _measurement_order,
    _note_conflicts,
    _sorted_findings,
    _sorted_measurements,
)
from legrules.fhir.read.containers import Items, _lines, _ndjson
from legrules.fhir.read.context import Collected
from legrules.fhir.read.elements import Resource
from legrules.fhir.read.json_text import loads_plain_lines
from legrules.fhir.read.observations import read_observation
from legrules.fhir.read.presentations import _options
from legrules.fhir.read.usual_observation import UsualReader
from legrules.model import Finding, Laterality, Presence
from legrules.strategies import fhir_observations
from tests.fhir.conftest import obs
from tests.support import AS_OF

OBSERVATIONS = st.sampled_from(["R4B", "R5"]).flatmap(
    lambda version: st.booleans().flatmap(
        lambda messy: fhir_observations(version, messy=messy, as_of=AS_OF)
    )
)


@settings(max_examples=400, deadline=None)
@given(
    OBSERVATIONS,
    st.sampled_from(
        [AS_OF, AS_OF - timedelta(hours=2), AS_OF.astimezone(timezone(timedelta(hours=-5)))]
    ),
)
def test_generated_observations_the_quick_reader_takes_read_the_same_in_general(
    resource: dict[str, Any], as_of: datetime
) -> None:
    """Whatever generated Observation the quick reader takes, the general reader records alike."""
    options = _options(as_of, None, None, {"max_depth": 16}).settings
    quick, general = Collected(), Collected()
    if not UsualReader(options).read(copy.deepcopy(resource), quick):
        assert quick.empty()
        return
    try:
        read_observation(Resource(resource, "line 1"), options, general)
    except InputError as error:  # pragma: no cover - a failure of this test
        pytest.fail(f"the quick reader took a resource the general reader refuses: {error}")
    assert quick.state() == general.state()


def test_most_generated_tidy_observations_take_the_quick_path() -> None:
    """Tidy generated Observations mostly take the quick path (the bulk of an export)."""
    options = _options(AS_OF, None, None, {"max_depth": 16}).settings
    reader = UsualReader(options)
    taken = []

    @settings(max_examples=200, deadline=None, database=None)
    @given(fhir_observations(as_of=AS_OF))
    def count(resource: dict[str, Any]) -> None:
        taken.append(reader.read(resource, Collected()))

    count()
    assert sum(taken) >= len(taken) // 2


# Ways a line of an export can differ from orjson's own writing of it.
def _changed(line: bytes, how: int) -> bytes:
    if how == 1:  # a duplicate key that disagrees: the resource must be listed as ignored
        return line.replace(b'"status":', b'"status":"entered-in-error","status":', 1)
    if how == 2:  # the same key twice, with the same value
        return line.replace(b'{"', b'{"x":1,"x":1,"', 1)
    if how == 3:  # a null member: an error (or a mark when skipping)
        return line.replace(b'{"', b'{"text":null,"', 1)
    if how == 4:  # whitespace
        return b"  " + line + b"  "
    if how == 5:  # Windows line ends
        return line + b"\r"
    if how == 6:  # a blank line
        return b"\n"
    if how == 7:  # not JSON
        return line[: len(line) // 2]
    if how == 8:  # an escaped colon
        return line.replace(b'{"', b'{"t":"a\\u003ab","', 1)
    if how == 11:  # an underflowing number, in a line written with spaces
        return line.replace(b'{"', b'{"n": 1e-400, "', 1)
    if how == 9:  # not a resource
        return b"[1,2]"
    if how == 10:  # written by another tool: spaces after colons and commas
        return json.dumps(orjson.loads(line)).encode()
    return line


def _read(reader: Any, lines: list[bytes], skip: bool) -> list[Any]:
    """The items *reader* yields for *lines*, then the error it raises, if any."""
    owner = Items(b"", skip=skip)
    owner.keep_raw = True
    found: list[Any] = []
    try:
        found.extend(reader(lines, 2, owner))
    except LegrulesError as error:
        found.append((type(error).__name__, str(error)))
    return found


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(OBSERVATIONS, st.integers(0, 300)), max_size=150),
    st.booleans(),
    st.sampled_from([0, 1, 16]),
)
def test_lines_read_in_blocks_give_what_lines_read_one_by_one_give(
    drawn: list[tuple[dict[str, Any], int]], skip: bool, retry: int
) -> None:
    """Blocks of lines yield the same items, marks and errors as reading each line alone.

    Whatever the number of blocks read line by line after one that was not plain.
    """
    lines = [_changed(orjson.dumps(resource), how) + b"\n" for resource, how in drawn]
    with patch.object(containers, "_RETRY", retry):
        assert _read(_ndjson, lines, skip) == _read(_lines, lines, skip)


def test_a_line_that_is_not_a_resource_raises_once_the_items_before_it_are_taken() -> None:
    """A bad line of a block raises only once every resource before it has been taken.

    The NDJSON reader parses and checks lines a block at a time, but never raises ahead
    of the resources before the bad line.
    """
    good = [orjson.dumps(obs(oid=f"o{i}")) + b"\n" for i in range(5)]
    items = iter(Items(b"".join([*good, b"[1,2]\n", *good])))
    taken = [next(items)[0]["id"] for _ in range(5)]
    assert taken == ["o0", "o1", "o2", "o3", "o4"]
    with pytest.raises(FHIRInputError, match="line 6"):
        next(items)


def test_a_block_with_a_hidden_duplicate_is_not_plain() -> None:
    """A disagreeing duplicate key makes the block fall back to reading line by line."""
    line = b'{"resourceType":"Observation","status":"final"}\n'
    assert loads_plain_lines([line, line]) == [orjson.loads(line)] * 2
    hidden = line.replace(b'"status":', b'"status":"entered-in-error","status":')
    assert loads_plain_lines([line, hidden]) is None


def test_lines_that_only_parse_together_are_not_plain() -> None:
    """A value split over lines is never read as one: each line is parsed alone."""
    lines = [b'{"a":[{"b":1}\n', b'{"c":2}]}\n', b'{"d":1},{"e":2}\n']
    assert loads_plain_lines(lines) is None


# Values a row may hold, and some it should not (a key must still be exact for them).
CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(["", "~", "a", "b", "Observation/1", "2026-11-20T09:00:00Z", "True", "1"]),
    st.text(max_size=4),
    st.integers(-2, 2),
    st.floats(allow_nan=False),
)


@given(st.lists(st.tuples(*[CELLS] * 6), max_size=12), st.lists(st.tuples(*[CELLS] * 7)))
def test_the_quick_sort_keys_of_fact_rows_are_the_canonical_key(
    findings: list[tuple[Any, ...]], measurements: list[tuple[Any, ...]]
) -> None:
    """Rows sort by the quick keys exactly as by the canonical key, whatever they hold."""
    for row in findings:
        assert _finding_key(row) == _canonical(row)
    for row in measurements + measurements:  # the second time, values' texts are remembered
        assert _measurement_key(row) == _canonical(row)
        assert _measurement_order(row)[1] == _canonical(row)[1]
    assert sorted(findings, key=_finding_key) == sorted(findings, key=_canonical)


# Cells of the columns a reader writes: a few of each so that rows often tie.
NAMES = st.sampled_from(["a", "b", "ab", "~", "heart-rate"])
MAYBE = st.one_of(st.none(), st.sampled_from(["", "left", "right", "~", "2026-11-20T09:00:00Z"]))
FINDING_ROWS = st.tuples(NAMES, NAMES, MAYBE, NAMES, st.booleans(), MAYBE)
NUMBERS = st.one_of(st.sampled_from([0.0, -0.0, 1.0, 10.0, 9.5, 100.0]), st.floats(allow_nan=False))
MEASUREMENT_ROWS = st.tuples(NAMES, NUMBERS, NAMES, MAYBE, NAMES, st.booleans(), MAYBE)


@settings(max_examples=300)
@given(st.lists(FINDING_ROWS, max_size=30), st.lists(MEASUREMENT_ROWS, max_size=30))
def test_fact_rows_sorted_as_they_are_come_in_the_canonical_order(
    findings: list[tuple[Any, ...]], measurements: list[tuple[Any, ...]]
) -> None:
    """Rows sorted by their own comparison, or by the key when None meets a value, as canonical."""
    assert _sorted_findings(list(findings)) == sorted(findings, key=_canonical)
    # As texts: 0.0 and -0.0 are equal numbers, but not the same row.
    assert repr(_sorted_measurements(list(measurements))) == repr(
        sorted(measurements, key=_canonical)
    )


def _conflicts_by_sets(found: list[Finding]) -> list[str]:
    """The definition: findings (id, side, time) with more than one state, but unknown."""
    states: dict[tuple[Any, ...], set[Presence]] = {}
    for finding in found:
        if finding.state is not Presence.UNKNOWN:
            key = (finding.id, finding.laterality, finding.effective)
            states.setdefault(key, set()).add(finding.state)
    return [
        f"conflicting reports of {fid}{f' ({side.value})' if side else ''} at "
        f"{when.isoformat() if when else 'an unstated time'}; the rules read it as present"
        for (fid, side, when), seen in states.items()
        if len(seen) > 1
    ]


# Findings that often share an id, side and time (written two ways: the same instant).
FOUND = st.builds(
    Finding,
    st.sampled_from(["leg-pain", "leg-swelling"]),
    st.sampled_from(list(Presence)),
    st.sampled_from([None, Laterality.LEFT, Laterality.RIGHT]),
    st.none(),
    st.sampled_from(
        [None, AS_OF, AS_OF.astimezone(timezone(timedelta(hours=2))), AS_OF - timedelta(hours=1)]
    ),
)


@given(st.lists(FOUND, max_size=12))
def test_conflicting_reports_are_those_with_more_than_one_known_state(
    found: list[Finding],
) -> None:
    """The warnings of conflicting reports are the definition's, in the same order."""
    out = Collected()
    _note_conflicts(found, out)
    assert list(out.warnings) == _conflicts_by_sets(found)


def _about(oid: str, reference: str) -> dict[str, Any]:
    resource = obs(oid=oid)
    resource["subject"] = {"reference": reference}
    return resource


def test_a_reference_remembered_from_a_line_is_resolved_again_once_a_server_is_learnt() -> None:
    """A subject on another server than a Bundle line's entries stops resolving after it."""
    other = "http://other.example/fhir/Patient/a"
    entry = {
        "fullUrl": "http://server.example/fhir/Observation/x",
        "resource": _about("x", "Patient/c"),
    }
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [entry]}
    lines = [_about("1", other), _about("2", "Patient/b"), bundle, _about("3", other)]
    data = b"".join(orjson.dumps(line) + b"\n" for line in lines)
    results = list(read_presentations(data, as_of=AS_OF, grouping="spill"))
    assert [r.presentation.patient.id for r in results] == ["a", "b", "c", None]
    assert [i.reference for i in results[-1].ignored] == ["Observation/3"]
    assert "is on another server than the input" in results[-1].ignored[0].reason


def test_a_collection_records_and_takes_back_ages_onsets_and_warnings() -> None:
    """Ages, onsets and warnings, kept only once recorded, survive spilling and undo alike."""
    out = Collected()
    assert out.empty()
    mark = out.mark()
    out.add_age(("2026-11-20T09:00:00Z", 40, "Observation/a"))
    out.add_onset((None, "2026-11-19T08:00:00Z"))
    out.warn("w")
    out.warn("w")
    recorded = out.state()
    assert [list(lists) for lists in recorded[3:]] == [
        ["w"],
        [("2026-11-20T09:00:00Z", 40, "Observation/a")],
        [(None, "2026-11-19T08:00:00Z")],
    ]
    restored = Collected.restore(recorded)
    restored.warn("w")  # already given: not repeated
    assert restored.state() == recorded
    later = Collected()
    later.absorb(recorded)
    assert later.state() == recorded
    out.undo(mark)
    assert out.empty()
    out.warn("w")  # taken back with the rest, so it is recorded again
    assert list(out.warnings) == ["w"]
