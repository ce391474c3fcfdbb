"""Writing FHIR: assessments as transaction Bundles, presentations as Observations.

The public entry points are re-exported by :mod:`legrules.fhir` (and
:mod:`legrules.fhir.capture`); the modules here build one kind of resource each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from legrules.fhir.write.writer import FHIRVersion

__all__ = ["FHIR_VERSIONS"]

#: The FHIR versions :func:`~legrules.fhir.transaction_bundle` writes (here, with no
#: imports, so that the command line can offer them without loading the writers).
FHIR_VERSIONS: tuple[FHIRVersion, ...] = ("R4B", "R5")
