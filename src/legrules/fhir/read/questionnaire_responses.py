"""QuestionnaireResponses to legrules' intake forms -> findings and measurements.

The intake forms (``legrules.intake``) name every question after what it asks, so a
response can be read without fetching its Questionnaire:

* ``linkId`` = a finding id: a boolean finding answered with ``valueCoding`` Yes / No
  (SNOMED 373066001 / 373067005) or "don't know" (data-absent-reason
  ``asked-unknown``), or with ``valueBoolean``;
* ``linkId`` = a measurement id: a number (``valueDecimal`` / ``valueInteger``) in the
  concept's canonical unit, which the form states with ``questionnaire-unit``, or a
  ``valueQuantity`` with its own UCUM unit;
* ``linkId`` = ``<finding>.side``: the side of a lateral finding (SNOMED Left, Right,
  Right and left);
* ``linkId`` = ``age``: the patient's age in whole years.

Unknown is kept unknown: an unanswered question and "don't know" both leave the finding
unknown; a "don't know" is still recorded (as an unknown fact), so the trace shows it
was asked.  Every fact cites ``QuestionnaireResponse/<id>#<linkId>``.  Only responses to
legrules' own forms (``questionnaire`` under ``<base>/Questionnaire/legrules-intake``,
or a contained adaptive form with such a url) are read; any other response is listed
as ignored, never guessed at.  A response ``entered-in-error`` is ignored and the
result says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from legrules.errors import FHIRInputError, InputError
from legrules.fhir.canonical import DEFAULT_BASE
from legrules.fhir.codes import DATA_ABSENT_REASON, SNOMED, UCUM
from legrules.fhir.read.context import Collected, Settings, stamp
from legrules.fhir.read.elements import JSON, Resource
from legrules.model import VOCABULARY, Kind, Laterality, Presence
from legrules.model.checks import check_finding, check_measurement

__all__ = [
    "AGE_LINK",
    "ANSWER_CODES",
    "DONT_KNOW",
    "SIDE_CODES",
    "SIDE_SUFFIX",
    "form_prefix",
    "read_questionnaire_response",
]

#: The linkId of the age question.
AGE_LINK = "age"
#: The suffix of a lateral finding's side question (``leg-pain.side``).
SIDE_SUFFIX = ".side"

#: The "don't know" answer: HL7 THO data-absent-reason ``asked-unknown`` ("the source was
#: asked but does not know the value"; the code system's display is "Asked But Unknown",
#: which the forms show in the words a patient would use).
DONT_KNOW = (DATA_ABSENT_REASON, "asked-unknown", "Don't know")

#: Yes / No answers: the SNOMED CT qualifiers the terminology map already reads as
#: present / absent (``fhir.md``, Observation rules), then "don't know".
ANSWER_CODES: tuple[tuple[str, str, str, Presence], ...] = (
    (SNOMED, "373066001", "Yes", Presence.PRESENT),
    (SNOMED, "373067005", "No", Presence.ABSENT),
    (*DONT_KNOW, Presence.UNKNOWN),
)

#: The side answers, with the SNOMED CT codes of the terminology map (``fhir.md``).
SIDE_CODES: tuple[tuple[str, str, str, Laterality], ...] = (
    (SNOMED, "7771000", "Left", Laterality.LEFT),
    (SNOMED, "24028007", "Right", Laterality.RIGHT),
    (SNOMED, "51440002", "Right and left", Laterality.BOTH),
)

_STATES = {(system, code): state for system, code, _, state in ANSWER_CODES}
_SIDES = {(system, code): side for system, code, _, side in SIDE_CODES}
_READ = frozenset({"in-progress", "completed", "amended", "stopped"})


def form_prefix(base: str = DEFAULT_BASE) -> str:
    """The canonical every legrules intake form's url starts with."""
    return f"{base}/Questionnaire/legrules-intake"


def _form_url(data: JSON, canonical: str | None) -> str | None:
    """The canonical of the form answered: a contained (adaptive) form's own url."""
    if canonical is None or not canonical.startswith("#"):
        return canonical
    for resource in data.get("contained") or []:
        if isinstance(resource, dict) and f"#{resource.get('id')}" == canonical:
            url = resource.get("url")
            return url if isinstance(url, str) else None
    return None


def _ours(canonical: str | None, settings: Settings) -> bool:
    if canonical is None:
        return False
    own = {form_prefix(DEFAULT_BASE)} | {
        form_prefix(system.removesuffix("/CodeSystem/finding"))
        for system in settings.terms.own_systems
    }
    return any(canonical.startswith(prefix) for prefix in own)


def _items(res: Resource, parent: JSON, at: str) -> Iterator[tuple[str, JSON]]:
    """Every item of *parent*, depth first: groups, and items nested under answers."""
    for path, item in res.objects(parent, "item", at):
        yield path, item
        yield from _items(res, item, f"{path}.")
        for answer_path, answer in res.objects(item, "answer", f"{path}."):
            yield from _items(res, answer, f"{answer_path}.")


