"""Red-flag cases of rule set 2026.12, written from rules.md section 7.2.

For every new or changed red flag: a presentation that meets it, one that does not, and
one where it cannot be decided, with the findings that would settle it.  Each starts
from ``ALL_CLEAR`` (every 2026.12 red flag not met, vital signs normal) so that one red
flag is in play.
"""

from __future__ import annotations

from collections.abc import Mapping

from tests.red_flag_cases import ALL_CLEAR_ABSENT, ALL_CLEAR_MEASURED, AllClear, Case

#: Absent findings and normal vital signs that make every 2026.12 red flag not met.
ALL_CLEAR_ABSENT_2026_12: tuple[str, ...] = (
    *ALL_CLEAR_ABSENT,
    "redness",
    "warmth",
    "hot-swollen-joint",
    "syncope",
    "crush-or-reperfusion",
    "fall",
    "sexual-dysfunction-new",
    "night-pain-waking",
    "unexplained-bone-pain",
    "leg-wound",
    "paralysis",
    "absent-foot-pulses",
    "pallor",
    "cold-limb",
    "back-pain",
    "altered-mentation",
    "mottled-skin",
    "non-blanching-rash",
)
ALL_CLEAR_MEASURED_2026_12: Mapping[str, tuple[float, str]] = {
    **ALL_CLEAR_MEASURED,
    "heart-rate": (76, "/min"),
    "respiratory-rate": (14, "/min"),
    "systolic-bp": (128, "mm[Hg]"),
    "spo2": (98, "%"),
    "potassium": (4.2, "mmol/L"),
    "magnesium": (0.85, "mmol/L"),
    "calcium": (2.35, "mmol/L"),
}


#: Every red flag of rule set 2026.12 not met.
ALL_CLEAR_2026_12 = AllClear(ALL_CLEAR_ABSENT_2026_12, ALL_CLEAR_MEASURED_2026_12)

#: ALL_CLEAR of 2026.12, with *present* and *absent* overriding it, *unknown* removed.
scenario = ALL_CLEAR_2026_12.scenario


_INFLAMED = ("redness", "warmth")

