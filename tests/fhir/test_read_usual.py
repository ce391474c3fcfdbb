"""Checks hold whichever way a resource is read: quick path, general path, every grouping.

Usual Observations are read by one quick function
(``legrules.fhir.read.usual_observation``) and spilled
or streamed NDJSON is read once, as it goes by (``legrules.fhir.read.grouping.runs``).  A value that
fails a check must still give the same typed error, or be skipped with the same
warning, as the general reader gives; and the quick reader must record exactly what the
general reader records, or nothing.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legrules import FHIRInputError
from legrules.errors import InputError
from legrules.fhir import ReadResult, read_presentations
from legrules.fhir.read.context import Collected, stamp
from legrules.fhir.read.elements import Resource
from legrules.fhir.read.observations import read_observation
from legrules.fhir.read.presentations import _options
from legrules.fhir.read.usual_observation import UsualReader
from tests.fhir.conftest import LOINC, OWN, SNOMED, UCUM, WHEN, bundle, coded, obs, quantity
from tests.support import AS_OF

GROUPINGS = ["memory", "spill", "contiguous"]


def heart_rate(**changes: Any) -> dict[str, Any]:
    """A usual heart-rate Observation of Patient/p1, with *changes* (None removes)."""
    resource = obs("8867-4", LOINC, oid="hr", valueQuantity=quantity(72, "/min"))
    for key, value in changes.items():
        if value is None:
            resource.pop(key, None)
        else:
            resource[key] = value
    return resource


def read_as(grouping: str, *resources: dict[str, Any], **options: Any) -> list[ReadResult]:
    """Read *resources* as a Bundle (memory) or as NDJSON lines (spill, contiguous)."""
    source: Any = bundle(*resources)
    if grouping != "memory":
        source = b"".join(orjson.dumps(r) + b"\n" for r in resources)
    return list(read_presentations(source, as_of=AS_OF, grouping=grouping, **options))  # type: ignore[arg-type]


# (check, resource, path of the error, its message)
ERRORS = [
    (
        "unit not accepted",
        heart_rate(valueQuantity=quantity(72, "/h")),
        "Observation/hr.valueQuantity.code",
        "unit '/h' is not accepted for heart-rate; use one of '/min', '{beats}/min', "
        "'{breaths}/min', '/s'",
    ),
    (
        "implausible value",
        heart_rate(valueQuantity=quantity(1e6, "/min")),
        "Observation/hr.valueQuantity.value",
        "heart-rate of 1e+06 /min is outside the plausible range 20 to 300 /min",
    ),
    (
        "not a finite number",
        heart_rate(valueQuantity=quantity(10**19, "/min")),
        "Observation/hr.valueQuantity.value",
        "heart-rate of 1e+19 /min is outside the plausible range 20 to 300 /min",
    ),
    (
        "date-time without a time zone",
        heart_rate(effectiveDateTime="2026-11-20T09:00:00"),
        "Observation/hr.effectiveDateTime",
        "'2026-11-20T09:00:00' has a time but no time-zone offset",
    ),
    (
        "a boolean for a number",
        heart_rate(valueQuantity={"value": True, "code": "/min", "system": UCUM}),
        "Observation/hr.valueQuantity.value",
        "expected a number, got a boolean",
    ),
]
CHECKS = [check for check, *_ in ERRORS]


@pytest.mark.parametrize("grouping", GROUPINGS)
@pytest.mark.parametrize(("check", "resource", "path", "message"), ERRORS, ids=CHECKS)
def test_a_value_failing_a_check_is_the_same_typed_error_in_every_grouping(
    grouping: str, check: str, resource: dict[str, Any], path: str, message: str
) -> None:
    """A failed check raises FHIRInputError naming the element, however the input is read."""
    with pytest.raises(FHIRInputError) as caught:
        read_as(grouping, resource)
    assert (caught.value.path, caught.value.message) == (path, message), check


@pytest.mark.parametrize("grouping", GROUPINGS)
@pytest.mark.parametrize(("check", "resource", "path", "message"), ERRORS, ids=CHECKS)
def test_a_value_failing_a_check_is_skipped_with_the_same_warning(
    grouping: str, check: str, resource: dict[str, Any], path: str, message: str
) -> None:
    """With on_error='skip' the resource is listed as invalid and the warning says why."""
    good = heart_rate(id="ok", valueQuantity=quantity(80, "/min"))
    (result,) = read_as(grouping, good, resource, on_error="skip")
    error = f"{message} @ {path}"
    assert [(i.reference, i.reason) for i in result.ignored] == [
        ("Observation/hr", f"invalid: {error}")
    ]
    assert result.warnings == (f"{error}; resource skipped",)
    assert [m.value for m in result.presentation.measurements] == [80.0], check


def test_nan_from_a_python_caller_is_the_same_error_in_every_grouping() -> None:
    """NaN (which JSON text cannot hold) is refused alike when spilled or streamed."""
    resource = heart_rate(valueQuantity=quantity(float("nan"), "/min"))
    for grouping in GROUPINGS:
        with pytest.raises(FHIRInputError) as caught:
            list(read_presentations(bundle(resource), as_of=AS_OF, grouping=grouping))  # type: ignore[arg-type]
        assert caught.value.path == "Observation/hr.valueQuantity.value"
        assert caught.value.message == "expected a finite number"


@pytest.mark.parametrize("grouping", GROUPINGS)
def test_an_unknown_concept_is_ignored_with_the_reason_in_every_grouping(grouping: str) -> None:
    """A code legrules does not map is listed as ignored, never guessed, never an error."""
    (result,) = read_as(grouping, heart_rate(code=coded(LOINC, "0000-0")))
    assert result.presentation.measurements == ()
    assert [(i.reference, i.reason) for i in result.ignored] == [
        ("Observation/hr", "no legrules concept for code http://loinc.org|0000-0")
    ]


@pytest.mark.parametrize("grouping", GROUPINGS)
def test_a_side_on_a_concept_without_sides_is_dropped_in_every_grouping(grouping: str) -> None:
    """A bodySite on a heart rate gives the measurement with no side, and no error."""
    (result,) = read_as(grouping, heart_rate(bodySite=coded(SNOMED, "7771000")))
    ((value, side),) = [(m.value, m.laterality) for m in result.presentation.measurements]
    assert (value, side) == (72.0, None)


@pytest.mark.parametrize("grouping", ["spill", "contiguous"])
def test_a_bad_resource_raises_when_its_patient_is_read_after_the_patients_before(
    grouping: str,
) -> None:
    """Reading ahead does not move an error: earlier patients come out first."""
    first = heart_rate(id="a1", subject={"reference": "Patient/a"})
    bad = heart_rate(id="b1", subject={"reference": "Patient/b"}, status="weird")
    results = read_presentations(
        b"".join(orjson.dumps(r) + b"\n" for r in (first, bad)),
        as_of=AS_OF,
        grouping=grouping,  # type: ignore[arg-type]
    )
    assert next(results).presentation.patient.id == "a"
    with pytest.raises(FHIRInputError, match="expected an Observation status"):
        next(results)


def test_a_medication_listed_after_its_statement_is_found_when_spilling() -> None:
    """Medication records are read once the whole export has been seen."""
    statement = {
        "resourceType": "MedicationStatement",
        "id": "ms",
        "status": "active",
        "subject": {"reference": "Patient/p1"},
        "medicationReference": {"reference": "Medication/statin"},
        "effectiveDateTime": WHEN,
    }
    medication = {
        "resourceType": "Medication",
        "id": "statin",
        "code": coded("http://www.whocc.no/atc", "C10AA01"),
    }
    (result,) = read_as("spill", statement, heart_rate(), medication)
    assert [f.id for f in result.presentation.findings] == ["statin"]


TEXTS = st.sampled_from(
    [WHEN, "2026-11-20", "2026-11", "2026", "2026-11-20T09:00:00.123456789+05:30"]
) | st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat())


@given(TEXTS)
def test_a_time_kept_as_text_reads_back_to_the_same_instant_and_offset(text: str) -> None:
    """A row's effective time, kept as text, gives back the very same date-time."""
    times = _options(AS_OF, None, None, {"max_depth": 16}).settings.times
    try:
        when = times[text]
    except ValueError:
        return
    again = times.__class__()[stamp(when) or ""]
    assert (again, again.utcoffset()) == (when, when.utcoffset())


