"""Cards from an assessment: one per met red flag, one summary, none for nothing.

A red-flag card's indicator follows the flag's level (``rules.md`` section 1:
emergency and urgent are ``critical``, soon ``warning``, the rest ``info``); the
summary card's follows the disposition.  Every card names its rule, version and
citation in ``source``, offers the write-back resource it stands for as a suggestion,
and lists HL7's non-adherence reasons as override reasons.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable
from typing import Any

import attrs

from legrules import RuleSet
from legrules.cdshooks.models import Action, Card, Coding, Source, Suggestion
from legrules.cdshooks.terminology import OVERRIDE_REASONS, dvt_order
from legrules.fhir import DEFAULT_BASE, rule_system
from legrules.fhir.write.transaction import red_flag_entries
from legrules.model import (
    Assessment,
    Disposition,
    Evidence,
    Likelihood,
    Presence,
    Presentation,
    Status,
    concept,
)

__all__ = [
    "IssuedCard",
    "ask_next",
    "cards_for",
    "flag_resources",
    "is_empty",
    "label",
    "new_uuid",
    "red_flag_cards",
    "shorten",
    "source_for",
    "summary_card",
    "worst_case",
]

_MAX_SUMMARY = 139  # the specification: "<140-character summary"
_SHOWN = (Likelihood.CONFIRMED, Likelihood.LIKELY, Likelihood.POSSIBLE)
_MEANING = {
    Disposition.EMERGENCY: "emergency: assess immediately",
    Disposition.URGENT: "urgent: assess today",
    Disposition.SOON: "soon: see within days",
    Disposition.ROUTINE: "routine",
    Disposition.SELF_CARE: "self-care",
    Disposition.UNDETERMINED: "undetermined: red-flag screen incomplete",
}


@attrs.frozen
class IssuedCard:
    """A card and the rule it reports, for the feedback table."""

    card: Card
    rule: str
    version: str


def shorten(text: str, limit: int = _MAX_SUMMARY) -> str:
    """*text*, cut at a word with an ellipsis when longer than *limit* characters."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"


@functools.lru_cache(maxsize=1024)
def label(finding: str) -> str:
    """A finding's display name (its id when the vocabulary does not know it)."""
    try:
        return concept(finding).display
    except (KeyError, LookupError, ValueError):
        return finding


def _evidence(items: Iterable[Evidence]) -> list[str]:
    lines = []
    for e in items:
        side = f" ({e.laterality.value})" if e.laterality else ""
        origin = f" \u2014 {e.source}" if e.source else ""
        lines.append(f"- {label(e.finding)}{side}: {e.value}{origin}")
    return lines


def source_for(ruleset: RuleSet, rule_id: str, base: str = DEFAULT_BASE) -> Source:
    """The card source for *rule_id*: rule id and version, its citation's URL, a topic."""
    rule = ruleset.rule(rule_id)
    cited = next((c for c in rule.citations if c.url), None)
    return Source(
        label=f"legrules {rule.id} {rule.version}",
        url=cited.url if cited else None,
        topic=Coding(system=rule_system(base), code=rule.id, display=rule.title),
    )


def _citations(ruleset: RuleSet, rule_id: str) -> list[str]:
    return [f"- {c.text}" for c in ruleset.rule(rule_id).citations]


def new_uuid() -> str:
    """A random card or suggestion uuid (nothing about the patient in it)."""
    return str(uuid.uuid4())


def flag_resources(assessment: Assessment, base: str) -> dict[str, dict[str, Any]]:
    """The Flag the write-back Bundle holds for each met red flag, by rule id.

    The same Flag, identifier included, as :func:`~legrules.fhir.transaction_bundle`
    writes, built without the rest of the Bundle.  A suggestion's action carries no
    fullUrl, so the Bundle-internal reference to the author Device is replaced by its
    display.
    """
    author = {"display": f"legrules {assessment.legrules_version}".strip()}
    flags = {}
    for entry in red_flag_entries(assessment, base=base):
        resource = {**entry["resource"], "author": dict(author)}
        flags[resource["code"]["coding"][0]["code"]] = resource
    return flags


def red_flag_cards(
    assessment: Assessment, ruleset: RuleSet, base: str, flags: dict[str, dict[str, Any]]
) -> list[IssuedCard]:
    """One card per met red flag, most urgent first, offering its Flag (from *flags*)."""
    issued = []
    met = [f for f in assessment.red_flags if f.status is Status.MET]
    for flag in sorted(met, key=lambda f: f.level.rank):  # most urgent first
        rule = ruleset.rule(flag.id)
        advice = [f"- {r.text}" for r in assessment.recommendations if flag.id in r.because]
        detail = [
            f"**Red flag met**: {rule.title} (`{flag.id}` {flag.version}), "
            f"level **{flag.level.value}**.",
            "",
            "Evidence:",
            *_evidence(flag.evidence),
            *(["", "Advice:", *advice] if advice else []),
            "",
            "Sources:",
            *_citations(ruleset, flag.id),
        ]
        suggestions = None
        if flag.id in flags:
            action = Action(
                type="create",
                description=f"Record the red flag '{rule.title}' as an active Flag",
                resource=flags[flag.id],
            )
            suggestions = [Suggestion(label="Flag the chart", uuid=new_uuid(), actions=[action])]
        card = Card(
            uuid=new_uuid(),
            summary=shorten(f"{rule.title}: {_MEANING[flag.level]}"),
            detail="\n".join(detail),
            indicator=flag.level.cds_indicator,  # type: ignore[arg-type]
            source=source_for(ruleset, flag.id, base),
            suggestions=suggestions,
            selectionBehavior="at-most-one" if suggestions else None,
            overrideReasons=list(OVERRIDE_REASONS),
        )
        issued.append(IssuedCard(card, flag.id, flag.version))
    return issued


