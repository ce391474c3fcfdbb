"""Generate the synthetic population that ``examples/research_pipeline.py`` reads.

Run: ``python examples/data/make_population.py [OUTPUT]`` (default: ``population.ndjson``
next to this script).

The output is deterministic (a seeded generator, fixed instants, sorted keys), so running
the script again reproduces the committed file byte for byte; the test suite checks that.
It is laid out like a bulk-data export joined into one file: every Patient, then every
Observation, Condition and MedicationStatement, so one patient's resources are not next
to each other, which is what the reader's default NDJSON grouping (``spill``) is for.

Every clinical code comes from legrules' terminology map
(``legrules/fhir/data/terminology.json``, where each has its source) or from legrules'
own finding CodeSystem; the other systems are FHIR's own (observation category,
condition status, data-absent reason).  The people are invented.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

SEED = 20261120
COUNT = 48
AS_OF = datetime(2026, 11, 20, 10, tzinfo=UTC)
OUTPUT = Path(__file__).with_name("population.ndjson")

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ATC = "http://www.whocc.no/atc"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
OWN = "https://legrules.org/fhir/CodeSystem/finding"
THO = "http://terminology.hl7.org/CodeSystem/"

JSON = dict[str, Any]
Coding = tuple[str, str, str]

# Standard codes from the terminology map; any other finding uses legrules' own code.
STANDARD: dict[str, Coding] = {
    "leg-pain": (SNOMED, "10601006", "Pain in lower limb"),
    "leg-swelling": (SNOMED, "449615005", "Swelling of lower leg"),
    "redness": (SNOMED, "247441003", "Erythema"),
    "dyspnea": (SNOMED, "267036007", "Dyspnoea"),
    "chest-pain": (SNOMED, "29857009", "Chest pain"),
    "fever": (SNOMED, "386661006", "Fever"),
    "leg-cramp": (SNOMED, "449918009", "Cramp in lower leg"),
    "tingling": (SNOMED, "91019004", "Paraesthesia"),
    "temperature": (LOINC, "8310-5", "Body temperature"),
    "heart-rate": (LOINC, "8867-4", "Heart rate"),
    "respiratory-rate": (LOINC, "9279-1", "Respiratory rate"),
    "spo2": (LOINC, "59408-5", "Oxygen saturation in arterial blood by pulse oximetry"),
    "pain-score": (LOINC, "72514-3", "Pain severity - 0-10 verbal numeric rating"),
}
CONDITIONS: dict[str, Coding] = {
    "previous-dvt": (SNOMED, "161508001", "History of deep vein thrombosis"),
    "dvt": (SNOMED, "128053003", "Deep venous thrombosis"),
    "cancer": (SNOMED, "363346000", "Malignant neoplastic disease"),
    "smoker": (SNOMED, "77176002", "Smoker"),
    "ex-smoker": (SNOMED, "8517006", "Ex-smoker"),
    "diabetes": (SNOMED, "44054006", "Diabetes mellitus type 2"),
    "pad": (SNOMED, "399957001", "Peripheral arterial occlusive disease"),
}
DRUGS: dict[str, Coding] = {
    "atorvastatin": (RXNORM, "83367", "atorvastatin"),
    "simvastatin": (ATC, "C10AA01", "simvastatin"),
    "rivaroxaban": (ATC, "B01AF01", "rivaroxaban"),
    "salmeterol": (ATC, "R03AC12", "salmeterol"),
}
SIDES = {"left": ("7771000", "Left"), "right": ("24028007", "Right")}
CATEGORY = dict.fromkeys(("temperature", "heart-rate", "respiratory-rate", "spo2"), "vital-signs")
# Every finding a complete red-flag screen needs, stated absent (see ``after_exercise``).
SCREEN = (  # noqa: SIM905 - a long list of ids reads better as text
    "absent-foot-pulses chest-pain chills cold-limb deep-vein-tenderness dyspnea "
    "entire-leg-swollen fecal-incontinence fever foot-drop gangrene hemoptysis injury "
    "leg-cramp leg-swelling leg-ulcer leg-weakness no-improvement-with-self-care numbness "
    "pad-known pain-on-passive-stretch pain-out-of-proportion pain-radiates-below-knee "
    "pallor pitting-edema recent-fracture-or-cast redness rest-pain-foot "
    "saddle-anesthesia skin-color-change sleep-disrupted strenuous-exertion sudden-onset "
    "tense-compartment tingling unable-to-bear-weight urinary-incontinence "
    "urinary-retention warmth weakness-progressive worsening"
).split()


def _instant(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _concept(coding: Coding) -> JSON:
    system, code, display = coding
    return {"coding": [{"system": system, "code": code, "display": display}]}


class Person:
    """One patient's resources, appended to the export lists as they are made."""

    def __init__(self, number: int, rng: random.Random, export: dict[str, list[JSON]]) -> None:
        self.id = f"pop-{number:03d}"
        self.rng = rng
        self.export = export
        self.count = 0
        self.side = rng.choice(["left", "right"])
        born = f"{rng.randint(1938, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        patient = {"resourceType": "Patient", "id": self.id, "birthDate": born}
        export["Patient"].append({**patient, "gender": rng.choice(["female", "male"])})

    def _next_id(self, kind: str) -> str:
        self.count += 1
        return f"{self.id}-{kind}{self.count}"

    def _observation(
        self, coding: Coding, category: str, body: JSON, hours_ago: float | None, status: str
    ) -> None:
        ago = self.rng.randint(20, 480) / 60 if hours_ago is None else hours_ago
        resource: JSON = {
            "resourceType": "Observation",
            "id": self._next_id("o"),
            "status": status,
            "code": _concept(coding),
            "subject": {"reference": f"Patient/{self.id}"},
            "effectiveDateTime": _instant(AS_OF - timedelta(hours=ago)),
            **body,
        }
        if category:
            kind = {"system": THO + "observation-category", "code": category}
            resource["category"] = [{"coding": [kind]}]
        self.export["Observation"].append(resource)

    def _coding(self, fid: str) -> Coding:
        return STANDARD.get(fid, (OWN, fid, fid.replace("-", " ")))

    def finding(
        self,
        fid: str,
        present: bool | None,
        *,
        sided: bool = False,
        hours_ago: float | None = None,
        status: str = "final",
    ) -> None:
        """A yes/no finding; ``None`` is a dataAbsentReason (asked, not known)."""
        body: JSON
        if present is None:
            reason = (THO + "data-absent-reason", "asked-unknown", "Asked But Unknown")
            body = {"dataAbsentReason": _concept(reason)}
        elif self.rng.random() < 0.5:
            body = {"valueBoolean": present}
        else:
            answer = ("373066001", "Yes") if present else ("373067005", "No")
            body = {"valueCodeableConcept": _concept((SNOMED, *answer))}
        if sided:
            body["bodySite"] = _concept((SNOMED, *SIDES[self.side]))
        self._observation(self._coding(fid), "", body, hours_ago, status)

    def quantity(
        self,
        fid: str,
        value: float,
        unit: str,
        *,
        hours_ago: float | None = None,
        status: str = "final",
    ) -> None:
        """A measurement in UCUM."""
        quantity = {"value": round(value, 1), "unit": unit, "system": UCUM, "code": unit}
        body = {"valueQuantity": quantity}
        self._observation(self._coding(fid), CATEGORY.get(fid, ""), body, hours_ago, status)

    def d_dimer(self, value: float) -> None:
        """A D-dimer in FEU or DDU (the LOINC code says which), sometimes preliminary."""
        feu, ddu = ("48065-7", "Fibrin D-dimer FEU"), ("48066-5", "Fibrin D-dimer DDU")
        code = self.rng.choice([feu, ddu])
        quantity = {"value": round(value), "unit": "ng/mL", "system": UCUM, "code": "ng/mL"}
        status = "preliminary" if self.rng.random() < 0.3 else "final"
        body = {"valueQuantity": quantity}
        self._observation((LOINC, *code), "laboratory", body, None, status)

    def systolic(self, value: float) -> None:
        """A blood-pressure panel whose systolic component the reader takes."""
        quantity = {"value": round(value), "unit": "mmHg", "system": UCUM, "code": "mm[Hg]"}
        component = {
            "code": _concept((LOINC, "8480-6", "Systolic blood pressure")),
            "valueQuantity": quantity,
        }
        panel = (LOINC, "85354-9", "Blood pressure panel")
        self._observation(panel, "vital-signs", {"component": [component]}, None, "final")

    def screen(self, absent: list[str]) -> None:
        """A questionnaire-style panel: one Observation, one component per answer "no"."""
        components = [
            {"code": _concept(self._coding(fid)), "valueBoolean": False} for fid in absent
        ]
        self.export["Observation"].append(
            {
                "resourceType": "Observation",
                "id": self._next_id("o"),
                "status": "final",
                "code": {"text": "Leg pain red-flag screen"},
                "subject": {"reference": f"Patient/{self.id}"},
                "effectiveDateTime": _instant(AS_OF - timedelta(minutes=self.rng.randint(20, 90))),
                "component": components,
            }
        )

    def condition(
        self, name: str, clinical: str = "active", verification: str = "confirmed"
    ) -> None:
        """A problem-list Condition."""
        recorded = AS_OF - timedelta(days=self.rng.randint(60, 3000))
        self.export["Condition"].append(
            {
                "resourceType": "Condition",
                "id": self._next_id("c"),
                "clinicalStatus": _concept((THO + "condition-clinical", clinical, clinical)),
                "verificationStatus": _concept(
                    (THO + "condition-ver-status", verification, verification)
                ),
                "code": _concept(CONDITIONS[name]),
                "subject": {"reference": f"Patient/{self.id}"},
                "recordedDate": _instant(recorded),
            }
        )

    def medication(self, name: str, status: str = "active") -> None:
        """An R4 MedicationStatement."""
        start = AS_OF - timedelta(days=self.rng.randint(30, 2000))
        self.export["MedicationStatement"].append(
            {
                "resourceType": "MedicationStatement",
                "id": self._next_id("m"),
                "status": status,
                "medicationCodeableConcept": _concept(DRUGS[name]),
                "subject": {"reference": f"Patient/{self.id}"},
                "effectivePeriod": {"start": start.date().isoformat()},
            }
        )