# Observations of many shapes, most of them nearly usual, to compare the two readers.
UNITS = st.sampled_from(
    ["/min", "Cel", "[degF]", "%", "ng/mL", "ng/mL{FEU}", "ng/mL{DDU}", "mg/L", "/h", "1"]
)
VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**20), 10**20),
    st.sampled_from([72, 72.0, 37.5, 98.6, 420, True, None, "72", [72]]),
)
CODES = st.sampled_from(
    [
        [{"system": LOINC, "code": c}]
        for c in ("8867-4", "8310-5", "59408-5", "48065-7", "48066-5", "72514-3", "0000-0")
    ]
    + [
        [{"system": LOINC, "code": "8867-4"}, {"system": LOINC, "code": "8310-5"}],
        [{"system": "x", "code": "y"}, {"system": LOINC, "code": "8310-5"}],
        [{"system": LOINC}],
        [{"system": 5, "code": "8867-4"}],
        ["8867-4"],
        [],
    ]
)
# SNOMED CT left, right, right and left, as terminology.json lists them for laterality.
LEFT, RIGHT, BOTH = (coded(SNOMED, c) for c in ("7771000", "24028007", "51440002"))
# Body sites: naming a side, naming none, and shaped in ways the general reader explains.
SITE_LIST: list[Any] = [
    LEFT,
    RIGHT,
    BOTH,
    {"coding": [{"system": "x", "code": "y"}, LEFT["coding"][0]]},
    {"coding": [LEFT["coding"][0], RIGHT["coding"][0]], "text": "left"},
    {"coding": [LEFT["coding"][0], {"system": SNOMED, "code": 7771000}]},
    {"coding": [LEFT["coding"][0], "7771000"]},
    {"coding": [{"code": "7771000"}]},
    {"coding": LEFT["coding"][0]},
    {"coding": []},
    {"text": "left calf"},
    coded(SNOMED, "53120007"),  # Upper limb: a site, but no side legrules reads
    "left",
    None,
]
SITES = st.sampled_from(SITE_LIST)
EXTRA: st.SearchStrategy[dict[str, Any]] = st.one_of(
    st.sampled_from([{}, {"dataAbsentReason": None}, {"valueInteger": 3}]),
    SITES.map(lambda site: {"bodySite": site}),
)


