"""FHIR adapters: read resources into a presentation, write assessments back.

Imports :mod:`legrules.model` and the assessment types only, never the command line.
The writers are imported when first asked for: reading (``legrules assess`` over bulk
NDJSON) never needs them.
"""

from typing import TYPE_CHECKING, Any

from legrules.fhir.canonical import DEFAULT_BASE, finding_system, library_url, rule_system
from legrules.fhir.read.presentations import ReadResult, read_presentation, read_presentations
from legrules.fhir.versions import FHIRVersion
from legrules.fhir.write import FHIR_VERSIONS

if TYPE_CHECKING:
    from legrules.fhir.write.split import split_transaction
    from legrules.fhir.write.transaction import dumps_bundle, transaction_bundle, validate_bundle

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

#: The writers' names, by the module that defines them.
_WRITERS = {
    "dumps_bundle": "legrules.fhir.write.transaction",
    "split_transaction": "legrules.fhir.write.split",
    "transaction_bundle": "legrules.fhir.write.transaction",
    "validate_bundle": "legrules.fhir.write.transaction",
}


def __getattr__(name: str) -> Any:
    """A writer, imported when first asked for (see the module's docstring)."""
    module = _WRITERS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    found = getattr(importlib.import_module(module), name)
    globals()[name] = found
    return found
