"""Whole populations: patient keys, grouping by patient, and the population runners.

Both runners (the embedded one, :mod:`legrules.population.embedded`, and the Spark one,
:mod:`legrules.population.spark`) key every resource with :func:`patient_key`, bring a
patient's resources together, and hand them to :func:`assess_partition` or
:func:`assess_sorted`.  The grouping and spill machinery the FHIR reader uses for
NDJSON in any order lives here too (``grouping``, ``patient_runs``, ``spill``).
"""

# The FHIR reader groups NDJSON with this package's grouping and spill modules, and
# they read FHIR containers: importing legrules.fhir first, whole, settles that cycle in
# one order whichever of the two packages a caller imports first.
import legrules.fhir  # noqa: F401  (import order, see above)
from legrules.population.keys import bucket_of, patient_key
from legrules.population.partition import (
    Outcome,
    PatientResult,
    Resource,
    Unassigned,
    assess_partition,
    assess_sorted,
)

__all__ = [
    "Outcome",
    "PatientResult",
    "Resource",
    "Unassigned",
    "assess_partition",
    "assess_sorted",
    "bucket_of",
    "patient_key",
]
