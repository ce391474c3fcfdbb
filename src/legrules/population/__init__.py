"""Whole populations: patient keys, grouping by patient, and the population runners.

Both runners (the embedded one, :mod:`legrules.population.embedded`, and the Spark one,
:mod:`legrules.population.spark`) key every resource with :func:`patient_key`, bring a
patient's resources together, and hand them to :func:`assess_partition` or
:func:`assess_sorted`.  Keys come from the FHIR reader's grouping
(``legrules.fhir.read.grouping``), which this package uses and never the reverse.
"""

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
