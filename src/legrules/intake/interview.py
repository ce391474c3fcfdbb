"""The adaptive interview: ask, answer, reassess, until nothing left can change the level.

:func:`interview` runs the loop with any source of answers (a person at a terminal, a
test, a benchmark's simulated patient); :func:`run_interview` is ``legrules interview``:
rich prompts in the terminal, then the assessment.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, TextIO, TypeVar, cast

import attrs

from legrules.engine import assess
from legrules.errors import InputError, InvalidValueError
from legrules.fhir.read.questionnaire_responses import AGE_LINK
from legrules.intake.adaptive import Question, questions_for
from legrules.intake.questionnaire import unit_label
from legrules.model import (
    VOCABULARY,
    Assessment,
    Audience,
    Finding,
    Kind,
    Laterality,
    Measurement,
    Patient,
    Presence,
    Presentation,
    Source,
)
from legrules.model.documents import dump_assessment, dumps
from legrules.rules import RuleSet, get_ruleset

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["Answer", "InterviewResult", "interview", "run_interview"]

T = TypeVar("T")

#: What an answer states: facts about the finding asked (none: left blank), or an age.
Answer = Sequence[Finding | Measurement] | int | None


@attrs.frozen
class InterviewResult:
    """Where an interview ended: what it learnt, the assessment, and what it asked."""

    presentation: Presentation
    assessment: Assessment
    asked: tuple[str, ...]


def interview(
    answer: Callable[[Question], Answer],
    *,
    start: Presentation | None = None,
    as_of: datetime | None = None,
    ruleset: RuleSet | str | None = None,
    audience: Audience | str = Audience.PATIENT,
    limit: int = 500,
) -> InterviewResult:
    """Ask one question at a time until nothing left can change the disposition.

    *answer* gets each :class:`~legrules.intake.Question` and returns the facts
    it states (a "don't know" is an unknown finding; ``None`` leaves it blank) or, for
    the age, a whole number of years.
    """
    if not callable(answer):
        raise InvalidValueError(
            f"answer must be a function of a Question, got {type(answer).__name__}", "answer"
        )
    rules, who = get_ruleset(ruleset), Audience(audience)
    known = start or Presentation()
    instant = as_of or known.as_of or datetime.now(UTC)
    known = attrs.evolve(known, as_of=instant)
    asked: list[str] = []
    result = assess(known, as_of=instant, ruleset=rules)
    while len(asked) < limit:
        chosen = questions_for(result, known, audience=who, asked=asked)
        if not chosen:
            break
        question = chosen[0]
        asked.append(question.finding)
        known = _learn(known, question.finding, answer(question))
        result = assess(known, as_of=instant, ruleset=rules)
    return InterviewResult(known, result, tuple(asked))


def _learn(known: Presentation, finding: str, said: Answer) -> Presentation:
    if said is None:
        return known
    if isinstance(said, int):
        return attrs.evolve(known, patient=attrs.evolve(known.patient, age=said))
    findings = [f for f in said if isinstance(f, Finding)]
    measurements = [m for m in said if isinstance(m, Measurement)]
    return attrs.evolve(
        known,
        findings=(*known.findings, *findings),
        measurements=(*known.measurements, *measurements),
    )


class _Answers(io.TextIOBase):
    """A stream of typed answers that ends the interview with an error when it runs dry."""

    def __init__(self, inner: IO[str]) -> None:
        self.inner = inner

    def readline(self, size: int | None = -1, /) -> str:  # type: ignore[override]
        """The next answer line (rich reads one line per prompt)."""
        line = self.inner.readline()
        if not line:
            raise InvalidValueError("the answers ended before the interview did", "stdin")
        return line


_YES = {"y": Presence.PRESENT, "n": Presence.ABSENT, "?": Presence.UNKNOWN}
_SIDES = {"l": Laterality.LEFT, "r": Laterality.RIGHT, "b": Laterality.BOTH}


def _terminal_answer(
    console: Console, audience: Audience, stream: TextIO | None
) -> Callable[[Question], Answer]:
    from rich.markup import escape
    from rich.prompt import Prompt

    def ask(question: Question) -> Answer:
        source = Source(f"interview#{question.finding}")
        if question.finding == AGE_LINK:
            return _ask_number(console, stream, question.text, lambda v: Patient(age=int(v)).age)
        spec = VOCABULARY[question.finding]
        if spec.kind is Kind.QUANTITY:
            unit = spec.unit or "1"

            def measured(value: float) -> Measurement:
                return Measurement(spec.id, value, unit, source=source)

            text = f"{question.text} ({unit_label(unit)})"
            found = _ask_number(console, stream, text, measured)
            return None if found is None else [found]
        text = escape(question.text)
        reply = Prompt.ask(text, choices=["y", "n", "?"], console=console, stream=stream)
        state, side = _YES[reply], None
        if state is Presence.PRESENT and spec.lateral:
            which = "Which leg? left, right or both" if audience is Audience.PATIENT else "Side"
            side = _SIDES[
                Prompt.ask(which, choices=["l", "r", "b"], console=console, stream=stream)
            ]
        return [Finding(spec.id, state, side, source)]

    return ask


def _ask_number(
    console: Console, stream: TextIO | None, text: str, make: Callable[[float], T]
) -> T | None:
    from rich.markup import escape
    from rich.prompt import Prompt

    while True:
        reply = Prompt.ask(
            escape(f"{text} (blank: don't know)"), default="", console=console, stream=stream
        )
        if not reply.strip():
            return None
        try:
            return make(float(reply))
        except (ValueError, InputError) as error:
            console.print(f"[red]{escape(str(error))}[/red]")


def run_interview(args: argparse.Namespace, answers: IO[str] | None, out: IO[str]) -> None:
    """``legrules interview``: ask in the terminal, then print the assessment.

    *answers* is where the answers are read from (``None``: the terminal, with line
    editing); an answer stream that ends before the interview does is an input error.
    """
    try:
        from rich.console import Console
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError(
            "legrules interview needs rich: pip install 'legrules[intake]'"
        ) from error
    from legrules.render import render_text

    console = Console(file=out, highlight=False)
    who = Audience(args.audience)
    console.print(
        "Answer y (yes), n (no) or ? (don't know). "
        "Only questions that can still change the advice are asked."
    )
    stream = None if answers is None else cast(TextIO, _Answers(answers))
    done = interview(_terminal_answer(console, who, stream), ruleset=args.ruleset, audience=who)
    console.print(f"\n{len(done.asked)} questions asked.\n")
    if args.format == "json":
        out.write(dumps(dump_assessment(done.assessment)).decode() + "\n")
    else:
        out.write(render_text(done.assessment))
