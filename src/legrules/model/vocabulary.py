"""The finding vocabulary: every concept a presentation can state and the rules can read.

The ids are a public contract (they are the codes of legrules' own FHIR CodeSystem) and
never change meaning.  Each concept is either *boolean* (three-valued: present, absent,
unknown) or a *quantity* with a canonical UCUM unit and a plausible range; values
outside that range are rejected as implausible rather than silently used.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

from legrules.errors import UnknownConceptError, did_you_mean
from legrules.model._enums import ValueEnum
from legrules.model.units import TABLES, bounds_in, convert

__all__ = ["VOCABULARY", "Category", "Concept", "Kind", "concept"]


class Kind(ValueEnum):
    """Whether a concept is stated as present/absent or measured as a quantity."""

    BOOLEAN = "boolean"
    QUANTITY = "quantity"


class Category(ValueEnum):
    """What sort of fact a concept is; decides, among other things, FHIR look-back windows."""

    VITAL = "vital-sign"
    LABORATORY = "laboratory"
    IMAGING = "imaging"
    EXAMINATION = "examination"
    SYMPTOM = "symptom"
    SIGN = "sign"
    TIMING = "timing"
    EVENT = "recent-event"
    HISTORY = "history"
    MEDICATION = "medication"
    JUDGEMENT = "judgement"


@attrs.frozen
class Concept:
    """One entry of the vocabulary.

    ``units`` names a unit table of :mod:`legrules.model.units`; its first unit is the
    canonical one and ``low``/``high`` bound plausible values in that unit.  An
    ``elapsed`` quantity is a time since something happened, so a value recorded earlier
    has grown by the time since it was recorded.  ``EVENT`` facts describe something
    recent (an injury, a long flight), so an old record of one goes stale.
    """

    id: str
    display: str
    kind: Kind
    category: Category
    lateral: bool = False
    units: str | None = None
    low: float | None = None
    high: float | None = None
    elapsed: bool = False

    @property
    def unit(self) -> str | None:
        """The canonical UCUM unit of a quantity concept (``None`` for booleans)."""
        return None if self.units is None else next(iter(TABLES[self.units]))

    def _table(self) -> tuple[str, float, float]:
        if self.units is None or self.low is None or self.high is None:
            raise TypeError(f"{self.id} is not a quantity")
        return self.units, self.low, self.high

    def accepted_units(self) -> tuple[str, ...]:
        """The UCUM units this quantity may be given in, canonical first."""
        return tuple(TABLES[self._table()[0]])

    def range_in(self, unit: str) -> tuple[float, float]:
        """The plausible range expressed in *unit* (see :func:`~.units.bounds_in`)."""
        table, low, high = self._table()
        return bounds_in(unit, table, low, high)

    def to_canonical(self, value: float, unit: str) -> tuple[float, str | None]:
        """*value* in *unit* converted to the canonical unit, with any caveat note."""
        return convert(value, unit, self._table()[0])


def _b(cid: str, display: str, category: Category, *, lateral: bool = False) -> Concept:
    return Concept(cid, display, Kind.BOOLEAN, category, lateral)


def _q(
    cid: str,
    display: str,
    category: Category,
    units: str,
    low: float,
    high: float,
    *,
    lateral: bool = False,
    elapsed: bool = False,
) -> Concept:
    return Concept(cid, display, Kind.QUANTITY, category, lateral, units, low, high, elapsed)


_V, _L, _E, _I = Category.VITAL, Category.LABORATORY, Category.EXAMINATION, Category.IMAGING
_S, _G, _T, _EV = Category.SYMPTOM, Category.SIGN, Category.TIMING, Category.EVENT
_H, _M, _J = Category.HISTORY, Category.MEDICATION, Category.JUDGEMENT

_CONCEPTS: tuple[Concept, ...] = (
    # Vital signs and measurements
    _q("temperature", "Body temperature", _V, "temperature", 25.0, 45.0),
    _q("heart-rate", "Heart rate", _V, "per-minute", 20.0, 300.0),
    _q("respiratory-rate", "Respiratory rate", _V, "per-minute", 2.0, 80.0),
    _q("spo2", "Oxygen saturation", _V, "percent", 40.0, 100.0),
    _q("systolic-bp", "Systolic blood pressure", _V, "pressure", 30.0, 300.0),
    _q("pain-score", "Pain severity (0-10)", _S, "score-0-10", 0.0, 10.0),
    _q("d-dimer", "D-dimer (FEU)", _L, "d-dimer", 0.0, 200_000.0),
    _q("ferritin", "Ferritin", _L, "mass-concentration", 0.0, 100_000.0),
    _q("transferrin-saturation", "Transferrin saturation", _L, "percent", 0.0, 100.0),
    _q("potassium", "Serum potassium", _L, "potassium", 1.0, 10.0),
    _q("magnesium", "Serum magnesium", _L, "magnesium", 0.1, 5.0),
    _q("calcium", "Serum calcium, corrected for albumin", _L, "calcium", 0.5, 5.0),
    _q("vitamin-d-25oh", "Serum 25-hydroxyvitamin D", _L, "vitamin-d", 0.0, 1_000.0),
    _q("abi", "Ankle-brachial index", _E, "ratio", 0.0, 3.0, lateral=True),
    _q("tbi", "Toe-brachial index", _E, "ratio", 0.0, 2.0, lateral=True),
    _q("toe-pressure", "Toe systolic pressure", _E, "pressure", 0.0, 300.0, lateral=True),
    _q(
        "ankle-pressure",
        "Ankle systolic pressure (higher of DP/PT)",
        _E,
        "pressure",
        0.0,
        400.0,
        lateral=True,
    ),
    _q(
        "brachial-pressure", "Brachial systolic pressure", _E, "pressure", 30.0, 300.0, lateral=True
    ),
    _q(
        "calf-circumference-difference",
        "Calf circumference, symptomatic minus other leg (10 cm below tibial tuberosity)",
        _E,
        "length-cm",
        -20.0,
        30.0,
    ),
    _b("ultrasound-dvt", "Ultrasound shows deep vein thrombosis", _I),
    _q("symptom-duration", "Duration of symptoms", _T, "days", 0.0, 36_500.0, elapsed=True),
    _q(
        "hours-since-exercise",
        "Time since the exercise that preceded the pain",
        _T,
        "hours",
        0.0,
        8_760.0,
        elapsed=True,
    ),
    _q("hours-since-injury", "Time since the injury", _T, "hours", 0.0, 87_600.0, elapsed=True),
    _q("cramp-nights-per-week", "Nights a week with cramps", _S, "per-week", 0.0, 7.0),
    _q("cramp-duration", "Duration of a typical cramp", _S, "minutes", 0.0, 1_440.0),
    # General
    _b("leg-pain", "Pain in the leg", _S, lateral=True),
    _b("sudden-onset", "Sudden onset of the pain", _T),
    _b("onset-within-14-days", "Onset within the last 14 days", _T),
    _b("injury", "Injury to the leg", _EV),
    _b("worsening", "Pain getting worse over time", _S),
    _b("no-improvement-with-self-care", "No improvement with self-care", _S),
    _b("bilateral-pain", "Pain in both legs", _S),
    _b("migrating-pain", "Pain that moves from place to place", _S),
    _b("heavy-legs", "Heavy legs", _S),
    _b("stress-linked", "Pain linked in time to psychological stress", _S),
    _b("sleep-disrupted", "Leg symptoms keep disrupting sleep", _S),
    _b("tight-muscles", "Tight leg muscles", _S),
    # Venous / DVT
    _b("leg-swelling", "Leg swelling", _G, lateral=True),
    _b("entire-leg-swollen", "Entire leg swollen", _G),
    _b("pitting-edema", "Pitting oedema confined to the symptomatic leg", _G),
    _b("deep-vein-tenderness", "Localised tenderness along the deep veins", _G),
    _b("collateral-superficial-veins", "Collateral superficial (non-varicose) veins", _G),
    _b("redness", "Redness of the leg", _G, lateral=True),
    _b("warmth", "Warmth of the leg", _G, lateral=True),
    _b("varicose-veins", "Varicose veins", _G),
    _b("ankle-edema", "Ankle oedema", _G),
    _b("skin-changes-lower-leg", "Skin changes of the lower leg (venous)", _G),
    _b("heaviness-worse-standing", "Heaviness or aching worse with standing", _S),
    _b("relieved-by-elevation", "Relieved by elevating the legs", _S),
    # Chest and systemic
    _b("dyspnea", "New shortness of breath", _S),
    _b("chest-pain", "Chest pain", _S),
    _b("hemoptysis", "Coughing blood", _S),
    _b("fever", "Fever", _S),
    _b("chills", "Chills", _S),
    _b("altered-mentation", "Altered mentation", _G),
    _b("syncope", "Fainting (syncope)", _S),
    _b("mottled-skin", "Mottled or ashen skin", _G),
    _b("non-blanching-rash", "Non-blanching rash", _G),
    # Skin, soft tissue and joint infection
    _b("crepitus", "Crepitus (crackling) under the skin", _G),
    _b("skin-necrosis-or-bullae", "Skin necrosis, bullae or haemorrhagic blisters", _G),
    _b("rapidly-spreading-redness", "Redness spreading fast (over hours)", _G),
    _b("spreading-redness", "Redness spreading (over hours or days)", _G),
    _b("leg-wound", "Wound of the leg or foot (a cut, bite, burn or new ulcer)", _G, lateral=True),
    _b(
        "hot-swollen-joint",
        "Hot, swollen joint of the leg (hip, knee or ankle), painful to move",
        _G,
        lateral=True,
    ),
    _b("prosthetic-joint", "Prosthetic joint in the leg", _H),
    _b("immunosuppressed", "Immunosuppressed (disease or medicines)", _H),
    # Arterial
    _b("pallor", "Pallor of the leg", _G, lateral=True),
    _b("cold-limb", "Cold leg or foot", _G, lateral=True),
    _b("absent-foot-pulses", "Absent foot pulses", _G, lateral=True),
    _b("paralysis", "Paralysis of the leg", _G, lateral=True),
    _b("rest-pain-foot", "Rest pain in the foot", _S, lateral=True),
    _b("leg-ulcer", "Leg or foot ulcer present more than 2 weeks", _G, lateral=True),
    _b("gangrene", "Gangrene", _G, lateral=True),
    _b("skin-color-change", "New change of skin colour on the leg", _G, lateral=True),
    # Claudication (Edinburgh questionnaire)
    _b("pain-on-walking", "Pain in the leg on walking", _S),
    _b("pain-starts-at-rest", "The pain sometimes starts while standing still or sitting", _S),
    _b("pain-uphill-or-hurrying", "Pain when walking uphill or hurrying", _S),
    _b("pain-ordinary-pace", "Pain when walking at an ordinary pace on the level", _S),
    _b("pain-gone-within-10-min-standing", "Pain gone within 10 minutes of standing still", _S),
    _b("pain-site-calf", "Pain in the calf", _S),
    _b("pain-site-thigh-or-buttock", "Pain in the thigh or buttock", _S),
    # Neurological and spinal
    _b("numbness", "Numbness in the leg or foot", _S, lateral=True),
    _b("tingling", "Tingling in the leg or foot", _S, lateral=True),
    _b("leg-weakness", "Leg weakness", _G, lateral=True),
    _b("foot-drop", "Foot drop", _G, lateral=True),
    _b("weakness-progressive", "Weakness getting worse", _S),
    _b("saddle-anesthesia", "Saddle (perineal) numbness", _S),
    _b("urinary-retention", "New urinary retention or difficulty starting urination", _S),
    _b("urinary-incontinence", "New urinary incontinence", _S),
    _b("fecal-incontinence", "New faecal incontinence", _S),
    _b("sexual-dysfunction-new", "New sexual dysfunction", _S),
    _b("back-pain", "Back pain", _S),
    _b("pain-radiates-below-knee", "Leg pain radiating below the knee", _S, lateral=True),
    _b("leg-pain-worse-than-back-pain", "Leg pain worse than back pain", _S),
    _b(
        "straight-leg-raise-positive",
        "Positive straight-leg raise (30-70 degrees)",
        _G,
        lateral=True,
    ),
    _b("dermatomal-numbness", "Numbness in a dermatomal pattern", _G, lateral=True),
    # Compartment and injury
    _b("pain-out-of-proportion", "Pain out of proportion to the injury", _S),
    _b("pain-on-passive-stretch", "Pain on passive stretch of the muscles", _G),
    _b("tense-compartment", "Tense, swollen muscle compartment", _G),
    _b("recent-fracture-or-cast", "Recent fracture or cast", _EV),
    _b("strenuous-exertion", "Recent strenuous exertion", _EV),
    _b("crush-or-reperfusion", "Crush injury, or reperfusion of an ischaemic limb", _EV),
    # Ottawa ankle and knee rules (Stiell 1993, 1996)
    _b("fall", "A fall", _EV),
    _b("knee-injury", "Injury to the knee (a blow, twist or fall onto it)", _EV, lateral=True),
    _b(
        "ottawa-malleolar-tenderness",
        "Bone tenderness at the posterior edge or tip of either malleolus",
        _G,
        lateral=True,
    ),
    _b(
        "ottawa-midfoot-tenderness",
        "Bone tenderness at the navicular or the base of the 5th metatarsal",
        _G,
        lateral=True,
    ),
    _b("fibular-head-tenderness", "Tenderness at the head of the fibula", _G, lateral=True),
    _b(
        "patellar-tenderness-isolated",
        "Isolated tenderness of the patella",
        _G,
        lateral=True,
    ),
    _b("knee-flexion-below-90", "Knee cannot flex to 90 degrees", _G, lateral=True),
    _b("unable-to-bear-weight", "Unable to take 4 steps on the leg", _G),
    _b("bruising", "Bruising", _G),
    # Restless legs (IRLSSG 2012)
    _b("urge-to-move-legs", "Urge to move the legs", _S),
    _b("worse-at-rest", "Begins or worsens at rest", _S),
    _b("relieved-by-movement", "Relieved by movement while moving", _S),
    _b("worse-evening-night", "Worse in the evening or at night", _S),
    _b("not-explained-by-other-condition", "Not solely explained by another condition", _J),
    # Cramps
    _b("leg-cramp", "Leg cramps", _S),
    _b("cramp-muscle-hardening", "Sudden painful involuntary hardening of the muscle", _S),
    _b("cramp-in-bed", "Cramps occur in bed", _S),
    _b("cramp-relieved-by-stretching", "Cramps relieved by stretching", _S),
    _b("cramp-very-painful", "Cramps are very painful", _S),
    # Musculoskeletal
    _b("recent-unaccustomed-exercise", "Recent unaccustomed or intense exercise", _EV),
    _b("pain-in-exercised-muscles", "Pain in the exercised muscles", _S),
    _b("sudden-pain-during-activity", "Sudden pain during activity", _S),
    _b("localized-pain", "Localised pain", _S),
    _b("pain-on-contraction-or-stretch", "Pain on contraction or stretch of the muscle", _G),
    _b("pain-inner-shin", "Pain along the inner shin", _S),
    _b("shin-tenderness-diffuse", "Tenderness along the shin over 5 cm or more", _G),
    _b("focal-bony-tenderness", "Focal bony tenderness", _G),
    _b("running-or-increased-training", "Running or a recent increase in training", _EV),
    _b("pain-achilles", "Pain at or 2-6 cm above the Achilles insertion", _S),
    _b("pain-with-loading", "Pain with loading", _S),
    _b("morning-stiffness", "Morning stiffness", _S),
    _b("anterior-knee-pain", "Pain around or behind the kneecap", _S),
    _b("pain-stairs-squats-sitting", "Pain with stairs, squats, running or prolonged sitting", _S),
    _b(
        "night-pain-waking",
        "Leg or bone pain that wakes most nights, for 2 weeks or more",
        _S,
    ),
    _b("unexplained-bone-pain", "Unexplained bone pain in the leg", _S),
    _b("widespread-pain-3-months", "Widespread pain for 3 months or more", _S),
    _b("fatigue-or-unrefreshing-sleep", "Fatigue or unrefreshing sleep", _S),
    _b("morning-stiffness-under-30-min", "Morning stiffness lasting 30 minutes or less", _S),
    _b("activity-related-joint-pain", "Activity-related knee or hip pain", _S),
    _b("diffuse-bone-or-muscle-aches", "Diffuse bone or muscle aches", _S),
    # Fluids
    _b("dehydration", "Dehydration", _G),
    _b("heavy-sweating", "Heavy sweating", _S),
    # History, risk factors and judgements
    _q("days-bedridden", "Days bedridden", _EV, "days", 0.0, 3_650.0),
    _q(
        "weeks-since-major-surgery",
        "Weeks since major surgery",
        _H,
        "weeks",
        0.0,
        5_200.0,
        elapsed=True,
    ),
    _b("active-cancer", "Active cancer", _H),
    _b("paralysis-paresis-or-cast", "Paralysis, paresis or recent plaster of the leg", _EV),
    _b("bedridden-3-days", "Bedridden for 3 days or more", _EV),
    _b("major-surgery-12-weeks", "Major surgery within 12 weeks", _EV),
    _b("previous-dvt", "Previously documented DVT", _H),
    _b("alternative-diagnosis-as-likely", "Alternative diagnosis at least as likely as DVT", _J),
    _b("pad-known", "Known peripheral arterial disease", _H),
    _b("diabetes", "Diabetes mellitus", _H),
    _b("smoker", "Current smoker", _H),
    _b("hypertension", "Hypertension", _H),
    _b("dyslipidemia", "Dyslipidaemia", _H),
    _b("chronic-kidney-disease", "Chronic kidney disease", _H),
    _b("heart-failure", "Heart failure", _H),
    _b("family-history-pad", "Family history of PAD", _H),
    _b("atherosclerosis-elsewhere", "Atherosclerosis in another vascular bed", _H),
    _b("nsaid-allergy", "Allergy or intolerance to NSAIDs", _H),
    _b("prolonged-sitting-or-standing", "Prolonged sitting or standing", _H),
    _b("long-haul-travel", "Long-haul travel (flight of 4 hours or more)", _EV),
    # Medication classes
    _b("statin", "Taking a statin", _M),
    _b("thiazide-diuretic", "Taking a thiazide diuretic", _M),
    _b("potassium-sparing-diuretic", "Taking a potassium-sparing diuretic", _M),
    _b("loop-diuretic", "Taking a loop diuretic", _M),
    _b("long-acting-beta-agonist", "Taking a long-acting beta-agonist", _M),
    _b("anticoagulant", "Taking an anticoagulant", _M),
)

#: Every concept by id, in vocabulary order.
VOCABULARY: Mapping[str, Concept] = MappingProxyType({c.id: c for c in _CONCEPTS})

if len(VOCABULARY) != len(_CONCEPTS):  # pragma: no cover - guards the table above
    raise RuntimeError("duplicate concept id in the vocabulary")


def concept(cid: str) -> Concept:
    """Return the concept with id *cid*.

    Raises:
        UnknownConceptError: *cid* is not in the vocabulary.
    """
    try:
        return VOCABULARY[cid]
    except (KeyError, TypeError):
        hint = did_you_mean(cid, VOCABULARY)
        raise UnknownConceptError(f"unknown finding id {cid!r}{hint}", "id") from None
