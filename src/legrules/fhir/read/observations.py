"""Observations -> findings and measurements (``fhir.md``, Observation rules).

* status ``final``/``amended``/``corrected`` count; ``preliminary`` counts and is
  marked; ``registered``/``cancelled``/``entered-in-error``/``unknown`` are ignored.
* A finding is present with ``valueBoolean: true`` or a Present/Yes code, absent with
  ``false`` or Absent/No, present with no value at all, unknown with a
  ``dataAbsentReason``.  A value the reader does not understand is ignored, not guessed.
* Quantities need a UCUM unit the concept accepts; D-dimer units take their FEU/DDU
  annotation from the LOINC code.  Anything else is a :class:`FHIRInputError`.
* Laterality comes from ``bodySite``; components (a blood-pressure panel) are read.
* Observations after ``as_of`` or older than the policy's look-back are ignored.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from legrules.errors import FHIRInputError, InputError
from legrules.fhir.codes import AGE_CODES, UCUM, CodeMapping
from legrules.fhir.read.context import Collected, Settings, stamp
from legrules.fhir.read.elements import JSON, Coding, Resource, parse_datetime
from legrules.model import Concept, Kind, Laterality, Presence, concept
from legrules.model.checks import check_finding, check_measurement, check_text

__all__ = ["effective", "read_observation", "side_of", "too_old"]

_COUNTS = frozenset({"final", "amended", "corrected", "preliminary"})
_IGNORED = frozenset({"registered", "cancelled", "entered-in-error", "unknown"})


def read_observation(res: Resource, settings: Settings, out: Collected) -> None:
    """Read one Observation into *out* (facts, or the reason it was ignored)."""
    data = res.data
    status = data.get("status")
    if status.__class__ is not str or status not in _COUNTS:
        status = res.string(data, "status")
        if status in _IGNORED:
            out.ignore(res.label, f"status {status}")
            return
        raise res.error(f"expected an Observation status, got {status!r}", "status")
    when = effective(res)
    if when is not None and when > settings.as_of and settings.too_late(res, when, out):
        return
    check_text(res.label, "reference")  # what a Source would check: the facts cite it
    source = (res.label, status == "preliminary")
    text = data.get("effectiveDateTime")  # when it is a string, *when* was parsed from it
    times = (when, text if text.__class__ is str else stamp(when))
    code = data.get("code")
    codings = res.codings(code, "code") if code.__class__ is dict else res.concept(data, "code")
    if not codings and "code" not in data:
        raise res.error("an Observation needs a code", "code")
    mapping = _mapping(codings, settings.terms.codes)
    if mapping is None and _special(res, codings, times, settings, out):
        return
    ignored = len(out.ignored)
    side = side_of(res, settings) if "bodySite" in data else None
    added = mapping is not None and _fact(
        res, data, "", mapping, (side, source, times), settings, out
    )
    for path, component in res.objects(data, "component") if "component" in data else ():
        sub = _mapping(res.concept(component, "code", f"{path}."), settings.terms.codes)
        if sub is not None:
            context = (side, source, times)
            added = _fact(res, component, f"{path}.", sub, context, settings, out) or added
    if not added and len(out.ignored) == ignored:  # neither a fact nor a reason recorded
        shown = ", ".join(f"{s or '-'}|{c or '-'}" for s, c in codings) or "none"
        out.ignore(res.label, f"no legrules concept for code {shown}")


def effective(res: Resource) -> datetime | None:
    """When an Observation applies: effective[x] (a period's end), else ``issued``."""
    data = res.data
    text = data.get("effectiveDateTime")
    if text.__class__ is str:  # the usual element, read without the accessor calls
        try:
            return parse_datetime(text)
        except ValueError as error:
            raise res.error(str(error), "effectiveDateTime") from None
    for key in ("effectiveDateTime", "effectiveInstant"):
        when = res.when(data, key)
        if when is not None:
            return when
    period = res.obj(data, "effectivePeriod")
    if period is not None:
        end = res.when(period, "end", "effectivePeriod.")
        return end or res.when(period, "start", "effectivePeriod.")
    return res.when(data, "issued")


def _mapping(codings: list[Coding], codes: Mapping[Any, CodeMapping]) -> CodeMapping | None:
    for coding in codings:
        found = codes.get(coding)  # the same as terms.finding_code, without the call
        if found is not None:
            return found
    return None


def _special(
    res: Resource,
    codings: list[tuple[str | None, str | None]],
    times: Times,
    settings: Settings,
    out: Collected,
) -> bool:
    """Read an age or symptom-onset Observation; ``True`` when it was one."""
    text = times[1]
    if any((s, c) in AGE_CODES for s, c in codings):
        out.add_age((text, _age(res), res.label))
        return True
    if any(s in settings.terms.own_systems and c == "onset" for s, c in codings):
        onset = res.when(res.data, "valueDateTime")
        if onset is None:
            raise res.error("an onset Observation needs valueDateTime", "valueDateTime")
        if onset > settings.as_of:
            out.ignore(res.label, "symptom onset after as_of")
            return True
        out.add_onset((text, onset.isoformat()))
        return True
    return False


def _age(res: Resource) -> int:
    quantity = res.obj(res.data, "valueQuantity")
    if quantity is None:
        raise res.error("an age Observation needs valueQuantity in years", "valueQuantity")
    value = res.number(quantity, "value", "valueQuantity.")
    unit = res.string(quantity, "code", "valueQuantity.")
    if unit != "a":
        raise res.error(f"age must be in UCUM years ('a'), got {unit!r}", "valueQuantity.code")
    if value is None or not 0 <= value <= 130:
        raise res.error("age must be a number of years from 0 to 130", "valueQuantity.value")
    return int(value)


def side_of(res: Resource, settings: Settings) -> Laterality | None:
    """The leg named by ``bodySite`` (SNOMED left, right, right and left), if any."""
    for system, code in res.concept(res.data, "bodySite"):
        side = settings.terms.sides.get((system or "", code or ""))
        if side is not None:
            return side
    return None


#: An effective time and its text (ISO 8601, read back with ``Settings.times``).
Times = tuple[datetime | None, str | None]
Context = tuple[Laterality | None, tuple[str, bool], Times]


def _fact(
    res: Resource,
    holder: JSON,
    prefix: str,
    mapping: CodeMapping,
    context: Context,
    settings: Settings,
    out: Collected,
) -> bool:
    """Record the fact *holder* states (``True``), or why not (in ``out.ignored``)."""
    spec, earliest = settings.lookback(mapping.finding)
    side, (reference, preliminary), (when, text) = context
    if when is None:
        out.warn(f"{res.label} has no effective time; counted as current")
    elif earliest is not None and when < earliest:
        out.ignore(res.label, too_old(spec, settings))
        return False
    lateral = side if spec.lateral else None
    try:
        if spec.kind is Kind.BOOLEAN:
            state = _state(res, holder, prefix, mapping, settings, out)
            if state is None:
                return False
            check_finding(spec.id, lateral, when)
            side_value = None if lateral is None else lateral.value
            out.findings.append((spec.id, state.value, side_value, reference, preliminary, text))
            return True
        reading = _quantity(res, holder, prefix, (mapping, spec), out)
        if reading is None:
            return False
        value, unit = reading
        check_measurement(spec.id, value, unit, lateral, when)
        side_value = None if lateral is None else lateral.value
        out.measurements.append((spec.id, value, unit, side_value, reference, preliminary, text))
        return True
    except FHIRInputError:
        raise
    except InputError as error:  # the model's checks failed (implausible value, wrong unit)
        element = prefix.rstrip(".") or "value[x]"
        if error.path in ("value", "unit"):
            element = f"{prefix}valueQuantity.{'code' if error.path == 'unit' else 'value'}"
        raise res.error(error.message, element) from None


def too_old(spec: Concept, settings: Settings) -> str:
    """Why an observation of *spec* older than its look-back is ignored."""
    window = settings.window(spec)
    assert window is not None  # only a concept with a look-back has anything too old
    hours = int(window.total_seconds() // 3600)
    span = f"{hours // 24}-day" if hours % 24 == 0 else f"{hours}-hour"
    return f"{spec.id} older than the {span} look-back"


def _values(holder: JSON) -> list[str]:
    return [k for k in holder if k.startswith("value") and holder[k] is not None]


def _state(
    res: Resource,
    holder: JSON,
    prefix: str,
    mapping: CodeMapping,
    settings: Settings,
    out: Collected,
) -> Presence | None:
    if holder.get("dataAbsentReason") is not None:
        res.obj(holder, "dataAbsentReason", prefix)
        return Presence.UNKNOWN
    keys = _values(holder)
    if not keys:
        stated: Presence | None = Presence.PRESENT
    elif keys == ["valueBoolean"]:
        flag = res.boolean(holder, "valueBoolean", prefix)
        stated = Presence.PRESENT if flag else Presence.ABSENT
    elif keys == ["valueCodeableConcept"]:
        codings = res.concept(holder, "valueCodeableConcept", prefix)
        states = {settings.terms.value_state(*c) for c in codings} - {None}
        stated = states.pop() if len(states) == 1 else None
    else:
        stated = None
    if stated is None:
        out.ignore(res.label, f"{prefix}value[x] of {mapping.finding} not understood")
        return None
    return _asserted(res, mapping, stated, out)


def _asserted(
    res: Resource, mapping: CodeMapping, stated: Presence, out: Collected
) -> Presence | None:
    if mapping.asserts is Presence.PRESENT or stated is Presence.UNKNOWN:
        return stated
    if stated is Presence.PRESENT:
        return mapping.asserts
    out.ignore(
        res.label, f"'{mapping.display}' recorded as absent says nothing about {mapping.finding}"
    )
    return None


def _quantity(
    res: Resource, holder: JSON, prefix: str, meaning: tuple[CodeMapping, Concept], out: Collected
) -> tuple[float, str] | None:
    mapping, spec = meaning
    if holder.get("dataAbsentReason") is not None:
        out.ignore(res.label, f"{prefix}dataAbsentReason: {spec.id} not measured")
        return None
    if "valueInteger" in holder and spec.unit in ("{score}", "1"):
        value = res.number(holder, "valueInteger", prefix)
        return (value, spec.unit) if value is not None else None
    quantity = holder.get("valueQuantity")
    if quantity.__class__ is dict:  # the usual shape, checked without the general path
        value, code = quantity.get("value"), quantity.get("code")
        if (
            (value.__class__ is float or value.__class__ is int)
            and code.__class__ is str
            and quantity.get("system") == UCUM
            and -_LARGEST <= value <= _LARGEST  # finite (math.isfinite overflows on huge ints)
        ):
            wanted = mapping.unit_annotation
            if wanted is not None and "{" not in code:
                code += wanted  # a D-dimer code names FEU or DDU; the unit then needs no brace
                wanted = None
            if wanted is None and code in (_ACCEPTED.get(spec.id) or _accepted(spec.id)):
                return float(value), code
    return _checked_quantity(res, holder, prefix, mapping, spec)


def _checked_quantity(
    res: Resource, holder: JSON, prefix: str, mapping: CodeMapping, spec: Concept
) -> tuple[float, str]:
    quantity = res.obj(holder, "valueQuantity", prefix)
    if quantity is None:
        raise res.error(
            f"{spec.id} needs a valueQuantity with a UCUM unit", f"{prefix}valueQuantity"
        )
    at = prefix + "valueQuantity."
    value = res.number(quantity, "value", at)
    if value is None:
        raise res.error(f"{spec.id} needs a value", f"{at}value")
    return value, _unit(res, quantity, at, mapping)


_ACCEPTED: dict[str, frozenset[str]] = {}
_LARGEST = sys.float_info.max


def _accepted(finding: str) -> frozenset[str]:
    """The units a quantity concept accepts, as a set (the vocabulary never changes)."""
    found = _ACCEPTED[finding] = frozenset(concept(finding).accepted_units())
    return found


def _unit(res: Resource, quantity: JSON, at: str, mapping: CodeMapping) -> str:
    system = res.string(quantity, "system", at)
    code = res.string(quantity, "code", at)
    if system is not None and system != UCUM:
        raise res.error(f"unit system must be UCUM ({UCUM}), got {system!r}", f"{at}system")
    if code is None:
        raise res.error(f"{mapping.finding} needs a UCUM unit code", f"{at}code")
    wanted = mapping.unit_annotation
    if wanted is not None:
        brace = code.find("{")
        if brace < 0:
            code += wanted
        elif code[brace:] != wanted:
            raise res.error(
                f"unit {code!r} contradicts the code {mapping.code} ({wanted})", f"{at}code"
            )
    if code not in (_ACCEPTED.get(mapping.finding) or _accepted(mapping.finding)):
        accepted = concept(mapping.finding).accepted_units()
        choices = ", ".join(repr(u) for u in accepted)
        raise res.error(
            f"unit {code!r} is not accepted for {mapping.finding}; use one of {choices}",
            f"{at}code",
        )
    return code
