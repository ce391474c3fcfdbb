"""``order-select``: whether the DVT pathway (NICE NG158) supports the test ordered.

For a selected D-dimer or leg vein ultrasound order, one card says whether the
assessment's DVT pathway calls for it now, and why; other orders get no card.
"""

from __future__ import annotations

from typing import Any

from legrules import RuleSet
from legrules.cdshooks.cards import IssuedCard, label, new_uuid, shorten, source_for
from legrules.cdshooks.models import Card
from legrules.cdshooks.terminology import OVERRIDE_REASONS, order_kind
from legrules.fhir import DEFAULT_BASE
from legrules.model import Assessment, Likelihood

__all__ = ["order_cards", "selected_orders"]

_PATHWAY = "ddx.dvt"


def selected_orders(context: dict[str, Any]) -> list[tuple[str, str]]:
    """``(reference, kind)`` of the selected D-dimer and ultrasound orders."""
    selected = set(context.get("selections") or ())
    found = []
    for entry in (context.get("draftOrders") or {}).get("entry") or ():
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            continue
        reference = f"{resource.get('resourceType')}/{resource.get('id')}"
        kind = order_kind(resource)
        if reference in selected and kind is not None:
            found.append((reference, kind))
    return found


def _verdict(assessment: Assessment, kind: str) -> tuple[bool | None, str]:
    """Whether the pathway supports *kind* now (``None``: cannot tell yet), and why."""
    recommended = {r.id for r in assessment.recommendations}
    try:
        dvt = assessment.differential(_PATHWAY)
    except KeyError:
        return None, "the DVT pathway was not evaluated"
    resulted = any(s.id == "score.d-dimer" and s.value is not None for s in assessment.scores)
    if dvt.likelihood is Likelihood.CONFIRMED:
        return False, "DVT is already confirmed by ultrasound"
    if dvt.likelihood is Likelihood.EXCLUDED:
        return (
            False,
            "DVT is already excluded (Wells unlikely with a negative D-dimer, or a negative scan)",
        )
    if dvt.likelihood is Likelihood.INDETERMINATE:
        missing = ", ".join(label(m) for m in dvt.missing[:4])
        return None, f"record {missing}"
    if "rec.dvt-imaging-pathway" in recommended:
        if kind == "ultrasound":
            return True, "DVT likely or D-dimer positive: proximal leg vein ultrasound"
        return True, "scan first; take the D-dimer before any anticoagulant"
    if "rec.d-dimer" in recommended:
        if kind == "d-dimer":
            return True, "Wells unlikely (1 or less): a D-dimer comes first"
        return False, "Wells unlikely: a D-dimer comes first; scan only if it is positive"
    if kind == "d-dimer" and resulted:
        return False, "a D-dimer result is already on record"
    return False, "no DVT sign is recorded, so the DVT pathway does not call for it"


def order_cards(
    assessment: Assessment,
    context: dict[str, Any],
    ruleset: RuleSet,
    base: str = DEFAULT_BASE,
) -> list[IssuedCard]:
    """One card per selected D-dimer or ultrasound order."""
    cards = []
    dvt = assessment.differential(_PATHWAY) if _has(assessment) else None
    for reference, kind in selected_orders(context):
        supported, why = _verdict(assessment, kind)
        name = "D-dimer" if kind == "d-dimer" else "Leg vein ultrasound"
        summary = {
            True: f"{name} fits the DVT pathway: {why}",
            False: f"{name} is not what the DVT pathway calls for now: {why}",
            None: f"{name}: the DVT pathway cannot judge it yet; {why}",
        }[supported]
        detail = [
            f"Order `{reference}`: {why}.",
            "",
            f"DVT pathway (`{_PATHWAY}`): {dvt.likelihood.value if dvt else 'not evaluated'}.",
            "",
            "Sources:",
            *[f"- {c.text}" for c in ruleset.rule(_PATHWAY).citations],
        ]
        card = Card(
            uuid=new_uuid(),
            summary=shorten(summary),
            detail="\n".join(detail),
            indicator="warning" if supported is False else "info",
            source=source_for(ruleset, _PATHWAY, base),
            overrideReasons=list(OVERRIDE_REASONS),
        )
        cards.append(IssuedCard(card, _PATHWAY, dvt.version if dvt else ""))
    return cards


def _has(assessment: Assessment) -> bool:
    return any(d.id == _PATHWAY for d in assessment.differentials)
