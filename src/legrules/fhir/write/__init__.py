"""Writing FHIR: assessments as transaction Bundles, presentations as Observations.

The public entry points are re-exported by :mod:`legrules.fhir` (and
:mod:`legrules.fhir.capture`); the modules here build one kind of resource each.
"""
