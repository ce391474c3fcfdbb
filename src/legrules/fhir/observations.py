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

from datetime import datetime
from typing import Any

from legrules.errors import FHIRInputError, InputError
from legrules.fhir.codes import AGE_CODES, UCUM, CodeMapping
from legrules.fhir.context import Collected, Settings
from legrules.fhir.elements import JSON, Resource
from legrules.model import Finding, Kind, Laterality, Measurement, Presence, Source, concept

__all__ = ["effective", "read_observation", "side_of"]

_COUNTS = frozenset({"final", "amended", "corrected", "preliminary"})
_IGNORED = frozenset({"registered", "cancelled", "entered-in-error", "unknown"})


def read_observation(res: Resource, settings: Settings, out: Collected) -> None:
    """Read one Observation into *out* (facts, or the reason it was ignored)."""
    data = res.data
    status = res.string(data, "status", "status")
    if status in _IGNORED:
        out.ignore(res.label, f"status {status}")
        return
    if status not in _COUNTS:
        raise res.error(f"expected an Observation status, got {status!r}", "status")
    when = effective(res)
    if settings.too_late(res, when, out):
        return
    source = Source(res.label, preliminary=status == "preliminary")
    codings = res.concept(data, "code")
    if not codings and "code" not in data:
        raise res.error("an Observation needs a code", "code")
    mapping = _mapping(codings, settings)
    if mapping is None and _special(res, codings, when, settings, out):
        return
    before = len(out.findings) + len(out.measurements) + len(out.ignored)
    side = side_of(res, settings) if "bodySite" in data else None
    if mapping is not None:
        _fact(res, data, "", mapping, (side, source, when), settings, out)
    for path, component in (
        res.objects(data, "component", "component") if "component" in data else ()
    ):
        sub = _mapping(
            res.codings(res.obj(component, "code", f"{path}.code"), f"{path}.code"), settings
        )
        if sub is not None:
            _fact(res, component, f"{path}.", sub, (side, source, when), settings, out)
    if len(out.findings) + len(out.measurements) + len(out.ignored) == before:
        shown = ", ".join(f"{s or '-'}|{c or '-'}" for s, c in codings) or "none"
        out.ignore(res.label, f"no legrules concept for code {shown}")


def effective(res: Resource) -> datetime | None:
    """When an Observation applies: effective[x] (a period's end), else ``issued``."""
    data = res.data
    for key in ("effectiveDateTime", "effectiveInstant"):
        when = res.when(data, key, key)
        if when is not None:
            return when
    period = res.obj(data, "effectivePeriod", "effectivePeriod")
    if period is not None:
        end = res.when(period, "end", "effectivePeriod.end")
        return end or res.when(period, "start", "effectivePeriod.start")
    return res.when(data, "issued", "issued")


def _mapping(
    codings: list[tuple[str | None, str | None]], settings: Settings
) -> CodeMapping | None:
    for system, code in codings:
        found = settings.terms.finding_code(system, code)
        if found is not None:
            return found
    return None


def _special(
    res: Resource,
    codings: list[tuple[str | None, str | None]],
    when: datetime | None,
    settings: Settings,
    out: Collected,
) -> bool:
    """Read an age or symptom-onset Observation; ``True`` when it was one."""
    if any((s, c) in AGE_CODES for s, c in codings):
        out.ages.append((when, _age(res), res.label))
        return True
    if any(s in settings.terms.own_systems and c == "onset" for s, c in codings):
        onset = res.when(res.data, "valueDateTime", "valueDateTime")
        if onset is None:
            raise res.error("an onset Observation needs valueDateTime", "valueDateTime")
        if onset > settings.as_of:
            out.ignore(res.label, "symptom onset after as_of")
            return True
        out.onsets.append((when, onset))
        return True
    return False


def _age(res: Resource) -> int:
    quantity = res.obj(res.data, "valueQuantity", "valueQuantity")
    if quantity is None:
        raise res.error("an age Observation needs valueQuantity in years", "valueQuantity")
    value = res.number(quantity, "value", "valueQuantity.value")
    unit = res.string(quantity, "code", "valueQuantity.code")
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


Context = tuple[Laterality | None, Source, datetime | None]


