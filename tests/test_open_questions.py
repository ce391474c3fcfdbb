"""What is still open (rules.md section 7.1): the worst case and the questions to ask next."""

from __future__ import annotations

import functools
from collections.abc import Mapping

import attrs
import pytest

import legrules
from legrules import Disposition, Presentation, get_ruleset
from legrules.errors import InvalidValueError
from legrules.model import Likelihood, OpenQuestion
from tests.red_flag_cases import scenario
from tests.support import AS_OF
from tests.support import run_2026_11 as run

#: The mechanics are shown on rule set 2026.11, whose all-clear scenario settles every
#: red flag; the 2026.12 rules are covered by the properties and vignettes.
_run = functools.partial(run, ruleset="2026.11")

#: Rule set 2026.11's rules under the 2026.12 disposition policy, for the policy's tests.
POLICY_2026_12 = attrs.evolve(
    get_ruleset("2026.11"), version="test-policy-2026.12", disposition_policy="2026.12"
)
CAUDA_EQUINA = ("saddle-anesthesia", "urinary-retention", "urinary-incontinence")
#: With the all-clear scenario, these settle the flags a present finding could reopen.
QUIET = (
    "ultrasound-dvt",
    "focal-bony-tenderness",
    "altered-mentation",
    "absent-foot-pulses",
    "pallor",
    "cold-limb",
    "pain-out-of-proportion",
    "pain-on-passive-stretch",
)
#: A normal respiratory rate and blood pressure: qSOFA 0, so sepsis cannot be met.
NORMAL_VITALS = {"respiratory-rate": (16.0, "/min"), "systolic-bp": (125.0, "mm[Hg]")}


def _quiet(
    *,
    present: tuple[str, ...] = (),
    unknown: tuple[str, ...] = (),
    absent: tuple[str, ...] = (),
    measured: Mapping[str, tuple[float, str]] | None = None,
) -> Presentation:
    """The all-clear scenario with *present* findings and the *unknown* ones left open."""
    absent = (*(q for q in QUIET if q not in unknown and q not in present), *absent)
    quantities = {**NORMAL_VITALS, **(measured or {})}
    return scenario(present=present, absent=absent, unknown=unknown, measured=quantities)


def _sciatica(*unknown: str) -> legrules.Assessment:
    """Likely sciatica with every red flag ruled out except the *unknown* findings."""
    return _run(
        scenario(
            present=(("pain-radiates-below-knee", "right"), "leg-pain-worse-than-back-pain"),
            absent=(("pain-radiates-below-knee", "left"), *QUIET),
            unknown=unknown,
            measured=NORMAL_VITALS,
        )
    )


def test_worst_case_equals_disposition_when_nothing_open_could_raise_it() -> None:
    """Every red flag settled and nothing raising open: the worst case is the disposition."""
    result = _sciatica()
    assert result.disposition is Disposition.ROUTINE
    assert result.worst_case_disposition is Disposition.ROUTINE
    assert result.ask_next == ()


def test_unasked_cauda_equina_questions_make_the_worst_case_an_emergency() -> None:
    """Likely sciatica with the cauda equina questions unasked is routine, worst emergency."""
    result = _sciatica(*CAUDA_EQUINA)
    assert result.disposition is Disposition.ROUTINE
    assert result.worst_case_disposition is Disposition.EMERGENCY
    assert [q.finding for q in result.ask_next] == list(CAUDA_EQUINA)
    assert all(q.could_reach is Disposition.EMERGENCY for q in result.ask_next)
    assert all(q.settles == ("redflag.cauda-equina",) for q in result.ask_next)


def test_questions_are_ordered_by_level_then_by_how_many_rules_they_settle() -> None:
    """Emergency questions come before urgent ones; within a level, wider ones first."""
    result = _sciatica("saddle-anesthesia", "unable-to-bear-weight", "leg-swelling", "fever")
    order = [(q.finding, q.could_reach.value, len(q.settles)) for q in result.ask_next]
    assert order[0] == ("saddle-anesthesia", "emergency", 1)
    assert [level for _, level, _ in order[1:]] == ["urgent"] * (len(order) - 1)
    counts = [count for _, _, count in order[1:]]
    assert counts == sorted(counts, reverse=True)
    assert order[1][0] == "leg-swelling"  # suspected DVT, leg infection, DVT
    fever = next(q for q in result.ask_next if q.finding == "fever")
    # Sepsis also needs qSOFA 2, and the vital signs are normal: fever reaches urgent only.
    assert fever.settles == ("redflag.leg-infection",)


