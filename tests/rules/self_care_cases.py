"""Presentations that trigger each self-care recommendation, and meet each contraindication.

Every presentation starts from ``ALL_CLEAR`` (every red flag not met), so that only the
trigger and the contraindication under test decide the outcome.
"""

from __future__ import annotations

from legrules import Presentation
from tests.rules.rec_support import WELLS_ABSENT, clear

STRAIN = ("sudden-pain-during-activity", "localized-pain", "pain-on-contraction-or-stretch")
DOMS = ("recent-unaccustomed-exercise", "pain-in-exercised-muscles")
STRESS = ("bilateral-pain", "migrating-pain", "heavy-legs", "stress-linked")
VENOUS = ("heaviness-worse-standing", "relieved-by-elevation", "varicose-veins")
NOCTURNAL = ("cramp-muscle-hardening", "cramp-in-bed", "cramp-relieved-by-stretching")
DEFINITE_CLAUDICATION = (
    "pain-on-walking",
    "pain-uphill-or-hurrying",
    "pain-gone-within-10-min-standing",
    "pain-site-calf",
)
QUIET_CRAMPS: dict[str, tuple[float, str]] = {
    "cramp-nights-per-week": (1.0, "/wk"),
    "cramp-duration": (2.0, "min"),
}
RECENT_INJURY: dict[str, tuple[float, str]] = {"hours-since-injury": (24.0, "h")}
AFTER_EXERCISE: dict[str, tuple[float, str]] = {"hours-since-exercise": (30.0, "h")}
BOTH_LEGS_SWOLLEN = ("leg-swelling", "both")
RED_AND_WARM = ("redness", "warmth")


def abi(value: float) -> list[tuple[str, float, str, str]]:
    """A reported ABI of *value* in the left leg and 1.10 in the right."""
    return [("abi", value, "1", "left"), ("abi", 1.1, "1", "right")]


Item = str | tuple[str, str]
Quantities = dict[str, tuple[float, str]]


def doms(*present: Item) -> Presentation:
    """Likely DOMS (red flags clear) with more findings present."""
    return clear(*DOMS, *present, measured=AFTER_EXERCISE)


def cramps(
    *present: Item, absent: tuple[str, ...] = (), measured: Quantities | None = None
) -> Presentation:
    """Leg cramps that are not troublesome (red flags clear), with more findings."""
    return clear(
        "leg-cramp",
        *present,
        absent=("cramp-very-painful", "sleep-disrupted", *absent),
        measured={**QUIET_CRAMPS, **(measured or {})},
    )


#: A presentation that triggers each self-care recommendation with red flags clear.
TRIGGERS: dict[str, Presentation] = {
    "rec.rice": clear(*STRAIN, measured=RECENT_INJURY),
    "rec.stretching": clear("tight-muscles"),
    "rec.massage-foam-rolling": doms(),
    "rec.heat-warm-bath": doms(),
    "rec.cold-exposure": clear(*STRESS),
    "rec.compression": clear("long-haul-travel"),
    "rec.elevation": clear(*VENOUS),
    "rec.hydration-electrolytes": cramps(),
    "rec.magnesium": cramps(),
    "rec.topical-nsaid": doms(),
    "rec.gradual-progression": doms(),
    "rec.warm-up-cool-down": doms(),
    "rec.sleep-routine": cramps(*NOCTURNAL),
    "rec.movement-breaks": clear("prolonged-sitting-or-standing"),
    "rec.supportive-footwear": clear("prolonged-sitting-or-standing"),
    "rec.relaxation-breathing": clear(*STRESS),
    "rec.symptom-log": clear(*STRESS),
}

#: (recommendation, contraindication criterion) -> a presentation that triggers the
#: recommendation and meets the contraindication.
CONTRAINDICATED: dict[tuple[str, str], Presentation] = {
    ("rec.supervised-exercise", "clti"): clear("rest-pain-foot", measured_sides=abi(0.8)),
    ("rec.stretching", "strain-within-48h"): clear(
        "tight-muscles", *STRAIN, measured=RECENT_INJURY
    ),
    ("rec.stretching", "suspected-dvt"): clear(
        "tight-muscles", BOTH_LEGS_SWOLLEN, absent=WELLS_ABSENT
    ),
    ("rec.massage-foam-rolling", "suspected-dvt"): cramps(BOTH_LEGS_SWOLLEN, absent=WELLS_ABSENT),
    ("rec.massage-foam-rolling", "leg-infection"): doms(*RED_AND_WARM),
    ("rec.massage-foam-rolling", "strain-within-48h"): cramps(*STRAIN, measured=RECENT_INJURY),
    ("rec.heat-warm-bath", "strain-within-48h"): cramps(*STRAIN, measured=RECENT_INJURY),
    ("rec.heat-warm-bath", "leg-infection"): doms(*RED_AND_WARM),
    ("rec.heat-warm-bath", "numbness"): cramps(("numbness", "left")),
    ("rec.cold-exposure", "pad"): clear(*STRESS, measured_sides=abi(0.85)),
    ("rec.cold-exposure", "cold-limb"): clear(*STRESS, "cold-limb"),
    ("rec.compression", "abi-low"): clear("long-haul-travel", measured_sides=abi(0.75)),
    ("rec.compression", "abi-high"): clear("long-haul-travel", measured_sides=abi(1.35)),
    ("rec.compression", "pad-without-abi"): clear(
        "long-haul-travel", *DEFINITE_CLAUDICATION, absent=("pain-starts-at-rest",)
    ),
    ("rec.compression", "leg-infection"): clear("long-haul-travel", *RED_AND_WARM),
    ("rec.compression", "suspected-dvt"): clear(
        "long-haul-travel", BOTH_LEGS_SWOLLEN, absent=WELLS_ABSENT
    ),
    ("rec.elevation", "pad"): clear(*VENOUS, measured_sides=abi(0.85)),
    ("rec.elevation", "clti"): clear(*VENOUS, "rest-pain-foot", measured_sides=abi(0.85)),
    ("rec.hydration-electrolytes", "heart-or-kidney-disease"): cramps("heart-failure"),
    ("rec.magnesium", "kidney-disease"): cramps("chronic-kidney-disease"),
    ("rec.topical-nsaid", "nsaid-allergy"): doms("nsaid-allergy"),
}