def _fact(
    res: Resource,
    holder: JSON,
    prefix: str,
    mapping: CodeMapping,
    context: Context,
    settings: Settings,
    out: Collected,
) -> None:
    spec = concept(mapping.finding)
    side, source, when = context
    window = settings.window(spec)
    if when is None:
        out.warn(f"{res.label} has no effective time; counted as current")
    elif window is not None and settings.as_of - when > window:
        out.ignore(res.label, f"{spec.id} older than the {_span(window)} look-back")
        return
    lateral = side if spec.lateral else None
    try:
        if spec.kind is Kind.BOOLEAN:
            state = _state(res, holder, prefix, mapping, settings, out)
            if state is not None:
                out.findings.append(Finding(spec.id, state, lateral, source, when))
        else:
            reading = _quantity(res, holder, prefix, mapping, out)
            if reading is not None:
                value, unit = reading
                out.measurements.append(Measurement(spec.id, value, unit, lateral, source, when))
    except FHIRInputError:
        raise
    except InputError as error:  # the model rejected the value (implausible, wrong unit)
        element = prefix.rstrip(".") or "value[x]"
        if error.path in ("value", "unit"):
            element = f"{prefix}valueQuantity.{'code' if error.path == 'unit' else 'value'}"
        raise res.error(error.message, element) from None


def _span(window: Any) -> str:
    hours = int(window.total_seconds() // 3600)
    return f"{hours // 24}-day" if hours % 24 == 0 else f"{hours}-hour"


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
        res.obj(holder, "dataAbsentReason", f"{prefix}dataAbsentReason")
        return Presence.UNKNOWN
    keys = _values(holder)
    if not keys:
        stated: Presence | None = Presence.PRESENT
    elif keys == ["valueBoolean"]:
        flag = res.boolean(holder, "valueBoolean", f"{prefix}valueBoolean")
        stated = Presence.PRESENT if flag else Presence.ABSENT
    elif keys == ["valueCodeableConcept"]:
        codings = res.codings(
            res.obj(holder, "valueCodeableConcept", f"{prefix}valueCodeableConcept"),
            f"{prefix}valueCodeableConcept",
        )
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
    res: Resource, holder: JSON, prefix: str, mapping: CodeMapping, out: Collected
) -> tuple[float, str] | None:
    spec = concept(mapping.finding)
    if holder.get("dataAbsentReason") is not None:
        out.ignore(res.label, f"{prefix}dataAbsentReason: {spec.id} not measured")
        return None
    if "valueInteger" in holder and spec.unit in ("{score}", "1"):
        value = res.number(holder, "valueInteger", f"{prefix}valueInteger")
        return (value, spec.unit) if value is not None else None
    path = f"{prefix}valueQuantity"
    quantity = res.obj(holder, "valueQuantity", path)
    if quantity is None:
        raise res.error(f"{spec.id} needs a valueQuantity with a UCUM unit", path)
    value = res.number(quantity, "value", f"{path}.value")
    if value is None:
        raise res.error(f"{spec.id} needs a value", f"{path}.value")
    return value, _unit(res, quantity, path, mapping)


def _unit(res: Resource, quantity: JSON, path: str, mapping: CodeMapping) -> str:
    spec = concept(mapping.finding)
    system = res.string(quantity, "system", f"{path}.system")
    code = res.string(quantity, "code", f"{path}.code")
    if system is not None and system != UCUM:
        raise res.error(f"unit system must be UCUM ({UCUM}), got {system!r}", f"{path}.system")
    if code is None:
        raise res.error(f"{spec.id} needs a UCUM unit code", f"{path}.code")
    wanted = mapping.unit_annotation
    if wanted is not None:
        brace = code.find("{")
        if brace < 0:
            code += wanted
        elif code[brace:] != wanted:
            raise res.error(
                f"unit {code!r} contradicts the code {mapping.code} ({wanted})", f"{path}.code"
            )
    accepted = spec.accepted_units()
    if code not in accepted:
        choices = ", ".join(repr(u) for u in accepted)
        raise res.error(
            f"unit {code!r} is not accepted for {spec.id}; use one of {choices}", f"{path}.code"
        )
    return code
