"""Whole runs kept across assessments: one lookup instead of a run, each its own evidence."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

from legrules import Presentation, assess
from legrules.engine import rule_memo, run_memo
from legrules.engine.base import DifferentialRule, ScoreRule
from legrules.engine.compiled import CompiledRuleSet, compiled
from legrules.engine.facts import Context
from legrules.engine.rule_memo import Reuse
from legrules.model import Finding, Laterality, Measurement, Patient, Policy, Presence, Source
from legrules.rules import RULESETS
from legrules.rules.registry import get_ruleset
from legrules.strategies import presentations
from tests.engine.corpus import AS_OF, corpus, one_record_each, presentation
from tests.engine.test_compiled import both
from tests.engine.test_rule_memo import assert_twins_match, twin


def keep_looking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Memos keep looking answers up however seldom they find one."""
    monkeypatch.setattr(rule_memo, "ENOUGH", 0.0)
    monkeypatch.setattr(run_memo, "ENOUGH", 0.0)
    monkeypatch.setattr(Reuse, "worth", lambda self: True)
    for version in RULESETS:  # an earlier test may have left a memo resting
        runs = compiled(get_ruleset(version), Policy()).runs
        assert runs is not None
        runs.wake()


@pytest.fixture
def never_resting(monkeypatch: pytest.MonkeyPatch) -> None:
    """See :func:`keep_looking`."""
    keep_looking(monkeypatch)


def _no_run(self: CompiledRuleSet, ctx: Context) -> None:
    raise AssertionError("a rule was evaluated")


def _patient(n: int, d_dimer: tuple[float, str] = (420.0, "ng/mL{FEU}")) -> Presentation:
    """One patient of a population export: a few findings, vital signs, a D-dimer."""
    cite = iter(f"Observation/{n}-{i}" for i in range(20))
    return Presentation(
        patient=Patient(id=f"p{n}", age=64),
        findings=(
            Finding("leg-pain", Presence.PRESENT, source=Source(next(cite))),
            Finding("leg-pain", Presence.PRESENT, source=Source(next(cite))),
            Finding("leg-swelling", Presence.PRESENT, Laterality.LEFT, source=Source(next(cite))),
            Finding("fever", Presence.ABSENT, source=Source(next(cite))),
        ),
        measurements=(
            Measurement("heart-rate", 88 + n % 5, "/min", source=Source(next(cite))),
            Measurement("d-dimer", *d_dimer, source=Source(next(cite))),
            Measurement("ankle-pressure", 110, "mm[Hg]", Laterality.LEFT, Source(next(cite))),
            Measurement("brachial-pressure", 130, "mm[Hg]", source=Source(next(cite))),
        ),
    )