# -- the people: a few common presentations, then the noise real exports carry ----------


def suspected_dvt(p: Person) -> None:
    """A swollen, tender calf on one side; sometimes a past DVT or a cancer."""
    p.finding("leg-pain", True, sided=True)
    p.finding("leg-swelling", True, sided=True)
    p.finding("deep-vein-tenderness", p.rng.random() < 0.7)
    p.quantity("calf-circumference-difference", p.rng.uniform(1.0, 5.0), "cm")
    p.finding("dyspnea", False)
    p.d_dimer(p.rng.uniform(250, 3000))
    if p.rng.random() < 0.4:
        p.condition("previous-dvt", clinical="resolved")
    if p.rng.random() < 0.2:
        p.condition("cancer")


def breathless(p: Person) -> None:
    """A painful swollen leg and shortness of breath."""
    p.finding("leg-pain", True, sided=True)
    p.finding("leg-swelling", True, sided=True)
    p.finding("dyspnea", True)
    p.finding("chest-pain", p.rng.choice([True, False, None]))
    p.quantity("heart-rate", p.rng.uniform(95, 125), "/min")
    p.quantity("spo2", p.rng.uniform(89, 96), "%")


def red_hot_leg(p: Person) -> None:
    """A red, warm leg with fever; a third also meet the qSOFA criteria."""
    p.finding("leg-pain", True, sided=True)
    p.finding("redness", True, sided=True)
    p.finding("warmth", True, sided=True)
    p.quantity("temperature", p.rng.uniform(37.6, 39.4), "Cel")
    p.finding("chills", p.rng.choice([True, None]))
    if p.rng.random() < 0.35:
        p.quantity("respiratory-rate", p.rng.uniform(22, 28), "/min")
        p.systolic(p.rng.uniform(86, 100))
        p.finding("altered-mentation", True)
    if p.rng.random() < 0.3:
        p.condition("diabetes")


