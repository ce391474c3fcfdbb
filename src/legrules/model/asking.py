"""What to ask first, in one sentence: shared by every surface that shows an assessment.

The text output leads with it, the FHIR GuidanceResponse carries it as a note, and a
CDS Hooks card can use it as its summary, so a clinician reads the same words
everywhere (``rules.md`` section 7.1).

>>> from datetime import datetime, UTC
>>> from legrules import Presentation, assess
>>> p = Presentation.of(present=["leg-pain"], absent=["dyspnea", "chest-pain"])
>>> print(ask_now(assess(p, as_of=datetime(2026, 11, 22, tzinfo=UTC)), limit=2))
Ask now: heart rate, leg swelling (and 45 more) - any of these could mean EMERGENCY.

.. versionadded:: 0.2
"""

from __future__ import annotations

from legrules.model.assessment import Assessment, OpenQuestion
from legrules.model.vocabulary import VOCABULARY

__all__ = ["ask_now", "display", "most_urgent_questions"]


def display(finding: str) -> str:
    """A finding's name for a sentence (``saddle (perineal) numbness``), or its id."""
    spec = VOCABULARY.get(finding)
    if spec is None:
        return finding
    name = spec.display
    # Lower the first letter unless the first word is an abbreviation (ABI, SpO2).
    first = name.split(" ", 1)[0]
    return name[0].lower() + name[1:] if first[1:] == first[1:].lower() else name


def most_urgent_questions(assessment: Assessment) -> tuple[OpenQuestion, ...]:
    """The questions that could reach the worst case itself (the first group of ask_next)."""
    worst = assessment.worst_case_disposition
    return tuple(q for q in assessment.ask_next if q.could_reach is worst)


def ask_now(assessment: Assessment, *, limit: int = 6) -> str | None:
    """One sentence naming what to ask first, or ``None`` when nothing open could raise it.

    Only when ``worst_case_disposition`` is above ``disposition``: the findings that could
    reach the worst case (at most *limit*, then how many more), or, when only the absence
    of a finding could (``injury`` for "sudden severe pain without an injury"), the
    unresolved red flags at that level with what they miss.
    """
    worst = assessment.worst_case_disposition
    if not worst.above(assessment.disposition):
        return None
    level = worst.value.upper()
    first = most_urgent_questions(assessment)
    if first:
        names = ", ".join(display(q.finding) for q in first[:limit])
        more = f" (and {len(first) - limit} more)" if len(first) > limit else ""
        return f"Ask now: {names}{more} - any of these could mean {level}."
    levels = {f.id: f.level for f in assessment.red_flags}
    open_flags = [u for u in assessment.unresolved if levels.get(u.id) is worst]
    if open_flags:
        asks = "; ".join(
            f"{', '.join(display(m) for m in u.missing)} (for {u.id})" for u in open_flags
        )
        return f"Ask now: {asks} - the answer could mean {level}."
    return f"Still open: the unknown findings could mean {level}; see the open questions."
