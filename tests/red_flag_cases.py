"""Red-flag cases written from rules.md section 2.

For every red flag: a presentation that meets it, one that does not, and one where it
cannot be decided, with the findings that would settle it.

``ALL_CLEAR`` states the findings that rule out every red flag; each case starts from
it so that exactly one red flag is in play.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from legrules import Presentation
from tests.support import make

#: Absent findings that, with the measurements below, make every red flag not met.
ALL_CLEAR_ABSENT: tuple[str, ...] = (
    "dyspnea",
    "chest-pain",
    "hemoptysis",
    "sudden-onset",
    "saddle-anesthesia",
    "urinary-retention",
    "urinary-incontinence",
    "fecal-incontinence",
    "pain-radiates-below-knee",
    "injury",
    "recent-fracture-or-cast",
    "strenuous-exertion",
    "fever",
    "chills",
    "leg-swelling",
    "entire-leg-swollen",
    "pitting-edema",
    "deep-vein-tenderness",
    "unable-to-bear-weight",
    "rest-pain-foot",
    "leg-ulcer",
    "gangrene",
    "leg-weakness",
    "foot-drop",
    "numbness",
    "tingling",
    "skin-color-change",
    "worsening",
    "no-improvement-with-self-care",
    "leg-cramp",
)
ALL_CLEAR_MEASURED: Mapping[str, tuple[float, str]] = {
    "temperature": (36.8, "Cel"),
    "calf-circumference-difference": (0.0, "cm"),
}


@dataclass(frozen=True)
class AllClear:
    """A background that leaves every red flag of a rule set not met."""

    absent: tuple[str, ...]
    measured: Mapping[str, tuple[float, str]]

    def scenario(
        self,
        present: tuple[Any, ...] = (),
        absent: tuple[Any, ...] = (),
        unknown: tuple[str, ...] = (),
        measured: Mapping[str, tuple[float, str]] | None = None,
        **extra: Any,
    ) -> Presentation:
        """This background, with *present* and *absent* overriding it, *unknown* removed."""
        named = {p if isinstance(p, str) else p[0] for p in (*present, *absent)} | set(unknown)
        background = [a for a in self.absent if a not in named]
        quantities = {k: v for k, v in self.measured.items() if k not in named}
        quantities.update(measured or {})
        return make(present=present, absent=(*background, *absent), measured=quantities, **extra)


#: Every red flag of rule set 2026.11 not met.
ALL_CLEAR = AllClear(ALL_CLEAR_ABSENT, ALL_CLEAR_MEASURED)

#: ALL_CLEAR, with *present* and *absent* overriding it and *unknown* removed.
scenario = ALL_CLEAR.scenario


@dataclass(frozen=True)
class Case:
    """One red flag's three situations."""

    rule: str
    level: str
    met: Presentation
    not_met: Presentation
    indeterminate: Presentation
    missing: tuple[str, ...]


