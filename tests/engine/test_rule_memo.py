"""Answers kept across assessments: each presentation still gets its own evidence."""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

from legrules import Presentation
from legrules.engine import rule_memo
from legrules.engine.compiled import CompiledRuleSet, compiled
from legrules.engine.facts import Context
from legrules.engine.open_questions import open_questions
from legrules.engine.proofs import Proof
from legrules.engine.rule_memo import Reuse
from legrules.engine.run_memo import RunMemo
from legrules.model import Finding, Measurement, Policy, Presence, Source, Status
from legrules.rules import RULESETS
from legrules.rules.registry import get_ruleset
from legrules.strategies import presentations
from tests.engine.corpus import AS_OF, corpus, one_record_each, presentation
from tests.engine.test_compiled import both


def keep_looking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rules' memos keep looking answers up however seldom they find one.

    Whole runs are not kept here (``tests/engine/test_run_memo.py`` keeps them): a twin
    would take its run whole, and no rule's memo would be asked.
    """
    monkeypatch.setattr(rule_memo, "ENOUGH", 0.0)
    monkeypatch.setattr(Reuse, "worth", lambda self: True)
    monkeypatch.setattr(RunMemo, "key", lambda self, ctx: None)
    monkeypatch.setattr(RunMemo, "records", lambda self, ctx: None)


@pytest.fixture
def never_resting(monkeypatch: pytest.MonkeyPatch) -> None:
    """See :func:`keep_looking`."""
    keep_looking(monkeypatch)


def assert_twins_match(
    presentations_: Iterable[Presentation | tuple[Presentation, Policy | None]],
    version: str | None = None,
) -> None:
    """Each presentation (with its policy), then its twin, gives the interpreter's document."""
    for item in presentations_:
        presentation_, policy = item if isinstance(item, tuple) else (item, None)
        for patient in (presentation_, twin(presentation_)):
            reference, fast = both(patient, ruleset=version, policy=policy)
            assert fast == reference


def _renamed(source: Source | None) -> Source | None:
    return None if source is None else attrs.evolve(source, reference=source.reference + "-twin")


def twin(presentation: Presentation) -> Presentation:
    """*presentation* with every source renamed: the same truth values, other evidence."""
    findings = tuple(attrs.evolve(f, source=_renamed(f.source)) for f in presentation.findings)
    measurements = tuple(
        attrs.evolve(m, source=_renamed(m.source)) for m in presentation.measurements
    )
    return attrs.evolve(presentation, findings=findings, measurements=measurements)


def test_a_kept_answer_shows_the_evidence_of_the_presentation_it_is_reused_for(
    never_resting: None,
) -> None:
    """Two patients with the same truth values each see their own sources and values."""
    fever = [
        Presentation(
            findings=(Finding("leg-pain", Presence.PRESENT, source=Source(f"Observation/{n}a")),),
            measurements=(
                Measurement("temperature", value, "Cel", source=Source(f"Observation/{n}b")),
            ),
        )
        for n, value in ((1, 38.6), (2, 39.4))
    ]
    for patient in (*fever, *fever):
        reference, fast = both(patient)
        assert fast == reference
    assert b"Observation/2b" in both(fever[1])[1]
    assert b"39.4 Cel" in both(fever[1])[1]


@pytest.mark.parametrize("version", sorted(RULESETS))
def test_a_corpus_and_its_twins_match_the_interpreter_when_answers_are_reused(
    version: str, never_resting: None
) -> None:
    """Every presentation, then its twin (which reuses its answers), gives the interpreter's."""
    assert_twins_match(corpus(120, seed=31), version)


def test_sparse_presentations_reuse_answers_and_match_the_interpreter(
    never_resting: None,
) -> None:
    """Presentations stating a few findings, as most patients do, repeat rules' answers."""
    rng = random.Random(5)
    for _ in range(300):
        reference, fast = both(presentation(rng, 0.03))
        assert fast == reference


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(presentations())
def test_generated_presentations_and_their_twins_match_the_interpreter(
    presentation_: Presentation,
) -> None:
    """Any presentation the strategies make, then its twin, gives the interpreter's."""
    with pytest.MonkeyPatch.context() as patch:
        keep_looking(patch)
        assert_twins_match([presentation_])