# Usual Observations: (code, unit, value) that the quick reader takes as they are.
USUAL = [
    ("abi", "1", 0.8),  # takes a side (legrules' own code)
    ("8867-4", "/min", 72.0),
    ("8310-5", "[degF]", 98.6),
    ("59408-5", "%", 97),
    ("48065-7", "ng/mL", 420.0),
    ("48066-5", "ug/L", 0.5),
    ("72514-3", "{score}", 4),
]


# SNOMED CT Yes and No, as terminology.json lists them among the value states.
YES, NO = {"system": SNOMED, "code": "373066001"}, {"system": SNOMED, "code": "373067005"}
# A finding's value: yes/no, coded, and coded in ways the general reader must explain.
FINDING_VALUES: st.SearchStrategy[dict[str, Any]] = st.sampled_from(
    [
        {"valueBoolean": True},
        {"valueBoolean": False},
        {},  # no value at all: present
        {"valueBoolean": None},
        {"valueCodeableConcept": None},
        {"valueCodeableConcept": {"coding": [YES]}},
        {"valueCodeableConcept": {"coding": [NO], "text": "no"}},
        {"valueCodeableConcept": {"coding": [{"system": "x", "code": "y"}, YES]}},
        {"valueCodeableConcept": {"coding": [YES, NO]}},
        {"valueCodeableConcept": {"coding": [YES, YES]}},
        {"valueCodeableConcept": {"coding": []}},
        {"valueCodeableConcept": {"text": "yes"}},
        {"valueCodeableConcept": {"coding": ["373066001"]}},
        {"valueCodeableConcept": {"coding": [{"system": SNOMED, "code": 373066001}]}},
        {"valueCodeableConcept": {"coding": YES}},
        {"valueCodeableConcept": "yes"},
        {"valueCodeableConcept": {"coding": [YES]}, "valueBoolean": None},
        {"valueCodeableConcept": {"coding": [YES]}, "valueString": "yes"},
    ]
)
# Yes/no findings the quick reader takes (with a look-back, and without one).
FINDINGS = ["leg-pain", "leg-swelling", "dyspnea", "fever", "previous-dvt"]
OLD = ["2026-11-18T09:00:00Z", "2026-10-01T09:00:00Z", "1990-01-01T00:00:00Z"]
SECOND_VALUES: st.SearchStrategy[dict[str, Any]] = st.sampled_from(
    [
        {"valueBoolean": True},
        {"valueBoolean": None},
        {"valueBoolean": "yes"},
        {"valueString": "yes"},
        {"valueQuantity": quantity(72, "/min")},
        {"valueCodeableConcept": coded(SNOMED, "373066001")},
    ]
)


