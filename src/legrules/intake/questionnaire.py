"""The intake form: a FHIR SDC Questionnaire generated from a rule set.

One question per finding the rule set's criteria read (``Rule.reads``), in vocabulary
order, grouped by the kind of fact; a patient form leaves out what only an examination,
a test or a clinician can settle.  Each question carries its finding's codes
(``item.code``: legrules' own code, then the standard codes of the terminology map) and
``sdc-questionnaire-observationExtract``, so an SDC form filler can turn each answer
into an Observation.  Yes/no questions offer "don't know" (data-absent-reason
``asked-unknown``); numbers name their UCUM unit with ``questionnaire-unit`` and are
left blank when not known; a lateral finding has a "which leg?" question enabled only
when the answer is yes.  The form's canonical is ``<base>/Questionnaire/legrules-intake-
<audience>`` with the rule set's version, so a response names the rules it was made for.

Extensions used (URLs as published):

* ``http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-observationExtract``
  (SDC IG, observation-based extraction);
* ``http://hl7.org/fhir/StructureDefinition/questionnaire-unit`` (FHIR extensions pack:
  the unit of a numeric answer, a Coding);
* ``http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl`` with
  ``radio-button`` from ``http://hl7.org/fhir/questionnaire-item-control``.
"""

from __future__ import annotations

from typing import Any, Literal

from legrules.errors import InvalidValueError, UnknownConceptError
from legrules.fhir.canonical import DEFAULT_BASE, finding_system
from legrules.fhir.codes import AGE_CODES, LOINC, UCUM, terminology
from legrules.fhir.read.questionnaire_responses import (
    AGE_LINK,
    ANSWER_CODES,
    SIDE_CODES,
    SIDE_SUFFIX,
    form_prefix,
)
from legrules.intake._wording import wording
from legrules.model import VOCABULARY, Audience, Category, Kind
from legrules.model.documents import check_json
from legrules.rules import RuleSet, get_ruleset

__all__ = [
    "OBSERVATION_EXTRACT",
    "QUESTIONNAIRE_UNIT",
    "QuestionnaireVersion",
    "asked_findings",
    "build_questionnaire",
    "question_items",
    "questionnaire_url",
    "unit_label",
    "validate_questionnaire",
]

JSON = dict[str, Any]
QuestionnaireVersion = Literal["R4", "R5"]

OBSERVATION_EXTRACT = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-observationExtract"
)
QUESTIONNAIRE_UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"

#: Group order: what a patient knows best first.
_ORDER = (
    Category.TIMING,
    Category.SYMPTOM,
    Category.SIGN,
    Category.EVENT,
    Category.HISTORY,
    Category.MEDICATION,
    Category.VITAL,
    Category.EXAMINATION,
    Category.LABORATORY,
    Category.IMAGING,
    Category.JUDGEMENT,
)

#: How a UCUM unit reads on a form (the code stays the unit's UCUM code).
_UNIT_WORDS = {
    "Cel": "°C",
    "d": "days",
    "h": "hours",
    "min": "minutes",
    "wk": "weeks",
    "/wk": "per week",
    "/min": "per minute",
    "a": "years",
    "{score}": "out of 10",
}


def questionnaire_url(audience: Audience | str = Audience.PATIENT, base: str = DEFAULT_BASE) -> str:
    """The canonical url of the intake form for *audience* (without its version)."""
    return f"{form_prefix(base)}-{Audience(audience).value}"


def asked_findings(
    ruleset: RuleSet | str | None = None, audience: Audience | str = Audience.PATIENT
) -> tuple[str, ...]:
    """The findings the form for *audience* asks about: ``age``, then vocabulary order."""
    rules = get_ruleset(ruleset)
    read = {name for rule in rules.rules for name in rule.reads()}
    words, who = wording(), Audience(audience)
    findings = [f for f in VOCABULARY if f in read and words.askable(f, who)]
    return (AGE_LINK, *findings) if AGE_LINK in read else tuple(findings)


def _coding(system: str, code: str, display: str) -> JSON:
    return {"system": system, "code": code, "display": display}


def _choice(version: QuestionnaireVersion) -> JSON:
    if version == "R5":
        return {"type": "coding", "answerConstraint": "optionsOnly"}
    return {"type": "choice"}


def _radio() -> JSON:
    control = _coding(ITEM_CONTROL_SYSTEM, "radio-button", "Radio Button")
    return {"url": ITEM_CONTROL, "valueCodeableConcept": {"coding": [control]}}


def _extract() -> JSON:
    return {"url": OBSERVATION_EXTRACT, "valueBoolean": True}


def unit_label(code: str) -> str:
    """How the UCUM unit *code* reads on a form (``Cel`` reads ``°C``)."""
    return _UNIT_WORDS.get(code, code)


def _unit(code: str) -> JSON:
    return {
        "url": QUESTIONNAIRE_UNIT,
        "valueCoding": _coding(UCUM, code, unit_label(code)),
    }


