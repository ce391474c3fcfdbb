"""A simulated patient answering the intake form, for tests and benchmarks.

The patient's *truth* is a presentation (from the shipped hypothesis strategies, say).
:func:`full_form` is what the whole form learns: every fact of the truth that the form
asks about.  :func:`answer_from` answers the adaptive interview's questions from the
same truth ("don't know" for what the truth leaves unknown), so the two can be compared
patient by patient.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from legrules.fhir.read.questionnaire_responses import AGE_LINK
from legrules.intake.adaptive import Question
from legrules.intake.interview import Answer
from legrules.intake.questionnaire import asked_findings
from legrules.model import (
    VOCABULARY,
    Audience,
    Finding,
    Kind,
    Measurement,
    Patient,
    Presence,
    Presentation,
)
from legrules.rules import RuleSet

__all__ = ["answer_from", "full_form", "starting_point"]


def starting_point(truth: Presentation) -> Presentation:
    """What is known before any question: the instant, onset and sex, no findings."""
    return Presentation(
        patient=Patient(id=truth.patient.id, sex=truth.patient.sex),
        onset=truth.onset,
        as_of=truth.as_of,
    )


def full_form(
    truth: Presentation,
    *,
    ruleset: RuleSet | str | None = None,
    audience: Audience | str = Audience.PATIENT,
) -> Presentation:
    """What the whole form learns from the patient of *truth*."""
    asked = set(asked_findings(ruleset, audience))
    start = starting_point(truth)
    age = truth.patient.age if AGE_LINK in asked else None
    return attrs.evolve(
        start,
        patient=attrs.evolve(start.patient, age=age),
        findings=tuple(f for f in truth.findings if f.id in asked),
        measurements=tuple(m for m in truth.measurements if m.id in asked),
    )


def answer_from(truth: Presentation) -> Callable[[Question], Answer]:
    """Answers to the interview's questions as the patient of *truth* gives them."""

    def answer(question: Question) -> Answer:
        name = question.finding
        if name == AGE_LINK:
            return truth.patient.age
        facts: list[Finding | Measurement] = [f for f in truth.findings if f.id == name]
        facts += [m for m in truth.measurements if m.id == name]
        if facts or VOCABULARY[name].kind is Kind.QUANTITY:
            return facts or None
        return [Finding(name, Presence.UNKNOWN)]  # "don't know"

    return answer
