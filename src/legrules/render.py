"""The text of an assessment, for a clinician who has ten seconds: plain text here.

What to ask first (:func:`legrules.model.asking.ask_now`), then one disposition
sentence, why (the met red flags by title, with their evidence), the few questions
that could still change the answer (grouped, most urgent first), the scores that have
data with what they mean, the likely causes, the advice, and what was not used.
Everything else (every open red flag and cause, withheld advice, empty scores) is
listed with ``verbose=True`` (``legrules assess --verbose``).  :func:`report` gives
the same content as data, which ``legrules._cli.rich_text`` styles for a terminal.
"""

from __future__ import annotations

import attrs

from legrules.model import (
    Assessment,
    Disposition,
    Evidence,
    Likelihood,
    OpenQuestion,
    ScoreResult,
    Status,
)
from legrules.model.asking import ask_now, display
from legrules.rules import get_ruleset

__all__ = ["Report", "Section", "render_text", "report"]

#: The one disposition sentence, the same words as the advice a patient gets.
SENTENCES = {
    Disposition.EMERGENCY: "call emergency services or go to the emergency department now.",
    Disposition.URGENT: "be seen by a clinician in person today.",
    Disposition.SOON: "see a clinician within a few days.",
    Disposition.ROUTINE: "mention it at the next routine visit.",
    Disposition.SELF_CARE: "can be managed at home with the advice below.",
    Disposition.UNDETERMINED: "not enough information to advise; ask the questions below.",
}
#: Advice saying where to be seen, most urgent first: only the first one given is shown,
#: since the headline already says how soon (each defers to more urgent advice).
_SEEK_CARE = ("rec.call-emergency", "rec.same-day-assessment", "rec.see-clinician")
_ASK_LINES, _ASK_NAMES, _LIST = 5, 6, 4
_SHOWN = (Likelihood.CONFIRMED, Likelihood.LIKELY, Likelihood.POSSIBLE)


@attrs.frozen
class Section:
    """A titled block of lines; *level* colours it when it is about a triage level."""

    title: str
    lines: tuple[str, ...]
    level: Disposition | None = None


@attrs.frozen
class Report:
    """An assessment as a person reads it: the lead lines, then the sections."""

    disposition: Disposition
    ask: str | None
    headline: str
    context: str
    sections: tuple[Section, ...]
    more: str | None = None


def _some(names: list[str], limit: int) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" (+{len(names) - limit} more)" if len(names) > limit else "")


class _Titles:
    """Rule titles of the assessment's rule set, for people (ids are for machines)."""

    def __init__(self, assessment: Assessment) -> None:
        try:
            ruleset = get_ruleset(assessment.ruleset.version)
        except LookupError:  # a document from a rule set this legrules does not ship
            self.titles: dict[str, str] = {}
        else:
            self.titles = {rule.id: rule.title for rule in ruleset.rules}

    def __call__(self, rule_id: str) -> str:
        return self.titles.get(rule_id, rule_id)


def _evidence(evidence: tuple[Evidence, ...], title: _Titles, verbose: bool) -> str:
    parts = []
    for item in evidence:
        name = title(item.finding) if item.finding in title.titles else display(item.finding)
        side = f" ({item.laterality.value})" if item.laterality else ""
        value = "" if str(item.value) == "present" else f" {item.value}"
        source = f" [{item.source}]" if verbose and item.source else ""
        parts.append(f"{name}{side}{value}{source}")
    return ", ".join(parts)


def _why(assessment: Assessment, title: _Titles, verbose: bool) -> Section | None:
    """The met red flags and the decided causes that set a level, with their evidence."""
    level = assessment.disposition
    met = [f for f in assessment.red_flags if f.status is Status.MET]
    decided = (Likelihood.CONFIRMED, Likelihood.LIKELY)
    raised = [  # a decided cause that sets a level, or a possible one that set this one
        d
        for d in assessment.differentials
        if d.level.above(Disposition.SELF_CARE)
        and (d.likelihood in decided or (d.likelihood is Likelihood.POSSIBLE and d.level is level))
    ]
    lines = []
    for flag in met:
        at = "" if flag.level is level else f" ({flag.level})"
        lines.append(f"{title(flag.id)}{at}: {_evidence(flag.evidence, title, verbose)}")
    for cause in raised:
        at = "" if cause.level is level else f" ({cause.level})"
        evidence = _evidence(cause.evidence, title, verbose)
        lines.append(f"{title(cause.id)} {cause.likelihood}{at}: {evidence}".rstrip(": "))
    if not lines:
        return None
    return Section(f"Why {assessment.disposition}", tuple(lines), assessment.disposition)


def _ask_next(assessment: Assessment, title: _Titles, verbose: bool) -> Section | None:
    """The open questions by level and by the red flag they settle, most urgent first."""
    groups: dict[tuple[Disposition, str], list[OpenQuestion]] = {}
    for question in assessment.ask_next:
        settles = question.settles[0] if question.settles else ""
        groups.setdefault((question.could_reach, settles), []).append(question)
    ordered = sorted(groups.items(), key=lambda g: g[0][0].rank)
    lines = []
    for (level, rule_id), questions in ordered:
        about = f" - {title(rule_id)}" if rule_id else ""
        names = [display(q.finding) for q in questions]
        limit = len(names) if verbose else _ASK_NAMES
        lines.append(f"{str(level).upper()}{about}: {_some(names, limit)}")
    if not lines:
        return None
    if not verbose and len(lines) > _ASK_LINES:
        rest = len(lines) - _ASK_LINES
        lines = [*lines[:_ASK_LINES], f"and {rest} more groups of questions (--verbose)"]
    title_text = "Ask next (answers that could change the level, most urgent first)"
    return Section(title_text, tuple(lines), assessment.worst_case_disposition)