def test_a_rule_whose_answers_seldom_repeat_stops_looking_them_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After a window of lookups finding too few answers, the memo rests."""
    monkeypatch.setattr(rule_memo, "WINDOW", 8)
    monkeypatch.setattr(Reuse, "worth", lambda self: True)
    engine = compiled(get_ruleset("2026.12"), Policy())
    memo = next(
        m for m in engine.memos if m is not None and m.rule.id == "redflag.acute-limb-ischemia"
    )
    memo._lookups = memo._hits = memo._resting = 0
    rng = random.Random(1)
    for _ in range(8):
        both(one_record_each(presentation(rng, 0.9)))  # every lookup a different key
    assert memo._resting > 0
    reference, fast = both(one_record_each(presentation(rng, 0.9)))  # evaluated, resting
    assert fast == reference


def test_a_presentation_repeating_a_record_word_for_word_is_read_plainly() -> None:
    """Two equal records would be two proofs of one evidence value: no proofs then."""
    same = Finding("leg-pain", Presence.PRESENT, source=Source("Observation/1"))
    repeated = Presentation(findings=(same, same))
    ctx = Context(repeated, AS_OF, Policy(), symbolic=True)
    assert not ctx.symbolic
    assert not isinstance(ctx.finding("leg-pain").evidence[0], Proof)
    reference, fast = both(repeated)
    assert fast == reference


def test_readings_that_look_alike_past_their_precision_are_read_plainly() -> None:
    """38.50001 and 38.5 both show as 38.5 Cel: evidence values that are equal."""
    readings = (
        Measurement("temperature", 38.5, "Cel"),
        Measurement("temperature", 38.50001, "Cel"),
    )
    ctx = Context(Presentation(measurements=readings), AS_OF, Policy(), symbolic=True)
    assert not ctx.symbolic
    reference, fast = both(Presentation(measurements=readings))
    assert fast == reference


def test_stated_records_are_read_as_proofs_and_the_assessment_shows_plain_evidence() -> None:
    """Inside the engine a record is a proof; the assessment holds its plain evidence."""
    stated = Presentation(findings=(Finding("leg-pain", Presence.PRESENT),))
    ctx = Context(stated, AS_OF, Policy(), symbolic=True)
    assert type(ctx.finding("leg-pain").evidence[0]) is Proof
    reference, fast = both(stated)
    assert fast == reference
    assert b"Proof" not in fast


def _cycle_start(reuse: Reuse, symbolic_cost: int, plain_cost: int) -> int:
    """Run *reuse* through its warm-up and its two timed windows at these costs.

    How many assessments the plain window took (it ends once it costs more than the
    symbolic one).
    """
    for _ in range(Reuse.WARM):
        assert reuse.worth()
        reuse.spent(True, 10**9)  # not timed: the memos are filling
    for _ in range(Reuse.WINDOW):
        assert reuse.worth()
        reuse.spent(True, symbolic_cost)
    plain = 0
    while plain < Reuse.WINDOW and not reuse.worth():
        assert reuse.timed()
        reuse.spent(False, plain_cost)
        plain += 1
    return plain


def test_records_are_read_the_cheaper_way_after_both_are_timed() -> None:
    """After the warm-up and both timed windows, the way that cost less CPU is kept."""
    reuse = Reuse()
    assert _cycle_start(reuse, symbolic_cost=900, plain_cost=500) == Reuse.WINDOW
    for _ in range(Reuse.SETTLED):
        assert not reuse.worth()
        reuse.spent(False, 500)
    assert reuse.worth()  # a new cycle: tried again


def test_records_stay_read_as_proofs_when_that_costs_less() -> None:
    """Answers found often make the symbolic window the cheaper one: it is kept."""
    reuse = Reuse()
    _cycle_start(reuse, symbolic_cost=300, plain_cost=500)
    for _ in range(Reuse.SETTLED):
        assert reuse.worth()
        reuse.spent(True, 300)


def test_the_plain_window_ends_once_it_costs_more_than_the_symbolic_one() -> None:
    """Costs only add up: 64 symbolic at 300 are outdone by 39 plain at 500, and it stops."""
    reuse = Reuse()
    plain = _cycle_start(reuse, symbolic_cost=300, plain_cost=500)
    assert plain == 39  # 39 * 500 = 19,500 >= 64 * 300 = 19,200 > 38 * 500
    assert not reuse.timed()
    for _ in range(Reuse.SETTLED):  # the settled part of the cycle, as after a whole window
        assert reuse.worth()
        reuse.spent(True, 300)
    assert reuse.worth()
    assert not reuse.timed()  # a new cycle: warming up again


def test_records_differing_only_in_what_evidence_leaves_out_are_read_plainly() -> None:
    """Two sources differing only in their display text give equal evidence."""
    shown = [
        Finding("ultrasound-dvt", Presence.PRESENT, source=Source("Observation/1", display=d))
        for d in (None, "duplex scan")
    ]
    ctx = Context(Presentation(findings=tuple(shown)), AS_OF, Policy(), symbolic=True)
    assert not ctx.symbolic
    reference, fast = both(Presentation(findings=tuple(shown)))
    assert fast == reference


@pytest.mark.parametrize(
    ("reader", "red_flag"),
    [
        ("rec.call-emergency", "redflag.possible-pe"),  # its trigger: the flag is met
        ("rec.symptom-log", "redflag.possible-pe"),  # self-care: withheld by the flag
    ],
)
def test_a_rule_reads_an_earlier_red_flag_by_its_status_not_by_its_evidence(
    reader: str, red_flag: str, never_resting: None
) -> None:
    """Patients whose red flag is met by different findings share what later rules read of it."""
    engine = CompiledRuleSet.of(get_ruleset("2026.12"), Policy())  # memos of its own
    keys = []
    for sign in ("dyspnea", "chest-pain"):
        patient = Presentation(
            findings=(Finding("leg-pain", Presence.PRESENT), Finding(sign, Presence.PRESENT))
        )
        ctx = Context(patient, AS_OF, Policy(), symbolic=True)
        engine.run(ctx)
        assert ctx.red_flags[red_flag].status is Status.MET
        assert ctx.red_flags[red_flag].evidence[-1].finding == sign
        keys.append(ctx.keys[reader])
        reference, fast = both(patient)
        assert fast == reference
        assert reader.encode() in fast
    assert keys[0] == keys[1]


def test_only_the_assessments_of_the_timed_windows_read_the_cpu_clock() -> None:
    """Reading a thread's CPU clock is a system call: the warm-up and settled runs skip it."""
    reuse = Reuse()
    cycle = Reuse.WARM + 2 * Reuse.WINDOW + Reuse.SETTLED
    timed = []
    for _ in range(cycle + Reuse.WARM + 1):
        timed.append(reuse.timed())
        reuse.spent(reuse.worth(), 1000 if reuse.timed() else 0)
    windows = range(Reuse.WARM, Reuse.WARM + 2 * Reuse.WINDOW)
    assert [s for s, t in enumerate(timed) if t] == [*windows, cycle + Reuse.WARM]


