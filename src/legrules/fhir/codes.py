"""The terminology map: which FHIR codes mean which legrules finding.

The map is data (``legrules/fhir/data/terminology.json``, validated by
``schemas/terminology.schema.json``) so that every standard code carries the source
where it was seen and can be reviewed without reading code.  This module loads it once
and answers the reader's and the writer's questions with dictionary look-ups.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import attrs
import orjson

from legrules.fhir.canonical import DEFAULT_BASE, finding_system
from legrules.model import Laterality, Presence

__all__ = [
    "AGE_CODES",
    "DATA_ABSENT_REASON",
    "LOINC",
    "RXNORM",
    "SNOMED",
    "UCUM",
    "CodeMapping",
    "MedicationMapping",
    "Terminology",
    "terminology",
]

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ATC = "http://www.whocc.no/atc"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason"

#: LOINC codes of an age Observation (value in years, UCUM ``a``).
AGE_CODES = frozenset({(LOINC, "30525-0"), (LOINC, "29553-5")})

Key = tuple[str, str]


@attrs.frozen
class CodeMapping:
    """A code that names a legrules finding, and how to read it.

    ``asserts`` is the state the code itself asserts when recorded as present (an
    ex-smoker code asserts ``smoker`` absent); ``history`` marks codes whose past
    occurrence still counts (a resolved DVT is still a previous DVT);
    ``unit_annotation`` is the UCUM annotation a D-dimer code implies (FEU or DDU).
    """

    system: str
    code: str
    display: str
    finding: str
    asserts: Presence = Presence.PRESENT
    history: bool = False
    unit_annotation: str | None = None
    standard: bool = True


@attrs.frozen
class MedicationMapping:
    """An ATC class prefix or an RxNorm ingredient that puts a drug in a legrules class."""

    system: str
    code: str
    display: str
    finding: str
    prefix: bool
    source: str


@attrs.frozen
class Terminology:
    """The loaded map, indexed for the reader and the writer."""

    codes: Mapping[Key, CodeMapping]
    by_finding: Mapping[str, tuple[CodeMapping, ...]]
    present_values: frozenset[Key]
    absent_values: frozenset[Key]
    sides: Mapping[Key, Laterality]
    medications: tuple[MedicationMapping, ...]
    extra: frozenset[str]
    own_systems: frozenset[str]
    raw: Mapping[str, Any]

    def finding_code(self, system: str | None, code: str | None) -> CodeMapping | None:
        """The mapping of one coding, or ``None`` when legrules does not know it."""
        if system is None or code is None:
            return None
        return self.codes.get((system, code))

    def medication_classes(self, system: str | None, code: str | None) -> tuple[str, ...]:
        """The legrules medication classes a coding belongs to (may be several)."""
        if system is None or code is None:
            return ()
        found = [
            m.finding
            for m in self.medications
            if m.system == system and (code.startswith(m.code) if m.prefix else code == m.code)
        ]
        return tuple(dict.fromkeys(found))

    def value_state(self, system: str | None, code: str | None) -> Presence | None:
        """The state a ``valueCodeableConcept`` coding states (Present, Yes, Absent, No)."""
        key = (system or "", code or "")
        if key in self.present_values:
            return Presence.PRESENT
        if key in self.absent_values:
            return Presence.ABSENT
        return None

    def standard_codes(self, finding: str) -> tuple[CodeMapping, ...]:
        """The standard codes that state *finding* itself (for writers)."""
        return tuple(
            m
            for m in self.by_finding.get(finding, ())
            if m.standard and m.asserts is Presence.PRESENT and not m.history
        )

    def with_base(self, base: str) -> Terminology:
        """A copy that also reads legrules' own codes under another canonical *base*."""
        if base == DEFAULT_BASE:
            return self
        return _build(self.raw, (DEFAULT_BASE, base))


def _systems(raw: Mapping[str, Any]) -> dict[str, str]:
    return dict(raw["systems"])


def _standard(raw: Mapping[str, Any], systems: Mapping[str, str]) -> Iterable[CodeMapping]:
    for entry in raw["codes"]:
        yield CodeMapping(
            systems[entry["system"]],
            entry["code"],
            entry["display"],
            entry["finding"],
            Presence(entry.get("asserts", "present")),
            entry.get("history", False),
            entry.get("unit_annotation"),
        )


def _own(raw: Mapping[str, Any], bases: Iterable[str]) -> Iterable[CodeMapping]:
    for base in bases:
        system = finding_system(base)
        for entry in raw["findings"]:
            yield CodeMapping(system, entry["id"], entry["display"], entry["id"], standard=False)


def _keys(entries: Iterable[Mapping[str, str]], systems: Mapping[str, str]) -> frozenset[Key]:
    return frozenset((systems[e["system"]], e["code"]) for e in entries)


def _build(raw: Mapping[str, Any], bases: tuple[str, ...] = (DEFAULT_BASE,)) -> Terminology:
    systems = _systems(raw)
    mappings = [*_own(raw, bases), *_standard(raw, systems)]
    by_finding: dict[str, list[CodeMapping]] = {}
    for mapping in mappings:
        by_finding.setdefault(mapping.finding, []).append(mapping)
    medications = tuple(
        MedicationMapping(
            systems[m["system"]],
            m["code"],
            m["display"],
            m["finding"],
            m["match"] == "prefix",
            m["source"],
        )
        for m in raw["medications"]
    )
    return Terminology(
        codes={(m.system, m.code): m for m in mappings},
        by_finding={k: tuple(v) for k, v in by_finding.items()},
        present_values=_keys(raw["values"]["present"], systems),
        absent_values=_keys(raw["values"]["absent"], systems),
        sides={(systems[s["system"]], s["code"]): Laterality(s["side"]) for s in raw["laterality"]},
        medications=medications,
        extra=frozenset(e["code"] for e in raw["extra_codes"]),
        own_systems=frozenset(finding_system(b) for b in bases),
        raw=raw,
    )


def load_raw() -> dict[str, Any]:
    """The terminology map as shipped, parsed but not indexed."""
    # Read through the package's loader (a folder or a zip file): importlib.resources
    # would import pathlib, zipfile and tempfile on every start for this one file.
    data = pkgutil.get_data("legrules.fhir", "data/terminology.json")
    if data is None:  # pragma: no cover - a loader that reads no data files
        from importlib import resources

        data = resources.files("legrules.fhir").joinpath("data/terminology.json").read_bytes()
    result: dict[str, Any] = orjson.loads(data)
    return result


@cache
def terminology(base: str = DEFAULT_BASE) -> Terminology:
    """The shipped terminology map, reading legrules' own codes under *base* too."""
    return _build(load_raw()).with_base(base)