class _Builder:
    """Builds the items of one form: its audience, FHIR version and canonical base."""

    def __init__(self, audience: Audience, version: QuestionnaireVersion, base: str) -> None:
        self.audience, self.version = audience, version
        self.system = finding_system(base)
        self.terms = terminology(base)
        self.words = wording()

    def codes(self, finding: str) -> list[JSON]:
        own = _coding(self.system, finding, VOCABULARY[finding].display)
        standard = [
            _coding(m.system, m.code, m.display) for m in self.terms.standard_codes(finding)
        ]
        return [own, *standard]

    def question(self, finding: str) -> list[JSON]:
        """The item(s) asking about *finding*: the question, and its side when lateral."""
        if finding == AGE_LINK:
            return [self.age()]
        spec = VOCABULARY[finding]
        item: JSON = {
            "linkId": finding,
            "code": self.codes(finding),
            "text": self.words.question(finding, self.audience),
        }
        if spec.kind is Kind.QUANTITY:
            unit = spec.unit or "1"
            item.update(type="decimal", extension=[_unit(unit), _extract()])
            return [item]
        item.update(_choice(self.version))
        item["extension"] = [_radio(), _extract()]
        item["answerOption"] = [
            {"valueCoding": _coding(system, code, display)}
            for system, code, display, _ in ANSWER_CODES
        ]
        return [item, self.side(finding)] if spec.lateral else [item]

    def side(self, finding: str) -> JSON:
        system, code, display, _ = ANSWER_CODES[0]
        yes = _coding(system, code, display)
        text = "Which leg?" if self.audience is Audience.PATIENT else "Side"
        return {
            "linkId": f"{finding}{SIDE_SUFFIX}",
            "text": text,
            **_choice(self.version),
            "extension": [_radio()],
            "enableWhen": [{"question": finding, "operator": "=", "answerCoding": yes}],
            "answerOption": [
                {"valueCoding": _coding(system, code, display)}
                for system, code, display, _ in SIDE_CODES
            ],
        }

    def age(self) -> JSON:
        loinc = sorted(code for system, code in AGE_CODES if system == LOINC)[-1]
        return {
            "linkId": AGE_LINK,
            "code": [_coding(LOINC, loinc, "Age")],
            "text": self.words.question(AGE_LINK, self.audience),
            "type": "integer",
            "extension": [_unit("a"), _extract()],
        }

    def groups(self, findings: tuple[str, ...]) -> list[JSON]:
        items: list[JSON] = [self.age()] if AGE_LINK in findings else []
        for category in _ORDER:
            members = [f for f in findings if f != AGE_LINK and VOCABULARY[f].category is category]
            if not members:
                continue
            group: JSON = {
                "linkId": f"group-{category.value}",
                "text": self.words.group(category, self.audience),
                "type": "group",
                "item": [item for finding in members for item in self.question(finding)],
            }
            items.append(group)
        return items


def question_items(
    finding: str,
    *,
    audience: Audience | str = Audience.PATIENT,
    version: QuestionnaireVersion = "R4",
    base: str = DEFAULT_BASE,
) -> list[JSON]:
    """The form's items asking about *finding*: the question, then its side when lateral."""
    if not isinstance(finding, str) or finding not in VOCABULARY:
        raise UnknownConceptError(f"unknown finding {finding!r}", "finding")
    return _Builder(Audience(audience), version, base).question(finding)


def build_questionnaire(
    *,
    ruleset: RuleSet | str | None = None,
    audience: Audience | str = Audience.PATIENT,
    version: QuestionnaireVersion = "R4",
    base: str = DEFAULT_BASE,
) -> JSON:
    """The intake Questionnaire of *ruleset* for *audience*, as FHIR ``version`` JSON.

    Raises:
        InvalidValueError: *version* is not ``R4`` or ``R5``, or *audience* is unknown.
    """
    if version not in ("R4", "R5"):
        raise InvalidValueError(f"unknown FHIR version {version!r}; use R4 or R5", "version")
    try:
        who = Audience(audience)
    except ValueError:
        raise InvalidValueError(f"unknown audience {audience!r}", "audience") from None
    rules = get_ruleset(ruleset)
    builder = _Builder(who, version, base)
    findings = asked_findings(rules, who)
    title = "Your leg pain" if who is Audience.PATIENT else "Leg pain intake (clinician)"
    return {
        "resourceType": "Questionnaire",
        "id": f"legrules-intake-{who.value}-{rules.version.replace('.', '-')}",
        "url": questionnaire_url(who, base),
        "version": rules.version,
        "name": f"LegrulesIntake{who.value.title()}",
        "title": title,
        "status": "active",
        "subjectType": ["Patient"],
        "date": rules.released,
        "publisher": "legrules",
        "description": (
            f"Generated from rule set {rules.id} {rules.version}: one question for each "
            f"finding its rules read ({len(findings)} questions). Unanswered questions "
            "and 'don't know' stay unknown; they are never read as 'no'."
        ),
        "item": builder.groups(findings),
    }


def validate_questionnaire(questionnaire: JSON, version: QuestionnaireVersion = "R4") -> None:
    """Check *questionnaire* with the fhir.resources models (R4B for R4 JSON, or R5).

    Raises:
        InvalidValueError: it is not valid FHIR; the message names the first failure.
    """
    if version == "R4":
        from fhir.resources.R4B.questionnaire import Questionnaire as Model
    else:
        from fhir.resources.questionnaire import Questionnaire as Model  # type: ignore[assignment]
    check_json(questionnaire, "$")  # a cycle or a key such as 1: refused with where
    try:
        Model.model_validate(questionnaire)
    except ValueError as error:
        raise InvalidValueError(f"not a valid {version} Questionnaire: {error}", "$") from None
