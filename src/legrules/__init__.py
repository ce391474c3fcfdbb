"""legrules: clinical decision rules for leg pain.

Describe a presentation (typed, three-valued findings; measurements in UCUM units),
call :func:`assess`, and read an :class:`Assessment`: a triage disposition, every red
flag with its evidence, scores, differentials and recommendations, each traceable to
the rule version, the criterion and the input that decided it.

>>> from datetime import datetime, UTC
>>> import legrules
>>> p = legrules.Presentation.of(present=["leg-pain", "dyspnea"])
>>> legrules.assess(p, as_of=datetime(2026, 11, 22, tzinfo=UTC)).disposition.value
'emergency'
"""

from typing import TYPE_CHECKING

from legrules._version import __version__

if TYPE_CHECKING:
    from legrules.engine import assess
    from legrules.errors import (
        DocumentError,
        FHIRInputError,
        ImplausibleValueError,
        InputError,
        InvalidValueError,
        LegrulesError,
        MissingExtraError,
        PolicyError,
        RulesetError,
        UnitError,
        UnknownConceptError,
    )
    from legrules.model import (
        Assessment,
        Audience,
        DifferentialResult,
        Disposition,
        Evidence,
        Finding,
        Laterality,
        Likelihood,
        Measurement,
        OpenQuestion,
        Patient,
        Policy,
        Presence,
        Presentation,
        Recommendation,
        RedFlagResult,
        ScoreResult,
        Sex,
        Source,
        Status,
        Tri,
        Withheld,
    )
    from legrules.model.documents import (
        dump_assessment,
        dump_presentation,
        load_assessment,
        load_presentation,
    )
    from legrules.rules import LATEST, RULESETS, RuleSet, get_ruleset

__all__ = [
    "LATEST",
    "RULESETS",
    "Assessment",
    "Audience",
    "DifferentialResult",
    "Disposition",
    "DocumentError",
    "Evidence",
    "FHIRInputError",
    "Finding",
    "ImplausibleValueError",
    "InputError",
    "InvalidValueError",
    "Laterality",
    "LegrulesError",
    "Likelihood",
    "Measurement",
    "MissingExtraError",
    "OpenQuestion",
    "Patient",
    "Policy",
    "PolicyError",
    "Presence",
    "Presentation",
    "Recommendation",
    "RedFlagResult",
    "RuleSet",
    "RulesetError",
    "ScoreResult",
    "Sex",
    "Source",
    "Status",
    "Tri",
    "UnitError",
    "UnknownConceptError",
    "Withheld",
    "__version__",
    "assess",
    "dump_assessment",
    "dump_presentation",
    "get_ruleset",
    "load_assessment",
    "load_presentation",
]


#: Where each public name lives: imported when first used, so that ``import legrules``
#: (which ``legrules.cli`` and every submodule's import run first) costs nothing beyond
#: the version; the command line imports what its command needs, and no more.
_HOMES: dict[str, str] = {
    "assess": "legrules.engine",
    **dict.fromkeys(
        (
            "DocumentError",
            "FHIRInputError",
            "ImplausibleValueError",
            "InputError",
            "InvalidValueError",
            "LegrulesError",
            "MissingExtraError",
            "PolicyError",
            "RulesetError",
            "UnitError",
            "UnknownConceptError",
        ),
        "legrules.errors",
    ),
    **dict.fromkeys(
        ("dump_assessment", "dump_presentation", "load_assessment", "load_presentation"),
        "legrules.model.documents",
    ),
    **dict.fromkeys(("LATEST", "RULESETS", "RuleSet", "get_ruleset"), "legrules.rules"),
}
#: The subpackages this package imported eagerly before, still reachable as attributes.
_SUBPACKAGES = frozenset({"engine", "errors", "model", "rules"})


def __getattr__(name: str) -> object:
    """A public name (or subpackage), imported on first use and kept (PEP 562)."""
    import importlib

    if name in _SUBPACKAGES:
        return importlib.import_module(f"{__name__}.{name}")
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES.get(name, "legrules.model")), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
