"""The FHIR codes the strategies use: legrules' own, and the standard ones of ``fhir.md``.

Only codes listed in the FHIR contract are used (they were seen in HL7 examples, the
vital-signs profile, national IG value sets and Synthea modules); everything else is
sent with legrules' own CodeSystem, where ``code`` is the finding id.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from legrules.model import Category, Laterality

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason"

Code = tuple[str, str, str]  # system, code, display

#: Boolean findings with a standard SNOMED CT code (fhir.md, "Codes").
FINDING_CODES: Mapping[str, Code] = MappingProxyType(
    {
        "leg-pain": (SNOMED, "10601006", "Pain in lower limb"),
        "leg-swelling": (SNOMED, "449615005", "Swelling of lower leg"),
        "redness": (SNOMED, "247441003", "Erythema"),
        "numbness": (SNOMED, "44077006", "Numbness"),
        "tingling": (SNOMED, "91019004", "Paraesthesia"),
        "leg-cramp": (SNOMED, "449918009", "Cramp in lower leg"),
        "dyspnea": (SNOMED, "267036007", "Dyspnoea"),
        "chest-pain": (SNOMED, "29857009", "Chest pain"),
        "fever": (SNOMED, "386661006", "Fever"),
        "urinary-retention": (SNOMED, "267064002", "Retention of urine"),
        "urinary-incontinence": (SNOMED, "165232002", "Urinary incontinence"),
        "varicose-veins": (SNOMED, "72866009", "Varicose veins of lower extremity"),
    }
)

#: History concepts sent as Conditions with a standard code (fhir.md, "Codes").
CONDITION_CODES: Mapping[str, tuple[Code, ...]] = MappingProxyType(
    {
        "active-cancer": ((SNOMED, "363346000", "Malignant neoplastic disease"),),
        "previous-dvt": ((SNOMED, "161508001", "History of deep vein thrombosis"),),
        "pad-known": ((SNOMED, "399957001", "Peripheral arterial occlusive disease"),),
        "diabetes": (
            (SNOMED, "73211009", "Diabetes mellitus"),
            (SNOMED, "44054006", "Diabetes mellitus type 2"),
        ),
    }
)

#: Measurements with standard LOINC codes, and the UCUM units sent with each code.
QUANTITY_CODES: Mapping[str, tuple[tuple[Code, tuple[str, ...]], ...]] = MappingProxyType(
    {
        "temperature": (((LOINC, "8310-5", "Body temperature"), ("Cel", "[degF]")),),
        "heart-rate": (((LOINC, "8867-4", "Heart rate"), ("/min",)),),
        "respiratory-rate": (((LOINC, "9279-1", "Respiratory rate"), ("/min",)),),
        "spo2": (
            ((LOINC, "2708-6", "Oxygen saturation in Arterial blood"), ("%",)),
            ((LOINC, "59408-5", "Oxygen saturation by Pulse oximetry"), ("%",)),
        ),
        "systolic-bp": (((LOINC, "8480-6", "Systolic blood pressure"), ("mm[Hg]",)),),
        "pain-score": (((LOINC, "72514-3", "Pain severity 0-10"), ("{score}",)),),
        "d-dimer": (
            ((LOINC, "48065-7", "D-dimer FEU"), ("ng/mL{FEU}", "mg/L{FEU}")),
            ((LOINC, "71427-9", "D-dimer FEU"), ("ng/mL{FEU}", "ug/mL{FEU}")),
            ((LOINC, "48066-5", "D-dimer DDU"), ("ng/mL{DDU}",)),
            ((LOINC, "48058-2", "D-dimer DDU"), ("ng/mL{DDU}", "ug/L{DDU}")),
            ((LOINC, "91556-1", "D-dimer DDU"), ("ng/mL{DDU}",)),
        ),
        "ferritin": (((LOINC, "2276-4", "Ferritin"), ("ng/mL", "ug/L")),),
        "transferrin-saturation": (((LOINC, "2502-3", "Transferrin saturation"), ("%",)),),
    }
)

#: The blood-pressure panel whose systolic component is read.
BP_PANEL: Code = (LOINC, "85354-9", "Blood pressure panel")

#: A standard code no rule reads (body weight), for inputs the reader must skip.
UNUSED_CODE: Code = (LOINC, "29463-7", "Body weight")

#: ``bodySite`` codes for laterality.
BODY_SITES: Mapping[Laterality, Code] = MappingProxyType(
    {
        Laterality.LEFT: (SNOMED, "7771000", "Left"),
        Laterality.RIGHT: (SNOMED, "24028007", "Right"),
        Laterality.BOTH: (SNOMED, "51440002", "Right and left"),
    }
)

#: Coded values that state a finding present, and absent.
PRESENT_VALUES: tuple[Code, ...] = ((SNOMED, "52101004", "Present"), (SNOMED, "373066001", "Yes"))
ABSENT_VALUES: tuple[Code, ...] = ((SNOMED, "2667000", "Absent"), (SNOMED, "373067005", "No"))

#: Observation statuses that count, and those the reader must ignore.
COUNTED_STATUSES = ("final", "amended", "corrected")
IGNORED_STATUSES = ("registered", "cancelled", "entered-in-error", "unknown")

#: Observation category for each vocabulary category.
OBSERVATION_CATEGORIES: Mapping[Category, str] = MappingProxyType(
    {
        Category.VITAL: "vital-signs",
        Category.LABORATORY: "laboratory",
        Category.IMAGING: "imaging",
        Category.EXAMINATION: "exam",
        Category.SIGN: "exam",
        Category.SYMPTOM: "survey",
        Category.TIMING: "survey",
        Category.EVENT: "survey",
        Category.HISTORY: "social-history",
        Category.MEDICATION: "survey",
        Category.JUDGEMENT: "exam",
    }
)
