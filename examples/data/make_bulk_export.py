"""Generate a synthetic FHIR Bulk Data export: a folder of NDJSON files, one or more a type.

Run: ``python examples/data/make_bulk_export.py OUT_DIR --patients 1000 [--mess]
[--sorted] [--single-file]``.

The people are those of ``make_population.py`` (same archetypes, codes and noise); this
script lays them out as a bulk export does: ``Patient.ndjson``, ``Observation.000.ndjson``,
``Observation.001.ndjson``..., ``Condition.ndjson``, ``MedicationStatement.ndjson``,
``MedicationRequest.ndjson`` and ``Medication.ndjson``, each file's lines in random order
(``--sorted``: every file in patient order instead; ``--single-file``: everything in one
``export.ndjson``, patient by patient when sorted).  ``--mess`` adds what real exports
carry besides: resources with no subject, some whose subject names no patient, a patient
with thousands of Observations, and a last line cut off halfway.  Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).parent))
from make_population import (
    ARCHETYPES,
    AS_OF,
    SNOMED,
    Person,
    _concept,
    _instant,
    noise,
)

JSON = dict[str, Any]
TYPES = ("Patient", "Observation", "Condition", "MedicationStatement", "MedicationRequest")
#: Observations per file before the next ``Observation.NNN.ndjson`` begins.
PER_FILE = 250_000
#: Medications that MedicationRequests name by reference (RxNorm codes as in make_population).
MEDICATIONS = {
    "med-atorvastatin": ("http://www.nlm.nih.gov/research/umls/rxnorm", "83367", "atorvastatin"),
    "med-rivaroxaban": ("http://www.whocc.no/atc", "B01AF01", "rivaroxaban"),
}


def people(count: int, seed: int, mess: bool) -> Iterator[tuple[str, list[JSON]]]:
    """Each patient's id and resources, patient by patient."""
    rng = random.Random(seed)
    kinds = [make for make, weight in ARCHETYPES for _ in range(weight)]
    for number in range(1, count + 1):
        export: dict[str, list[JSON]] = {kind: [] for kind in TYPES}
        person = Person(number, rng, export)
        rng.choice(kinds)(person)
        noise(person)
        if rng.random() < 0.1:
            export["MedicationRequest"].append(_request(person, rng.choice(list(MEDICATIONS))))
        if mess and number == 1:  # years of home monitoring: thousands of heart rates
            for hour in range(3000):
                person.quantity("heart-rate", 60 + hour % 40, "/min", hours_ago=hour + 1)
        if mess and number in IDENTIFIED:  # named by identifier only, by some resources
            export["Patient"][0]["identifier"] = [IDENTIFIED[number]]
        yield person.id, [r for kind in TYPES for r in export[kind]]


#: Identifiers some patients carry with --mess: a social security number that an
#: Observation names alone (matched), and a record number two patients share (so the
#: Observation naming it belongs to neither).
SSN = {"system": "urn:oid:2.16.840.1.113883.4.1", "value": "000-00-0002"}
SHARED_MRN = {"system": "https://hospital.example/mrn", "value": "mrn-34"}
IDENTIFIED = {2: SSN, 3: SHARED_MRN, 4: SHARED_MRN}


def _request(person: Person, medication: str) -> JSON:
    return {
        "resourceType": "MedicationRequest",
        "id": f"{person.id}-rq",
        "status": "active",
        "intent": "order",
        "medicationReference": {"reference": f"Medication/{medication}"},
        "subject": {"reference": f"Patient/{person.id}"},
        "authoredOn": _instant(AS_OF - timedelta(days=30)),
    }


def shared(mess: bool) -> list[JSON]:
    """Resources of no patient: Medications, and with *mess* some without a subject."""
    out: list[JSON] = [
        {"resourceType": "Medication", "id": mid, "code": _concept(coding)}
        for mid, coding in MEDICATIONS.items()
    ]
    if mess:
        pain = _concept((SNOMED, "10601006", "Pain in lower limb"))
        for index in range(3):
            out.append(
                {
                    "resourceType": "Observation",
                    "id": f"orphan-{index}",
                    "status": "final",
                    "code": pain,
                    "valueBoolean": True,
                    "effectiveDateTime": _instant(AS_OF),
                }
            )
        # Subjects a bulk line cannot tie to a patient alone: the identifier of one
        # Patient is matched to it; the others are listed as ignored, with the reason.
        unresolvable = (
            {"reference": "patient/pop-002"},  # resource types are case-sensitive
            {"identifier": SSN},  # pop-002's
            {"reference": "urn:uuid:7d7a0a4e-2b6f-4d0b-9a51-0c5d1f1e6b02"},
            {"identifier": SHARED_MRN},  # pop-003's and pop-004's
            {"identifier": {**SSN, "value": "000-00-0999"}},  # no one's
        )
        for index, subject in enumerate(unresolvable):
            out.append(
                {
                    "resourceType": "Observation",
                    "id": f"stray-{index}",
                    "status": "final",
                    "subject": subject,
                    "code": pain,
                    "valueBoolean": True,
                    "effectiveDateTime": _instant(AS_OF),
                }
            )
        out.append({"resourceType": "Practitioner", "id": "gp-1"})
    return out


def write(folder: Path, count: int, *, seed: int, mess: bool, ordered: bool, single: bool) -> int:
    """Write the export into *folder*; returns the number of lines written."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed + 1)
    by_type: dict[str, list[bytes]] = {}
    for resource in shared(mess):
        by_type.setdefault(resource["resourceType"], []).append(orjson.dumps(resource))
    for _, resources in people(count, seed, mess):
        for resource in resources:
            by_type.setdefault(resource["resourceType"], []).append(orjson.dumps(resource))
    if single:
        everything = [line for lines in by_type.values() for line in lines]
        if ordered:
            everything.sort(key=_patient_of)
        else:
            rng.shuffle(everything)
        files = {"export.ndjson": everything}
    else:
        files = {}
        for rtype, lines in sorted(by_type.items()):
            if not ordered:
                rng.shuffle(lines)
            chunks = [lines[i : i + PER_FILE] for i in range(0, len(lines), PER_FILE)]
            if rtype == "Observation" and len(chunks) == 1 and len(lines) > 1:
                chunks = [lines[: len(lines) // 2], lines[len(lines) // 2 :]]
            for index, chunk in enumerate(chunks):
                name = f"{rtype}.{index:03d}.ndjson" if len(chunks) > 1 else f"{rtype}.ndjson"
                files[name] = chunk
    for name, lines in files.items():
        (folder / name).write_bytes(b"\n".join(lines) + b"\n")
    if mess:  # the export was cut off halfway through its last line
        last = folder / sorted(n for n in files if n.startswith("Observation"))[-1]
        data = last.read_bytes()
        last.write_bytes(data + data.splitlines()[0][:40])
    return sum(len(lines) for lines in files.values())


def _patient_of(line: bytes) -> str:
    data = orjson.loads(line)
    if data["resourceType"] == "Patient":
        return str(data["id"])
    subject = data.get("subject") or {}
    return str(subject.get("reference", "")).removeprefix("Patient/")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--mess", action="store_true")
    parser.add_argument("--sorted", dest="ordered", action="store_true")
    parser.add_argument("--single-file", dest="single", action="store_true")
    args = parser.parse_args(argv[1:])
    lines = write(
        args.folder,
        args.patients,
        seed=args.seed,
        mess=args.mess,
        ordered=args.ordered,
        single=args.single,
    )
    print(f"wrote {lines:,} lines for {args.patients:,} patients to {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