def test_an_assessment_reading_what_an_earlier_one_read_evaluates_no_rule(
    never_resting: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second patient reads the same answers: its run is the first one's, kept."""
    first, second = _patient(1), _patient(6)  # heart rates 89 and 89, other sources
    assert both(first)[0] == both(first)[1]
    monkeypatch.setattr(CompiledRuleSet, "run", _no_run)
    reference, fast = both(second)
    assert fast == reference
    assert b"Observation/6-5" in fast  # its own D-dimer, not the first patient's
    assert b"Observation/1-" not in fast


def test_patients_differing_in_a_value_or_its_unit_each_get_their_own_run(
    never_resting: None,
) -> None:
    """A D-dimer of another value, or the same value in another unit, is another run."""
    readings = [
        (420.0, "ng/mL{FEU}"),
        (0.42, "mg/L{FEU}"),
        (430.0, "ng/mL{FEU}"),
        (210.0, "ng/mL{DDU}"),
    ]
    for n, d_dimer in enumerate(readings * 2):
        reference, fast = both(_patient(n * 5, d_dimer))
        assert fast == reference
    shown = assess(_patient(0, (0.42, "mg/L{FEU}")), as_of=AS_OF).score("score.d-dimer")
    assert shown.value == 420.0
    assert shown.evidence[0].value == "0.42 mg/L{FEU} (= 420 ng/mL{FEU})"


def test_patients_differing_in_heart_rate_band_are_told_apart(never_resting: None) -> None:
    """A heart rate past a red flag's threshold changes the run (leaves key it)."""
    calm, racing = _patient(1), _patient(1)
    racing = Presentation(
        patient=racing.patient,
        findings=(*racing.findings, Finding("dyspnea", Presence.PRESENT)),
        measurements=(Measurement("heart-rate", 128, "/min"), *racing.measurements[1:]),
    )
    for patient in (calm, racing, calm, racing):
        reference, fast = both(patient)
        assert fast == reference
    assert assess(racing, as_of=AS_OF).disposition.value == "emergency"


@pytest.mark.parametrize("version", sorted(RULESETS))
def test_a_corpus_and_its_twins_match_the_interpreter_when_runs_are_kept(
    version: str, never_resting: None
) -> None:
    """Every presentation, then its twin (whose whole run is kept), gives the interpreter's."""
    assert_twins_match(corpus(60, seed=47), version)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(presentations())
def test_generated_presentations_and_their_twins_match_the_interpreter(
    presentation_: Presentation,
) -> None:
    """Any presentation the strategies make, then its twin (its run kept), is the interpreter's."""
    with pytest.MonkeyPatch.context() as patch:
        keep_looking(patch)
        assert_twins_match([presentation_])


def test_a_run_memo_that_seldom_finds_a_run_rests(monkeypatch: pytest.MonkeyPatch) -> None:
    """After a window of lookups finding too few runs, the memo stops looking them up."""
    monkeypatch.setattr(run_memo, "WINDOW", 8)
    monkeypatch.setattr(Reuse, "worth", lambda self: True)
    runs = compiled(get_ruleset("2026.12"), Policy()).runs
    assert runs is not None
    runs.wake()
    rng = random.Random(3)
    for _ in range(8):
        both(one_record_each(presentation(rng, 0.5)))  # every lookup a different key
    assert runs.resting
    reference, fast = both(one_record_each(presentation(rng, 0.5)))  # resting: rules run
    assert fast == reference


def test_every_shipped_rule_set_keeps_whole_runs() -> None:
    """What each shipped rule set's rules read is known, so its runs may be kept."""
    for version in RULESETS:
        assert compiled(get_ruleset(version), Policy()).runs is not None


def test_a_rule_set_with_another_kind_of_rule_always_evaluated_keeps_no_runs() -> None:
    """Only a score's results get proofs: another kind always evaluated turns runs off."""
    ruleset = get_ruleset("2026.12")
    engine = compiled(ruleset, Policy())
    always = [r for r, m in zip(ruleset.rules, engine.memos, strict=True) if m is None]
    assert always
    assert all(type(r) is ScoreRule for r in always)
    differential = next(r for r in ruleset.rules if type(r) is DifferentialRule)
    compiler = engine.evaluator._compiler  # type: ignore[attr-defined]
    assert run_memo.RunMemo.of(ruleset, Policy(), compiler, always) is not None
    assert run_memo.RunMemo.of(ruleset, Policy(), compiler, [*always, differential]) is None


def _leaves_unread(self: run_memo.RunMemo, ctx: Context) -> None:
    raise AssertionError("the rules' leaves were read")


def test_a_patient_repeating_anothers_records_reads_no_leaf_and_shows_its_own_sources(
    never_resting: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records equal but for their sources: the run is found by them, with own evidence."""
    first = _patient(1)
    assert both(first)[0] == both(first)[1]
    monkeypatch.setattr(CompiledRuleSet, "run", _no_run)
    monkeypatch.setattr(run_memo.RunMemo, "key", _leaves_unread)
    second = twin(first)
    reference, fast = both(second)
    assert fast == reference
    assert b"Observation/1-5-twin" in fast
    assert b'"Observation/1-5"' not in fast


def test_a_run_found_by_what_the_rules_read_is_kept_with_the_evidence_of_its_own_records(
    never_resting: None,
) -> None:
    """A run kept for other records (same answers) gives its proofs this patient's evidence.

    The first patient's heart rate is 89, the second's 89.4: the same answers, one run.
    A third repeating the second's records takes that run by its records, and must show
    89.4 /min, not the first patient's 89 /min.
    """
    first = _patient(1)
    measurements = list(_patient(2).measurements)
    measurements[0] = Measurement("heart-rate", 89.4, "/min", source=Source("Observation/hr"))
    second = attrs.evolve(_patient(2), measurements=tuple(measurements))
    for patient in (first, second, twin(second)):
        reference, fast = both(patient)
        assert fast == reference
    third = assess(twin(second), as_of=AS_OF, include_trace=True)
    shown = {e.value for t in third.trace for c in t.criteria for e in c.evidence}
    assert "89.4 /min" in shown
    assert "89 /min" not in shown


def _records_key(presentation_: Presentation, as_of: datetime = AS_OF) -> object:
    runs = compiled(get_ruleset("2026.12"), Policy()).runs
    assert runs is not None
    runs.wake()
    return runs.records(Context(presentation_, as_of, Policy(), symbolic=True))


_ONE = Presentation(
    patient=Patient(age=50),
    onset=datetime(2026, 11, 10, tzinfo=UTC),
    findings=(
        Finding(
            "leg-swelling",
            Presence.PRESENT,
            Laterality.LEFT,
            Source("Observation/a", display="swelling"),
            datetime(2026, 11, 19, tzinfo=UTC),
        ),
    ),
    measurements=(
        Measurement(
            "ankle-pressure",
            40,
            "mm[Hg]",
            Laterality.LEFT,
            Source("Observation/b", preliminary=True),
            datetime(2026, 11, 19, tzinfo=UTC),
        ),
    ),
)


_EST = timezone(timedelta(hours=-5))


def _finding(**changes: Any) -> Presentation:
    return attrs.evolve(_ONE, findings=(attrs.evolve(_ONE.findings[0], **changes),))


def _measurement(**changes: Any) -> Presentation:
    return attrs.evolve(_ONE, measurements=(attrs.evolve(_ONE.measurements[0], **changes),))


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(attrs.evolve(_ONE, patient=Patient(age=51)), id="age"),
        pytest.param(attrs.evolve(_ONE, onset=datetime(2026, 11, 9, tzinfo=UTC)), id="onset"),
        pytest.param(_finding(id="leg-pain", laterality=None), id="finding id"),
        pytest.param(_finding(state=Presence.ABSENT), id="state"),
        pytest.param(_finding(laterality=Laterality.RIGHT), id="finding side"),
        pytest.param(_finding(effective=datetime(2026, 11, 18, tzinfo=UTC)), id="finding time"),
        pytest.param(_finding(source=Source("Observation/a", preliminary=True)), id="preliminary"),
        pytest.param(_finding(source=Source("Observation/a")), id="display"),
        pytest.param(_finding(source=None), id="no source"),
        pytest.param(_measurement(value=40.5), id="value"),
        pytest.param(_measurement(unit="kPa"), id="unit"),
        pytest.param(_measurement(laterality=None), id="measurement side"),
        pytest.param(_measurement(effective=None), id="measurement time"),
        pytest.param(_measurement(source=Source("Observation/b")), id="final"),
        pytest.param(attrs.evolve(_ONE, findings=(*_ONE.findings, *_ONE.findings)), id="a repeat"),
        pytest.param(
            attrs.evolve(_ONE, onset=datetime(2026, 11, 10, tzinfo=UTC).astimezone(_EST)),
            id="onset zone",
        ),
        pytest.param(
            _finding(effective=datetime(2026, 11, 19, tzinfo=UTC).astimezone(_EST)),
            id="time zone",
        ),
    ],
)
def test_presentations_differing_in_anything_but_their_references_have_other_records(
    other: Presentation,
) -> None:
    """What a record states, its side, time, source's status: each changes the key."""
    assert _records_key(other) != _records_key(_ONE)


def test_records_differing_only_in_their_references_or_the_patient_share_a_key() -> None:
    """Where a record came from, and who the patient is, are put back, not keyed."""
    renamed = attrs.evolve(twin(_ONE), patient=Patient(id="someone", age=50))
    assert _records_key(renamed) == _records_key(_ONE)
    assert _records_key(_ONE, AS_OF + timedelta(hours=1)) != _records_key(_ONE)
    zero, negative_zero = _measurement(value=0.0), _measurement(value=-0.0)
    assert _records_key(zero) != _records_key(negative_zero)  # shown as 0 and -0


def test_records_written_otherwise_but_equal_in_value_each_show_their_own_text(
    never_resting: None,
) -> None:
    """An onset at the same instant in another zone, a zero of the other sign: own text.

    They are equal as Python values, but the evidence shows the onset date as written
    and a value as written; a run kept for one must not lend its text to the other.
    """
    onset = datetime(2026, 11, 1, 8, tzinfo=UTC)
    for zero in (0.0, -0.0, 0.0):
        for when in (onset, onset.astimezone(_EST), onset):
            patient = Presentation(
                onset=when,
                findings=(Finding("leg-pain", Presence.PRESENT, source=Source("Observation/1")),),
                measurements=(
                    Measurement("vitamin-d-25oh", zero, "ng/mL", source=Source("Observation/2")),
                ),
            )
            reference, fast = both(patient)
            assert fast == reference
