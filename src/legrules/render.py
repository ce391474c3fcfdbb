"""Plain-text rendering of an assessment, for people reading a terminal or a log."""

from __future__ import annotations

from legrules.model import (
    Assessment,
    Evidence,
    Likelihood,
    ScoreResult,
    Status,
)
from legrules.model.asking import ask_now
from legrules.model.vocabulary import VOCABULARY

__all__ = ["render_text"]

_HEADLINES = {
    "emergency": "EMERGENCY: call emergency services or go to the emergency department now.",
    "urgent": "URGENT: be seen by a clinician today.",
    "soon": "SOON: see a clinician within a few days.",
    "routine": "ROUTINE: mention it at the next routine visit.",
    "self-care": "SELF-CARE: can be managed at home with the advice below.",
    "undetermined": "UNDETERMINED: not enough information to advise; see the open questions.",
}


def _name(finding_id: str) -> str:
    spec = VOCABULARY.get(finding_id)
    return spec.display if spec else finding_id


def _facts(evidence: tuple[Evidence, ...]) -> str:
    parts = []
    for item in evidence:
        side = f" ({item.laterality.value})" if item.laterality else ""
        source = f" [{item.source}]" if item.source else ""
        parts.append(f"{_name(item.finding)}{side}: {item.value}{source}")
    return "; ".join(parts)


def _score(result: ScoreResult) -> str:
    side = f" {result.laterality.value}" if result.laterality else ""
    klass = f" ({result.class_})" if result.class_ else ""
    return f"  {result.id}{side}: {result.shown}{klass}"


def _asking(assessment: Assessment) -> list[str]:
    sentence = ask_now(assessment)
    return [sentence] if sentence else []


def render_text(assessment: Assessment) -> str:
    """A readable summary: what to ask first, disposition, red flags, findings, advice.

    When the unknowns could still raise the level, the first line says what to ask
    (:func:`legrules.model.asking.ask_now`) and the worst case follows the headline.
    """
    lines = [*_asking(assessment), _HEADLINES[assessment.disposition.value]]
    worst = assessment.worst_case_disposition
    if worst.above(assessment.disposition):
        lines.append(f"Worst case, until the questions are answered: {worst.value.upper()}.")
    lines += [
        f"(rule set {assessment.ruleset.id} {assessment.ruleset.version}, "
        f"as of {assessment.as_of.isoformat()})",
        "",
    ]
    met = [f for f in assessment.red_flags if f.status is Status.MET]
    if met:
        lines.append("Red flags met:")
        lines += [f"  {f.id} [{f.level.value}]: {_facts(f.evidence)}" for f in met]
        lines.append("")
    if assessment.unresolved:
        lines.append("Open questions (red flags that could not be ruled out):")
        for item in assessment.unresolved:
            asks = ", ".join(_name(m) for m in item.missing)
            lines.append(f"  {item.id}: ask or measure {asks}")
        lines.append("")
    determined = [s for s in assessment.scores if s.min is not None]
    if determined:
        lines.append("Scores:")
        lines += [_score(s) for s in determined]
        lines.append("")
    shown = [
        d
        for d in assessment.differentials
        if d.likelihood in (Likelihood.CONFIRMED, Likelihood.LIKELY, Likelihood.POSSIBLE)
    ]
    if shown:
        lines.append("Possible causes:")
        lines += [f"  {d.id}: {d.likelihood.value}" for d in shown]
        lines.append("")
    open_causes = [d for d in assessment.differentials if d.likelihood is Likelihood.INDETERMINATE]
    if open_causes:
        lines.append("Causes that could not be settled:")
        for cause in open_causes:
            lines.append(f"  {cause.id}: needs {', '.join(_name(m) for m in cause.missing)}")
        lines.append("")
    if assessment.recommendations:
        lines.append("Recommendations:")
        for rec in assessment.recommendations:
            lines.append(f"  [{rec.audience.value}] {rec.text}")
            lines += [f"      caution: {c}" for c in rec.cautions]
        lines.append("")
    if assessment.withheld:
        lines.append("Withheld:")
        lines += [f"  {w.id}: {w.reason}" for w in assessment.withheld]
        lines.append("")
    if assessment.ignored:
        lines.append("Inputs ignored:")
        lines += [f"  {i.reference}: {i.reason}" for i in assessment.ignored]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