def claudication(p: Person) -> None:
    """Calf pain on walking that settles with rest, in a smoker or ex-smoker."""
    p.finding("leg-pain", True, sided=True)
    for fid in ("pain-on-walking", "pain-site-calf", "pain-gone-within-10-min-standing"):
        p.finding(fid, True)
    p.finding("pain-starts-at-rest", False)
    p.condition(p.rng.choice(["smoker", "ex-smoker"]))
    if p.rng.random() < 0.5:
        p.condition("diabetes")
    if p.rng.random() < 0.5:
        p.medication("atorvastatin")


def night_cramps(p: Person) -> None:
    """Cramps in bed, eased by stretching; some take a drug associated with cramps."""
    p.finding("leg-cramp", True)
    for fid in ("cramp-in-bed", "cramp-muscle-hardening", "cramp-relieved-by-stretching"):
        p.finding(fid, True)
    p.quantity("cramp-nights-per-week", p.rng.randint(1, 5), "/wk")
    drug = p.rng.choice(["salmeterol", "simvastatin", None])
    if drug is not None:
        p.medication(drug, status=p.rng.choice(["active", "stopped"]))


def after_exercise(p: Person) -> None:
    """Sore muscles a day or two after unaccustomed exercise, every red flag screened."""
    p.finding("leg-pain", True, sided=True)
    p.finding("recent-unaccustomed-exercise", True)
    p.finding("pain-in-exercised-muscles", True)
    p.quantity("hours-since-exercise", p.rng.randint(14, 60), "h")
    p.quantity("pain-score", p.rng.randint(2, 5), "{score}")
    p.quantity("temperature", p.rng.uniform(36.3, 37.3), "Cel")
    p.quantity("symptom-duration", p.rng.randint(1, 3), "d")
    p.screen(SCREEN)


