"""The adaptive interview: ask only what can still change the disposition.

:func:`next_questions` assesses what is known and takes the questions from the
assessment's ``ask_next`` (``rules.md`` 7.1): the unknown findings that could raise the
level, most urgent level first, then the one that settles most open rules.  When
``ask_next`` holds nothing the audience can answer while the worst case is still above
the disposition, the missing findings of the open rules come next, so the interview
never stops on a level that a fuller form could have raised.  It stops (returns
nothing) when the worst case equals the disposition, or when only a clinician could
settle what is left; the assessment then says what remains open.

A question already put is never put again: "don't know" is an answer, and a finding
the presentation states in any way (present, absent, unknown) counts as asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

from legrules.engine import assess
from legrules.fhir.read.questionnaire_responses import AGE_LINK
from legrules.intake._wording import wording
from legrules.model import (
    VOCABULARY,
    Assessment,
    Audience,
    Disposition,
    Likelihood,
    Policy,
    Presentation,
    Status,
)
from legrules.rules import RuleSet, get_ruleset

__all__ = ["Question", "asked_in", "next_questions", "open_findings"]


@attrs.frozen
class Question:
    """A question to put next: the finding it asks about and why it matters.

    ``could_reach`` is the level a "yes" could raise the disposition to (``None`` for a
    question that settles an open rule without a single answer raising the level);
    ``settles`` names the open rules it bears on.
    """

    finding: str
    text: str
    could_reach: Disposition | None
    settles: tuple[str, ...] = ()


def asked_in(presentation: Presentation) -> frozenset[str]:
    """The findings *presentation* already states, in any state (unknown included)."""
    named = {f.id for f in presentation.findings} | {m.id for m in presentation.measurements}
    if presentation.patient.age is not None:
        named.add(AGE_LINK)
    return frozenset(named)


def _askable(finding: str, audience: Audience) -> bool:
    return (finding in VOCABULARY or finding == AGE_LINK) and wording().askable(finding, audience)


def open_findings(assessment: Assessment) -> tuple[str, ...]:
    """The missing findings of every open rule that could still raise the disposition."""
    disposition = assessment.disposition
    found = [
        name
        for flag in assessment.red_flags
        if flag.status is Status.INDETERMINATE and flag.level.above(disposition)
        for name in flag.missing
    ]
    found += [
        name
        for result in assessment.differentials
        if result.likelihood is Likelihood.INDETERMINATE
        for name in result.missing
    ]
    return tuple(dict.fromkeys(found))


def _candidates(
    assessment: Assessment, audience: Audience, asked: frozenset[str]
) -> list[Question]:
    words = wording()
    ordered = sorted(
        assessment.ask_next, key=lambda q: (q.could_reach.rank, -len(q.settles))
    )  # sorted() is stable: ask_next's own order breaks the remaining ties
    chosen = [
        Question(q.finding, words.question(q.finding, audience), q.could_reach, q.settles)
        for q in ordered
        if q.finding not in asked and _askable(q.finding, audience)
    ]
    if chosen or not assessment.worst_case_disposition.above(assessment.disposition):
        return chosen
    return [
        Question(name, words.question(name, audience), None)
        for name in open_findings(assessment)
        if name not in asked and _askable(name, audience)
    ]


def next_questions(
    presentation: Presentation,
    n: int = 1,
    *,
    as_of: datetime | None = None,
    ruleset: RuleSet | str | None = None,
    policy: Policy | Mapping[str, Any] | None = None,
    audience: Audience | str = Audience.PATIENT,
    asked: Iterable[str] = (),
) -> tuple[Question, ...]:
    """Up to *n* questions to put next; none when nothing left can change the disposition.

    *asked* adds questions put but left blank (a measurement whose answer is not known);
    everything *presentation* states counts as asked already.
    """
    result = assess(presentation, as_of=as_of, ruleset=get_ruleset(ruleset), policy=policy)
    return questions_for(result, presentation, n=n, audience=audience, asked=asked)


def questions_for(
    assessment: Assessment,
    presentation: Presentation,
    *,
    n: int = 1,
    audience: Audience | str = Audience.PATIENT,
    asked: Iterable[str] = (),
) -> tuple[Question, ...]:
    """:func:`next_questions` for an *assessment* of *presentation* already made."""
    put = asked_in(presentation) | frozenset(asked)
    return tuple(_candidates(assessment, Audience(audience), put)[: max(n, 0)])
