"""FHIR adapters: read resources into a presentation, write assessments back.

Imports :mod:`legrules.model` and the assessment types only, never the command line.
"""

from legrules.fhir.canonical import DEFAULT_BASE, finding_system, library_url, rule_system
from legrules.fhir.read import ReadResult, read_presentation, read_presentations
from legrules.fhir.versions import FHIRVersion

__all__ = [
    "DEFAULT_BASE",
    "FHIRVersion",
    "ReadResult",
    "finding_system",
    "library_url",
    "read_presentation",
    "read_presentations",
    "rule_system",
]