CASES: tuple[Case, ...] = (
    Case(
        "redflag.possible-pe",
        "emergency",
        met=scenario(present=("leg-pain", "dyspnea")),
        not_met=scenario(present=("leg-pain",)),
        indeterminate=scenario(present=("leg-pain",), unknown=("chest-pain",)),
        missing=("chest-pain",),
    ),
    Case(
        "redflag.acute-limb-ischemia",
        "emergency",
        met=scenario(
            present=("leg-pain", "sudden-onset", "onset-within-14-days", "cold-limb"),
            absent=("injury",),
            measured={"pain-score": (5, "{score}")},
        ),
        not_met=scenario(present=("leg-pain", "onset-within-14-days", "cold-limb")),
        indeterminate=scenario(
            present=("leg-pain", "sudden-onset", "onset-within-14-days"),
            absent=("cold-limb", "pallor"),
            measured={"pain-score": (5, "{score}")},
        ),
        missing=("absent-foot-pulses",),
    ),
    Case(
        "redflag.cauda-equina",
        "emergency",
        met=scenario(present=("saddle-anesthesia",)),
        not_met=scenario(),
        indeterminate=scenario(unknown=("fecal-incontinence",)),
        missing=("fecal-incontinence",),
    ),
    Case(
        "redflag.compartment-syndrome",
        "emergency",
        met=scenario(
            present=("strenuous-exertion", "pain-on-passive-stretch", "tense-compartment")
        ),
        not_met=scenario(present=("pain-on-passive-stretch", "tense-compartment")),
        indeterminate=scenario(
            present=("recent-fracture-or-cast",),
            absent=("pain-on-passive-stretch",),
            unknown=("pain-out-of-proportion",),
        ),
        missing=("pain-out-of-proportion",),
    ),
    Case(
        "redflag.sepsis",
        "emergency",
        met=scenario(
            present=("redness", "chills", "altered-mentation"),
            measured={"respiratory-rate": (24, "/min"), "systolic-bp": (110, "mm[Hg]")},
        ),
        not_met=scenario(present=("redness",)),
        indeterminate=scenario(
            present=("redness", "chills"), measured={"respiratory-rate": (24, "/min")}
        ),
        missing=("systolic-bp", "altered-mentation"),
    ),
    Case(
        "redflag.suspected-dvt",
        "urgent",
        met=scenario(present=(("leg-swelling", "left"), ("leg-pain", "left"))),
        not_met=scenario(present=("leg-pain",)),
        indeterminate=scenario(
            present=("entire-leg-swollen", "active-cancer"),
            absent=("leg-swelling", "redness", "warmth"),
        ),
        missing=("paralysis-paresis-or-cast", "previous-dvt"),
    ),
    Case(
        "redflag.leg-infection",
        "urgent",
        met=scenario(present=("warmth",), measured={"temperature": (38.4, "Cel")}),
        not_met=scenario(present=("warmth",)),
        indeterminate=scenario(present=("redness",), unknown=("fever", "chills", "temperature")),
        missing=("temperature", "fever", "chills"),
    ),
    Case(
        "redflag.unable-to-bear-weight",
        "urgent",
        met=scenario(present=("unable-to-bear-weight",)),
        not_met=scenario(),
        indeterminate=scenario(unknown=("unable-to-bear-weight",)),
        missing=("unable-to-bear-weight",),
    ),
    Case(
        "redflag.chronic-limb-threatening-ischemia",
        "urgent",
        met=scenario(present=("rest-pain-foot", "pad-known")),
        not_met=scenario(),
        indeterminate=scenario(present=("leg-ulcer",), absent=("pad-known", "absent-foot-pulses")),
        missing=("abi", "ankle-pressure", "brachial-pressure"),
    ),
    Case(
        "redflag.progressive-weakness",
        "urgent",
        met=scenario(present=("foot-drop", "weakness-progressive")),
        not_met=scenario(present=("weakness-progressive",)),
        indeterminate=scenario(present=("leg-weakness",)),
        missing=("weakness-progressive",),
    ),
    Case(
        "redflag.sudden-severe-pain",
        "urgent",
        met=scenario(present=("sudden-onset",), measured={"pain-score": (8, "{score}")}),
        not_met=scenario(present=("sudden-onset",), measured={"pain-score": (6, "{score}")}),
        indeterminate=scenario(
            present=("sudden-onset",), unknown=("injury",), measured={"pain-score": (9, "{score}")}
        ),
        missing=("injury",),
    ),
    Case(
        "redflag.numbness-tingling",
        "soon",
        met=scenario(present=(("tingling", "right"),)),
        not_met=scenario(),
        indeterminate=scenario(unknown=("numbness",)),
        missing=("numbness",),
    ),
    Case(
        "redflag.skin-change",
        "soon",
        met=scenario(present=(("skin-color-change", "left"),)),
        not_met=scenario(),
        indeterminate=scenario(unknown=("skin-color-change",)),
        missing=("skin-color-change",),
    ),
    Case(
        "redflag.not-improving",
        "soon",
        met=scenario(
            present=("no-improvement-with-self-care",),
            measured={"symptom-duration": (8, "d")},
        ),
        not_met=scenario(
            present=("no-improvement-with-self-care",),
            measured={"symptom-duration": (3, "d")},
        ),
        indeterminate=scenario(present=("no-improvement-with-self-care",)),
        missing=("symptom-duration",),
    ),
    Case(
        "redflag.troublesome-cramps",
        "routine",
        met=scenario(present=("leg-cramp",), measured={"cramp-nights-per-week": (4, "/wk")}),
        not_met=scenario(
            present=("leg-cramp",),
            absent=("cramp-very-painful", "sleep-disrupted"),
            measured={"cramp-nights-per-week": (1, "/wk"), "cramp-duration": (2, "min")},
        ),
        indeterminate=scenario(
            present=("leg-cramp",),
            absent=("cramp-very-painful", "sleep-disrupted"),
            measured={"cramp-nights-per-week": (1, "/wk")},
        ),
        missing=("cramp-duration",),
    ),
)