@st.composite
def observations(draw: st.DrawFn) -> dict[str, Any]:
    """A usual Observation (a quantity or a yes/no finding), then up to three changes."""
    code, unit, value = draw(st.sampled_from(USUAL))
    resource = obs(code, OWN if code == "abi" else LOINC, valueQuantity=quantity(value, unit))
    measured = resource["valueQuantity"]  # changed in place, even once no longer in resource
    if draw(st.booleans()):
        finding = draw(st.sampled_from(FINDINGS))
        resource = obs(finding, OWN, **draw(FINDING_VALUES))
    for change in draw(st.lists(st.integers(0, 10), max_size=3)):
        if change == 0:
            measured["value"] = draw(VALUES)
        elif change == 1:
            measured["code"] = draw(UNITS | st.just(5))
        elif change == 2:
            measured["system"] = draw(st.sampled_from(["http://x", None]))
        elif change == 3:
            resource["code"] = {"coding": draw(CODES)}
        elif change == 4:
            resource["effectiveDateTime"] = draw(TEXTS | st.sampled_from(["2026-11-20T09", 5]))
        elif change == 5:
            resource["status"] = draw(
                st.sampled_from(
                    ["preliminary", "amended", "cancelled", "entered-in-error", "unknown", 5]
                )
            )
        elif change == 6:
            resource["id"] = draw(st.sampled_from(["", 7, None]))
        elif change == 7:
            resource.pop(draw(st.sampled_from(sorted(resource.keys() - {"resourceType"}))), None)
        elif change == 8:
            resource.update(draw(EXTRA))
        elif change == 9:  # older than the look-backs of some concepts, or of all
            resource["effectiveDateTime"] = draw(st.sampled_from(OLD))
        else:  # a second value, or a value of another kind
            resource.update(draw(SECOND_VALUES))
    return resource  # resourceType stays: only Observations are given to the quick reader


def test_a_usual_observation_takes_the_quick_path() -> None:
    """The shape bulk exports are made of is read by the quick reader, as one row."""
    out = Collected()
    assert UsualReader(_options(AS_OF, None, None, {"max_depth": 16}).settings).read(
        heart_rate(), out
    )
    assert out.measurements == [("heart-rate", 72.0, "/min", None, "Observation/hr", False, WHEN)]


def test_a_yes_no_finding_takes_the_quick_path() -> None:
    """A finding stated with valueBoolean is read by the quick reader, as one row."""
    out = Collected()
    reader = UsualReader(_options(AS_OF, None, None, {"max_depth": 16}).settings)
    assert reader.read(obs("dyspnea", OWN, oid="d", valueBoolean=False), out)
    assert out.findings == [("dyspnea", "absent", None, "Observation/d", False, WHEN)]


def test_a_finding_coded_yes_or_no_takes_the_quick_path() -> None:
    """A finding stated with a Yes or No coding is read by the quick reader, as one row."""
    out = Collected()
    reader = UsualReader(_options(AS_OF, None, None, {"max_depth": 16}).settings)
    assert reader.read(obs("dyspnea", OWN, oid="d", valueCodeableConcept={"coding": [NO]}), out)
    assert reader.read(obs("fever", OWN, oid="f", valueCodeableConcept={"coding": [YES]}), out)
    assert out.findings == [
        ("dyspnea", "absent", None, "Observation/d", False, WHEN),
        ("fever", "present", None, "Observation/f", False, WHEN),
    ]