def _meaning(score: ScoreResult, assessment: Assessment) -> str:
    if score.class_:
        return f" - {score.class_}"
    if score.value is not None or score.min is None or score.min == score.max:
        return ""
    classes = _TWO_CLASSES.get((score.id, str(assessment.policy.wells_variant)))
    either = f"{classes} - " if classes else "class not settled - "
    return f" - {either}depends on {_some([display(m) for m in score.missing], 3)}"


# Scores with two classes: a range that spans the threshold is one or the other.
_TWO_CLASSES = {("score.wells-dvt", "nice-2020"): "DVT likely or unlikely"}


def _scores(assessment: Assessment, title: _Titles, verbose: bool) -> Section | None:
    lines = []
    for score in assessment.scores:
        if not verbose and not score.evidence:
            continue  # nothing known about it: a bare full range says nothing
        side = f" ({score.laterality})" if score.laterality else ""
        lines.append(f"{title(score.id)}{side}: {score.shown}{_meaning(score, assessment)}")
    return Section("Scores", tuple(lines)) if lines else None


def _causes(assessment: Assessment, title: _Titles, verbose: bool) -> list[Section]:
    shown = [d for d in assessment.differentials if d.likelihood in _SHOWN]
    sections = []
    if shown:
        lines = tuple(f"{title(d.id)}: {d.likelihood}" for d in shown)
        sections.append(Section("Possible causes", lines))
    if verbose:
        open_causes = [
            d for d in assessment.differentials if d.likelihood is Likelihood.INDETERMINATE
        ]
        lines = tuple(
            f"{title(d.id)}: needs {', '.join(display(m) for m in d.missing)}" for d in open_causes
        )
        if lines:
            sections.append(Section("Causes that could not be settled", lines))
    return sections


def _advice(assessment: Assessment, verbose: bool) -> Section | None:
    seek = [r for r in assessment.recommendations if r.id in _SEEK_CARE]
    first_seek = min(seek, key=lambda r: _SEEK_CARE.index(r.id)) if seek else None
    lines = []
    for rec in assessment.recommendations:
        if not verbose and rec.id in _SEEK_CARE and rec is not first_seek:
            continue
        lines.append(f"For the {rec.audience}: {rec.text}")
        lines += [f"  caution: {c}" for c in rec.cautions]
    return Section("Advice", tuple(lines)) if lines else None


def _verbose_only(assessment: Assessment, title: _Titles) -> list[Section]:
    sections = []
    if assessment.unresolved:
        lines = tuple(
            f"{title(u.id)}: needs {', '.join(display(m) for m in u.missing)}"
            for u in assessment.unresolved
        )
        sections.append(Section("Red flags not yet ruled out", lines))
    if assessment.withheld:
        lines = tuple(f"{title(w.id)}: {w.reason}" for w in assessment.withheld)
        sections.append(Section("Advice withheld", lines))
    return sections


def _hidden(assessment: Assessment) -> str | None:
    counts = [
        (len(assessment.unresolved), "red flags not yet ruled out"),
        (
            sum(d.likelihood is Likelihood.INDETERMINATE for d in assessment.differentials),
            "causes not settled",
        ),
        (len(assessment.withheld), "advice withheld while red flags are open"),
    ]
    said = [f"{n} {what}" for n, what in counts if n]
    return f"{'; '.join(said)}: --verbose lists them." if said else None


def report(assessment: Assessment, *, verbose: bool = False) -> Report:
    """What :func:`render_text` shows, as data (for other renderers)."""
    title = _Titles(assessment)
    level = assessment.disposition
    headline = f"{str(level).upper()}: {SENTENCES[level]}"
    worst = assessment.worst_case_disposition
    if worst.above(level):
        headline += f" Until the questions are answered it could be {str(worst).upper()}."
    patient = f"patient {assessment.patient} · " if assessment.patient else ""
    context = (
        f"({patient}rule set {assessment.ruleset.id} {assessment.ruleset.version} · "
        f"as of {assessment.as_of.isoformat()})"
    )
    sections = [
        _why(assessment, title, verbose),
        _ask_next(assessment, title, verbose),
        _scores(assessment, title, verbose),
        *_causes(assessment, title, verbose),
        _advice(assessment, verbose),
        *(_verbose_only(assessment, title) if verbose else []),
    ]
    if assessment.ignored:
        lines = tuple(f"{i.reference}: {i.reason}" for i in assessment.ignored)
        sections.append(Section("Not used", lines))
    return Report(
        level,
        ask_now(assessment),
        headline,
        context,
        tuple(s for s in sections if s is not None),
        None if verbose else _hidden(assessment),
    )


def render_text(assessment: Assessment, *, verbose: bool = False) -> str:
    """The assessment as plain text: the lead lines, then one block per section.

    .. versionchanged:: 0.2  Led by what to ask and one disposition sentence; rule
       titles instead of ids; scores with their meaning; ``verbose`` for the rest.
    """
    text = report(assessment, verbose=verbose)
    lines = [*([text.ask] if text.ask else []), text.headline, text.context, ""]
    for section in text.sections:
        lines += [section.title, *(f"  {line}" for line in section.lines), ""]
    if text.more:
        lines.append(text.more)
    return "\n".join(lines).rstrip() + "\n"