def test_a_finding_whose_presence_cannot_raise_the_level_is_not_asked() -> None:
    """Injury rules sudden severe pain out; present, it cannot make that flag met."""
    result = _run(
        _quiet(present=("sudden-onset",), unknown=("injury",), measured={"pain-score": (8, "1")})
    )
    assert result.red_flag("redflag.sudden-severe-pain").status.value == "indeterminate"
    assert result.worst_case_disposition is Disposition.URGENT
    assert "injury" not in [q.finding for q in result.ask_next]
    assert {u.id: u.missing for u in result.unresolved} == {
        "redflag.sudden-severe-pain": ("injury",)
    }


def test_a_differential_that_could_become_more_urgent_raises_the_worst_case() -> None:
    """Focal bony tenderness on the shin, shin pain unknown: a stress fracture could be soon."""
    result = _run(_quiet(present=("focal-bony-tenderness", "running-or-increased-training")))
    assert result.differential("ddx.shin-splints").likelihood is Likelihood.INDETERMINATE
    assert result.disposition is Disposition.SELF_CARE
    assert result.worst_case_disposition is Disposition.SOON
    first = result.ask_next[0]
    assert (first.finding, first.could_reach, first.settles) == (
        "pain-inner-shin",
        Disposition.SOON,
        ("ddx.shin-splints",),
    )
    assert all(q.could_reach is Disposition.ROUTINE for q in result.ask_next[1:])


def test_a_settled_differential_that_could_still_become_more_urgent_counts() -> None:
    """Shin splints unlikely (no exercise), focal tenderness unknown: a stress fracture could be.

    The deciding function settles "unlikely" although a more urgent conclusion (possible
    stress fracture, soon) still hangs on the unknown findings.
    """
    result = _run(
        _quiet(
            present=("pain-inner-shin",),
            unknown=("focal-bony-tenderness",),
            absent=("running-or-increased-training",),
        )
    )
    assert result.differential("ddx.shin-splints").likelihood is Likelihood.UNLIKELY
    assert result.worst_case_disposition is Disposition.SOON
    first = result.ask_next[0]
    assert (first.finding, first.could_reach, first.settles) == (
        "focal-bony-tenderness",
        Disposition.SOON,
        ("ddx.shin-splints",),
    )


def test_only_the_unknowns_that_decide_are_asked() -> None:
    """Every DVT sign absent: an unknown ultrasound could confirm a DVT; Wells items cannot."""
    result = _run(_quiet(unknown=("ultrasound-dvt",)))
    assert result.differential("ddx.dvt").likelihood is Likelihood.UNLIKELY
    assert result.worst_case_disposition is Disposition.URGENT
    dvt = [q.finding for q in result.ask_next if "ddx.dvt" in q.settles]
    assert dvt == ["ultrasound-dvt"]


def test_an_undetermined_disposition_has_a_worst_case_above_self_care() -> None:
    """Nothing known: undetermined now, and the unknowns could make it an emergency."""
    result = _run(legrules.Presentation())
    assert result.disposition is Disposition.UNDETERMINED
    assert result.worst_case_disposition is Disposition.EMERGENCY
    assert result.ask_next[0].could_reach is Disposition.EMERGENCY
    ranks = [q.could_reach.rank for q in result.ask_next]
    assert ranks == sorted(ranks)


def test_possible_differential_sets_its_own_level_under_the_2026_12_policy() -> None:
    """Sciatica possible is self-care under 2026.11, and routine (its level) from 2026.12."""
    presentation = scenario(
        present=(("pain-radiates-below-knee", "right"),),
        absent=(
            ("pain-radiates-below-knee", "left"),
            "leg-pain-worse-than-back-pain",
            "straight-leg-raise-positive",
            "dermatomal-numbness",
        ),
    )
    old, new = _run(presentation, ruleset="2026.11"), _run(presentation, ruleset=POLICY_2026_12)
    for result in (old, new):
        assert result.differential("ddx.sciatica").likelihood is Likelihood.POSSIBLE
    assert old.disposition is Disposition.SELF_CARE
    assert new.differential("ddx.sciatica").level is Disposition.ROUTINE
    assert new.disposition is Disposition.ROUTINE