def test_codings_that_disagree_are_left_to_the_general_reader() -> None:
    """Yes and No in one value: the quick reader records nothing, the general one says why."""
    out = Collected()
    reader = UsualReader(_options(AS_OF, None, None, {"max_depth": 16}).settings)
    both = obs("dyspnea", OWN, oid="d", valueCodeableConcept={"coding": [YES, NO]})
    assert not reader.read(both, out)
    assert out.empty()


def test_an_observation_older_than_its_look_back_is_ignored_on_the_quick_path() -> None:
    """Too old for its look-back: the quick reader lists it as ignored, with the reason."""
    out = Collected()
    reader = UsualReader(_options(AS_OF, None, None, {"max_depth": 16}).settings)
    assert reader.read(heart_rate(effectiveDateTime="2026-11-01T09:00:00Z"), out)
    assert out.ignored == [("Observation/hr", "heart-rate older than the 1-day look-back")]
    assert out.measurements == []


@settings(max_examples=500, deadline=None)
@given(observations(), st.sampled_from([AS_OF, datetime.fromisoformat("2026-11-20T09:30:00Z")]))
def test_the_quick_reader_records_what_the_general_reader_records_or_nothing(
    resource: dict[str, Any], as_of: datetime
) -> None:
    """Whenever the quick reader takes an Observation, the general reader agrees exactly."""
    read_both_ways(resource, as_of)


def read_both_ways(resource: dict[str, Any], as_of: datetime = AS_OF) -> bool:
    """Whether the quick reader takes *resource*; if it does, the general one agrees."""
    settings_ = _options(as_of, None, None, {"max_depth": 16}).settings
    quick, general = Collected(), Collected()
    taken = UsualReader(settings_).read(copy.deepcopy(resource), quick)
    if not taken:
        assert quick.empty()
        return False
    try:
        read_observation(Resource(resource, "line 1"), settings_, general)
    except InputError as error:  # pragma: no cover - a failure of this test
        pytest.fail(f"the quick reader took a resource the general reader refuses: {error}")
    assert quick.state() == general.state()
    return True


@settings(max_examples=200, deadline=None)
@given(st.lists(observations(), min_size=2, max_size=12))
def test_one_quick_reader_agrees_with_the_general_reader_resource_after_resource(
    resources: list[dict[str, Any]],
) -> None:
    """What the quick reader remembers from one resource never changes how it reads the next."""
    settings_ = _options(AS_OF, None, None, {"max_depth": 16}).settings
    reader = UsualReader(settings_)
    for resource in [*resources, *resources]:  # each met again, with everything remembered
        quick = Collected()
        if not reader.read(copy.deepcopy(resource), quick):
            assert quick.empty()
            read_both_ways(resource)  # a fresh reader may take it; then the general agrees
            continue
        general = Collected()
        read_observation(Resource(resource, "line 1"), settings_, general)
        assert quick.state() == general.state()


def test_a_code_remembered_under_one_system_is_not_read_under_another() -> None:
    """The same code in another code system is not the concept it named before."""
    reader = UsualReader(_options(AS_OF, None, None, {"max_depth": 16}).settings)
    out = Collected()
    assert reader.read(obs("8867-4", LOINC, oid="a", valueQuantity=quantity(72, "/min")), out)
    other = obs("8867-4", OWN, oid="b", valueQuantity=quantity(72, "/min"))
    assert not reader.read(other, out)
    assert [row[4] for row in out.measurements] == ["Observation/a"]


def test_a_second_value_beside_a_boolean_is_left_to_the_general_reader_every_time() -> None:
    """A valueBoolean with another value is never read quickly, however often it is met."""
    reader = UsualReader(_options(AS_OF, None, None, {"max_depth": 16}).settings)
    out = Collected()
    assert reader.read(obs("dyspnea", OWN, oid="a", valueBoolean=True), out)
    twice = obs("dyspnea", OWN, oid="b", valueBoolean=True, valueString="yes")
    assert not reader.read(twice, out)
    assert not reader.read(twice, out)
    assert reader.read(obs("dyspnea", OWN, oid="c", valueBoolean=False), out)
    assert [row[3] for row in out.findings] == ["Observation/a", "Observation/c"]


