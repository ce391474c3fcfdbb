"""Which patient a resource belongs to, and which bucket a patient goes to.

Both runners and the reader agree on one key per patient: ``Patient/<id>``, found by
the FHIR reader's grouping (:func:`legrules.fhir.read.grouping.key_alone`): a Patient is keyed by
its own id; any other resource by its ``subject`` (or ``patient``) reference, with
absolute URLs and ``_history`` suffixes removed.  A bucket is chosen by
``zlib.crc32`` of the key, never by :func:`hash`, which changes between processes.
"""

from __future__ import annotations

import zlib
from typing import Any

from legrules.errors import InvalidValueError
from legrules.fhir.read.grouping import key_alone
from legrules.fhir.read.subjects import Unresolved

__all__ = ["bucket_of", "patient_key", "subject_of"]


def patient_key(resource: Any) -> str | None:
    """The patient *resource* belongs to, as ``Patient/<id>``, or ``None`` for none.

    ``None`` for anything that is not a resource, for a Patient without an id and for a
    resource with no subject (a Medication, a Practitioner, an Observation whose
    subject was left out): such resources are counted and reported by the runners,
    never silently dropped.  ``None`` too for a subject that names no Patient on its
    own (``Group/7``, a lower-case ``patient/7``, an identifier or a ``urn:uuid:`` only
    a whole Bundle could resolve): the runners list such a resource as ignored, with
    the reason ``subject_of`` gives, except an identifier that exactly one Patient of
    the input carries (``legrules.population.matching`` ties it to that Patient).

    >>> patient_key({"resourceType": "Observation",
    ...              "subject": {"reference": "https://ehr.example/fhir/Patient/7/_history/2"}})
    'Patient/7'
    >>> patient_key({"resourceType": "Patient", "id": "7"})
    'Patient/7'
    >>> patient_key({"resourceType": "Medication", "id": "m1"}) is None
    True
    """
    found = subject_of(resource)
    return found if isinstance(found, str) else None


def subject_of(resource: Any) -> str | Unresolved | None:
    """:func:`patient_key`, with the reason when a subject names no Patient on its own.

    An :class:`~legrules.fhir.read.subjects.Unresolved` for a resource whose ``subject``
    (or ``patient``) cannot be tied to a patient: the runners list it as ignored with
    that reason, as :func:`~legrules.fhir.read_presentations` does.
    """
    if resource.__class__ is not dict:
        return None
    rtype = resource.get("resourceType")
    if rtype.__class__ is not str or not rtype or rtype == "Bundle":
        return None
    return key_alone(resource)


def bucket_of(key: str, buckets: int) -> int:
    """The bucket (``0 <= bucket < buckets``) patient *key* goes to, the same everywhere."""
    if not isinstance(key, str):
        raise InvalidValueError(f"expected a patient key (str), got {type(key).__name__}", "key")
    if isinstance(buckets, bool) or not isinstance(buckets, int) or buckets < 1:
        raise InvalidValueError(f"expected a whole number, 1 or more, got {buckets!r}", "buckets")
    return zlib.crc32(key.encode()) % buckets