def worst_case(assessment: Assessment) -> Disposition:
    """The most urgent level the open questions could still reach (rules.md 7.1)."""
    return assessment.worst_case_disposition


def ask_next(assessment: Assessment) -> list[tuple[str, Disposition, tuple[str, ...]]]:
    """``(finding, level it could reach, rules it settles)``, most urgent first."""
    return [(q.finding, q.could_reach, q.settles) for q in assessment.ask_next]


def is_empty(assessment: Assessment, presentation: Presentation) -> bool:
    """Whether there is nothing to tell, hence no card at all.

    Nothing: no met red flag, no differential possible or above, and no leg complaint
    recorded (a chart opened for an unrelated reason gets no card).
    """
    if any(f.status is Status.MET for f in assessment.red_flags):
        return False
    if any(d.likelihood in _SHOWN for d in assessment.differentials):
        return False
    return not any(f.state is Presence.PRESENT for f in presentation.findings)


def _order_suggestions(assessment: Assessment) -> list[Suggestion]:
    """A ServiceRequest to create for each test the DVT pathway recommends."""
    found = []
    for rec in assessment.recommendations:
        kind = {"rec.dvt-imaging-pathway": "ultrasound", "rec.d-dimer": "d-dimer"}.get(rec.id)
        if kind is None or assessment.patient is None:
            continue
        order = dvt_order(kind, assessment.patient, rec.text)
        action = Action(type="create", description=f"Order {order['code']['text']}", resource=order)
        found.append(
            Suggestion(label=f"Order {order['code']['text']}", uuid=new_uuid(), actions=[action])
        )
    return found


@functools.lru_cache(maxsize=4096)
def _ask_line(finding: str, level: Disposition, rules: tuple[str, ...]) -> str:
    """The summary detail's line for one open question (a few dozen per call, cached)."""
    return f"- {label(finding)}: could mean **{level.value}** ({', '.join(rules)})"


def _summary_detail(assessment: Assessment, notes: Iterable[str]) -> str:
    worst = worst_case(assessment)
    lines = [f"**Disposition**: {assessment.disposition.value} (what is known proves this)."]
    if worst.rank < assessment.disposition.rank:
        lines.append(f"**Worst case**: {worst.value}, if the open questions below are positive.")
    asks = assessment.ask_next
    if asks:
        lines += ["", "**Ask or measure next**:"]
        lines += [_ask_line(q.finding, q.could_reach, q.settles) for q in asks]
    shown = [d for d in assessment.differentials if d.likelihood in _SHOWN]
    if shown:
        lines += ["", "**Differentials**:"]
        lines += [f"- `{d.id}` {d.version}: {d.likelihood.value}" for d in shown]
    if assessment.recommendations:
        lines += ["", "**Advice**:"]
        lines += [f"- ({r.audience.value}) {r.text}" for r in assessment.recommendations]
    if assessment.ignored:
        lines += ["", "**Set aside** (not used):"]
        lines += [f"- {i.reference}: {i.reason}" for i in assessment.ignored]
    notes = list(notes)
    if notes:
        lines += ["", *notes]
    return "\n".join(lines)


def _summary_text(assessment: Assessment) -> str:
    worst, asks = worst_case(assessment), ask_next(assessment)
    text = f"Leg pain: {_MEANING[assessment.disposition]}"
    if worst.rank < assessment.disposition.rank:
        text += f"; could be {worst.value}"
        if asks:
            # Dozens of findings may be open; the summary shows the first few before
            # it is cut, so labels stop once the text is past the limit (a longer
            # text would be cut at the same place).
            for index, (finding, _, _) in enumerate(asks):
                text += ("; ask: " if index == 0 else ", ") + label(finding).lower()
                if len(text) > _MAX_SUMMARY:
                    break
    return shorten(text)


def summary_card(
    assessment: Assessment, ruleset: RuleSet, base: str, notes: Iterable[str] = ()
) -> IssuedCard:
    """The card for the whole result: disposition, worst case, what to ask next."""
    suggestions = _order_suggestions(assessment)
    card = Card(
        uuid=new_uuid(),
        summary=_summary_text(assessment),
        detail=_summary_detail(assessment, notes),
        indicator=assessment.cds_indicator,  # type: ignore[arg-type]
        source=Source(
            label=f"legrules rule set {ruleset.version}",
            topic=Coding(
                system=rule_system(base), code="ruleset", display=f"legrules {ruleset.version}"
            ),
        ),
        suggestions=suggestions or None,
        selectionBehavior="any" if suggestions else None,
        overrideReasons=list(OVERRIDE_REASONS),
    )
    return IssuedCard(card, f"ruleset {ruleset.version}", ruleset.version)


def cards_for(
    assessment: Assessment,
    presentation: Presentation,
    ruleset: RuleSet,
    *,
    base: str = DEFAULT_BASE,
    notes: Iterable[str] = (),
) -> list[IssuedCard]:
    """The patient-view cards: met red flags first (most urgent first), then the summary.

    No card at all when :func:`is_empty`.  *notes* (e.g. data that could not be had)
    go into the summary's detail.
    """
    if is_empty(assessment, presentation):
        return []
    flags = (
        flag_resources(assessment, base)
        if any(f.status is Status.MET for f in assessment.red_flags)
        else {}
    )
    red = red_flag_cards(assessment, ruleset, base, flags)
    return [*red, summary_card(assessment, ruleset, base, notes)]