def test_the_2026_12_policy_leaves_a_differential_whose_own_level_is_self_care() -> None:
    """Likely shin splints set self-care in both policies: only focal tenderness is soon."""
    presentation = scenario(
        present=(
            "running-or-increased-training",
            "pain-inner-shin",
            "shin-tenderness-diffuse",
        ),
        absent=("focal-bony-tenderness",),
    )
    result = _run(presentation, ruleset=POLICY_2026_12)
    assert result.differential("ddx.shin-splints").likelihood is Likelihood.LIKELY
    assert result.disposition is Disposition.SELF_CARE


def test_the_2026_12_policy_counts_a_possible_conclusion_in_the_worst_case() -> None:
    """Cramps with low potassium ruled out: fluid loss unknown could make it possible (soon)."""
    presentation = scenario(
        present=("leg-cramp",),
        absent=("cramp-very-painful", "sleep-disrupted"),
        measured={"potassium": (4.0, "mmol/L"), "magnesium": (0.9, "mmol/L")},
    )
    old, new = _run(presentation, ruleset="2026.11"), _run(presentation, ruleset=POLICY_2026_12)
    assert old.differential("ddx.electrolyte-depletion").likelihood is Likelihood.INDETERMINATE
    assert not any(q.settles == ("ddx.electrolyte-depletion",) for q in old.ask_next)
    assert any("ddx.electrolyte-depletion" in q.settles for q in new.ask_next)


def test_document_carries_the_worst_case_and_questions_and_loads_back_equal() -> None:
    """The JSON document has both keys, valid against the schema, and round-trips."""
    result = _sciatica(*CAUDA_EQUINA)
    document = legrules.dump_assessment(result)
    assert document["worst_case_disposition"] == "emergency"
    assert document["ask_next"][0] == {
        "finding": "saddle-anesthesia",
        "could_reach": "emergency",
        "settles": ["redflag.cauda-equina"],
    }
    assert legrules.load_assessment(document) == result


def test_document_whose_worst_case_is_below_its_disposition_is_rejected() -> None:
    """A stored worst case less urgent than the disposition is an input error at its key."""
    document = legrules.dump_assessment(_sciatica(*CAUDA_EQUINA))
    document["worst_case_disposition"] = "self-care"
    with pytest.raises(InvalidValueError, match="below disposition"):
        legrules.load_assessment(document)


def test_question_that_could_not_raise_the_level_is_refused() -> None:
    """An ask_next entry at or below the disposition contradicts the assessment."""
    result = _sciatica(*CAUDA_EQUINA)
    with pytest.raises(ValueError, match="must be above"):
        attrs.evolve(result, ask_next=(OpenQuestion("fever", Disposition.ROUTINE),))


def test_question_reaching_past_the_worst_case_is_refused() -> None:
    """An ask_next entry more urgent than the worst case contradicts the assessment."""
    result = _sciatica()  # nothing open: the worst case is the disposition
    assert result.worst_case_disposition is result.disposition is not Disposition.EMERGENCY
    with pytest.raises(ValueError, match="no more urgent than"):
        attrs.evolve(result, ask_next=(OpenQuestion("fever", Disposition.EMERGENCY),))


def test_older_documents_without_the_keys_load_with_the_disposition_as_worst_case() -> None:
    """A document written before 0.2 loads: worst case = disposition, nothing to ask."""
    document = legrules.dump_assessment(_sciatica())
    del document["worst_case_disposition"], document["ask_next"]
    loaded = legrules.load_assessment(document)
    assert loaded.worst_case_disposition is loaded.disposition
    assert loaded.ask_next == ()
    assert loaded.as_of == AS_OF


def test_an_unasked_focal_bony_tenderness_counts_in_the_worst_case_under_2026_12() -> None:
    """A painful inner shin with focal tenderness unasked could be a stress fracture (soon).

    Shin splints' likely conclusion is self-care, so the rule's own level is self-care;
    its possible conclusion (focal bony tenderness) is soon.  The worst case once read the
    possible conclusion at the rule's own level and hid it.
    """
    presentation = _quiet(
        present=("pain-inner-shin",),
        unknown=("focal-bony-tenderness",),
        absent=("running-or-increased-training", "shin-tenderness-diffuse"),
    )
    result = _run(presentation, ruleset=POLICY_2026_12)
    assert result.disposition is Disposition.SELF_CARE
    assert result.worst_case_disposition is Disposition.SOON
    asked = {q.finding: q for q in result.ask_next}
    assert asked["focal-bony-tenderness"].could_reach is Disposition.SOON
    assert "ddx.shin-splints" in asked["focal-bony-tenderness"].settles