@pytest.mark.parametrize("version", sorted(RULESETS))
def test_answers_kept_for_one_age_are_given_to_another_only_where_the_age_is_not_read(
    version: str, never_resting: None
) -> None:
    """Sparse presentations at ages either side of every age threshold: the interpreter's.

    Rules that read no age share their kept open questions across ages; the others not.
    """
    rng = random.Random(11)
    ages = (None, 18, 49, 50, 51, 54, 55, 64, 65, 66, 80, 95)
    for _ in range(25):
        stated = presentation(rng, 0.04)
        for age in ages:
            patient = attrs.evolve(stated, patient=attrs.evolve(stated.patient, age=age))
            reference, fast = both(patient, ruleset=version)
            assert fast == reference


def test_a_rule_that_reads_no_age_reads_the_same_at_every_age() -> None:
    """A rule taking its default has one memo key at every age unless it reads the age."""
    engine = compiled(get_ruleset("2026.12"), Policy())
    ids = [rule.id for rule in engine.ruleset.rules]
    at_40, at_70 = engine.defaulted_keys(40), engine.defaulted_keys(70)
    cauda_equina = ids.index("redflag.cauda-equina")
    d_dimer = ids.index("score.d-dimer")  # age-adjusted threshold
    assert at_40[cauda_equina] == at_70[cauda_equina]
    assert at_40[d_dimer] != at_70[d_dimer]


def test_open_questions_are_kept_whatever_advice_was_evaluated(never_resting: None) -> None:
    """Open questions are taken from a patient reading the same, whatever the advice.

    No rule reads advice: advice evaluated afresh (no kept answer) changes no question.
    """
    calls = []

    def counting(*args: Any) -> Any:
        calls.append(args)
        return open_questions(*args)

    engine = compiled(get_ruleset("2026.12"), Policy())
    patient = Presentation.of(present=["leg-pain", "leg-cramp", "cramp-in-bed"], age=44)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("legrules.engine.compiled.open_questions", counting)
        for rule, memo in zip(engine.ruleset.rules, engine.memos, strict=True):
            if memo is not None:
                # Every advice evaluated (no kept answer); every other rule's kept.
                advice = rule.kind == "recommendation"
                patch.setattr(memo, "_resting", 10**6 if advice else 0)
        for same in (patient, twin(patient)):
            reference, fast = both(same)
            assert fast == reference
    assert len(calls) <= 1