CASES_2026_12: tuple[Case, ...] = (
    Case(
        "redflag.sepsis",
        "emergency",
        met=scenario(present=_INFLAMED, measured={"temperature": (35.4, "Cel")}),
        not_met=scenario(present=_INFLAMED),
        indeterminate=scenario(present=("leg-ulcer",), unknown=("altered-mentation", "spo2")),
        missing=("altered-mentation", "spo2"),
    ),
    Case(
        "redflag.necrotising-infection",
        "emergency",
        met=scenario(present=("redness", "crepitus")),
        not_met=scenario(
            present=("redness",),
            absent=(
                "pain-out-of-proportion",
                "crepitus",
                "skin-necrosis-or-bullae",
                "rapidly-spreading-redness",
            ),
            measured={"heart-rate": (88, "/min")},
        ),
        indeterminate=scenario(present=("leg-swelling",), unknown=("heart-rate",)),
        missing=("crepitus", "heart-rate"),
    ),
    Case(
        "redflag.septic-arthritis",
        "emergency",
        met=scenario(present=(("hot-swollen-joint", "right"), "prosthetic-joint")),
        not_met=scenario(present=("prosthetic-joint",)),
        indeterminate=scenario(present=(("hot-swollen-joint", "left"),), absent=("chills",)),
        missing=("prosthetic-joint", "immunosuppressed"),
    ),
    Case(
        "redflag.leg-infection",
        "urgent",
        met=scenario(present=("warmth",), measured={"heart-rate": (96, "/min")}),
        not_met=scenario(
            present=("redness",), absent=("rapidly-spreading-redness", "spreading-redness")
        ),
        indeterminate=scenario(present=("redness",), unknown=("temperature", "heart-rate")),
        missing=("temperature", "heart-rate"),
    ),
    Case(
        "redflag.fever",
        "urgent",
        met=scenario(present=("leg-pain",), measured={"temperature": (38.0, "Cel")}),
        not_met=scenario(present=("leg-pain",)),
        indeterminate=scenario(present=("leg-pain",), unknown=("temperature", "fever")),
        missing=("temperature", "fever"),
    ),
    Case(
        "redflag.compartment-syndrome",
        "emergency",
        met=scenario(present=("recent-fracture-or-cast", "pain-out-of-proportion")),
        not_met=scenario(
            present=("recent-fracture-or-cast",),
            absent=("pain-out-of-proportion", "pain-on-passive-stretch", "tense-compartment"),
        ),
        indeterminate=scenario(present=("crush-or-reperfusion",)),
        missing=("pain-out-of-proportion", "pain-on-passive-stretch", "tense-compartment"),
    ),
    Case(
        "redflag.acute-limb-ischemia",
        "emergency",
        met=scenario(present=(("pallor", "left"), ("paralysis", "left"))),
        not_met=scenario(present=("onset-within-14-days",)),
        indeterminate=scenario(present=(("absent-foot-pulses", "right"),)),
        missing=("onset-within-14-days",),
    ),
    Case(
        "redflag.chronic-limb-threatening-ischemia",
        "urgent",
        met=scenario(
            present=("rest-pain-foot",),
            measured_sides=[("toe-pressure", 29, "mm[Hg]", "left")],
        ),
        not_met=scenario(
            present=("rest-pain-foot",),
            absent=("pad-known",),
            measured_sides=[
                ("abi", 1.05, "1", "left"),
                ("abi", 1.1, "1", "right"),
                ("tbi", 0.8, "1", "left"),
                ("tbi", 0.8, "1", "right"),
                ("toe-pressure", 60, "mm[Hg]", "left"),
                ("toe-pressure", 60, "mm[Hg]", "right"),
            ],
        ),
        indeterminate=scenario(present=("gangrene",), absent=("pad-known",)),
        missing=("tbi", "toe-pressure"),
    ),
    Case(
        "redflag.possible-pe",
        "emergency",
        met=scenario(present=("leg-swelling",), measured={"spo2": (93, "%")}),
        not_met=scenario(present=("leg-pain",), measured={"spo2": (94, "%")}),
        indeterminate=scenario(present=("leg-pain",), unknown=("spo2", "syncope")),
        missing=("spo2", "syncope"),
    ),
    Case(
        "redflag.cauda-equina",
        "emergency",
        met=scenario(
            present=(("pain-radiates-below-knee", "left"), ("pain-radiates-below-knee", "right"))
        ),
        not_met=scenario(
            present=(("pain-radiates-below-knee", "left"),),
            absent=(("pain-radiates-below-knee", "right"),),
        ),
        indeterminate=scenario(unknown=("sexual-dysfunction-new",)),
        missing=("sexual-dysfunction-new",),
    ),
    Case(
        "redflag.severe-electrolyte-disturbance",
        "urgent",
        met=scenario(measured={"potassium": (2.3, "mmol/L")}),
        not_met=scenario(
            measured={
                "potassium": (2.5, "mmol/L"),
                "magnesium": (0.5, "mmol/L"),
                "calcium": (1.9, "mmol/L"),
            }
        ),
        indeterminate=scenario(
            unknown=("magnesium", "calcium"), measured={"potassium": (3.1, "mmol/L")}
        ),
        missing=("magnesium", "calcium"),
    ),
    Case(
        "redflag.possible-fracture",
        "urgent",
        met=scenario(present=("injury", ("ottawa-malleolar-tenderness", "right"))),
        not_met=scenario(),
        indeterminate=scenario(present=("fall",)),
        missing=("ottawa-malleolar-tenderness", "knee-flexion-below-90"),
    ),
    Case(
        "redflag.suspected-dvt",
        "urgent",
        met=scenario(present=(("leg-swelling", "left"), ("leg-pain", "left"))),
        not_met=scenario(
            present=(("leg-swelling", "left"), ("leg-pain", "left")),
            absent=("ultrasound-dvt",),
            measured={"d-dimer": (300, "ng/mL{FEU}")},
        ),
        indeterminate=scenario(
            present=("entire-leg-swollen", "active-cancer"),
            absent=("leg-swelling", "redness", "warmth"),
        ),
        missing=("paralysis-paresis-or-cast", "previous-dvt"),
    ),
    Case(
        "redflag.night-bone-pain",
        "soon",
        met=scenario(present=("night-pain-waking",)),
        not_met=scenario(present=("night-pain-waking", "leg-cramp")),
        indeterminate=scenario(present=("night-pain-waking",), unknown=("leg-cramp",)),
        missing=("leg-cramp",),
    ),
)
