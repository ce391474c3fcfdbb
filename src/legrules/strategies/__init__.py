"""Hypothesis strategies for legrules' models and FHIR inputs (public API).

Research pipelines use these to check properties of the rules over generated
populations; integrations use them to test their own code against legrules.  Install
with the ``hypothesis`` extra (``pip install legrules[hypothesis]``).

>>> from hypothesis import HealthCheck, given, settings
>>> from legrules import assess
>>> from legrules.strategies import presentations
>>> @settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
... @given(presentations(meeting="redflag.possible-pe"))
... def test_possible_pe_is_an_emergency(p):
...     assert assess(p).disposition.value == "emergency"
>>> test_possible_pe_is_an_emergency()

Installing legrules also registers these strategies with hypothesis (through its
``hypothesis`` entry point), so ``st.from_type(Presentation)`` works in any project.

.. versionadded:: 0.1
"""

from __future__ import annotations

try:
    import hypothesis  # noqa: F401 - only to say what is missing, before the imports below
except ImportError:  # pragma: no cover - the test environment has hypothesis
    from legrules.errors import MissingExtraError

    raise MissingExtraError("hypothesis", "hypothesis", "legrules.strategies") from None

from legrules._hypothesis_plugin import _hypothesis_setup_hook
from legrules.strategies._fhir import fhir_conditions, fhir_observations, fhir_patients
from legrules.strategies._fhir_bundle import fhir_bundles
from legrules.strategies._model import (
    BOOLEAN_IDS,
    QUANTITY_IDS,
    datetimes,
    findings,
    labels,
    measurements,
    patients,
    policies,
    sources,
    values,
)
from legrules.strategies._presentations import presentations

__all__ = [
    "BOOLEAN_IDS",
    "QUANTITY_IDS",
    "datetimes",
    "fhir_bundles",
    "fhir_conditions",
    "fhir_observations",
    "fhir_patients",
    "findings",
    "labels",
    "measurements",
    "patients",
    "policies",
    "presentations",
    "sources",
    "values",
]


# Installed, legrules registers these through hypothesis' entry point; run the same hook
# here too, so that st.from_type(Presentation) also works from a source checkout.
_hypothesis_setup_hook()