def read_questionnaire_response(res: Resource, settings: Settings, out: Collected) -> None:
    """Read one QuestionnaireResponse into *out* (facts, or the reason it was ignored)."""
    data = res.data
    status = res.string(data, "status")
    if status == "entered-in-error":
        out.ignore(res.label, "status entered-in-error")
        return
    if status not in _READ:
        raise res.error(f"expected a QuestionnaireResponse status, got {status!r}", "status")
    if not _ours(_form_url(data, res.string(data, "questionnaire")), settings):
        out.ignore(res.label, "not a response to a legrules intake form")
        return
    when = res.when(data, "authored")
    if when is not None and when > settings.as_of and settings.too_late(res, when, out):
        return
    items = list(_items(res, data, ""))
    sides = {
        item["linkId"].removesuffix(SIDE_SUFFIX): (path, item)
        for path, item in items
        if isinstance(item.get("linkId"), str) and item["linkId"].endswith(SIDE_SUFFIX)
    }
    text = stamp(when)
    for path, item in items:
        link = res.string(item, "linkId", f"{path}.")
        answers = res.objects(item, "answer", f"{path}.")
        if link is None or not answers:
            continue  # a group, a display item or an unanswered question: unknown
        reference = f"{res.label}#{link}"
        where, value = answers[0]
        try:
            if link == AGE_LINK:
                _age(res, value, where, out, (text, reference))
            elif link in VOCABULARY:
                side = _side(res, sides.get(link))
                _fact(res, link, value, where, side, out, (text, reference, when))
        except FHIRInputError:
            raise
        except InputError as error:
            raise res.error(error.message, where) from None


def _side(res: Resource, found: tuple[str, JSON] | None) -> Laterality | None:
    if found is None:
        return None
    path, item = found
    answers = res.objects(item, "answer", f"{path}.")
    if not answers:
        return None
    where, value = answers[0]
    coding = res.obj(value, "valueCoding", f"{where}.")
    if coding is None:
        raise res.error("expected a valueCoding naming the side", where)
    key = (res.string(coding, "system", f"{where}.valueCoding."), coding.get("code"))
    side = _SIDES.get(key)  # type: ignore[arg-type]
    if side is None:
        raise res.error(f"unknown side {key[1]!r}", f"{where}.valueCoding")
    return side


def _fact(
    res: Resource,
    link: str,
    value: JSON,
    where: str,
    side: Laterality | None,
    out: Collected,
    stamped: tuple[str | None, str, Any],
) -> None:
    text, reference, when = stamped
    spec = VOCABULARY[link]
    lateral = side if spec.lateral else None
    side_value = None if lateral is None else lateral.value
    if spec.kind is Kind.BOOLEAN:
        state = _state(res, value, where)
        check_finding(link, lateral, when)
        out.findings.append((link, state.value, side_value, reference, False, text))
        return
    reading = _number(res, value, where, spec.unit)
    if reading is None:
        return  # "don't know" for a measurement: nothing to record
    number, unit = reading
    check_measurement(link, number, unit, lateral, when)
    out.measurements.append((link, number, unit, side_value, reference, False, text))


def _state(res: Resource, value: JSON, where: str) -> Presence:
    if "valueBoolean" in value:
        flag = res.boolean(value, "valueBoolean", f"{where}.")
        return Presence.PRESENT if flag else Presence.ABSENT
    coding = res.obj(value, "valueCoding", f"{where}.")
    if coding is None:
        raise res.error("expected valueCoding (Yes, No, don't know) or valueBoolean", where)
    key = (res.string(coding, "system", f"{where}.valueCoding."), coding.get("code"))
    state = _STATES.get(key)  # type: ignore[arg-type]
    if state is None:
        raise res.error(f"unknown answer {key[1]!r}", f"{where}.valueCoding")
    return state


def _number(res: Resource, value: JSON, where: str, unit: str | None) -> tuple[float, str] | None:
    if "valueCoding" in value and _state(res, value, where) is Presence.UNKNOWN:
        return None
    for key in ("valueDecimal", "valueInteger"):
        if key in value:
            number = res.number(value, key, f"{where}.")
            if number is None or unit is None:
                raise res.error("expected a number", f"{where}.{key}")
            return number, unit
    quantity = res.obj(value, "valueQuantity", f"{where}.")
    if quantity is None:
        raise res.error("expected valueDecimal, valueInteger or valueQuantity", where)
    at = f"{where}.valueQuantity."
    number = res.number(quantity, "value", at)
    code = res.string(quantity, "code", at)
    if number is None or code is None or res.string(quantity, "system", at) != UCUM:
        raise res.error("expected a value with a UCUM code", f"{where}.valueQuantity")
    return number, code


def _age(
    res: Resource, value: JSON, where: str, out: Collected, stamped: tuple[str | None, str]
) -> None:
    if "valueCoding" in value and _state(res, value, where) is Presence.UNKNOWN:
        return
    years = res.number(value, "valueInteger", f"{where}.")
    if years is None or not years.is_integer() or not 0 <= years <= 130:
        raise res.error("expected a whole number of years from 0 to 130", f"{where}.valueInteger")
    text, reference = stamped
    out.add_age((text, int(years), reference))
