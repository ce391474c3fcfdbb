"""How many questions the adaptive interview asks, against the full intake form.

Patients come from the shipped hypothesis strategies (derandomized, so every run draws
the same ones): partly known presentations, fully known ones, and ones meeting an
emergency or urgent red flag by construction.  Each patient answers the adaptive
interview from their own facts ("don't know" where the facts are silent) until nothing
left can change the disposition; the full form asks every question of the patient form.

Reported: the mean and 95th centile of the number of questions asked, overall and by
kind of patient, against the full form's question count; and how often the adaptive
disposition differs from the full form's (it may be *more* urgent, since the full form
also learns facts that can only settle rules, but never less: the safety test in
``tests/intake/test_adaptive.py`` checks that).  Run ``python benchmarks/intake.py [N]``
(N patients per kind, default 40).
"""

from __future__ import annotations

import statistics
import sys
from collections.abc import Callable
from datetime import UTC, datetime

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from legrules import Presentation, assess
from legrules.intake import asked_findings, build_questionnaire, interview
from legrules.intake.simulate import answer_from, full_form, starting_point
from legrules.strategies import presentations

AS_OF = datetime(2026, 11, 20, 10, tzinfo=UTC)

KINDS: dict[str, st.SearchStrategy[Presentation]] = {
    "partly known": presentations(as_of=AS_OF),
    "fully known": presentations(complete=True, as_of=AS_OF),
    "possible PE": presentations(meeting="redflag.possible-pe", as_of=AS_OF),
    "cauda equina": presentations(meeting="redflag.cauda-equina", as_of=AS_OF),
    "suspected DVT": presentations(meeting="redflag.suspected-dvt", as_of=AS_OF),
}


def draw(strategy: st.SearchStrategy[Presentation], count: int) -> list[Presentation]:
    """*count* examples of *strategy*, the same ones on every run."""
    found: list[Presentation] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(truth: Presentation) -> None:
        found.append(truth)

    collect()
    return found[:count]


def centile(values: list[int], share: float) -> float:
    """The *share* centile of *values* (nearest rank)."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5))
    return float(ordered[min(rank, len(ordered)) - 1])


def run(count: int, report: Callable[[str], object] = print) -> dict[str, float]:
    """Interview *count* patients of each kind; report and return the overall figures."""
    form = build_questionnaire()
    questions = len(asked_findings(audience="patient"))
    items = sum(1 for group in form["item"] for _ in group.get("item", [group]))
    report(f"full patient form: {questions} questions ({items} items with the side follow-ups)")
    every: list[int] = []
    higher = lower = 0
    for kind, strategy in KINDS.items():
        asked: list[int] = []
        for truth in draw(strategy, count):
            done = interview(answer_from(truth), start=starting_point(truth), as_of=AS_OF)
            full = assess(full_form(truth), as_of=AS_OF).disposition
            adaptive = done.assessment.disposition
            higher += adaptive.above(full)
            lower += full.above(adaptive)
            asked.append(len(done.asked))
        every += asked
        report(
            f"{kind:<14} n={len(asked):<4} mean {statistics.mean(asked):5.1f}  "
            f"p95 {centile(asked, 0.95):5.1f}  max {max(asked)}"
        )
    mean, p95 = statistics.mean(every), centile(every, 0.95)
    report(
        f"all            n={len(every):<4} mean {mean:5.1f}  p95 {p95:5.1f}  "
        f"= {mean / questions:.0%} / {p95 / questions:.0%} of the full form"
    )
    report(f"adaptive disposition more urgent than the full form's: {higher}; less urgent: {lower}")
    return {"mean": mean, "p95": p95, "questions": questions, "lower": lower}


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
