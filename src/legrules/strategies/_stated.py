"""What a presentation states, read directly from its facts (not through the rules).

The solver decides what is still unknown from the presentation itself, so that a
fault in how the rules read missing data (say, unknown read as absent) cannot hide
the completions that the safety properties look for.
"""

from __future__ import annotations

from datetime import datetime

from legrules.model import VOCABULARY, Finding, Laterality, Measurement, Presence, Presentation

__all__ = ["BOTH_LEGS", "stated_sides"]

BOTH_LEGS = frozenset({Laterality.LEFT, Laterality.RIGHT})
_DERIVED = ("onset-within-14-days", "symptom-duration")


def _legs(side: Laterality | None) -> frozenset[Laterality]:
    return BOTH_LEGS if side in (None, Laterality.BOTH) else frozenset({side})


def stated_sides(p: Presentation, cid: str, as_of: datetime) -> frozenset[Laterality]:
    """The legs on which *cid* is known at *as_of* (both legs for a concept without sides).

    ``age`` counts as a concept; onset-derived facts are known once the onset is.
    """
    if cid == "age":
        return BOTH_LEGS if p.patient.age is not None else frozenset()
    if cid in _DERIVED and p.onset is not None and p.onset <= as_of:
        return BOTH_LEGS
    if cid not in VOCABULARY:
        return BOTH_LEGS  # a rule id or anything else the presentation cannot state
    known = [f for f in p.findings if f.id == cid and f.state is not Presence.UNKNOWN]
    facts: list[Finding | Measurement] = [*known, *(m for m in p.measurements if m.id == cid)]
    legs: set[Laterality] = set()
    for fact in facts:
        if fact.effective is None or fact.effective <= as_of:
            legs |= _legs(fact.laterality)
    return frozenset(legs)
