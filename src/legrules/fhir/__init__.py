"""FHIR adapters: read resources into a presentation, write assessments back.

Imports :mod:`legrules.model` and the assessment types only, never the command line.
"""

from legrules.fhir.canonical import DEFAULT_BASE, finding_system, library_url, rule_system

__all__ = ["DEFAULT_BASE", "finding_system", "library_url", "rule_system"]
