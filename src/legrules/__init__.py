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

from legrules._version import __version__
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