SITED = [
    heart_rate(),
    obs("abi", OWN, valueQuantity=quantity(0.8, "1")),
    obs("leg-pain", OWN, valueBoolean=True),
    obs("leg-swelling", OWN),
    obs("dyspnea", OWN, valueCodeableConcept={"coding": [NO]}),
    obs("leg-pain", OWN, valueBoolean=True, effectiveDateTime=OLD[1]),  # too old
]


@pytest.mark.parametrize("site", SITE_LIST)
@pytest.mark.parametrize("resource", SITED, ids=lambda r: r["code"]["coding"][0]["code"])
def test_a_body_site_is_read_alike_by_both_readers(resource: dict[str, Any], site: object) -> None:
    """Whatever the bodySite, the quick reader records what the general one does, or nothing."""
    read_both_ways({**resource, "bodySite": site})


def test_a_side_from_the_body_site_takes_the_quick_path() -> None:
    """A bodySite coded left, right or both gives the side, on findings and quantities."""
    out = Collected()
    reader = UsualReader(_options(AS_OF, None, None, {"max_depth": 16}).settings)
    assert reader.read(obs("leg-pain", OWN, oid="p", valueBoolean=True, bodySite=LEFT), out)
    assert reader.read(obs("leg-swelling", OWN, oid="s", bodySite=BOTH), out)  # no value
    abi = obs("abi", OWN, oid="a", valueQuantity=quantity(0.8, "1"), bodySite=RIGHT)
    assert reader.read(abi, out)
    assert out.findings == [
        ("leg-pain", "present", "left", "Observation/p", False, WHEN),
        ("leg-swelling", "present", "both", "Observation/s", False, WHEN),
    ]
    assert out.measurements == [("abi", 0.8, "1", "right", "Observation/a", False, WHEN)]


def test_a_body_site_naming_no_side_is_left_to_the_general_reader() -> None:
    """A site legrules reads no side from: the quick reader records nothing."""
    out = Collected()
    reader = UsualReader(_options(AS_OF, None, None, {"max_depth": 16}).settings)
    assert not reader.read(obs("leg-pain", OWN, bodySite={"text": "left calf"}), out)
    assert not reader.read(obs("leg-pain", OWN, bodySite=coded(SNOMED, "53120007")), out)
    assert out.empty()


def test_an_observation_that_does_not_count_is_ignored_on_the_quick_path() -> None:
    """Entered in error: the quick reader lists it as ignored with the general reason."""
    out = Collected()
    reader = UsualReader(_options(AS_OF, None, None, {"max_depth": 16}).settings)
    assert reader.read(heart_rate(status="entered-in-error", valueQuantity=None), out)
    assert out.ignored == [("Observation/hr", "status entered-in-error")]
    assert out.measurements == []


def test_both_readers_ignore_the_same_statuses() -> None:
    """The statuses the quick reader ignores are those the general reader ignores."""
    from legrules.fhir.read import observations, usual_observation

    assert usual_observation._IGNORED == observations._IGNORED


# Instants at the edges the quick reader compares (after as_of; the one-day look-back of
# a vital sign), each written with an offset, read against as_of in UTC and with one.
EDGES = [
    "2026-11-20T11:00:00+01:00",  # as_of itself
    "2026-11-20T11:00:01+01:00",  # a second after
    "2026-11-19T05:00:00-05:00",  # the look-back's first instant
    "2026-11-19T04:59:59-05:00",  # a second before it
]


@pytest.mark.parametrize("effective", EDGES)
@pytest.mark.parametrize("hours", [0, 5, -9])
def test_times_with_offsets_compare_as_instants_on_the_quick_path(
    effective: str, hours: int
) -> None:
    """An effective time and as_of with offsets: the quick reader records what the general does."""
    as_of = AS_OF.astimezone(timezone(timedelta(hours=hours)))
    settings_ = _options(as_of, None, None, {"max_depth": 16}).settings
    resource = heart_rate(effectiveDateTime=effective)
    quick, general = Collected(), Collected()
    taken = UsualReader(settings_).read(copy.deepcopy(resource), quick)
    try:
        read_observation(Resource(resource, "line 1"), settings_, general)
    except InputError:
        assert not taken
        return
    assert not taken or quick.state() == general.state()
    assert taken == (effective != "2026-11-20T11:00:01+01:00")  # one after as_of: general path
