"""Reading FHIR resources (plain JSON) into presentations, one patient at a time.

The public entry points are re-exported by :mod:`legrules.fhir`; the modules here are
the reader's rooms: getting resources out of containers, reading each resource type,
and assembling one patient's facts.
"""
