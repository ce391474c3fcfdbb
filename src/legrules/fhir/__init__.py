"""FHIR adapters: read resources into a presentation, write assessments back.

Imports :mod:`legrules.model` and the assessment types only, never the command line.
"""

from legrules.fhir.canonical import DEFAULT_BASE, finding_system, library_url, rule_system
from legrules.fhir.read.presentations import ReadResult, read_presentation, read_presentations
from legrules.fhir.versions import FHIRVersion
from legrules.fhir.write.split import split_transaction
from legrules.fhir.write.transaction import (
    FHIR_VERSIONS,
    dumps_bundle,
    transaction_bundle,
    validate_bundle,
)

__all__ = [
    "DEFAULT_BASE",
    "FHIR_VERSIONS",
    "FHIRVersion",
    "ReadResult",
    "dumps_bundle",
    "finding_system",
    "library_url",
    "read_presentation",
    "read_presentations",
    "rule_system",
    "split_transaction",
    "transaction_bundle",
    "validate_bundle",
]
