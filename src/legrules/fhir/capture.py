"""Write a presentation as FHIR Observations, for apps that capture symptoms.

An app that asks a patient about their leg can store the answers in the EHR as plain
Observations; :func:`legrules.fhir.read_presentation` reads them back to the same
presentation.  Each finding and measurement becomes one Observation coded with
legrules' own finding code (always) and a standard code where the terminology map has
one.  Values: ``valueBoolean`` for present/absent, ``dataAbsentReason`` ``unknown`` for
unknown, ``valueQuantity`` in UCUM for measurements; laterality in ``bodySite``;
preliminary sources give status ``preliminary``.

Patient context: administrative sex goes in a Patient resource (``gender``).  Age is
written as an Observation with LOINC 30525-0 "Age" in UCUM years (``a``), dated at the
presentation's ``as_of``, not as a made-up birthDate: a whole-years age does not give a
birth date, and inventing one would be a guess.  The reader takes such an age only
when it was recorded at ``as_of`` (or undated); otherwise the age is left unknown with
a warning, since a birthday may have passed in between.  The symptom onset uses
legrules' own code ``onset`` with ``valueDateTime``.

What does not survive the round trip: a fact's source reference becomes the written
Observation (``Observation/<id>``); ``ignored`` is the reader's own output.
"""

from legrules.fhir.write.capture import presentation_bundle, presentation_resources

__all__ = ["presentation_bundle", "presentation_resources"]
