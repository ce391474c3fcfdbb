"""Typed models: the presentation that goes in and the assessment that comes out.

This package imports nothing else of legrules; rules, engine and adapters build on it.
"""

from legrules.model.assessment import (
    Assessment,
    Audience,
    CriterionTrace,
    DifferentialResult,
    Disposition,
    Evidence,
    Likelihood,
    OpenQuestion,
    Recommendation,
    RedFlagResult,
    RuleSetRef,
    RuleTrace,
    ScoreResult,
    Status,
    Unresolved,
    Withheld,
)
from legrules.model.policy import Policy, WellsVariant
from legrules.model.presentation import (
    Finding,
    IgnoredInput,
    Laterality,
    Measurement,
    Patient,
    Presence,
    Presentation,
    Sex,
    Source,
)
from legrules.model.tri import Tri
from legrules.model.vocabulary import VOCABULARY, Category, Concept, Kind, concept

__all__ = [
    "VOCABULARY",
    "Assessment",
    "Audience",
    "Category",
    "Concept",
    "CriterionTrace",
    "DifferentialResult",
    "Disposition",
    "Evidence",
    "Finding",
    "IgnoredInput",
    "Kind",
    "Laterality",
    "Likelihood",
    "Measurement",
    "OpenQuestion",
    "Patient",
    "Policy",
    "Presence",
    "Presentation",
    "Recommendation",
    "RedFlagResult",
    "RuleSetRef",
    "RuleTrace",
    "ScoreResult",
    "Sex",
    "Source",
    "Status",
    "Tri",
    "Unresolved",
    "WellsVariant",
    "Withheld",
    "concept",
]
