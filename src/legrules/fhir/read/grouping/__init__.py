"""Grouping resources by patient: keys, in-memory groups, streamed runs and the spill.

This is the one place that decides which patient a resource belongs to and brings a
patient's resources together.  It sits inside the FHIR reader, below both of its
users: :func:`legrules.fhir.read_presentations` groups with it, and
:mod:`legrules.population` keys bulk lines with :func:`key_alone` (a package that uses
``fhir`` may import it; ``fhir`` never imports ``population``).

* ``by_patient``: keys (:func:`patient_key`, :func:`subject_key`, :func:`key_alone`),
  grouping in memory and handing loose resources to the patient the input is about;
* ``runs``: reading a stream of resources in runs of one patient;
* ``spill``: runs written to a private temporary file and read back patient by patient.
"""

from legrules.fhir.read.grouping.by_patient import (
    Group,
    Grouping,
    Medications,
    attach_loose,
    in_memory,
    key_alone,
    not_tied,
    patient_key,
    register,
    subject_key,
)
from legrules.fhir.read.grouping.runs import Part, Run, replay, runs
from legrules.fhir.read.grouping.spill import spilled

__all__ = [
    "Group",
    "Grouping",
    "Medications",
    "Part",
    "Run",
    "attach_loose",
    "in_memory",
    "key_alone",
    "not_tied",
    "patient_key",
    "register",
    "replay",
    "runs",
    "spilled",
    "subject_key",
]