def sparse(p: Person) -> None:
    """Leg pain and little else: the screen cannot be completed."""
    p.finding("leg-pain", True, sided=p.rng.random() < 0.5)
    if p.rng.random() < 0.5:
        p.finding("dyspnea", None)


ARCHETYPES: list[tuple[Callable[[Person], None], int]] = [
    (suspected_dvt, 9),
    (breathless, 4),
    (red_hot_leg, 8),
    (claudication, 7),
    (night_cramps, 6),
    (after_exercise, 5),
    (sparse, 9),
]


def noise(p: Person) -> None:
    """What real exports hold besides the facts: errors, old readings, refuted problems."""
    if p.rng.random() < 0.2:  # a mistyped temperature, marked entered-in-error
        p.quantity("temperature", 3.7, "Cel", status="entered-in-error")
    if p.rng.random() < 0.15:  # a heart rate from two days ago: outside the 24-hour window
        p.quantity("heart-rate", p.rng.uniform(60, 90), "/min", hours_ago=50)
    if p.rng.random() < 0.1:
        p.condition("dvt", clinical="inactive", verification="refuted")
    if p.rng.random() < 0.1:
        p.medication("rivaroxaban")


def population(seed: int = SEED, count: int = COUNT) -> bytes:
    """The whole export as NDJSON bytes: Patients, Observations, Conditions, statements."""
    rng = random.Random(seed)
    export: dict[str, list[JSON]] = {
        "Patient": [],
        "Observation": [],
        "Condition": [],
        "MedicationStatement": [],
    }
    kinds = [make for make, weight in ARCHETYPES for _ in range(weight)]
    rng.shuffle(kinds)
    for number, make in enumerate(kinds[:count], start=1):
        person = Person(number, rng, export)
        make(person)
        noise(person)
    lines = [orjson.dumps(r, option=orjson.OPT_SORT_KEYS) for rs in export.values() for r in rs]
    return b"\n".join(lines) + b"\n"


def main(argv: list[str]) -> int:
    target = Path(argv[1]) if len(argv) > 1 else OUTPUT
    data = population()
    target.write_bytes(data)
    print(f"wrote {len(data.splitlines())} resources to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
